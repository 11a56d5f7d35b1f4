"""The Route Map's blocks that are not the map: headline figures, a leg's story, quotes, the route as text.

Each takes the run's ``View`` (translated data and translator) and draws with
escaped text only (``md``/``md_label``). Kept apart from ``pages/route_map.py``
so that page reads as its layout: map and story, then cost and quotes, then text.
"""

from __future__ import annotations

import streamlit as st

from geo.story.figures import headline_figures
from geo.story.legs import Leg, leg_titles
from geo.story.quotes import filter_quotes, quote_citation
from geo.story.route_text import route_list, route_table
from geo.text import md, md_label
from pages.ui.cache import View

#: Quotes listed before "show all": enough to sit beside the cost chart.
QUOTES_SHOWN = 5
WHOLE_ROUTE = ""


def show_quote(view: View, quote) -> None:
    st.markdown(f"> {md(quote['text'])}")
    st.caption(md(quote_citation(view.data, quote, view.tr)))


def headlines(view: View) -> None:
    """The seed articles' figures, compact: a slim strip, each with its sources on demand."""
    figures = headline_figures(view.data, view.tr)
    with st.container(key="headlines"):
        widths = [1.6 if "→" in figure.value else 1 for figure in figures]
        for column, figure in zip(st.columns(widths), figures, strict=True):
            column.metric(md_label(figure.label), figure.value, help=md(figure.help))


def leg_story(view: View, story: Leg) -> None:
    tr = view.tr
    st.subheader(md(story.title), anchor=False)
    st.caption(md(story.facts))
    st.markdown(md(story.summary))
    st.markdown(f"**{md(tr('route_map.said_about_leg'))}**")
    if story.quotes.empty:
        st.caption(md(tr("route_map.no_quote")))
    for _, quote in story.quotes.iterrows():
        show_quote(view, quote)
    st.markdown(f"**{md(tr('route_map.sources'))}**")
    st.markdown("\n".join(f"- {md(label)}" for label in story.sources))


def whole_route_story(view: View) -> None:
    titles = leg_titles(view.data)
    st.info(md(view.tr("route_map.choose_hint")))
    for _, quote in view.data.quotes[view.data.quotes["segment_id"] != ""].iterrows():
        st.markdown(f"**{md(titles[quote['segment_id']])}**")
        show_quote(view, quote)


def quotes_section(view: View) -> None:
    data, tr, titles = view.data, view.tr, leg_titles(view.data)
    st.header(md(tr("route_map.quotes_header")), anchor=False)
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


def route_as_text(view: View) -> None:
    data, tr = view.data, view.tr
    st.header(md(tr("route_map.route_text_header")), anchor=False)
    st.markdown(md(tr("route_map.route_list_intro")))
    # A real ordered list (not a canvas table), so screen readers and find-in-page read it.
    st.markdown("\n".join(f"{n}. {md(line)}" for n, line in enumerate(route_list(data, tr), start=1)))
    st.dataframe(
        route_table(data, tr).drop(columns=["id"]),
        hide_index=True,
        width="stretch",
        column_config={tr("story.col_distance"): st.column_config.NumberColumn(format="%d km")},
    )
