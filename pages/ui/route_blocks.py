"""The Route Map's blocks that are not the map: headline figures, a leg's story, quotes, the route as text.

Each takes the run's ``View`` (translated data and translator) and draws with
escaped text only (``md``/``md_label``). Kept apart from ``pages/route.py``
so that page reads as its layout: map and story, then cost and quotes, then text.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.story.figures import headline_figures, journey_in_time
from geo.story.legs import Leg, all_legs
from geo.story.quotes import QuoteIndex, quote_citation
from geo.story.route_text import route_list, route_table
from geo.text import csv_bytes, md, md_label
from pages.ui import player
from pages.ui.cache import View, cached
from pages.ui.ledger import show_ledger

#: Quotes listed before "show all": enough to sit beside the cost chart.
QUOTES_SHOWN = 5
WHOLE_ROUTE = ""
SELECT_KEY = "segment_select"


def legs(view: View) -> dict[str, Leg]:
    """Every leg's story in travel order, built once per data version and language."""
    return cached("legs", view.key, lambda: all_legs(view.data, view.tr))


def titles_of(view: View) -> dict[str, str]:
    """``{id: "6. Night trek through the jungle into Laos"}`` in travel order."""
    return {segment_id: story.title for segment_id, story in legs(view).items()}


def _quote_markdown(view: View) -> dict[str, tuple[str, str]]:
    """``{quote id: (the quote as a Markdown block quote, its citation)}``, escaped once per view:
    a rerun only looks them up."""
    return {
        quote["id"]: (f"> {md(quote['text'])}", md(quote_citation(view.data, quote, view.tr)))
        for _, quote in view.data.quotes.iterrows()
    }


def show_quote(view: View, quote_id: str) -> None:
    text, citation = cached("quote-md", view.key, lambda: _quote_markdown(view))[quote_id]
    st.markdown(text)
    st.caption(citation)


def headlines(view: View) -> None:
    """The seed articles' figures, compact: a slim strip, each with its sources on demand."""
    figures = cached("headlines", view.key, lambda: headline_figures(view.data, view.tr))
    with st.container(key="headlines"):
        widths = [1.6 if "→" in figure.value else 1 for figure in figures]
        for column, figure in zip(st.columns(widths), figures, strict=True):
            column.metric(md_label(figure.label), figure.value, help=md(figure.help))
        show_ledger(view)  # the other reported figures, side by side, on demand


def chooser(
    view: View, segment_id: str | None, select: Callable[[str | None], None], toggle_play: Callable[[], None]
) -> None:
    """The leg chooser, play/pause and previous/next: every way to choose a leg besides the map."""
    tr, titles = view.tr, titles_of(view)
    st.session_state[SELECT_KEY] = segment_id or WHOLE_ROUTE
    st.selectbox(
        md_label(tr("route_map.leg_select")),
        [WHOLE_ROUTE, *titles],
        format_func=lambda sid: titles.get(sid, tr("route_map.whole_route")),
        key=SELECT_KEY,
        on_change=lambda: select(st.session_state[SELECT_KEY]),
    )
    story = legs(view).get(segment_id or "")
    play, prev_col, next_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    playing = player.playing()
    play.button(
        md_label(tr("route_map.pause" if playing else "route_map.play")),
        key="play",
        on_click=toggle_play,
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


def leg_story(view: View, story: Leg) -> None:
    tr = view.tr
    st.subheader(md(story.title), anchor=False)
    st.caption(md(story.facts))
    st.markdown(md(story.summary))
    when = cached("journey-when", view.key, lambda: journey_in_time(view.data, tr))
    if when:
        st.caption(md(when))
    st.markdown(f"**{md(tr('route_map.said_about_leg'))}**")
    if story.quotes.empty:
        st.caption(md(tr("route_map.no_quote")))
    for quote_id in story.quotes["id"]:
        show_quote(view, quote_id)
    st.markdown(f"**{md(tr('route_map.sources'))}**")
    st.markdown("\n".join(f"- {md(label)}" for label in story.sources))


def quote_index(view: View) -> QuoteIndex:
    """Who said each quote about which leg, built once per data version and language."""
    return cached("quote-index", view.key, lambda: QuoteIndex.of(view.data))


def _leg_quotes(view: View) -> list[tuple[str, str]]:
    """``[(the leg's title as bold Markdown, quote id)]`` for every quote about one leg, in file order."""
    titles = titles_of(view)
    return [
        (f"**{md(titles[segment])}**", quote_id) for quote_id, _, segment in quote_index(view).rows if segment
    ]


def whole_route_story(view: View) -> None:
    st.info(md(view.tr("route_map.choose_hint")))
    for title, quote_id in cached("leg-quotes", view.key, lambda: _leg_quotes(view)):
        st.markdown(title)
        show_quote(view, quote_id)


def quotes_section(view: View) -> None:
    data, tr, titles = view.data, view.tr, titles_of(view)
    st.header(md(tr("route_map.quotes_header")), anchor=False)
    f1, f2 = st.columns(2)
    speakers = cached("speakers", view.key, lambda: sorted(data.quotes["speaker"].unique()))
    chosen = f1.multiselect(md_label(tr("route_map.speaker")), speakers, placeholder=tr("route_map.everyone"))
    leg_id = f2.selectbox(
        md_label(tr("route_map.leg")),
        [WHOLE_ROUTE, *titles],
        format_func=lambda sid: titles.get(sid, tr("route_map.any_leg")),
    )
    chosen_ids = quote_index(view).ids(speakers=chosen, segment_id=leg_id or None)
    st.caption(md(tr("route_map.quote_count", shown=len(chosen_ids), total=len(data.quotes))))
    # No scrolling box: a scrollable region a keyboard cannot focus is an accessibility failure.
    show_all = st.toggle(md_label(tr("route_map.show_all_quotes")), key="all_quotes")
    for quote_id in chosen_ids if show_all else chosen_ids[:QUOTES_SHOWN]:
        show_quote(view, quote_id)


#: The id of the route-as-text heading: the map's skip link lands there.
ROUTE_TEXT_ANCHOR = "route-as-text"


def route_as_text(view: View) -> None:
    """The whole route in words. A real ordered list (not a canvas table), so screen readers and
    find-in-page read it; each line already says the country, the way and the distance."""
    st.header(md(view.tr("route_map.route_text_header")), anchor=ROUTE_TEXT_ANCHOR)
    st.markdown(md(view.tr("route_map.route_list_intro")))
    listed = cached(
        "route-list-md",
        view.key,
        lambda: "\n".join(f"{n}. {md(line)}" for n, line in enumerate(route_list(view.data, view.tr), 1)),
    )
    st.markdown(listed)
    # The legs as a spreadsheet-safe table: formula-like cells are quoted away (geo.text.csv_cell).
    table = cached(
        "route-csv",
        view.key,
        lambda: csv_bytes(route_table(view.data, view.tr).drop(columns=["id"]).to_dict("records")),
    )
    st.download_button(
        md_label(view.tr("route_map.download_table")),
        table,
        file_name="escape-route-legs.csv",
        mime="text/csv",
    )
