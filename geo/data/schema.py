"""The shape of every record in ``data/``, as pydantic models.

Why pydantic: the rules (required, types, allowed values, id format) read as
declarations, and its error records carry the field path we report to
maintainers. GeoJSON properties are checked strictly (``"1"`` is not an
``order``); CSV cells are always text, so CSV rows are parsed leniently.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

COUNTRY_NAMES = ("North Korea", "China", "Vietnam", "Laos", "Thailand", "South Korea")
Country = Literal["North Korea", "China", "Vietnam", "Laos", "Thailand", "South Korea"]
#: How a leg was travelled. ``overland`` when the sources say only that it was by land.
Mode = Literal["on foot", "car", "boat", "flight", "overland", "unknown"]
#: ``symbolic`` and ``flight`` legs are drawn dashed and skip the country check.
SegmentKind = Literal["route", "symbolic", "flight"]
PlaceRole = Literal["start", "waypoint", "border zone", "processing", "destination", "river"]
#: Whether the map names a place without hovering: "always" for the places the story turns on
#: (kept even when labels crowd), "if room" for the rest, "never" to leave it to the tooltip.
PlaceLabel = Literal["always", "if room", "never"]
Precision = Literal["year", "month", "day"]
#: Who may see an item (``geo.data.share``): everyone, also the printed handout, or only the room.
Share = Literal["public", "handout", "room"]
#: What a claim in ``claims.csv`` is about; each topic is one group of the ledger.
ClaimTopic = Literal["cost", "rescued", "length", "names"]

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG, max_length=60)]
OptionalSlug = Annotated[str, StringConstraints(pattern=rf"(?:{SLUG})|^$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]


def _split_ids(value: object) -> object:
    """CSV cells list several ids as ``cbn;yahoo``."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


SourceIdList = Annotated[list[Slug], BeforeValidator(_split_ids), Field(min_length=1)]

#: A whole number as people write it in a CSV cell: ``1047`` or ``1,047``.
_WHOLE_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)$")


def _whole_number_or_blank(value: object) -> object:
    """``"1,047"`` → 1047 and a blank cell → None; anything else (``1,047.5``, ``about 200``) is refused.

    A blank is let through on purpose: whether a blank is allowed is a rule of its own
    (``geo.data.rules.check_arrival_counts``), with a message that says what is missing.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if _WHOLE_NUMBER.match(text):
        return int(text.replace(",", ""))
    raise PydanticCustomError("whole_number", "expected a whole number, such as 1047 or 1,047")


def _blank_is_public(value: object) -> object:
    """A blank ``share`` cell (or a file without the column) means the item is public."""
    return "public" if isinstance(value, str) and not value.strip() else value


#: ``share`` in a CSV file: blank is ``public``.
ShareCell = Annotated[Share, BeforeValidator(_blank_is_public)]

#: Never negative: the pattern has no sign.
WholeNumber = Annotated[int | None, BeforeValidator(_whole_number_or_blank)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SegmentProperties(_Strict):
    id: Slug
    order: int = Field(ge=1)
    country: Country
    kind: SegmentKind = "route"
    mode: Mode
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
    illustrative: bool
    sources: list[Slug] = Field(min_length=1)


class PlaceProperties(_Strict):
    id: Slug
    name: Text
    country: Country
    role: PlaceRole
    illustrative: bool
    sources: list[Slug] = Field(min_length=1)
    label: PlaceLabel = "if room"
    share: Share = "public"


class CountryProperties(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    name: Text
    role: Literal["route", "korea", "context"]


class SourceRow(_Lenient):
    id: Slug
    outlet: Text
    #: Blank only when the headline is not known; such a source needs a ``url`` (a rule checks).
    title: OptionalText = ""
    author: OptionalText = ""
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
    #: Where a reader can open the source (http or https). Blank when it has none.
    url: OptionalText = ""
    note: OptionalText = ""


class QuoteRow(_Lenient):
    id: Slug
    speaker: Text
    role: OptionalText = ""
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
    source_id: Slug
    segment_id: OptionalSlug = ""
    topic: Slug
    context: OptionalText = ""
    share: ShareCell = "public"


class CostRow(_Lenient):
    id: Slug
    amount_usd: int = Field(gt=0)
    per: Text
    period: Text
    period_start: Annotated[str, StringConstraints(pattern=r"^(\d{4})?$")] = ""
    period_end: Annotated[str, StringConstraints(pattern=r"^(\d{4})?$")] = ""
    approximate: bool
    source_ids: SourceIdList
    quote_id: OptionalSlug = ""
    note: OptionalText = ""


class FigureRow(_Lenient):
    id: Slug
    label: Text
    value: int = Field(ge=0)
    unit: Text
    qualifier: OptionalText = ""
    period: OptionalText = ""
    source_ids: SourceIdList
    note: OptionalText = ""


_DATE_BY_PRECISION = {
    "year": re.compile(r"^\d{4}$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "day": re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
}


class EventRow(_Lenient):
    id: Slug
    date: Text
    date_end: OptionalText = ""
    precision: Precision
    approximate: bool
    title: Text
    source_ids: SourceIdList
    note: OptionalText = ""
    #: A short name for the event where it is written on a chart (blank: the chart uses the title).
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)] = ""
    share: ShareCell = "public"

    def date_problems(self) -> list[tuple[str, str]]:
        """(field, message) for dates that do not match the stated precision."""
        pattern = _DATE_BY_PRECISION[self.precision]
        problems = []
        for field in ("date", "date_end"):
            value = getattr(self, field)
            if value and not pattern.match(value):
                problems.append(
                    (
                        field,
                        f"a {self.precision}-precision date looks like "
                        f"{_EXAMPLE[self.precision]}; got {value!r}",
                    )
                )
        return problems


class TourRow(_Lenient):
    """One chapter of the presenter's tour. Short, because it is read from the back of a room."""

    order: int = Field(ge=1)
    id: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
    #: The leg to show; blank shows the whole route.
    segment_id: OptionalSlug = ""
    quote_id: OptionalSlug = ""
    source_ids: SourceIdList
    #: Speaker notes for the presenter view (the laptop screen, not the projector): written only from
    #: what the chapter's sources and the film say. Optional: a chapter without notes shows none.
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=700)] = ""
    #: The whole chapter's tier, its notes with it (``geo.data.share``).
    share: ShareCell = "public"


class ArrivalRow(_Lenient):
    """North Koreans arriving in South Korea in one calendar year (Ministry of Unification figures)."""

    year: int = Field(ge=1990, le=2100)
    #: Required, but read blank-as-None so a missing count gets its own finding.
    count: WholeNumber
    source_ids: SourceIdList
    #: Say here when a figure was first reported differently (preliminary, revised).
    note: OptionalText = ""


class ClaimRow(_Lenient):
    """One source's figure for something the sources disagree about, with what it measures and when."""

    id: Slug
    topic: ClaimTopic
    #: The figure as the source gives it, in words (``$3,000 → $20,000``, ``Sengeun Kim``).
    figure: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    #: The number in ``unit``, when the figure is one; blank for names and words like "hundreds".
    value: WholeNumber = None
    unit: OptionalText = ""
    measures: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    #: The time the figure is about, in words (``before COVID-19 → 2023``).
    when: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    source_ids: SourceIdList
    #: The source's own words, exactly as published and in their language. Never translated.
    quote: Annotated[str, StringConstraints(strip_whitespace=True, max_length=600)] = ""
    note: OptionalText = ""


_EXAMPLE = {"year": "'2023'", "month": "'2023-01'", "day": "'2023-11-03'"}

#: Which model checks which CSV file, and the columns it needs.
CSV_MODELS: dict[str, type[BaseModel]] = {
    "sources.csv": SourceRow,
    "quotes.csv": QuoteRow,
    "costs.csv": CostRow,
    "figures.csv": FigureRow,
    "events.csv": EventRow,
    "arrivals.csv": ArrivalRow,
    "claims.csv": ClaimRow,
    "tour.csv": TourRow,
}


def required_columns(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.is_required()]
