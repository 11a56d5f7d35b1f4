"""The cost timeline: what one rescue cost before and after COVID-19, as reported.

Two reported values with the periods they apply to, not an interpolated
curve: the sources give no figures in between. Dated events from
``events.csv`` are marked so the jump can be read against the border closure
and the film's release. Every mark's tooltip names its source.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings

#: Where the chart's time axis starts; the pre-COVID period's start is not reported.
START_YEAR = 2017
END_YEAR = 2024


def _year_start(value: str) -> pd.Timestamp:
    return pd.Timestamp(f"{value}-01-01") if len(value) == 4 else pd.Timestamp(value)


def _epoch_ms(day: str) -> int:
    return int(pd.Timestamp(day, tz="UTC").timestamp() * 1000)


def cost_periods(dataset: Dataset, tr: Strings) -> pd.DataFrame:
    rows = []
    for _, cost in dataset.costs.iterrows():
        # Years are inclusive: a period 2020–2023 runs from 1 January 2020 to 31 December 2023.
        start = cost["period_start"] or str(START_YEAR)
        end = cost["period_end"] or str(END_YEAR)
        rows.append(
            {
                "period": cost["period"],
                "start": pd.Timestamp(f"{start}-01-01"),
                "end": pd.Timestamp(f"{end}-12-31"),
                "cost": int(cost["amount_usd"]),
                "label": tr(
                    "chart.about_per_person" if cost["approximate"] else "chart.per_person",
                    amount=f"{int(cost['amount_usd']):,}",
                ),
                "start_note": "" if cost["period_start"] else tr("chart.start_not_reported"),
                "sources": "; ".join(dataset.source_label(sid) for sid in cost["source_ids"]),
            }
        )
    return pd.DataFrame(rows)


def timeline_events(dataset: Dataset, tr: Strings) -> pd.DataFrame:
    ev = dataset.events.copy()
    ev["when"] = ev["date"].map(_year_start)
    ev = ev[ev["when"] >= pd.Timestamp(f"{START_YEAR}-01-01")]
    ev["sources"] = ev["source_ids"].map(lambda ids: "; ".join(dataset.source_label(sid) for sid in ids))
    ev["date_shown"] = ev["date"] + ev["date_end"].map(lambda d: f" {tr('chart.to')} {d}" if d else "")
    return ev[["id", "title", "when", "date_shown", "precision", "sources", "note"]]


def cost_timeline(dataset: Dataset, tr: Strings, *, height: int = 260) -> alt.LayerChart:
    periods = cost_periods(dataset, tr)
    events = timeline_events(dataset, tr)
    # One scale object shared by every layer, so Vega-Lite has a single time domain to honour.
    # (as epoch milliseconds: Vega-Lite compares DateTime objects by form, and warns.)
    time_scale = alt.Scale(domain=[_epoch_ms(f"{START_YEAR}-01-01"), _epoch_ms(f"{END_YEAR}-12-31")])
    x = alt.X("start:T", title=None, scale=time_scale, axis=alt.Axis(format="%Y", tickCount="year"))
    y = alt.Y(
        "cost:Q",
        title=tr("chart.axis"),
        scale=alt.Scale(domain=[0, 24000]),
        axis=alt.Axis(format="$,d"),
    )
    period_tip = [
        alt.Tooltip("period:N", title=tr("chart.period")),
        alt.Tooltip("label:N", title=tr("chart.cost")),
        alt.Tooltip("start_note:N", title=tr("chart.note")),
        alt.Tooltip("sources:N", title=tr("chart.sources")),
    ]
    bars = (
        alt.Chart(periods)
        .mark_rule(strokeWidth=6, color="#0072B2")
        .encode(x=x, x2="end:T", y=y, tooltip=period_tip)
    )
    labels = (
        alt.Chart(periods)
        .mark_text(align="left", dy=-12, fontSize=13, fontWeight="bold", color="#1d1d1d")
        .encode(x=alt.X("start:T", scale=time_scale), y="cost:Q", text="label:N", tooltip=period_tip)
    )
    event_tip = [
        alt.Tooltip("title:N", title=tr("chart.event")),
        alt.Tooltip("date_shown:N", title=tr("chart.date")),
        alt.Tooltip("precision:N", title=tr("chart.precision")),
        alt.Tooltip("sources:N", title=tr("chart.sources")),
    ]
    rules = (
        alt.Chart(events)
        .mark_rule(strokeDash=[4, 4], color="#6b6b6b")
        .encode(x=alt.X("when:T", scale=time_scale), tooltip=event_tip)
    )
    points = (
        alt.Chart(events)
        .mark_point(shape="triangle-down", size=90, filled=True, color="#D55E00")
        .encode(x=alt.X("when:T", scale=time_scale), y=alt.value(8), tooltip=event_tip)
    )
    return (rules + points + bars + labels).properties(height=height, title=tr("chart.title"))
