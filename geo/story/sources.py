"""Sources: what the app takes from each one, so every fact on screen can be traced and opened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.data.dataset import Dataset
from geo.data.rules import WEB_ADDRESS
from geo.story.i18n import Strings

#: What each source can be cited for: (label, Dataset table, column holding its source ids).
#: The label is also the key of its name in the catalogues (``sources_page.<label>``).
SOURCE_USES: tuple[tuple[str, str, str], ...] = (
    ("Quotes", "quotes", "source_id"),
    ("Route legs", "route", "sources"),
    ("Places", "places", "sources"),
    ("Costs", "costs", "source_ids"),
    ("Figures", "figures", "source_ids"),
    ("Dates", "events", "source_ids"),
    ("Arrivals", "arrivals", "source_ids"),
    ("Claims", "claims", "source_ids"),
)


@dataclass(frozen=True)
class SourceLink:
    """A source as a link: the outlet to show, its date, and its web address (None: it has none)."""

    id: str
    outlet: str
    date: str
    url: str | None
    #: The full citation (outlet, title, author, date), for a tooltip or a screen reader.
    citation: str


def safe_url(url: object) -> str | None:
    """The address when it is a plain http(s) web address, else None (shown as text, never linked)."""
    return url if isinstance(url, str) and WEB_ADDRESS.match(url) else None


def source_links(dataset: Dataset, source_ids: Iterable[str]) -> tuple[SourceLink, ...]:
    """The sources behind a fact, in the order cited; ids that are not in the data are skipped."""
    links = []
    for sid in source_ids:
        if sid not in dataset.sources.index:
            continue
        src = dataset.sources.loc[sid]
        links.append(
            SourceLink(sid, src["outlet"], src["date"], safe_url(src["url"]), dataset.source_label(sid))
        )
    return tuple(links)


def _cites(cited: object, source_id: str) -> bool:
    return source_id == cited if isinstance(cited, str) else source_id in cited


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """For each source, how many records of each kind cite it."""
    rows = []
    for sid, src in dataset.sources.iterrows():
        uses = {
            label: int(getattr(dataset, table)[column].apply(_cites, source_id=sid).sum())
            for label, table, column in SOURCE_USES
        }
        rows.append(
            {
                "id": sid,
                "Outlet": src["outlet"],
                "Title": src["title"],
                "Author": src["author"],
                "Date": src["date"],
                # "" not None: pandas stores a missing string as NaN, which is truthy.
                "URL": safe_url(src["url"]) or "",
                **uses,
                "Note": src["note"],
            }
        )
    return pd.DataFrame(rows)


def use_count(n: int, label: str, tr: Strings) -> str:
    """``1 quote``, ``12 quotes`` (``인용문 12건``): ``sources_page.<label>_one`` names one of a kind."""
    what = tr(f"sources_page.{label}_one" if n == 1 else f"sources_page.{label}")
    return tr("sources_page.use_count", n=n, what=what)


def uses_text(usage_row: pd.Series, tr: Strings) -> str:
    """``12 quotes, 3 route legs`` for one row of ``source_usage``; ``nothing yet`` when unused."""
    uses = [use_count(n, label, tr) for label, _, _ in SOURCE_USES if (n := int(usage_row[label]))]
    return ", ".join(uses) if uses else tr("sources_page.nothing_yet")


# ------------------------------------------------------------------------------------------ every claim


@dataclass(frozen=True)
class Cited:
    """One thing the app states, with the sources behind it."""

    text: str
    sources: tuple[SourceLink, ...]
    #: What goes with it: a note on the figure, the leg's summary, the words quoted (as published).
    detail: str = ""


@dataclass(frozen=True)
class CitedGroup:
    id: str
    title: str
    items: tuple[Cited, ...]


def amount(value: int, unit: str, tr: Strings) -> str:
    """``$3,000``, ``12,000 km``, ``1,000 people`` in the page's language."""
    number = f"{value:,}"
    key = f"sources_page.unit_{unit}"
    if unit == "USD":
        return f"${number}"
    return tr(key, n=number) if key in tr.fallback else f"{number} {unit}"


def _figures(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    qualifiers = {"about": tr("story.about"), "more than": tr("story.more_than")}
    out = []
    for _, fig in dataset.figures.iterrows():
        value = amount(int(fig["value"]), fig["unit"], tr)
        if fig["qualifier"]:
            value = f"{qualifiers.get(fig['qualifier'], fig['qualifier'])} {value}"
        text = tr("sources_page.figure_item", label=fig["label"], value=value)
        period = f" ({fig['period']})" if fig["period"] else ""
        out.append(Cited(text + period, source_links(dataset, fig["source_ids"]), fig["note"]))
    return tuple(out)


def _costs(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    key = {True: "sources_page.cost_item_about", False: "sources_page.cost_item"}
    return tuple(
        Cited(
            tr(key[bool(c["approximate"])], amount=f"{c['amount_usd']:,}", period=c["period"]),
            source_links(dataset, c["source_ids"]),
            c["note"],
        )
        for _, c in dataset.costs.iterrows()
    )


def _events(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    out = []
    for _, ev in dataset.events.iterrows():
        when = ev["date"] + (f" {tr('chart.to')} {ev['date_end']}" if ev["date_end"] else "")
        if ev["approximate"]:
            when = tr("sources_page.about_date", date=when)
        out.append(Cited(f"{when}: {ev['title']}", source_links(dataset, ev["source_ids"]), ev["note"]))
    return tuple(out)


def _arrivals(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    return tuple(
        Cited(
            tr("sources_page.arrival_item", year=row["year"], count=f"{row['count']:,}"),
            source_links(dataset, row["source_ids"]),
            row["note"],
        )
        for _, row in dataset.arrivals.iterrows()
    )


def _claims(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    return tuple(
        Cited(
            f"{c['figure']}: {c['measures']} ({c['when']})",
            source_links(dataset, c["source_ids"]),
            c["quote"],
        )
        for _, c in dataset.claims.iterrows()
    )


def _legs(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    return tuple(
        Cited(f"{int(seg['order'])}. {seg['title']}", source_links(dataset, seg["sources"]), seg["summary"])
        for _, seg in dataset.route.iterrows()
    )


def _quotes(dataset: Dataset, tr: Strings) -> tuple[Cited, ...]:
    return tuple(
        Cited(q["speaker"], source_links(dataset, [q["source_id"]]), q["text"])
        for _, q in dataset.quotes.iterrows()
    )


#: The groups of ``every_claim``, in the order the Sources page lists them: (id, builder).
_GROUPS = (
    ("figures", _figures),
    ("costs", _costs),
    ("claims", _claims),
    ("arrivals", _arrivals),
    ("events", _events),
    ("legs", _legs),
    ("quotes", _quotes),
)


def every_claim(dataset: Dataset, tr: Strings) -> list[CitedGroup]:
    """Every number, date, leg and quote the app shows, each with the sources behind it."""
    return [
        CitedGroup(group, tr(f"sources_page.group_{group}"), build(dataset, tr)) for group, build in _GROUPS
    ]
