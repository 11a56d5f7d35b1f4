"""One leg of the route as the side panel tells it: title, facts, story, quotes, sources, neighbours."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings


def leg_titles(dataset: Dataset) -> dict[str, str]:
    """``{id: "6. Night trek through the jungle into Laos"}`` in travel order."""
    return {seg["id"]: f"{int(seg['order'])}. {seg['title']}" for _, seg in dataset.route.iterrows()}


def leg_facts(segment: pd.Series, tr: Strings) -> str:
    """``Laos · On foot · about 211 km · illustrative, region or city level``."""
    facts = [
        tr.country(segment["country"]),
        tr.mode(segment["mode"]),
        tr("route_map.about_km", km=f"{segment['length_km']:,.0f}"),
    ]
    if segment["illustrative"]:
        facts.append(tr("route_map.illustrative"))
    return " · ".join(facts)


@dataclass(frozen=True)
class Leg:
    id: str
    title: str
    facts: str
    summary: str
    quotes: pd.DataFrame
    sources: list[str]
    previous_id: str | None
    next_id: str | None


def leg(dataset: Dataset, segment_id: str, tr: Strings) -> Leg | None:
    """The story of one leg, or None for an id that is not on the route."""
    seg = dataset.segment(segment_id)
    if seg is None:
        return None
    ids = list(dataset.route["id"])
    position = ids.index(segment_id)
    return Leg(
        id=segment_id,
        title=leg_titles(dataset)[segment_id],
        facts=leg_facts(seg, tr),
        summary=seg["summary"],
        quotes=dataset.quotes_for(segment_id),
        sources=[dataset.source_label(sid) for sid in seg["sources"]],
        previous_id=ids[position - 1] if position > 0 else None,
        next_id=ids[position + 1] if position + 1 < len(ids) else None,
    )


def all_legs(dataset: Dataset, tr: Strings) -> dict[str, Leg]:
    """Every leg's story, in travel order: built once per data version and language by the app's cache."""
    return {segment_id: leg(dataset, segment_id, tr) for segment_id in dataset.route["id"]}
