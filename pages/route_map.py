"""Route map: the journey on an offline map, with who said what and what it cost alongside.

Selection lives in the URL (``?segment=laos-jungle``) so a link opens it. The
map is not rebuilt around a selection: the highlight is a dynamic feature
group, and only clicks (not pans or zooms) are returned, so selecting never
resets the view and moving the map never reruns the app.
"""

from __future__ import annotations

import streamlit as st

from geo.map.build import build_map, selection_layer
from geo.story.charts import cost_timeline
from geo.story.figures import cost_change, headline_figures
from geo.story.legs import leg, leg_titles
from geo.story.quotes import filter_quotes, quote_citation
from geo.story.route_text import route_list, route_summary, route_table
from geo.text import csv_bytes, md, md_label
from pages.ui import cache, state
from pages.ui.folium_widget import show_map

MAP_KEY = "route_map"
SELECT_KEY = "segment_select"
SEGMENT_PARAM = "segment"
WHOLE_ROUTE = ""
#: Quotes listed before "show all": enough to sit beside the cost chart.
QUOTES_SHOWN = 5


def selected(view: cache.View) -> str | None:
    value = state.query(SEGMENT_PARAM)
    return value if value in leg_titles(view.data) else None


def select(segment_id: str | None) -> None:
    state.set_query(SEGMENT_PARAM, segment_id or None)


def show_quote(view: cache.View, quote) -> None:
    st.markdown(f"> {md(quote['text'])}")
    st.caption(md(quote_citation(view.data, quote, view.tr)))


def side_panel(view: cache.View, segment_id: str | None) -> None:
    data, tr, titles = view.data, view.tr, leg_titles(view.data)
    st.session_state[SELECT_KEY] = segment_id or WHOLE_ROUTE
    st.selectbox(
        md_label(tr("route_map.leg_select")),
        [WHOLE_ROUTE, *titles],
        format_func=lambda sid: titles.get(sid, tr("route_map.whole_route")),
        key=SELECT_KEY,
        on_change=lambda: select(st.session_state[SELECT_KEY]),
    )
    story = leg(data, segment_id, tr) if segment_id else None
    if story is None:
        st.info(md(tr("route_map.choose_hint")))
        for _, quote in data.quotes[data.quotes["segment_id"] != ""].iterrows():
            st.markdown(f"**{md(titles[quote['segment_id']])}**")
            show_quote(view, quote)
        return
    st.subheader(md(story.title))
    st.caption(md(story.facts))
    st.markdown(md(story.summary))
    st.markdown(f"**{md(tr('route_map.said_about_leg'))}**")
    if story.quotes.empty:
        st.caption(md(tr("route_map.no_quote")))
    for _, quote in story.quotes.iterrows():
        show_quote(view, quote)
    st.markdown(f"**{md(tr('route_map.sources'))}**")
    st.markdown("\n".join(f"- {md(label)}" for label in story.sources))
    prev_col, next_col = st.columns(2)
    for column, label, target in (
        (prev_col, "previous_leg", story.previous_id),
        (next_col, "next_leg", story.next_id),
    ):
        column.button(
            md_label(tr(f"route_map.{label}")),
            disabled=target is None,
            width="stretch",
            on_click=select,
            args=(target,),
        )


@st.fragment
def map_and_story(view: cache.View) -> None:
    """The map and the leg's story rerun on their own: a click there redraws nothing else on the page."""
    segment_id = selected(view)

    def on_click() -> None:
        drawing = (st.session_state.get(MAP_KEY) or {}).get("last_active_drawing") or {}
        clicked = (drawing.get("properties") or {}).get("id")
        if clicked in leg_titles(view.data):
            select(clicked)

    map_col, side = st.columns([3, 2], gap="medium")
    with map_col:
        show_map(
            "route",
            view.key,
            lambda: build_map(view.data, view.tr),
            key=MAP_KEY,
            height=560,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
            feature_group_to_add=selection_layer(view.data, segment_id),
            on_change=on_click,
        )
        st.caption(md(route_summary(view.data, view.tr)))
    with side:
        side_panel(view, segment_id)


def quotes_section(view: cache.View) -> None:
    data, tr, titles = view.data, view.tr, leg_titles(view.data)
    st.header(md(tr("route_map.quotes_header")))
    f1, f2 = st.columns(2)
    speakers = sorted(data.quotes["speaker"].unique())
    chosen = f1.multiselect(md_label(tr("route_map.speaker")), speakers, placeholder=tr("route_map.everyone"))
    leg_id = f2.selectbox(
        md_label(tr("route_map.leg")),
        [WHOLE_ROUTE, *titles],
        format_func=lambda sid: titles.get(sid, tr("route_map.any_leg")),
    )
    quotes = filter_quotes(data, speakers=chosen, segment_id=leg_id or None)
    st.caption(md(tr("route_map.quote_count", shown=len(quotes), total=len(data.quotes))))
    # No scrolling box: a scrollable region a keyboard cannot focus is an accessibility failure.
    show_all = st.toggle(md_label(tr("route_map.show_all_quotes")), key="all_quotes")
    for _, quote in (quotes if show_all else quotes.head(QUOTES_SHOWN)).iterrows():
        show_quote(view, quote)


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    st.title(md(tr("route_map.title")))
    st.markdown(md(tr("route_map.intro")))
    if tr.lang != "en":
        st.caption(md(tr("app.quotes_as_published")))
    headlines = headline_figures(data, tr)
    for column, figure in zip(st.columns(len(headlines)), headlines, strict=True):
        column.metric(md_label(figure.label), figure.value, help=md(figure.help), border=True)
    map_and_story(view)
    st.divider()
    chart_col, quotes_col = st.columns([1, 1], gap="large")
    with chart_col:
        st.header(md(tr("route_map.cost_header")))
        st.vega_lite_chart(
            cache.cached("chart:cost", view.key, lambda: cost_timeline(data, tr).to_dict()), width="stretch"
        )
        st.caption(md(tr("route_map.cost_caption", change=cost_change(data, tr) or "")))
    with quotes_col:
        quotes_section(view)
    st.header(md(tr("route_map.route_text_header")))
    st.markdown(md(tr("route_map.route_list_intro")))
    # A real ordered list (not a canvas table), so screen readers and find-in-page read it.
    st.markdown("\n".join(f"{n}. {md(line)}" for n, line in enumerate(route_list(data, tr), start=1)))
    table = route_table(data, tr).drop(columns=["id"])
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={tr("story.col_distance"): st.column_config.NumberColumn(format="%d km")},
    )
    # The table's own CSV export is off (.streamlit/config.toml): it would write formulas as formulas.
    st.download_button(
        md_label(tr("route_map.download_table")),
        csv_bytes(table.to_dict("records")),
        file_name="escape-route-legs.csv",
        mime="text/csv",
    )


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    import app

    app.main()
