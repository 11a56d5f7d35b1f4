"""Safety tiers: who may see an item, and what each output therefore leaves out.

Some of what a presenter knows may be said in the room but must not be posted or printed: a place
that would point at people still on the route, a quote given on condition it is not published. Each
place, quote, event and tour chapter carries ``share`` (blank means ``public``):

- ``public``: everywhere (the app, the audience site, the film);
- ``handout``: also on the printed handout, which stays with the people in the room;
- ``room``: only in the screening pack on the presenter's laptop, marked for the presenter.

``for_output`` is the one gate every writer passes its data through; ``leaks`` then reads the finished
output's text for any withheld item, so an item above the output's tier cannot ride along in a leg's
summary or a translation. A chapter's notes ride with their chapter; there are no images in ``data/``.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from geo import paths
from geo.data.dataset import Dataset
from geo.data.schema import Share

#: Lowest to highest: an output of a tier carries its tier and those below it.
TIERS: tuple[Share, ...] = ("public", "handout", "room")
#: The outputs and the highest tier each may carry. The app is open to anyone who has its address.
OUTPUT_TIERS: dict[str, Share] = {
    "app": "public",
    "site": "public",
    "film": "public",
    "handout": "handout",
    "pack": "room",
}
#: The tables that carry ``share``: (Dataset field, data file, the fields whose text identifies an item).
SHARED_TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("places", paths.PLACES, ("name",)),
    ("quotes", paths.QUOTES, ("text",)),
    ("events", paths.EVENTS, ("title", "label", "note")),
    ("tour", paths.TOUR, ("title", "text", "notes")),
)
#: Shorter texts ("Laos") are too common to tell whether an output names the item.
MIN_TELLING_CHARS = 8


#: The files of an output that hold text (the rest are images and fonts).
TEXT_SUFFIXES = (".html", ".js", ".json", ".css", ".svg", ".vtt", ".txt", ".webmanifest")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


class ShareError(Exception):
    """An output would carry an item above its tier; the message names the file, item and text."""


@dataclass(frozen=True)
class Withheld:
    """One item an output leaves out, and the texts by which it could be recognised there."""

    file: str
    id: str
    share: Share
    texts: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.file} {self.id!r} ({self.share})"


def rank(share: str) -> int:
    """A tier's place in ``TIERS``; blank is ``public``."""
    return TIERS.index(share or "public")


def highest(*shares: str) -> Share:
    """The highest of some tiers (blank is ``public``)."""
    return TIERS[max((rank(s) for s in shares), default=0)]


def allowed(share: str, output: str) -> bool:
    return rank(share) <= rank(OUTPUT_TIERS[output])


def _share_of(table: pd.DataFrame) -> pd.Series:
    if "share" not in table:
        return pd.Series("public", index=table.index)
    return table["share"].fillna("public").replace("", "public")


def withheld(
    dataset: Dataset, output: str, translated: Iterable[Callable[[str], str | None]] = ()
) -> list[Withheld]:
    """What ``output`` leaves out, file by file, in the data's order. ``translated`` (translators'
    ``get``, one per language written) adds each item's translations (``places.<id>.name``) to the
    texts it is recognised by: one entry per item, however many languages."""
    lookups = list(translated)
    out = []
    for field, file, text_fields in SHARED_TABLES:
        table = getattr(dataset, field)
        shares = _share_of(table)
        for index, share in shares.items():
            if allowed(share, output):
                continue
            row = table.loc[index]
            texts = [str(row[f]) for f in text_fields if f in row]
            texts += [get(f"{field}.{row['id']}.{f}") or "" for get in lookups for f in text_fields]
            telling = tuple(dict.fromkeys(t for t in texts if len(t) >= MIN_TELLING_CHARS))
            out.append(Withheld(file, str(row["id"]), share, telling))
    return out


def for_output(dataset: Dataset, output: str) -> Dataset:
    """The dataset as ``output`` may carry it: items above its tier dropped, and a chapter's quote
    cleared when the quote is withheld (the chapter itself may still be shown)."""
    if output not in OUTPUT_TIERS:
        raise ValueError(f"unknown output {output!r}: one of {', '.join(OUTPUT_TIERS)}")
    kept = {}
    for field, _, _ in SHARED_TABLES:
        table = getattr(dataset, field)
        keep = _share_of(table).map(lambda s: allowed(s, output))
        kept[field] = table[keep] if not keep.all() else table
    if not (gone := set(dataset.quotes["id"]) - set(kept["quotes"]["id"])):
        return dataclasses.replace(dataset, **kept)
    tour = kept["tour"].copy()
    tour.loc[tour["quote_id"].isin(gone), "quote_id"] = ""
    kept["tour"] = tour.reset_index(drop=True)
    return dataclasses.replace(dataset, **kept)


def readable(text: str) -> str:
    """Text as a reader would see it: JSON's ``\\u003c`` and HTML's ``&amp;`` undone, so an item is
    recognised however the output escaped it."""
    return html.unescape(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))


def texts_of(files: Mapping[str, bytes]) -> dict[str, str]:
    """The text files of an output (``{path: bytes}``), readable."""
    return {
        name: readable(content.decode("utf-8", "replace"))
        for name, content in files.items()
        if name.lower().endswith(TEXT_SUFFIXES)
    }


def leaks(output: str, texts: Mapping[str, str], items: Iterable[Withheld]) -> list[str]:
    """Where a withheld item's text appears in an output's files (``{name: text}``): one line each."""
    found = []
    for item in items:
        for name, content in texts.items():
            for text in item.texts:
                if text in content:
                    shown = text if len(text) <= 60 else text[:57] + "..."
                    found.append(
                        f"{output}: {name} carries {item.describe()}, not allowed above "
                        f"{OUTPUT_TIERS[output]}: {shown!r}"
                    )
                    break
    return found


def refuse_leaks(output: str, texts: Mapping[str, str], items: Iterable[Withheld]) -> None:
    """Raise ``ShareError`` (nothing is written) when the output's text names a withheld item."""
    if found := leaks(output, texts, items):
        raise ShareError(
            "\n".join(found) + f"\nerror: the {output} was not written: mark the text that names it "
            "with the same share, or reword it"
        )


def leaves_out(dataset: Dataset) -> dict[str, list[Withheld]]:
    """Per output, what it leaves out: for ``geo export --check`` and the editor."""
    return {output: withheld(dataset, output) for output in OUTPUT_TIERS}


def left_out_line(dataset: Dataset, output: str) -> str | None:
    """``the site leaves out 2 items above public: places.geojson 'x' (room), …``, or None."""
    items = withheld(dataset, output)
    if not items:
        return None
    shown = ", ".join(item.describe() for item in items[:6]) + (", …" if len(items) > 6 else "")
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    return f"the {output} leaves out {count} above {OUTPUT_TIERS[output]}: {shown}"


def report(dataset: Dataset) -> list[str]:
    """Every output's tier and what it leaves out, a line each (``geo export --check``)."""
    lines = []
    for output, tier in OUTPUT_TIERS.items():
        lines.append(left_out_line(dataset, output) or f"the {output} carries everything ({tier} and below)")
    return lines
