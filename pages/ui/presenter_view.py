"""The presenter view (``/presenter?view=notes&show=<token>``): the laptop's window of a show, opened with
P. It follows the projector's window through the show board (``pages.ui.show``), reading it every
second: this chapter and the next, the speaker notes, and the time since the show started."""

from __future__ import annotations

import streamlit as st

from geo.story.tour import Chapter
from geo.text import md, md_label
from pages.ui import cache, show

#: Dark, as the pack's presenter view: the laptop sits in a dark room beside the projector's screen.
STYLE = """<style>
  [data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  .st-key-lang { display: none; }
  .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #111111; color: #f2f2f2; }
  .stApp :is(p, li, h1, h2, h3, blockquote, [data-testid="stMetricValue"]) { color: #f2f2f2; }
  .stApp [data-testid="stCaptionContainer"] p, .stApp [data-testid="stMetricLabel"] p { color: #a9a9a9; }
  .stApp blockquote { border-left-color: #ffd400; font-style: italic; }
  .stApp blockquote, .stApp blockquote p { color: #e6e6e6 !important; opacity: 1; }
  :is(.st-key-pv_now, .st-key-pv_next, .st-key-pv_notes) {
    background: #1b1b1b; border-color: #333333 !important; }
  .st-key-pv_notes p { font-size: 1.45rem; line-height: 1.45; }
  .st-key-pv_timer [data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; font-size: 3rem;
    font-weight: 700; color: #ffffff; }
  .st-key-pv_reset button { background: #1b1b1b; color: #ffffff; border-color: #9a9a9a; }
</style>"""


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:0{2 if hours else 1}d}:{rest % 60:02d}"


def _chapter(heading: str, chapter: Chapter | None, tr, *, quote: bool) -> None:
    st.caption(md(heading))
    if chapter is None:
        st.subheader(md(tr("slides.end")), anchor=False)
        return
    st.subheader(md(f"{chapter.progress} · {chapter.title}"), anchor=False)
    st.markdown(md(chapter.text))
    if quote and chapter.quote:
        st.markdown(f"> {md(chapter.quote)}")


def render(view: cache.View, tour: list[Chapter], token: str) -> None:
    tr = view.tr
    st.html(STYLE)

    @st.fragment(run_every=1)
    def follow() -> None:
        now = show.board().read(token)
        if now is None:
            st.info(md(tr("slides.waiting")))
            return
        current = tour[min(now.chapter, len(tour)) - 1]
        upcoming = tour[current.number] if current.number < len(tour) else None
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.caption(md(tr("presenter.view_follows")))
        with right, st.container(key="pv_timer"):
            st.metric(md_label(tr("slides.elapsed")), _clock(now.elapsed()))
        this, after = st.columns([3, 2], gap="large")
        with this, st.container(key="pv_now", border=True):
            _chapter(tr("slides.now"), current, tr, quote=True)
        with after, st.container(key="pv_next", border=True):
            _chapter(tr("slides.next"), upcoming, tr, quote=False)
        with st.container(key="pv_notes", border=True):
            st.caption(md(tr("slides.notes")))
            st.markdown(md(current.notes or tr("slides.no_notes")))

    follow()
    st.button(
        md_label(tr("slides.reset_timer")),
        key="pv_reset",
        on_click=show.board().restart_timer,
        args=(token,),
    )
