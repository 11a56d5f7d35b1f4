"""The route in words: a table, an ordered list and a one-sentence summary, for reading instead of looking."""

from __future__ import annotations

import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings


def route_table(dataset: Dataset, tr: Strings) -> pd.DataFrame:
    """The route in travel order."""
    r = dataset.route
    return pd.DataFrame(
        {
            tr("story.col_step"): r["order"].astype(int),
            tr("story.col_country"): r["country"].map(tr.country),
            tr("story.col_leg"): r["title"],
            tr("story.col_how"): r["mode"].map(tr.mode),
            tr("story.col_distance"): r["length_km"].round(0).astype(int),
            "id": r["id"],
        }
    )


def route_list(dataset: Dataset, tr: Strings) -> list[str]:
    """The route as an ordered list of sentences: what a screen reader reads instead of the map."""
    return [
        tr(
            "route_map.route_list_item",
            title=seg["title"],
            country=tr.country(seg["country"]),
            mode=tr.mode(seg["mode"]).lower(),
            km=f"{seg['length_km']:,.0f}",
        )
        for _, seg in dataset.route.iterrows()
    ]


def route_summary(dataset: Dataset, tr: Strings) -> str:
    """One sentence describing the map, its text alternative."""
    r = dataset.route
    countries = [tr.country(c) for c in dict.fromkeys(r.loc[r["kind"] == "route", "country"])]
    ground = r.loc[r["kind"] != "flight", "length_km"].sum()
    flights = r.loc[r["kind"] == "flight", "length_km"].sum()
    listed = f"{', '.join(countries[:-1])} {tr('story.and')} {countries[-1]}"
    text = tr("story.summary", legs=len(r), countries=listed, ground=f"{ground:,.0f}")
    if flights:
        text += tr("story.summary_flight", flight=f"{flights:,.0f}")
    return text + tr("story.summary_end")
