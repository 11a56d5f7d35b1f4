"""What the map says in words when a leg is chosen: read out by screen readers (an ``aria-live``
region in ``static/map/route-story.js``), the same sentences in the app, the pack and the site.

A sentence names the leg, where it runs from and to (the route's own places nearest its ends, never
anything finer), its length and how it was travelled, and who is quoted about it.
"""

from __future__ import annotations

import shapely

from geo.data.dataset import Dataset
from geo.story.i18n import Strings
from geo.story.route_text import route_summary

#: A place this near a leg's end (in degrees) names that end; farther off, the leg's country does.
END_PLACE_DEGREES = 0.8


def _lower_first(text: str) -> str:
    """ "By boat" reads "by boat" inside a sentence (a no-op for Korean)."""
    return text[:1].lower() + text[1:]


def end_name(dataset: Dataset, point: shapely.Point, fallback: str) -> str:
    """The route's place nearest ``point`` (rivers are not places one arrives at), or ``fallback``."""
    places = dataset.places[dataset.places["role"] != "river"]
    if places.empty:
        return fallback
    # Degrees, on purpose: only "near or not" matters, and it needs no projection.
    distances = shapely.distance(places.geometry.to_numpy(), point)
    nearest = int(distances.argmin())
    return places.iloc[nearest]["name"] if distances[nearest] <= END_PLACE_DEGREES else fallback


def leg_sentence(dataset: Dataset, segment_id: str, tr: Strings) -> str:
    seg = dataset.segment(segment_id)
    if seg is None:
        return ""
    coords = list(seg.geometry.coords)
    country = tr.country(seg["country"])
    sentence = tr(
        "map.speak_leg",
        number=int(seg["order"]),
        total=len(dataset.route),
        title=seg["title"],
        start=end_name(dataset, shapely.Point(coords[0]), country),
        end=end_name(dataset, shapely.Point(coords[-1]), country),
        km=f"{seg['length_km']:,.0f}",
        mode=_lower_first(tr.mode(seg["mode"])),
    )
    speakers = list(dict.fromkeys(dataset.quotes_for(segment_id)["speaker"]))
    if speakers:
        sentence += " " + tr("map.speak_quotes", speakers=", ".join(speakers))
    return sentence


def speech(dataset: Dataset, tr: Strings) -> dict[str, str]:
    """``{segment id: sentence}`` and ``{"": the whole route's}``, for the map's spec. The whole route
    is said as the map's own text alternative, so both say the same."""
    return {"": route_summary(dataset, tr)} | {
        segment_id: leg_sentence(dataset, segment_id, tr) for segment_id in dataset.route["id"]
    }
