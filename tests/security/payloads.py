"""Hostile text in a copy of ``data/``: every free-text field of every data file, every catalogue string.

Each planted value is payload pieces (template syntax of every kind, HTML,
Markdown, a spreadsheet formula) followed by a marker ``⟦n⟧`` that names it,
so that a test can find each value wherever it is shown and check that all of
it is shown, as written. A formula comes first where it fits, so a CSV cell
starts with it. Length limits of the schema are respected (long fields get
every piece, short ones a share, until each has had every piece), so the files still pass validation
and reach the app. Catalogue strings keep their text and ``{placeholders}``
after the payload; their braces are doubled, because the app fills them in
(``geo.story.i18n.fill``), so what is *shown* is the same template syntax.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo import paths
from geo.story.i18n import LANGUAGES, TRANSLATABLE, flatten

#: What an attacker writes, in the order planted (a formula must start the cell to be one).
PIECES: dict[str, str] = {
    "formula": '=HYPERLINK("http://x","y")',
    "rce": "{{cycler.__init__.__globals__.os.mkdir(dict(rtpwned=1)|first)}}",
    "expression": "{{ 7*7 }}",
    "pid": "pid={{cycler.__init__.__globals__.os.getpid()}}",
    "statement": "{% if 1 %}T{% endif %}",
    "comment": "{# c #}",
    "unbalanced": "}} {{ {% {#",
    "quoted": "{{ 'x' }}",
    "img": "<img src=x onerror=alert(1)>",
    "script": "</script><script>window.__pwned=1</script>",
    "markdown": "**bold** _i_ [link](http://example.com) :red[red]",
    "image": "![img](http://example.com/x.png) $x^2$ www.example.com",
    # What Streamlit's frontend turns into an icon, an image, an emoji, an arrow and a mailto: link.
    "shortcodes": ":material/map: :streamlit: :smile: -> a@b.co",
}
#: The same code in fewer characters, for fields too short for ``rce``.
RCE_SHORT = "{{cycler.__init__.__globals__.os.mkdir('rtpwned')}}"
#: The directory a template evaluated in the working directory would create.
RCE_DIR = "rtpwned"
MARKER = re.compile(r"⟦(\d+)⟧")

#: Free-text fields: (file, field) → the schema's length limit (None: unlimited).
FIELDS: dict[tuple[str, str], int | None] = {
    (paths.ROUTE, "title"): 90,
    (paths.ROUTE, "summary"): 600,
    (paths.PLACES, "name"): None,
    (paths.COUNTRIES, "name"): None,
    (paths.SOURCES, "outlet"): None,
    (paths.SOURCES, "title"): None,
    (paths.SOURCES, "author"): None,
    (paths.SOURCES, "note"): None,
    (paths.QUOTES, "speaker"): None,
    (paths.QUOTES, "role"): None,
    (paths.QUOTES, "text"): 600,
    (paths.QUOTES, "context"): None,
    (paths.COSTS, "per"): None,
    (paths.COSTS, "period"): None,
    (paths.COSTS, "note"): None,
    (paths.FIGURES, "label"): None,
    (paths.FIGURES, "period"): None,
    (paths.FIGURES, "note"): None,
    (paths.EVENTS, "title"): None,
    (paths.EVENTS, "note"): None,
    (paths.TOUR, "title"): 60,
    (paths.TOUR, "text"): 320,
    (paths.CLAIMS, "figure"): 120,
    (paths.CLAIMS, "measures"): 300,
    (paths.CLAIMS, "when"): 80,
    (paths.CLAIMS, "quote"): 600,
    (paths.CLAIMS, "note"): None,
    (paths.ARRIVALS, "note"): None,
}


def payload(limit: int | None, room: int, used: set[str]) -> tuple[str, list[str]]:
    """Pieces joined by spaces within ``limit - room`` characters: the formula first in a field's first
    record (a CSV cell that is one), then the pieces this field has not had yet, then the others."""
    names = list(PIECES)
    if limit is None:
        return " ".join(PIECES.values()), names
    order = sorted(names, key=lambda n: (n != "formula" or bool(used), n in used, names.index(n)))
    chosen: list[str] = []
    text = ""
    for name in order:
        for piece in (PIECES[name], RCE_SHORT) if name == "rce" else (PIECES[name],):
            candidate = f"{text} {piece}" if text else piece
            if len(candidate) <= limit - room:
                text, chosen = candidate, [*chosen, name]
                break
    return text, chosen


@dataclass
class Planted:
    """A data folder with payloads in it, and what the app must show for each marker."""

    data_dir: Path
    #: Marker number → the text that must be shown, as written (payload and marker).
    shown: dict[int, str]
    #: Marker number → where it was planted: ``route.geojson:laos-jungle:title``, ``i18n/ko.toml:nav.editor``.
    where: dict[int, str]
    #: (file, record id, field) → the planted value.
    fields: dict[tuple[str, str, str], str]
    #: (file, field) → the pieces that field got, over all its records.
    pieces: dict[tuple[str, str], set[str]]

    def markers(self, prefix: str) -> set[int]:
        return {n for n, where in self.where.items() if where.startswith(prefix)}


class _Planter:
    def __init__(self, data_dir: Path) -> None:
        self.planted = Planted(data_dir, {}, {}, {}, {})

    def value(self, file: str, record: str, field: str, limit: int | None, *, braces: bool = False) -> str:
        n = len(self.planted.shown) + 1
        marker = f"⟦{n}⟧"
        text, chosen = payload(limit, len(marker) + 1, self.planted.pieces.get((file, field), set()))
        self.planted.shown[n] = f"{text} {marker}"
        self.planted.where[n] = f"{file}:{record}:{field}"
        self.planted.pieces.setdefault((file, field), set()).update(chosen)
        planted = f"{text} {marker}"
        if braces:
            planted = planted.replace("{", "{{").replace("}", "}}")
        return planted


def _features(obj: dict) -> Iterator[tuple[str, dict]]:
    for feature in obj["features"]:
        props = feature["properties"]
        yield str(props.get("id") or props.get("name")), props


def _plant_geojson(planter: _Planter, name: str) -> None:
    path = planter.planted.data_dir / name
    obj = json.loads(path.read_text(encoding="utf-8"))
    for record, props in _features(obj):
        for (file, field), limit in FIELDS.items():
            if file == name and field in props:
                props[field] = planter.value(file, record, field, limit)
                planter.planted.fields[(file, record, field)] = props[field]
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def _plant_csv(planter: _Planter, name: str) -> None:
    path = planter.planted.data_dir / name
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    columns = list(rows[0])
    for row in rows:
        for (file, field), limit in FIELDS.items():
            if file == name and field in row:
                record = row.get("id") or row["year"]
                row[field] = planter.value(file, record, field, limit)
                planter.planted.fields[(file, record, field)] = row[field]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


#: Catalogue keys that translate data (``route.<id>.title``): text, not filled in, so braces stay single.
_DATA_KEY = re.compile(rf"^({'|'.join(TRANSLATABLE)})\.[a-z0-9-]+\.[a-z_]+$")


def toml_dump(flat: dict[str, str]) -> str:
    """A flat ``{"a.b": "text"}`` as TOML (dotted keys, basic strings: JSON's escapes are TOML's)."""
    lines = []
    for key, value in flat.items():
        dotted = ".".join(json.dumps(part, ensure_ascii=False) for part in key.split("."))
        lines.append(f"{dotted} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _plant_catalogue(planter: _Planter, lang: str) -> None:
    path = planter.planted.data_dir / "i18n" / f"{lang}.toml"
    catalogue = flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    planted = {}
    for key, original in catalogue.items():
        data_key = bool(_DATA_KEY.match(key))
        value = planter.value(f"i18n/{lang}.toml", key, "", None, braces=not data_key)
        # Data translations replace the data; interface strings keep their own words and placeholders.
        planted[key] = value if data_key else f"{value} {original}"
    path.write_text(toml_dump(planted), encoding="utf-8")


def plant(target: Path) -> Planted:
    """Copy ``data/`` to ``target`` and plant payloads in every free-text field and catalogue string."""
    shutil.copytree(paths.DATA_DIR, target, ignore=shutil.ignore_patterns(".backups"))
    planter = _Planter(target)
    for name in (paths.ROUTE, paths.PLACES, paths.COUNTRIES):
        _plant_geojson(planter, name)
    for name in (
        paths.SOURCES,
        paths.QUOTES,
        paths.COSTS,
        paths.FIGURES,
        paths.EVENTS,
        paths.TOUR,
        paths.CLAIMS,
        paths.ARRIVALS,
    ):
        _plant_csv(planter, name)
    for lang in LANGUAGES:
        _plant_catalogue(planter, lang)
    return planter.planted
