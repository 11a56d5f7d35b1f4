"""Route map: the journey on an offline map, with who said what and what it cost alongside.

Selection lives in the URL (``?segment=laos-jungle``) so a link opens it. The
map is not rebuilt around a selection: the highlight is a dynamic feature
group, and only clicks (not pans or zooms) are returned, so selecting never
resets the view and moving the map never reruns the app.
"""

from __future__ import annotations

import streamlit as st

from geo.mapview import build_map, selection_layer
from geo.story import (
    cost_change,
    filter_quotes,
    headline_figures,
    quote_citation,
    route_list,
    route_summary,
    route_table,
)
from geo.text import md
from pages._shared import chart_spec, dataset, framed_by_app, fresh_map, show_map, tr

framed_by_app()

MAP_KEY = "route_map"
SELECT_KEY = "segment_select"
WHOLE_ROUTE = ""
#: Quotes listed before "show all": enough to sit beside the cost chart.
QUOTES_SHOWN = 5

s = tr()
data = dataset()
segment_ids = list(data.route["id"])
titles = dict(
    zip(data.route["id"], data.route["order"].astype(str) + ". " + data.route["title"], strict=True)
)


def current_segment() -> str | None:
    value = st.query_params.get("segment")
    return value if value in segment_ids else None


def select(segment_id: str | None) -> None:
    if segment_id:
        st.query_params["segment"] = segment_id
    else:
        st.query_params.pop("segment", None)


def on_map_click() -> None:
    value = st.session_state.get(MAP_KEY) or {}
    drawing = value.get("last_active_drawing") or {}
    clicked = (drawing.get("properties") or {}).get("id")
    if clicked in segment_ids:
        select(clicked)


def on_select() -> None:
    select(st.session_state[SELECT_KEY] or None)


def show_quote(quote) -> None:
    st.markdown(f"> {md(quote['text'])}")
    st.caption(md(quote_citation(data, quote, s)))


st.title(md(s("route_map.title")))
st.markdown(md(s("route_map.intro")))
if s.lang != "en":
    st.caption(md(s("app.quotes_as_published")))

headlines = headline_figures(data, s)
for column, figure in zip(st.columns(len(headlines)), headlines, strict=True):
    column.metric(figure.label, figure.value, help=md(figure.help), border=True)


@st.fragment
def map_and_story() -> None:
    """The map and the leg's story rerun on their own: a click there redraws nothing else on the page."""
    selected = current_segment()
    map_col, side = st.columns([3, 2], gap="medium")
    with map_col:
        the_map = fresh_map("route", lambda: build_map(data, s=s))
        show_map(
            the_map,
            key=MAP_KEY,
            height=560,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
            feature_group_to_add=selection_layer(data, selected),
            on_change=on_map_click,
        )
        st.caption(md(route_summary(data, s)))

    with side:
        st.session_state[SELECT_KEY] = selected or WHOLE_ROUTE
        st.selectbox(
            s("route_map.leg_select"),
            [WHOLE_ROUTE, *segment_ids],
            format_func=lambda sid: titles.get(sid, s("route_map.whole_route")),
            key=SELECT_KEY,
            on_change=on_select,
        )
        if selected is None:
            st.info(md(s("route_map.choose_hint")))
            for _, quote in data.quotes[data.quotes["segment_id"] != ""].iterrows():
                st.markdown(f"**{md(titles[quote['segment_id']])}**")
                show_quote(quote)
        else:
            seg = data.segment(selected)
            st.subheader(md(titles[selected]))
            facts = [
                s.country(seg["country"]),
                s.mode(seg["mode"]),
                s("route_map.about_km", km=f"{seg['length_km']:,.0f}"),
            ]
            if seg["illustrative"]:
                facts.append(s("route_map.illustrative"))
            st.caption(md(" · ".join(facts)))
            st.markdown(md(seg["summary"]))
            tied = data.quotes_for(selected)
            st.markdown(f"**{s('route_map.said_about_leg')}**")
            if tied.empty:
                st.caption(md(s("route_map.no_quote")))
            for _, quote in tied.iterrows():
                show_quote(quote)
            st.markdown(f"**{s('route_map.sources')}**")
            st.markdown("\n".join(f"- {md(data.source_label(sid))}" for sid in seg["sources"]))
            position = segment_ids.index(selected)
            prev_col, next_col = st.columns(2)
            prev_col.button(
                s("route_map.previous_leg"),
                disabled=position == 0,
                width="stretch",
                on_click=select,
                args=(segment_ids[max(position - 1, 0)],),
            )
            next_col.button(
                s("route_map.next_leg"),
                disabled=position == len(segment_ids) - 1,
                width="stretch",
                on_click=select,
                args=(segment_ids[min(position + 1, len(segment_ids) - 1)],),
            )


map_and_story()

st.divider()
chart_col, quotes_col = st.columns([1, 1], gap="large")
with chart_col:
    st.header(md(s("route_map.cost_header")))
    st.vega_lite_chart(chart_spec(data), width="stretch")
    st.caption(md(s("route_map.cost_caption", change=cost_change(data, s) or "")))

with quotes_col:
    st.header(md(s("route_map.quotes_header")))
    speakers = sorted(data.quotes["speaker"].unique())
    f1, f2 = st.columns(2)
    chosen = f1.multiselect(s("route_map.speaker"), speakers, placeholder=s("route_map.everyone"))
    leg = f2.selectbox(
        s("route_map.leg"),
        [WHOLE_ROUTE, *segment_ids],
        format_func=lambda sid: titles.get(sid, s("route_map.any_leg")),
    )
    quotes = filter_quotes(data, speakers=chosen, segment_id=leg or None)
    st.caption(md(s("route_map.quote_count", shown=len(quotes), total=len(data.quotes))))
    # No scrolling box: a scrollable region a keyboard cannot focus is an accessibility failure.
    shown = (
        quotes if st.toggle(s("route_map.show_all_quotes"), key="all_quotes") else quotes.head(QUOTES_SHOWN)
    )
    for _, quote in shown.iterrows():
        show_quote(quote)

st.header(md(s("route_map.route_text_header")))
st.markdown(md(s("route_map.route_list_intro")))
# A real ordered list (not a canvas table), so screen readers and find-in-page read it.
st.markdown("\n".join(f"{n}. {md(line)}" for n, line in enumerate(route_list(data, s), start=1)))
st.dataframe(
    route_table(data, s).drop(columns=["id"]),
    hide_index=True,
    width="stretch",
    column_config={s("story.col_distance"): st.column_config.NumberColumn(format="%d km")},
)
