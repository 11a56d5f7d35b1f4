"""Presenter: a step-by-step tour of the journey for a projector, driven by a clicker.

The chapter is in the URL (``?chapter=3``). Clickers send → / ← or PageDown /
PageUp, and Space moves on too. The map is drawn once; each chapter only swaps
streamlit-folium's dynamic feature group, whose script flies the map to the
chapter's leg and draws it, so changing chapter never reloads or blanks it.
"""

from __future__ import annotations

import time

import streamlit as st

from geo import paths
from geo.map.build import build_map, selection_layer
from geo.map.theme import PROJECTOR
from geo.story.tour import chapter_number, chapters
from geo.text import esc, md, md_label
from pages.ui import cache, nav, state
from pages.ui.folium_widget import show_map

MAP_HEIGHT = 600
INTERVALS = [10, 15, 20, 30, 45, 60]
CHAPTER_PARAM = "chapter"


def current(total: int) -> int:
    return chapter_number(state.query(CHAPTER_PARAM) or 1, total)


def go(number: int, total: int) -> None:
    state.set_query(CHAPTER_PARAM, str(chapter_number(number, total)))
    st.session_state["changed_at"] = time.monotonic()


def controls(tr, number: int, total: int) -> bool:
    """Previous / next (and the keys clickers send), auto-advance, exit. True while auto-advance is on."""
    prev_col, next_col, auto_col, interval_col, exit_col = st.columns(5, vertical_alignment="center")
    step = {"on_click": go, "width": "stretch"}
    prev_col.button(
        md_label(tr("presenter.previous")),
        key="prev",
        args=(number - 1, total),
        disabled=number == 1,
        shortcut="Left",
        **step,
    )
    next_col.button(
        md_label(tr("presenter.next")),
        key="next",
        args=(number + 1, total),
        disabled=number == total,
        shortcut="Right",
        type="primary",
        **step,
    )
    # What clickers send besides the arrows: hidden twins of the buttons above.
    for key, delta, shortcut in (
        ("next_pagedown", 1, "PageDown"),
        ("next_space", 1, "Space"),
        ("prev_pageup", -1, "PageUp"),
    ):
        st.button(key, key=key, on_click=go, args=(number + delta, total), shortcut=shortcut)
    auto = auto_col.toggle(
        md_label(tr("presenter.auto")), key="auto_advance", help=md(tr("presenter.auto_help"))
    )
    if auto:  # the interval matters only while auto-advance is on; otherwise it is clutter
        interval_col.selectbox(
            md_label(tr("presenter.auto")),
            INTERVALS,
            index=2,
            format_func=lambda seconds: tr("presenter.every", seconds=seconds),
            key="interval",
            label_visibility="collapsed",
        )
    exit_col.page_link(
        nav.pages(tr).route,
        label=md_label(tr("presenter.exit")),
        icon=":material/close:",
        query_params=state.link_params(),
    )
    return auto


@st.fragment(run_every=1)
def auto_advance(total: int) -> None:
    """Ticks every second while on; moves on once the chosen interval has passed."""
    if not st.session_state.get("auto_advance"):
        return
    started = st.session_state.setdefault("changed_at", time.monotonic())
    if time.monotonic() - started >= st.session_state.get("interval", INTERVALS[2]):
        go(current(total) % total + 1, total)
        st.rerun(scope="app")


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    tour = cache.cached("tour", view.key, lambda: chapters(data, tr))
    total = len(tour)
    number = current(total)
    chapter = tour[number - 1]
    st.html(f"<style>{(paths.STATIC_DIR / 'presenter.css').read_text(encoding='utf-8')}</style>")
    head, progress = st.columns([5, 1], vertical_alignment="bottom")
    head.title(md(chapter.title), anchor=False)
    label = tr("presenter.chapter_of", number=number, total=total, title=chapter.title)
    progress.html(
        f'<div class="presenter-progress" role="status" aria-live="polite" aria-label="{esc(label)}">'
        f"{number} / {total}</div>"
    )
    show_map(
        "presenter",
        view.key,
        lambda: build_map(data, tr, theme=PROJECTOR, popups=False, fit_route=False, inset=False),
        key="presenter_map",
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
        feature_group_to_add=selection_layer(chapter.segment_id, draw=True),
    )
    text_col, quote_col = st.columns(2, gap="large")
    with text_col, st.container(key="presenter_text"):
        st.markdown(md(chapter.text))
    if chapter.quote:
        with quote_col, st.container(key="presenter_quote"):
            st.markdown(f"> {md(chapter.quote)}")
            st.caption(md(chapter.quote_by + (f" · {tr('presenter.quote_note')}" if tr.lang != "en" else "")))
    auto = controls(tr, number, total)
    st.caption(md(tr("presenter.sources", sources="; ".join(chapter.sources))))
    if auto:
        auto_advance(total)


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    import app

    app.main()
