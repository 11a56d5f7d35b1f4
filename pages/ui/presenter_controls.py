"""The Presenter page's controls: one floating bar that hides while the mouse rests (``kit.js``), and the
keys a presenter and a clicker use: → ← PageDown PageUp Space move, P opens the presenter view, Q shows the
audience QR code, I the credits; B and . blank the screen (``kit.js``, at once, in the browser)."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from geo.story.tour import chapter_number
from geo.text import md, md_label
from pages.ui import nav, slide, state

INTERVALS = [10, 15, 20, 30, 45, 60]
CHAPTER_PARAM = "chapter"


def current(total: int) -> int:
    return chapter_number(state.query(CHAPTER_PARAM) or 1, total)


def go(number: int, total: int) -> None:
    state.set_query(CHAPTER_PARAM, str(chapter_number(number, total)))
    st.session_state["changed_at"] = time.monotonic()


def _steps(tr, number: int, total: int) -> None:
    step = {"on_click": go, "width": "content"}
    st.button(
        md_label(tr("presenter.previous")),
        key="prev",
        args=(number - 1, total),
        disabled=number == 1,
        shortcut="Left",
        **step,
    )
    st.button(
        md_label(tr("presenter.next")),
        key="next",
        args=(number + 1, total),
        disabled=number == total,
        shortcut="Right",
        type="primary",
        **step,
    )


def _auto(tr) -> bool:
    auto = st.toggle(md_label(tr("presenter.auto")), key="auto_advance", help=md(tr("presenter.auto_help")))
    if auto:  # the interval matters only while auto-advance is on; otherwise it is clutter
        st.selectbox(
            md_label(tr("presenter.auto")),
            INTERVALS,
            index=2,
            format_func=lambda seconds: tr("presenter.every", seconds=seconds),
            key="interval",
            label_visibility="collapsed",
            width=160,
        )
    return auto


def controls(tr, number: int, total: int, view_url: str, handout: Callable[[], bytes]) -> bool:
    """All the controls; True while auto-advance is on."""
    with st.container(key="presenter_controls", horizontal=True, vertical_alignment="center", gap="small"):
        _steps(tr, number, total)
        auto = _auto(tr)
        st.toggle(
            md_label(tr("presenter.reduce_motion")),
            key="reduced_motion",
            help=md(tr("presenter.reduce_motion_help")),
        )
        st.link_button(
            md_label(tr("presenter.view")), view_url, help=md(tr("presenter.view_help")), shortcut="P"
        )
        st.button(
            md_label(tr("presenter.qr")),
            key="qr",
            on_click=slide.toggle_sheet,
            args=(slide.QR_SHEET,),
            shortcut="Q",
        )
        st.button(
            md_label(tr("presenter.credits")),
            key="credits",
            on_click=slide.toggle_sheet,
            args=(slide.CREDITS_SHEET,),
            shortcut="I",
        )
        st.download_button(
            md_label(tr("presenter.handout")),
            data=handout,
            file_name=f"escape-route-handout-{tr.lang}.pdf",
            mime="application/pdf",
            help=md(tr("presenter.handout_help")),
            on_click="ignore",
            key="handout",
        )
        st.page_link(
            nav.pages(tr).route,
            label=md_label(tr("presenter.exit")),
            icon=":material/close:",
            query_params=state.link_params(),
        )
    # What clickers send besides the arrows: hidden twins of previous and next.
    for key, delta, shortcut in (
        ("next_pagedown", 1, "PageDown"),
        ("next_space", 1, "Space"),
        ("prev_pageup", -1, "PageUp"),
    ):
        st.button(key, key=key, on_click=go, args=(number + delta, total), shortcut=shortcut)
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
