"""What the presenter's slides show besides the tour: the credits, and the chart on the dark screen.

Shared by the Presenter page and the screening pack, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import vl_convert

from geo.data.dataset import Dataset
from geo.story.charts import timeline
from geo.story.i18n import DEFAULT, Strings

#: The chart's size on a slide, in px: wide, like the map area it takes the place of. The SVG scales to
#: its box (viewBox), so this sets the proportions and the type size relative to the box.
CHART_SIZE = (1300, 400)


@dataclass(frozen=True)
class Credits:
    title: str
    #: (heading, lines): every source as cited elsewhere (with its address when it has one), then the map.
    sections: list[tuple[str, list[str]]]


def source_lines(dataset: Dataset) -> list[str]:
    lines = []
    for source_id, source in dataset.sources.iterrows():
        url = source.get("url") or ""
        lines.append(dataset.source_label(source_id) + (f" {url}" if url else ""))
    return lines


def credits(dataset: Dataset, tr: Strings) -> Credits:
    map_lines = [tr("slides.map_credits"), tr("map.legend_footnote")]
    if tr.lang != DEFAULT:
        map_lines.append(tr("app.quotes_as_published"))
    return Credits(
        tr("slides.credits_title"),
        [(tr("slides.credits_sources"), source_lines(dataset)), (tr("slides.credits_map"), map_lines)],
    )


def chart_svg(dataset: Dataset, tr: Strings) -> str:
    """The timeline for a slide, in the projector theme with its events written in place (nobody can
    hover on a projector), as an SVG rendered offline (vl-convert) from our own spec."""
    width, height = CHART_SIZE
    return vl_convert.vegalite_to_svg(
        timeline(dataset, tr, theme="projector", width=width, height=height).to_json()
    )
