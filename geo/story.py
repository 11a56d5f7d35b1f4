"""The text side of the dashboard: headline figures, quotes, the route as a table, source use.

Pure functions over a ``Dataset``, so each page only lays out what these return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.i18n import Strings, strings
from geo.load import Dataset


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    #: Where the number comes from, shown on hover.
    help: str


def _sources_text(dataset: Dataset, source_ids: Iterable[str]) -> str:
    return "; ".join(dataset.source_label(s) for s in source_ids)


def headline_figures(dataset: Dataset, s: Strings | None = None) -> list[Headline]:
    """Headline numbers, each with its sources. Missing figures are left out, never invented."""
    s = s or strings()
    figures = dataset.figures
    out = []
    cite = s("story.sources_prefix")

    def fig(fid: str) -> pd.Series | None:
        return figures.loc[fid] if fid in figures.index else None

    total = fig("rescued-total")
    if total is not None:
        qualifier = "+" if total["qualifier"] == "more than" else ""
        out.append(
            Headline(
                s("story.rescued_total", period=total["period"]),
                f"{total['value']:,}{qualifier}",
                f"{total['note']} {cite} {_sources_text(dataset, total['source_ids'])}",
            )
        )
    since = fig("rescued-post-covid")
    if since is not None:
        out.append(
            Headline(
                s("story.rescued_since", period=since["period"].split(" (")[0]),
                f"{since['value']:,}",
                f"{since['note']} {cite} {_sources_text(dataset, since['source_ids'])}",
            )
        )
    before, after = fig("cost-pre-covid"), fig("cost-post-covid")
    change = cost_change(dataset, s)
    if before is not None and after is not None and change is not None:
        out.append(
            Headline(
                s("story.cost_headline"),
                f"${before['value']:,} → ${after['value']:,}",
                f"{change} {cite} " + _sources_text(dataset, [*before["source_ids"], *after["source_ids"]]),
            )
        )
    return out


def cost_change(dataset: Dataset, s: Strings | None = None) -> str | None:
    """The cost of one rescue before and after the pandemic, in words, from ``figures.csv``."""
    s = s or strings()
    figures = dataset.figures
    qualifiers = {"about": s("story.about"), "more than": s("story.more_than")}
    if not {"cost-pre-covid", "cost-post-covid"} <= set(figures.index):
        return None
    parts = []
    for fid in ("cost-pre-covid", "cost-post-covid"):
        row = figures.loc[fid]
        qualifier = f"{qualifiers.get(row['qualifier'], row['qualifier'])} " if row["qualifier"] else ""
        parts.append(f"{qualifier}${row['value']:,}")
    text = s("story.cost_change", before=parts[0], after=parts[1])
    return text[:1].upper() + text[1:]


def route_table(dataset: Dataset, s: Strings | None = None) -> pd.DataFrame:
    """The route in travel order, for reading instead of looking at the map."""
    s = s or strings()
    r = dataset.route
    return pd.DataFrame(
        {
            s("story.col_step"): r["order"].astype(int),
            s("story.col_country"): r["country"].map(s.country),
            s("story.col_leg"): r["title"],
            s("story.col_how"): r["mode"].map(s.mode),
            s("story.col_distance"): r["length_km"].round(0).astype(int),
            "id": r["id"],
        }
    )


def route_list(dataset: Dataset, s: Strings | None = None) -> list[str]:
    """The route as an ordered list of sentences: what a screen reader reads instead of the map."""
    s = s or strings()
    return [
        s(
            "route_map.route_list_item",
            title=seg["title"],
            country=s.country(seg["country"]),
            mode=s.mode(seg["mode"]).lower(),
            km=f"{seg['length_km']:,.0f}",
        )
        for _, seg in dataset.route.iterrows()
    ]


def route_summary(dataset: Dataset, s: Strings | None = None) -> str:
    """One sentence describing the map, its text alternative."""
    s = s or strings()
    r = dataset.route
    countries = [s.country(c) for c in dict.fromkeys(r.loc[r["kind"] == "route", "country"])]
    ground = r.loc[r["kind"] != "flight", "length_km"].sum()
    flights = r.loc[r["kind"] == "flight", "length_km"].sum()
    listed = f"{', '.join(countries[:-1])} {s('story.and')} {countries[-1]}"
    text = s("story.summary", legs=len(r), countries=listed, ground=f"{ground:,.0f}")
    if flights:
        text += s("story.summary_flight", flight=f"{flights:,.0f}")
    return text + s("story.summary_end")


def filter_quotes(
    dataset: Dataset, *, speakers: Iterable[str] = (), segment_id: str | None = None
) -> pd.DataFrame:
    q = dataset.quotes
    speakers = list(speakers)
    if speakers:
        q = q[q["speaker"].isin(speakers)]
    if segment_id:
        q = q[q["segment_id"] == segment_id]
    return q


def quote_citation(dataset: Dataset, quote: pd.Series, s: Strings | None = None) -> str:
    s = s or strings()
    role = f", {quote['role']}" if quote["role"] else ""
    context = f" ({quote['context']})" if quote["context"] else ""
    return (
        f"{quote['speaker']}{role}{context}. {s('story.source')} {dataset.source_label(quote['source_id'])}"
    )


#: What each source can be cited for: (label, Dataset table, column holding its source ids).
SOURCE_USES: tuple[tuple[str, str, str], ...] = (
    ("Quotes", "quotes", "source_id"),
    ("Route legs", "route", "sources"),
    ("Places", "places", "sources"),
    ("Costs", "costs", "source_ids"),
    ("Figures", "figures", "source_ids"),
    ("Dates", "events", "source_ids"),
)


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """For each source, what the app takes from it, so every shown fact can be traced."""
    rows = []
    for sid, src in dataset.sources.iterrows():
        uses = {
            label: int(
                getattr(dataset, table)[column]
                .apply(lambda cited, i=sid: i == cited if isinstance(cited, str) else i in cited)
                .sum()
            )
            for label, table, column in SOURCE_USES
        }
        rows.append(
            {
                "id": sid,
                "Outlet": src["outlet"],
                "Title": src["title"],
                "Author": src["author"],
                "Date": src["date"],
                **uses,
                "Note": src["note"],
            }
        )
    return pd.DataFrame(rows)
