"""Route map: the journey first, on an offline map that tells it, with who said what and what it cost.

Selection lives in the URL (``?segment=laos-jungle``) so a link opens it. The
map is drawn once; choosing a leg (a click, the chooser, previous/next, a deep
link or the player) only changes streamlit-folium's dynamic feature group, whose
script flies the map to the leg and highlights it (``geo.map.build.selection_layer``):
selecting never reloads the map, and panning or zooming never reruns the app.
"""

from __future__ import annotations

import time

import streamlit as st

from geo.map.build import build_map, selection_layer
from geo.story.charts import cost_timeline
from geo.story.figures import cost_change
from geo.story.legs import leg, leg_titles
from geo.story.route_text import route_summary
from geo.text import md, md_label
from pages.ui import cache, state
from pages.ui.folium_widget import show_map
from pages.ui.route_blocks import (
    WHOLE_ROUTE,
    headlines,
    leg_story,
    quotes_section,
    route_as_text,
    whole_route_story,
)

MAP_KEY = "route_map"
SELECT_KEY = "segment_select"
SEGMENT_PARAM = "segment"
PLAYING = "playing"
STEPPED_AT = "played_step_at"
#: Seconds each leg stays on screen while the journey plays: the map flies, the leg draws, the panel follows.
PLAY_STEP_S = 6


def selected(view: cache.View) -> str | None:
    value = state.query(SEGMENT_PARAM)
    return value if value in leg_titles(view.data) else None


def select(segment_id: str | None) -> None:
    state.set_query(SEGMENT_PARAM, segment_id or None)


def toggle_play(view: cache.View) -> None:
    playing = not st.session_state.get(PLAYING, False)
    st.session_state[PLAYING] = playing
    st.session_state[STEPPED_AT] = time.monotonic()
    ids = list(leg_titles(view.data))
    if playing and selected(view) in (None, ids[-1]):
        select(ids[0])


def step_if_due(view: cache.View) -> None:
    """While playing, move to the next leg once the current one has had its time; stop after the last."""
    if time.monotonic() - st.session_state.get(STEPPED_AT, 0.0) < PLAY_STEP_S - 0.5:
        return
    st.session_state[STEPPED_AT] = time.monotonic()
    ids, current = list(leg_titles(view.data)), selected(view)
    position = ids.index(current) if current in ids else -1
    if position + 1 >= len(ids):
        st.session_state[PLAYING] = False
    else:
        select(ids[position + 1])


def chooser(view: cache.View, segment_id: str | None) -> None:
    tr, titles = view.tr, leg_titles(view.data)
    st.session_state[SELECT_KEY] = segment_id or WHOLE_ROUTE
    st.selectbox(
        md_label(tr("route_map.leg_select")),
        [WHOLE_ROUTE, *titles],
        format_func=lambda sid: titles.get(sid, tr("route_map.whole_route")),
        key=SELECT_KEY,
        on_change=lambda: select(st.session_state[SELECT_KEY]),
    )
    story = leg(view.data, segment_id, tr) if segment_id else None
    play, prev_col, next_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    playing = st.session_state.get(PLAYING, False)
    play.button(
        md_label(tr("route_map.pause" if playing else "route_map.play")),
        key="play",
        on_click=toggle_play,
        args=(view,),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        width="stretch",
    )
    for column, label, target in (
        (prev_col, "previous_leg", story.previous_id if story else None),
        (next_col, "next_leg", story.next_id if story else next(iter(titles))),
    ):
        column.button(
            md_label(tr(f"route_map.{label}")),
            disabled=target is None,
            width="stretch",
            on_click=select,
            args=(target,),
        )


def map_and_story(view: cache.View, ticking: bool) -> None:
    """The map and the leg's story rerun on their own: a click there redraws nothing else on the page.

    ``ticking``: this fragment was set up to rerun every ``PLAY_STEP_S`` (the journey is playing).
    """
    if ticking:
        step_if_due(view)
    playing = st.session_state.get(PLAYING, False)
    if playing != ticking:  # play started or stopped: the fragment's timer is set by a whole run
        st.rerun(scope="app")
    segment_id = selected(view)

    def on_click() -> None:
        drawing = (st.session_state.get(MAP_KEY) or {}).get("last_active_drawing") or {}
        clicked = (drawing.get("properties") or {}).get("id")
        if clicked in leg_titles(view.data):
            st.session_state[PLAYING] = False
            select(clicked)

    map_col, side = st.columns([3, 2], gap="medium")
    with map_col:
        show_map(
            "route",
            view.key,
            lambda: build_map(view.data, view.tr),
            key=MAP_KEY,
            height=540,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
            feature_group_to_add=selection_layer(segment_id, draw=playing),
            on_change=on_click,
        )
        st.caption(md(route_summary(view.data, view.tr)))
    with side:
        headlines(view)
        chooser(view, segment_id)
        story = leg(view.data, segment_id, view.tr) if segment_id else None
        leg_story(view, story) if story else whole_route_story(view)


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    st.title(md(tr("route_map.title")), anchor=False)
    st.caption(
        md(tr("route_map.intro")) + (f" {md(tr('app.quotes_as_published'))}" if tr.lang != "en" else "")
    )
    playing = st.session_state.get(PLAYING, False)
    st.fragment(map_and_story, run_every=PLAY_STEP_S if playing else None)(view, playing)
    st.divider()
    chart_col, quotes_col = st.columns([1, 1], gap="large")
    with chart_col:
        st.header(md(tr("route_map.cost_header")), anchor=False)
        spec = cache.cached("chart:cost", view.key, lambda: cost_timeline(data, tr).to_dict())
        st.vega_lite_chart(spec, width="stretch")
        st.caption(md(tr("route_map.cost_caption", change=cost_change(data, tr) or "")))
    with quotes_col:
        quotes_section(view)
    route_as_text(view)


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    import app

    app.main()
