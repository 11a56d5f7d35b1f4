"""Route map: the journey first, on an offline map that tells it, with who said what and what it cost.

Selection lives in the URL (``?segment=laos-jungle``) so a link opens it. The
map is drawn once; choosing a leg (a click, the chooser, previous/next, a deep
link or the player) only changes streamlit-folium's dynamic feature group, whose
script flies the map to the leg and highlights it (``geo.map.build.selection_layer``):
selecting never reloads the map, and panning or zooming never reruns the app.
"""

from __future__ import annotations

import streamlit as st

from geo.map.build import build_map, selection_layer
from geo.story.charts import timeline_summary, timeline_svg
from geo.story.figures import cost_change
from geo.story.route_text import route_summary
from geo.text import esc, md
from pages.ui import cache, player, state
from pages.ui.cache import cached
from pages.ui.folium_widget import show_map
from pages.ui.route_blocks import (
    ROUTE_TEXT_ANCHOR,
    chooser,
    headlines,
    leg_story,
    legs,
    quotes_section,
    route_as_text,
    whole_route_story,
)

MAP_KEY = "route_map"
SEGMENT_PARAM = "segment"


def selected(view: cache.View) -> str | None:
    value = state.query(SEGMENT_PARAM)
    return value if value in legs(view) else None


def select(segment_id: str | None) -> None:
    state.set_query(SEGMENT_PARAM, segment_id or None)


def map_and_story(view: cache.View, ticking: bool) -> None:
    """The map and the leg's story rerun on their own: a click there redraws nothing else on the page.

    ``ticking``: this fragment was set up to rerun every ``player.STEP_S`` (the journey is playing).
    """
    ids = list(legs(view))
    if ticking:
        player.step_if_due(ids, selected(view), select)
    if player.playing() != ticking:  # play started or stopped: the fragment's timer is set by a whole run
        st.rerun(scope="app")
    segment_id = selected(view)

    def on_click() -> None:
        drawing = (st.session_state.get(MAP_KEY) or {}).get("last_active_drawing") or {}
        clicked = (drawing.get("properties") or {}).get("id")
        if clicked in ids:
            player.stop()
            select(clicked)

    map_col, side = st.columns([3, 2], gap="medium")
    with map_col:
        # Past the map's ten leg stops and its controls, to the route written out (static/app.css shows
        # the link only while it has focus).
        st.html(f'<a class="skip-link" href="#{ROUTE_TEXT_ANCHOR}">{esc(view.tr("site.skip_map"))}</a>')
        show_map(
            "route",
            view.key,
            lambda: build_map(view.data, view.tr),
            key=MAP_KEY,
            height=540,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
            feature_group_to_add=selection_layer(segment_id, draw=player.playing()),
            on_change=on_click,
        )
        st.caption(cached("route-summary-md", view.key, lambda: md(route_summary(view.data, view.tr))))
    with side:
        headlines(view)
        chooser(view, segment_id, select, lambda: player.toggle(ids, selected(view), select))
        story = legs(view).get(segment_id or "")
        leg_story(view, story) if story else whole_route_story(view)


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    st.title(md(tr("route_map.title")), anchor=False)
    st.caption(
        md(tr("route_map.intro")) + (f" {md(tr('app.quotes_as_published'))}" if tr.lang != "en" else "")
    )
    ticking = player.playing()
    st.fragment(map_and_story, run_every=player.STEP_S if ticking else None)(view, ticking)
    st.divider()
    chart_col, quotes_col = st.columns([1, 1], gap="large")
    with chart_col:
        st.header(md(tr("route_map.cost_header")), anchor=False)
        # A static SVG with its labels in place: no charting runtime for every visitor to load.
        svg = cache.cached("chart:timeline", view.key, lambda: timeline_svg(data, tr))
        alt = cached("chart:timeline-alt", view.key, lambda: timeline_summary(data, tr))
        st.image(svg, width="stretch", alt=alt)
        change = cached("cost-change", view.key, lambda: cost_change(data, tr) or "")
        st.caption(md(tr("route_map.cost_caption", change=change)))
    with quotes_col:
        # Its filters rerun it alone: choosing a speaker or a leg sends no map and no chart again.
        st.fragment(quotes_section)(view)
    route_as_text(view)


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    from pages.ui.frame import main

    main()
