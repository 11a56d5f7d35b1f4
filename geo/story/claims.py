"""The claims ledger: where sources disagree, each source's figure beside what it measures and when.

Claims come from ``data/claims.csv``, grouped by topic in a fixed order. The
route's length also gets this map's own measurement, computed from the route
data with ``geo.data.measure``: it is labelled as this map's, never as a
source's claim, and it has no source to link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from geo.data.dataset import Dataset
from geo.data.measure import segment_lengths_km
from geo.data.schema import ClaimTopic
from geo.story.i18n import Strings
from geo.story.sources import SourceLink, source_links

#: The ledger's topics in the order they are shown.
TOPICS: tuple[str, ...] = get_args(ClaimTopic)


@dataclass(frozen=True)
class Claim:
    id: str
    figure: str
    measures: str
    when: str
    note: str
    #: The source's own words, as published and in their language.
    quote: str
    sources: tuple[SourceLink, ...]
    #: This map's own measurement, from the route data: no source, nothing quoted.
    measured: bool = False


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    #: One sentence on why these figures differ.
    intro: str
    claims: tuple[Claim, ...]


def _km(value: float) -> str:
    """Kilometres to the nearest ten: the legs are drawn at region or city level, not to the metre."""
    return f"{round(value, -1):,.0f}"


def measured_lengths(dataset: Dataset, tr: Strings) -> tuple[Claim, ...]:
    """This map's route, measured: on the ground, by air, and in all."""
    route = dataset.route
    lengths = segment_lengths_km(route)
    flight = float(lengths[route["kind"] == "flight"].sum())
    ground = float(lengths.sum()) - flight
    parts = [("ground", ground), ("flight", flight), ("total", ground + flight)]
    return tuple(
        Claim(
            id=f"measured-{part}",
            figure=tr(f"claims.measured_{part}", km=_km(km)),
            measures=tr(f"claims.measured_{part}_measures"),
            when=tr("claims.measured_when"),
            note="",
            quote="",
            sources=(),
            measured=True,
        )
        for part, km in parts
        if km > 0
    )


def _claim(dataset: Dataset, row) -> Claim:
    return Claim(
        id=row["id"],
        figure=row["figure"],
        measures=row["measures"],
        when=row["when"],
        note=row["note"],
        quote=row["quote"],
        sources=source_links(dataset, row["source_ids"]),
    )


def ledger(dataset: Dataset, tr: Strings, topic: str | None = None) -> list[Topic]:
    """The ledger by topic (all topics, or only ``topic``); topics with nothing to show are left out."""
    out = []
    for topic_id in TOPICS if topic is None else [t for t in TOPICS if t == topic]:
        rows = dataset.claims[dataset.claims["topic"] == topic_id]
        claims = tuple(_claim(dataset, row) for _, row in rows.iterrows())
        if topic_id == "length":
            claims += measured_lengths(dataset, tr)
        if claims:
            out.append(
                Topic(topic_id, tr(f"claims.topic_{topic_id}"), tr(f"claims.intro_{topic_id}"), claims)
            )
    return out
