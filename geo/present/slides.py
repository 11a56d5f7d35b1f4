"""What the presenter's slides show: a chapter's panel, the credits, and the chart on the dark screen.

Shared by the Presenter page and the screening pack, so both say (and lay out) the same thing: a
chapter's panel is written once, by ``templates/slide.html.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from geo.data.dataset import Dataset
from geo.story.charts import timeline_svg
from geo.story.i18n import DEFAULT, Strings
from geo.story.tour import Chapter

#: The chart's size on a slide, in px: wide, like the map area it takes the place of. The SVG scales to
#: its box (viewBox), so this sets the proportions and the type size relative to the box.
CHART_SIZE = (1300, 400)


#: Our own templates only: data and translations reach them as values, autoescaped, never as source.
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
)


def _slide(chapter: Chapter, tr: Strings, *, panel: bool) -> str:
    # Quotes stay in English, as published: other languages say so under each one.
    note = f" \u00b7 {tr('presenter.quote_note')}" if tr.lang != DEFAULT else ""
    sources = tr("presenter.sources", sources="; ".join(chapter.sources)) if chapter.sources else ""
    return _TEMPLATES.get_template("slide.html.j2").render(
        c=chapter,
        quote_by=f"{chapter.quote_by}{note}" if chapter.quote else "",
        sources=sources,
        panel=panel,
        lang=tr.lang,
        label=tr("pack.tour"),
    )


def slide_panel(chapter: Chapter, tr: Strings) -> str:
    """The chapter's whole panel (``<section id="slide-panel">``), as the Presenter page shows it."""
    return _slide(chapter, tr, panel=True)


def slide_parts(chapter: Chapter, tr: Strings) -> str:
    """What goes inside the panel, for the pack: it keeps one panel (a live region must stay in the
    document to be heard) and swaps in each chapter's parts."""
    return _slide(chapter, tr, panel=False)


@dataclass(frozen=True)
class Credits:
    title: str
    #: (heading, lines): the sources of what the slides say and draw, in full with their addresses;
    #: the chart's (many news reports of one number each), briefly; then the map's credits.
    sections: list[tuple[str, list[str]]]


def source_ids(cells) -> list[str]:
    """Source ids from a column of id lists or single ids, in order, once each."""
    out: dict[str, None] = {}
    for cell in cells:
        for source_id in [cell] if isinstance(cell, str) else cell:
            if source_id:
                out[source_id] = None
    return list(out)


def map_source_ids(dataset: Dataset) -> list[str]:
    """What the map draws: the legs and the places."""
    return source_ids([*dataset.route["sources"], *dataset.places["sources"]])


def tour_source_ids(dataset: Dataset) -> list[str]:
    """What the slides say and draw: the chapters, their quotes, and the map."""
    quotes = [
        dataset.quote(q)["source_id"] for q in dataset.tour["quote_id"] if q and dataset.quote(q) is not None
    ]
    return source_ids([*dataset.tour["source_ids"], *quotes, *map_source_ids(dataset)])


def chart_source_ids(dataset: Dataset) -> list[str]:
    """What the timeline draws: arrivals per year, the cost of a rescue, the events."""
    return source_ids(
        [*dataset.arrivals["source_ids"], *dataset.costs["source_ids"], *dataset.events["source_ids"]]
    )


def full_source_line(dataset: Dataset, source_id: str) -> str:
    """``Outlet, "Title" (Author, date). https://…``: a source as cited, with its address if it has one."""
    url = (dataset.sources.loc[source_id].get("url") or "") if source_id in dataset.sources.index else ""
    return dataset.source_label(source_id) + (f". {url}" if url else "")


def brief_source(dataset: Dataset, source_id: str) -> str:
    """``Outlet (date)``: enough to find it again, for the many reports behind one chart."""
    if source_id not in dataset.sources.index:
        return source_id
    source = dataset.sources.loc[source_id]
    return f"{source['outlet']} ({source['date']})"


def map_credit_line(tr: Strings) -> str:
    """Who made the map: outlines and software, then the basemap (relief, rivers, capitals). One line,
    so the pack, the Presenter page, the film and the handout credit the same sources."""
    return f"{tr('slides.map_credits')} {tr('basemap.credits')}"


def credits(dataset: Dataset, tr: Strings) -> Credits:
    tour = tour_source_ids(dataset)
    chart = [sid for sid in chart_source_ids(dataset) if sid not in tour]
    sections = [(tr("slides.credits_sources"), [full_source_line(dataset, sid) for sid in tour])]
    if chart:
        sections.append(
            (tr("slides.credits_chart"), ["; ".join(brief_source(dataset, sid) for sid in chart)])
        )
    map_lines = [map_credit_line(tr), tr("map.legend_footnote")]
    if tr.lang != DEFAULT:
        map_lines.append(tr("app.quotes_as_published"))
    sections.append((tr("slides.credits_map"), map_lines))
    return Credits(tr("slides.credits_title"), sections)


def chart_svg(dataset: Dataset, tr: Strings) -> str:
    """The timeline for a slide, in the projector theme with its events written in place (nobody can
    hover on a projector), as a static SVG (vl-convert, offline)."""
    width, height = CHART_SIZE
    return timeline_svg(dataset, tr, theme="projector", width=width, height=height)
