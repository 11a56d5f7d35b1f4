"""The presenter's tour: chapters from ``data/tour.csv``, resolved into what a screen shows.

Both the Presenter page and the offline screening pack render these same
``Chapter`` records, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from geo.data.dataset import Dataset
from geo.data.share import highest
from geo.story.i18n import Strings
from geo.story.quotes import quote_citation


@dataclass(frozen=True)
class Chapter:
    number: int
    total: int
    id: str
    title: str
    text: str
    #: The leg shown and highlighted; None shows the whole route.
    segment_id: str | None
    quote: str | None
    quote_by: str | None
    sources: list[str]
    #: [[south, west], [north, east]] to show.
    bounds: list[list[float]]
    #: Chapters about cost show the cost chart beside the map.
    show_chart: bool = False
    #: Speaker notes for the presenter view ("" when the chapter has none).
    notes: str = ""
    #: The higher tier of the chapter and its quote (``geo.data.share``): the pack tells its presenter
    #: what the audience will not find on the site, the handout or the film.
    share: str = "public"

    @property
    def progress(self) -> str:
        return f"{self.number} / {self.total}"

    def as_dict(self) -> dict:
        return asdict(self)


def chapters(dataset: Dataset, tr: Strings) -> list[Chapter]:
    tour = dataset.tour
    out = []
    for number, (_, row) in enumerate(tour.iterrows(), start=1):
        quote = dataset.quote(row["quote_id"]) if row["quote_id"] else None
        segment_id = row["segment_id"] or None
        out.append(
            Chapter(
                number=number,
                total=len(tour),
                id=row["id"],
                title=row["title"],
                text=row["text"],
                segment_id=segment_id,
                quote=None if quote is None else quote["text"],
                quote_by=None if quote is None else quote_citation(dataset, quote, tr),
                sources=[dataset.source_label(sid) for sid in row["source_ids"]],
                bounds=dataset.bounds(segment_id),
                show_chart=quote is not None and quote["topic"] == "cost",
                notes=row["notes"],
                share=highest(row.get("share", ""), "" if quote is None else quote.get("share", "")),
            )
        )
    return out


def chapter_number(requested: object, total: int) -> int:
    """A 1-based chapter number from user input (a query parameter), clamped to the tour."""
    try:
        number = int(str(requested))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(total, 1))
