"""Route map: the journey on an offline map, with who said what and what it cost alongside.

Selection lives in the URL (``?segment=laos-jungle``) so a link opens it. The
map is not rebuilt around a selection: the highlight is a dynamic feature
group, and only clicks (not pans or zooms) are returned, so selecting never
resets the view and moving the map never reruns the app.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.charts import cost_timeline
from geo.mapview import MODE_LABELS, build_map, selection_layer
from geo.story import cost_change, filter_quotes, headline_figures, quote_citation, route_summary, route_table
from geo.text import md
from pages._shared import dataset, framed_by_app

framed_by_app()

MAP_KEY = "route_map"
SELECT_KEY = "segment_select"
WHOLE_ROUTE = ""

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
    st.caption(md(quote_citation(data, quote)))


selected = current_segment()

st.title("Beyond Utopia: the escape route")
st.markdown(
    "In the 2023 documentary *Beyond Utopia*, Pastor Kim of Caleb Mission guides a North Korean "
    "family through **China, Vietnam, Laos and Thailand** to freedom. Click a leg of the route to "
    "see what was said about it, how far it is and where the information comes from."
)

headlines = headline_figures(data)
for column, figure in zip(st.columns(len(headlines)), headlines, strict=True):
    column.metric(figure.label, figure.value, help=md(figure.help), border=True)

map_col, side = st.columns([3, 2], gap="medium")
with map_col:
    st_folium(
        build_map(data),
        key=MAP_KEY,
        height=560,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        feature_group_to_add=selection_layer(data, selected),
        on_change=on_map_click,
    )
    st.caption(md(route_summary(data)))

with side:
    st.session_state[SELECT_KEY] = selected or WHOLE_ROUTE
    st.selectbox(
        "Leg of the route",
        [WHOLE_ROUTE, *segment_ids],
        format_func=lambda sid: titles.get(sid, "Whole route: choose a leg or click the map"),
        key=SELECT_KEY,
        on_change=on_select,
    )
    if selected is None:
        st.info("Click a coloured leg on the map, or choose one above, to see its story here.")
        for _, quote in data.quotes[data.quotes["segment_id"] != ""].iterrows():
            st.markdown(f"**{md(titles[quote['segment_id']])}**")
            show_quote(quote)
    else:
        seg = data.segment(selected)
        st.subheader(md(titles[selected]))
        facts = [
            seg["country"],
            MODE_LABELS.get(seg["mode"], seg["mode"]),
            f"about {seg['length_km']:,.0f} km",
        ]
        if seg["illustrative"]:
            facts.append("illustrative, region or city level")
        st.caption(md(" · ".join(facts)))
        st.markdown(md(seg["summary"]))
        tied = data.quotes_for(selected)
        st.markdown("**What was said about this leg**")
        if tied.empty:
            st.caption("No quote in the sources is tied to this leg. See all quotes below.")
        for _, quote in tied.iterrows():
            show_quote(quote)
        st.markdown("**Sources**")
        st.markdown("\n".join(f"- {md(data.source_label(s))}" for s in seg["sources"]))
        position = segment_ids.index(selected)
        prev_col, next_col = st.columns(2)
        prev_col.button(
            "← Previous leg",
            disabled=position == 0,
            width="stretch",
            on_click=select,
            args=(segment_ids[max(position - 1, 0)],),
        )
        next_col.button(
            "Next leg →",
            disabled=position == len(segment_ids) - 1,
            width="stretch",
            on_click=select,
            args=(segment_ids[min(position + 1, len(segment_ids) - 1)],),
        )

st.divider()
chart_col, quotes_col = st.columns([1, 1], gap="large")
with chart_col:
    st.header("What a rescue costs")
    st.altair_chart(cost_timeline(data), width="stretch")
    change = cost_change(data)
    st.caption(
        "Two reported values, not a trend. "
        + (md(change) + " " if change else "")
        + "In Pastor Kim's words, after COVID the underground network had been destroyed. "
        "Hover a mark for its source."
    )

with quotes_col:
    st.header("In their words")
    speakers = sorted(data.quotes["speaker"].unique())
    f1, f2 = st.columns(2)
    chosen = f1.multiselect("Speaker", speakers, placeholder="Everyone")
    leg = f2.selectbox(
        "Leg", [WHOLE_ROUTE, *segment_ids], format_func=lambda sid: titles.get(sid, "Any leg or none")
    )
    quotes = filter_quotes(data, speakers=chosen, segment_id=leg or None)
    st.caption(f"{len(quotes)} of {len(data.quotes)} quotes, word for word as published.")
    with st.container(height=520, border=False):
        for _, quote in quotes.iterrows():
            show_quote(quote)

st.header("The route as text")
st.dataframe(
    route_table(data).drop(columns=["id"]),
    hide_index=True,
    width="stretch",
    column_config={"Distance (km)": st.column_config.NumberColumn(format="%d km")},
)
