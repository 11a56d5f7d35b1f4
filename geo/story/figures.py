"""Headline figures and the cost change in words, from ``figures.csv``, each with its sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    #: Where the number comes from, shown on demand.
    help: str


def sources_text(dataset: Dataset, source_ids: Iterable[str]) -> str:
    return "; ".join(dataset.source_label(sid) for sid in source_ids)


def _figure(dataset: Dataset, figure_id: str) -> pd.Series | None:
    figures = dataset.figures
    return figures.loc[figure_id] if figure_id in figures.index else None


def headline_figures(dataset: Dataset, tr: Strings) -> list[Headline]:
    """Headline numbers, each with its sources. Missing figures are left out, never invented."""
    out = []
    cite = tr("story.sources_prefix")
    total = _figure(dataset, "rescued-total")
    if total is not None:
        qualifier = "+" if total["qualifier"] == "more than" else ""
        out.append(
            Headline(
                tr("story.rescued_total", period=total["period"]),
                f"{total['value']:,}{qualifier}",
                f"{total['note']} {cite} {sources_text(dataset, total['source_ids'])}",
            )
        )
    since = _figure(dataset, "rescued-post-covid")
    if since is not None:
        out.append(
            Headline(
                tr("story.rescued_since", period=since["period"].split(" (")[0]),
                f"{since['value']:,}",
                f"{since['note']} {cite} {sources_text(dataset, since['source_ids'])}",
            )
        )
    before, after = _figure(dataset, "cost-pre-covid"), _figure(dataset, "cost-post-covid")
    change = cost_change(dataset, tr)
    if before is not None and after is not None and change is not None:
        out.append(
            Headline(
                tr("story.cost_headline"),
                f"${before['value']:,} → ${after['value']:,}",
                f"{change} {cite} " + sources_text(dataset, [*before["source_ids"], *after["source_ids"]]),
            )
        )
    return out


def _amount(row: pd.Series, tr: Strings) -> str:
    """A dollar figure with its qualifier in the page's language: "about $3,000", "약 $3,000"."""
    qualifiers = {"about": tr("story.about"), "more than": tr("story.more_than")}
    qualifier = f"{qualifiers.get(row['qualifier'], row['qualifier'])} " if row["qualifier"] else ""
    return f"{qualifier}${row['value']:,}"


def cost_change(dataset: Dataset, tr: Strings) -> str | None:
    """The cost of one rescue before and after the pandemic, in words, from ``figures.csv``."""
    parts = []
    for figure_id in ("cost-pre-covid", "cost-post-covid"):
        row = _figure(dataset, figure_id)
        if row is None:
            return None
        parts.append(_amount(row, tr))
    text = tr("story.cost_change", before=parts[0], after=parts[1])
    return text[:1].upper() + text[1:]


#: The event that dates the film's journey (``events.csv``): every leg of the route happened then.
JOURNEY_EVENT = "journey-filmed"


def journey_in_time(dataset: Dataset, tr: Strings) -> str | None:
    """Where a leg's story sits on the timeline: the journey's years and what a rescue cost then.

    Every leg belongs to the one journey the film follows, so the sentence is the same for each; it ties
    the side panel to the timeline under the map while the journey plays. None when the data lacks the
    event or the pre-COVID cost (nothing is guessed)."""
    events = dataset.events[dataset.events["id"] == JOURNEY_EVENT]
    cost = _figure(dataset, "cost-pre-covid")
    if events.empty or cost is None:
        return None
    event = events.iloc[0]
    years = str(event["date"])[:4] + (f"–{str(event['date_end'])[:4]}" if event["date_end"] else "")
    return tr(
        "route_map.leg_when", years=years, event=event["label"] or event["title"], cost=_amount(cost, tr)
    )
