"""The text side of the dashboard: headline figures, quotes, the route as a table, source use.

Pure functions over a ``Dataset``, so each page only lays out what these return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.load import Dataset
from geo.mapview import MODE_LABELS


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    #: Where the number comes from, shown on hover.
    help: str


def _sources_text(dataset: Dataset, source_ids: Iterable[str]) -> str:
    return "; ".join(dataset.source_label(s) for s in source_ids)


def headline_figures(dataset: Dataset) -> list[Headline]:
    """Headline numbers, each with its sources. Missing figures are left out, never invented."""
    figures = dataset.figures
    out = []

    def fig(fid: str) -> pd.Series | None:
        return figures.loc[fid] if fid in figures.index else None

    total = fig("rescued-total")
    if total is not None:
        qualifier = "+" if total["qualifier"] == "more than" else ""
        out.append(
            Headline(
                f"Rescued, {total['period']}",
                f"{total['value']:,}{qualifier}",
                f"{total['note']} Sources: {_sources_text(dataset, total['source_ids'])}",
            )
        )
    since = fig("rescued-post-covid")
    if since is not None:
        out.append(
            Headline(
                f"Rescued {since['period'].split(' (')[0]}",
                f"{since['value']:,}",
                f"{since['note']} Sources: {_sources_text(dataset, since['source_ids'])}",
            )
        )
    before, after = fig("cost-pre-covid"), fig("cost-post-covid")
    change = cost_change(dataset)
    if before is not None and after is not None and change is not None:
        out.append(
            Headline(
                "Cost of one rescue, before → after COVID",
                f"${before['value']:,} → ${after['value']:,}",
                f"{change} Sources: " + _sources_text(dataset, [*before["source_ids"], *after["source_ids"]]),
            )
        )
    return out


def cost_change(dataset: Dataset) -> str | None:
    """The cost of one rescue before and after the pandemic, in words, from ``figures.csv``."""
    figures = dataset.figures
    if not {"cost-pre-covid", "cost-post-covid"} <= set(figures.index):
        return None
    parts = []
    for fid in ("cost-pre-covid", "cost-post-covid"):
        row = figures.loc[fid]
        qualifier = f"{row['qualifier']} " if row["qualifier"] else ""
        parts.append(f"{qualifier}${row['value']:,}")
    return f"{parts[0].capitalize()} per person before the pandemic, {parts[1]} after it."


def route_table(dataset: Dataset) -> pd.DataFrame:
    """The route in travel order, for reading instead of looking at the map."""
    r = dataset.route
    return pd.DataFrame(
        {
            "Step": r["order"].astype(int),
            "Country": r["country"],
            "Leg": r["title"],
            "How": r["mode"].map(lambda m: MODE_LABELS.get(m, m)),
            "Distance (km)": r["length_km"].round(0).astype(int),
            "id": r["id"],
        }
    )


def route_summary(dataset: Dataset) -> str:
    """One sentence describing the map, its text alternative."""
    r = dataset.route
    countries = list(dict.fromkeys(r.loc[r["kind"] == "route", "country"]))
    ground = r.loc[r["kind"] != "flight", "length_km"].sum()
    flights = r.loc[r["kind"] == "flight", "length_km"].sum()
    text = (
        f"Map of the escape route in {len(r)} legs through {', '.join(countries[:-1])} and "
        f"{countries[-1]}: about {ground:,.0f} km on the ground"
    )
    if flights:
        text += f", then a flight of about {flights:,.0f} km to Seoul"
    return text + ". All legs are illustrative, at region or city level."


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


def quote_citation(dataset: Dataset, quote: pd.Series) -> str:
    role = f", {quote['role']}" if quote["role"] else ""
    context = f" ({quote['context']})" if quote["context"] else ""
    return f"{quote['speaker']}{role}{context}. Source: {dataset.source_label(quote['source_id'])}"


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
