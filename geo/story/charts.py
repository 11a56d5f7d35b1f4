"""The timeline: arrivals in South Korea per year and the reported cost of one rescue, on one time axis.

One layered Vega-Lite chart in three bands, top to bottom: the film's events
and COVID-19's border closure, written where they happened; the cost of one
rescue as Caleb Mission reported it (two values for two periods, not a curve:
the sources give nothing in between); and North Koreans arriving in South
Korea per year (Ministry of Unification figures as reported). The bands are
y scales with pixel ranges in one view rather than a ``vconcat``, because a
single view stretches to its container's width (Streamlit cannot stretch a
concatenation of layers) and so fits a phone as well as a projector.

Everything that matters is written on the chart, not only in tooltips: on a
projector nobody can hover. Tooltips add the sources and notes.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass
from typing import Literal

import altair as alt
import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings

Theme = Literal["light", "projector"]
#: The event that marks COVID-19's border closure: drawn heavier than the others.
COVID_EVENT = "covid-borders-close"
#: Events closer together than this share one label (the three cinema releases of autumn 2023).
CLUSTER_DAYS = 45
#: The plot width (px) labels are laid out for when the chart stretches to an unknown container:
#: a phone's. Wider screens get the same, roomier layout.
NARROW_PLOT_PX = 300
_DAY_MS = 86_400_000
#: Font families by language. Korean fonts come first for Korean: vl-convert takes the first
#: installed family for a whole text and falls back to any font for missing glyphs, which can be
#: a serif one. Korean fonts have Latin letters too.
FONTS = {
    "en": "Helvetica Neue, Arial, Liberation Sans, sans-serif",
    "ko": (
        "Route Sans KR, Noto Sans Korean, Noto Sans CJK KR, Apple SD Gothic Neo, Malgun Gothic, "
        "Helvetica Neue, Arial, sans-serif"
    ),
}


@dataclass(frozen=True)
class Style:
    """Colours and type of one theme. Okabe–Ito colours, as on the map."""

    background: str
    text: str
    muted: str
    grid: str
    arrivals: str
    cost: str
    covid: str
    event: str
    font_px: int
    title_px: int


STYLES: dict[str, Style] = {
    "light": Style(
        background="#ffffff",
        text="#1d1d1d",
        muted="#4d4d4d",
        grid="#e4e4e4",
        arrivals="#0072B2",
        cost="#D55E00",
        covid="#000000",
        event="#6b6b6b",
        font_px=12,
        title_px=14,
    ),
    # Dark, high contrast and large, to be read from the back of a cinema (as presenter.css).
    "projector": Style(
        background="#050505",
        text="#f5f5f5",
        muted="#d0d0d0",
        grid="#333333",
        arrivals="#56B4E9",
        cost="#E69F00",
        covid="#ffd400",
        event="#bdbdbd",
        font_px=22,
        title_px=26,
    ),
}


# ------------------------------------------------------------------------------------------ time


def _ms(day: str) -> int:
    """Milliseconds since the epoch (UTC) of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    return int(pd.Timestamp(day if len(day) > 4 else f"{day}-01-01", tz="UTC").timestamp() * 1000)


def time_domain(dataset: Dataset) -> tuple[int, int]:
    """From 1 January of the first year counted to the end of the last year of anything drawn."""
    first = int(dataset.arrivals["year"].min())
    last = max(
        int(dataset.arrivals["year"].max()),
        *(int(e) for e in dataset.costs["period_end"] if e),
        *(int(d[:4]) for d in dataset.events["date"]),
    )
    # The last day, not 1 January after it: an axis label for a year with no data would mislead.
    return _ms(str(first)), _ms(f"{last}-12-31")


def _fraction(ms: int, domain: tuple[int, int]) -> float:
    return (ms - domain[0]) / (domain[1] - domain[0])


def _sources(dataset: Dataset, ids) -> str:
    return "; ".join(dataset.source_label(sid) for sid in ids)


# ------------------------------------------------------------------------------------------ label layout


def text_width_px(text: str, font_px: float) -> float:
    """About how wide ``text`` is drawn: Korean and other wide characters take a full em, others ~0.6."""
    wide = sum(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)
    return (wide + 0.6 * (len(text) - wide)) * font_px


def wrap(text: str, font_px: float, max_px: float) -> list[str]:
    """``text`` in lines no wider than ``max_px``, broken between words (Korean too: never inside one)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width_px(f"{lines[-1]} {word}", font_px) <= max_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def assign_lanes(labels: list[tuple[float, float]]) -> list[tuple[int, str]]:
    """(lane, align) for labels given as (x, width) in fractions of the plot width, sorted by x.

    A label starts at its mark and reads to the right when it fits; otherwise it ends at its
    mark. Each goes in the first lane (0 = top) where it overlaps nothing already placed.
    """
    lanes: list[list[tuple[float, float]]] = []
    out = []
    for x, width in labels:
        align = "left" if x + width <= 1 else "right"
        span = (x, x + width) if align == "left" else (x - width, x)
        for number, taken in enumerate(lanes):
            if all(span[1] <= a or span[0] >= b for a, b in taken):
                taken.append(span)
                out.append((number, align))
                break
        else:
            lanes.append([span])
            out.append((len(lanes) - 1, align))
    return out


@dataclass(frozen=True)
class Bands:
    """Where each part of the chart sits, in pixels from the top of the plot."""

    lane_px: float
    events_bottom: float
    cost_title: float
    cost_top: float
    cost_bottom: float
    arrivals_title: float
    arrivals_top: float
    arrivals_bottom: float

    def lane_y(self, lane: int) -> float:
        return (lane + 0.8) * self.lane_px


def bands(height: int, lanes: int, style: Style) -> Bands:
    """Split ``height`` into the events band, the cost band (about a third of what is left for the
    two charts) and the arrivals band, whose zero line is the bottom of the plot (the time axis)."""
    lane_px = style.font_px * 1.45
    events_bottom = max(lanes, 1) * lane_px + style.font_px * 0.4
    gap = style.font_px * 0.9
    title_room = style.title_px * 1.2  # a band's title, from its baseline to the band below
    cost_title = events_bottom + gap + style.title_px
    cost_top = cost_title + title_room - style.title_px * 0.6
    left = height - cost_top - (gap + style.title_px + title_room - style.title_px * 0.6)
    cost_bottom = cost_top + max(left, 8 * style.font_px) * 0.34
    arrivals_title = cost_bottom + gap + style.title_px
    arrivals_top = arrivals_title + title_room - style.title_px * 0.6
    return Bands(
        lane_px,
        events_bottom,
        cost_title,
        cost_top,
        cost_bottom,
        arrivals_title,
        arrivals_top,
        max(float(height), arrivals_top + 4 * style.font_px),
    )


# ------------------------------------------------------------------------------------------ the data


def arrival_bars(dataset: Dataset, tr: Strings) -> pd.DataFrame:
    """One bar per year. ``shown`` marks the counts written on the chart: the peak, the year before
    COVID-19, the low and the latest year (all of them would not fit on a phone)."""
    a = dataset.arrivals
    years = a["year"].astype(int)
    covid = dataset.events.loc[dataset.events["id"] == COVID_EVENT, "date"]
    before_covid = int(covid.iloc[0][:4]) - 1 if not covid.empty else None
    shown = {
        int(a.loc[a["count"].idxmax(), "year"]),
        int(a.loc[a["count"].idxmin(), "year"]),
        int(years.max()),
    }
    if before_covid in set(years):
        shown.add(before_covid)
    return pd.DataFrame(
        {
            "year": years.astype(str),
            "start": [_ms(str(y)) + 40 * _DAY_MS for y in years],
            "end": [_ms(str(y + 1)) - 40 * _DAY_MS for y in years],
            "middle": [_ms(str(y)) + 182 * _DAY_MS for y in years],
            "count": a["count"].astype(int),
            "count_text": [f"{c:,}" for c in a["count"]],
            "shown": [int(y) in shown for y in years],
            "note": a["note"],
            "sources": [_sources(dataset, ids) for ids in a["source_ids"]],
        }
    )


def cost_segments(dataset: Dataset, tr: Strings, domain: tuple[int, int]) -> pd.DataFrame:
    """The reported periods of the cost of one rescue. A period whose start is not reported is drawn
    solid over its last year only, and dotted back to the chart's start (``open`` rows)."""
    rows = []
    for _, cost in dataset.costs.iterrows():
        end = _ms(str(int(cost["period_end"]) + 1)) if cost["period_end"] else domain[1]
        start = _ms(cost["period_start"]) if cost["period_start"] else _ms(str(int(cost["period_end"])))
        label = tr(
            "chart.about_per_person" if cost["approximate"] else "chart.per_person",
            amount=f"{int(cost['amount_usd']):,}",
        )
        common = {
            "period": cost["period"],
            "cost": int(cost["amount_usd"]),
            "label": label,
            "note": "" if cost["period_start"] else tr("chart.start_not_reported"),
            "sources": _sources(dataset, cost["source_ids"]),
        }
        rows.append({**common, "start": start, "end": end, "open": False})
        if not cost["period_start"]:
            rows.append({**common, "start": domain[0], "end": start, "open": True})
    return pd.DataFrame(rows)


def _clusters(events: pd.DataFrame) -> list[pd.DataFrame]:
    """Events in date order, grouped where each is within ``CLUSTER_DAYS`` of the one before."""
    groups: list[list[int]] = []
    last = None
    for position, ms in enumerate(events["ms"]):
        if last is None or ms - last > CLUSTER_DAYS * _DAY_MS:
            groups.append([])
        groups[-1].append(position)
        last = ms
    return [events.iloc[g] for g in groups]


def event_marks(
    dataset: Dataset, tr: Strings, domain: tuple[int, int], style: Style, plot_px: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rules, labels): one rule per event in the chart's time span, one label per cluster of events,
    each label in a lane where it overlaps no other at a plot ``plot_px`` wide."""
    ev = dataset.events.copy()
    ev["ms"] = ev["date"].map(_ms)
    ev = ev[(ev["ms"] >= domain[0]) & (ev["ms"] < domain[1])].sort_values("ms")
    ev["date_shown"] = ev["date"] + ev["date_end"].map(lambda d: f" {tr('chart.to')} {d}" if d else "")
    ev["sources"] = ev["source_ids"].map(lambda ids: _sources(dataset, ids))
    ev["covid"] = ev["id"] == COVID_EVENT
    rules = ev[["id", "ms", "title", "date_shown", "sources", "covid"]]
    labels = []
    for cluster in _clusters(ev):
        text = " · ".join(
            label or title for label, title in zip(cluster["label"], cluster["title"], strict=True)
        )
        labels.append(
            {
                "ms": int(cluster["ms"].iloc[0]),
                "text": text,
                "title": " · ".join(cluster["title"]),
                "date_shown": " · ".join(cluster["date_shown"]),
                "covid": bool(cluster["covid"].any()),
            }
        )
    pad = style.font_px * 0.5
    places = assign_lanes(
        [
            (_fraction(lab["ms"], domain), (text_width_px(lab["text"], style.font_px) + pad) / plot_px)
            for lab in labels
        ]
    )
    for lab, (lane, align) in zip(labels, places, strict=True):
        lab.update(lane=lane, align=align)
    return rules, pd.DataFrame(
        labels, columns=["ms", "text", "title", "date_shown", "covid", "lane", "align"]
    )


# ------------------------------------------------------------------------------------------ the chart


def _x(domain: tuple[int, int], style: Style, plot_px: float) -> alt.X:
    """The time axis, defined once (on the bars) for every layer: layers that each restate a
    scale's domain make Vega-Lite merge them, and warn."""
    step = 1 if plot_px >= 70 * style.font_px else 2 if plot_px >= 30 * style.font_px else 4
    return alt.X(
        "x:T",
        title=None,
        scale=alt.Scale(type="utc", domain=list(domain)),
        # An interval, not a list of values: Streamlit's Vega build draws no labels for those.
        axis=alt.Axis(tickCount={"interval": "year", "step": step}, format="%Y", grid=False),
    )


X = alt.X("x:T")


def _px(field: str) -> alt.Y:
    """A y position given in pixels by the data itself."""
    return alt.Y(f"{field}:Q", scale=None, axis=None)


def _panel_titles(tr: Strings, b: Bands, style: Style) -> alt.Chart:
    titles = pd.DataFrame(
        {"text": [tr("chart.cost_panel"), tr("chart.arrivals_panel")], "y": [b.cost_title, b.arrivals_title]}
    )
    return (
        alt.Chart(titles)
        .mark_text(
            align="left", baseline="alphabetic", fontSize=style.title_px, fontWeight="bold", color=style.text
        )
        .encode(x=alt.value(0), y=_px("y"), text="text:N")
    )


def _event_layers(rules: pd.DataFrame, labels: pd.DataFrame, x, b: Bands, style: Style, tr: Strings) -> list:
    tip = [
        alt.Tooltip("title:N", title=tr("chart.event")),
        alt.Tooltip("date_shown:N", title=tr("chart.date")),
    ]
    rules = rules.assign(x=rules["ms"], top=b.events_bottom - b.lane_px * 0.2, bottom=b.arrivals_bottom)
    layers = [
        alt.Chart(rules[~rules["covid"]])
        .mark_rule(strokeDash=[4, 4], strokeWidth=1, color=style.event)
        .encode(
            x=x,
            y=_px("top"),
            y2="bottom:Q",
            tooltip=[*tip, alt.Tooltip("sources:N", title=tr("chart.sources"))],
        ),
        alt.Chart(rules[rules["covid"]])
        .mark_rule(strokeWidth=2.5, color=style.covid)
        .encode(
            x=x,
            y=_px("top"),
            y2="bottom:Q",
            tooltip=[*tip, alt.Tooltip("sources:N", title=tr("chart.sources"))],
        ),
    ]
    labels = labels.assign(x=labels["ms"], y=[b.lane_y(lane) for lane in labels["lane"]])
    for align, dx in (("left", 4), ("right", -4)):
        for covid, color, weight in ((False, style.muted, "normal"), (True, style.covid, "bold")):
            subset = labels[(labels["align"] == align) & (labels["covid"] == covid)]
            if subset.empty:
                continue
            layers.append(
                alt.Chart(subset)
                .mark_text(align=align, dx=dx, fontSize=style.font_px, fontWeight=weight, color=color)
                .encode(x=x, y=_px("y"), text="text:N", tooltip=tip)
            )
    return layers


def _cost_layers(
    segments: pd.DataFrame, x, domain: tuple[int, int], b: Bands, style: Style, tr: Strings
) -> list:
    top = max(int(segments["cost"].max() * 1.25), 1) if not segments.empty else 1
    y = alt.Y(
        "cost:Q",
        scale=alt.Scale(domain=[0, top], range=[b.cost_bottom, b.cost_top], nice=False),
        axis=alt.Axis(format="$,d", tickCount=2, title=None, grid=True),
    )
    tip = [
        alt.Tooltip("period:N", title=tr("chart.period")),
        alt.Tooltip("label:N", title=tr("chart.cost")),
        alt.Tooltip("note:N", title=tr("chart.note")),
        alt.Tooltip("sources:N", title=tr("chart.sources")),
    ]
    seg = segments.assign(x=segments["start"], x2=segments["end"])
    layers = [
        alt.Chart(seg[~seg["open"]])
        .mark_rule(strokeWidth=style.font_px * 0.55, color=style.cost, strokeCap="butt")
        .encode(x=x, x2="x2:T", y=y, tooltip=tip),
        alt.Chart(seg[seg["open"]])
        .mark_rule(strokeWidth=style.font_px * 0.2, strokeDash=[2, 4], color=style.cost)
        .encode(x=x, x2="x2:T", y=y, tooltip=tip),
    ]
    solid = seg[~seg["open"]]
    ends = solid["end"].map(lambda ms: _fraction(ms, domain))
    for align, rows, at, dx in (
        ("right", solid[ends > 0.5], "end", -4),
        ("left", solid[ends <= 0.5], "start", 4),
    ):
        if rows.empty:
            continue
        layers.append(
            alt.Chart(rows.assign(x=rows[at]))
            .mark_text(
                align=align,
                baseline="bottom",
                dx=dx,
                dy=-style.font_px * 0.4,
                fontSize=style.font_px,
                fontWeight="bold",
                color=style.text,
            )
            .encode(x=x, y=y, text="label:N", tooltip=tip)
        )
    return layers


def _arrival_layers(bars: pd.DataFrame, x, b: Bands, style: Style, tr: Strings) -> list:
    top = int(bars["count"].max() * 1.12) if not bars.empty else 1
    y = alt.Y(
        "count:Q",
        scale=alt.Scale(domain=[0, top], range=[b.arrivals_bottom, b.arrivals_top], nice=False),
        axis=alt.Axis(format=",d", tickCount=3, title=None, grid=True),
    )
    tip = [
        alt.Tooltip("year:N", title=tr("chart.year")),
        alt.Tooltip("count_text:N", title=tr("chart.arrivals")),
        alt.Tooltip("note:N", title=tr("chart.note")),
        alt.Tooltip("sources:N", title=tr("chart.sources")),
    ]
    data = bars.assign(x=bars["start"], x2=bars["end"], zero=0)
    shown = bars[bars["shown"]].assign(x=lambda d: d["middle"])
    return [
        alt.Chart(data).mark_bar(color=style.arrivals).encode(x=x, x2="x2:T", y=y, y2="zero:Q", tooltip=tip),
        alt.Chart(shown)
        .mark_text(baseline="bottom", dy=-3, fontSize=style.font_px, color=style.text)
        .encode(x=x, y=y, text="count_text:N", tooltip=tip),
    ]


def describe(dataset: Dataset, tr: Strings) -> str:
    """The chart in one paragraph, from the data: what a screen reader says for it."""
    domain = time_domain(dataset)
    bars = arrival_bars(dataset, tr)
    costs = "; ".join(
        f"{row['period']}: {row['label']}"
        for _, row in cost_segments(dataset, tr, domain).iterrows()
        if not row["open"]
    )
    covid = dataset.events.loc[dataset.events["id"] == COVID_EVENT, "date"]
    return tr(
        "chart.description",
        first=pd.Timestamp(domain[0], unit="ms").year,
        last=pd.Timestamp(domain[1], unit="ms").year,
        costs=costs,
        highlights="; ".join(
            tr("chart.count_in_year", year=row["year"], count=row["count_text"])
            for _, row in bars[bars["shown"]].iterrows()
        ),
        covid=covid.iloc[0][:4] if not covid.empty else "",
    )


def _themed(
    chart: alt.LayerChart, style: Style, tr: Strings, plot_px: float, description: str
) -> alt.LayerChart:
    title_px = style.title_px * 1.15
    return (
        chart.properties(
            # Wrapped to the plot's width: a title wider than a phone would push the chart off screen.
            title=alt.TitleParams(
                wrap(tr("chart.timeline_title"), title_px * 1.1, plot_px),
                subtitle=wrap(tr("chart.timeline_subtitle"), style.font_px, plot_px),
                anchor="start",
                fontSize=title_px,
                subtitleFontSize=style.font_px,
                color=style.text,
                subtitleColor=style.muted,
            ),
            description=description,
        )
        .configure(
            background=style.background, padding=style.font_px * 0.5, font=FONTS.get(tr.lang, FONTS["en"])
        )
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=style.text,
            labelFontSize=style.font_px,
            gridColor=style.grid,
            domainColor=style.muted,
            tickColor=style.muted,
        )
    )


def timeline(
    dataset: Dataset,
    tr: Strings,
    *,
    theme: Theme = "light",
    width: int | None = None,
    height: int = 380,
) -> alt.LayerChart:
    """Arrivals per year and the cost of one rescue on one time axis, with the events written in.

    ``width`` None stretches to the container (the app); a number is the plot's width in px (SVG
    export, the projector). ``height`` is the plot's height in px, titles of the bands included.
    """
    style = STYLES[theme]
    plot_px = width or NARROW_PLOT_PX
    domain = time_domain(dataset)
    rules, labels = event_marks(dataset, tr, domain, style, plot_px)
    b = bands(height, int(labels["lane"].max()) + 1 if not labels.empty else 1, style)
    x = _x(domain, style, plot_px)
    # Each band is a layer of its own marks sharing one y scale; the bands' scales are independent.
    chart = alt.layer(
        alt.layer(*_arrival_layers(arrival_bars(dataset, tr), x, b, style, tr)),
        alt.layer(*_cost_layers(cost_segments(dataset, tr, domain), X, domain, b, style, tr)),
        *_event_layers(rules, labels, X, b, style, tr),
        _panel_titles(tr, b, style),
    ).resolve_scale(y="independent")
    # Too little height for the bands at this type size: the plot grows rather than overlap.
    chart = chart.properties(
        width="container" if width is None else width, height=math.ceil(b.arrivals_bottom)
    )
    if width is None:
        # Stretch the width only: the bands are placed in pixels of the plot's height, which a
        # "fit" (Streamlit's default) would shrink to make room for the titles and the axis.
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return _themed(chart, style, tr, plot_px, describe(dataset, tr))


def cost_timeline(dataset: Dataset, tr: Strings, *, height: int = 260) -> alt.LayerChart:
    """Kept for callers of the old cost-only chart: now the whole timeline."""
    return timeline(dataset, tr, height=max(height, 300))


@functools.cache
def _register_fonts(vl_convert) -> None:
    """vl-convert measures text with the fonts it knows: give it the vendored Korean font, so labels
    are laid out alike on a machine with no system CJK font."""
    from geo.fonts import FONT_DIR

    vl_convert.register_font_directory(str(FONT_DIR))


def timeline_svg(
    dataset: Dataset, tr: Strings, *, theme: Theme = "light", width: int = 640, height: int = 380
) -> str:
    """The timeline as a static SVG (vl-convert, offline): light pages need no charting runtime in the
    browser, and text is drawn in place, so nothing depends on hovering."""
    import vl_convert

    _register_fonts(vl_convert)
    return vl_convert.vegalite_to_svg(
        timeline(dataset, tr, theme=theme, width=width, height=height).to_json()
    )


def timeline_summary(dataset: Dataset, tr: Strings) -> str:
    """The timeline in one sentence, from the data: the image's text alternative."""
    from geo.story.figures import cost_change

    arrivals = dataset.arrivals.sort_values("year")
    peak = arrivals.loc[arrivals["count"].idxmax()]
    low = arrivals.loc[arrivals["count"].idxmin()]
    last = arrivals.iloc[-1]
    return tr(
        "chart.summary",
        change=cost_change(dataset, tr) or "",
        peak=f"{int(peak['count']):,}",
        peak_year=int(peak["year"]),
        low=f"{int(low['count']):,}",
        low_year=int(low["year"]),
        last=f"{int(last['count']):,}",
        last_year=int(last["year"]),
    )
