"""Presenter: a step-by-step tour of the journey for a projector, driven by a clicker.

The chapter is in the URL (``?chapter=3``). Clickers send → / ← or PageDown /
PageUp, and Space moves on too. The map is drawn once; each chapter only moves
its view and swaps the highlight (streamlit-folium's dynamic ``center``,
``zoom`` and feature group), so changing chapter never reloads or blanks it.
"""

from __future__ import annotations

import time

import streamlit as st

from geo import paths
from geo.mapview import PROJECTOR, build_map, fit_view, selection_layer
from geo.text import esc, md
from geo.tour import chapter_number, chapters
from pages._shared import dataset, framed_by_app, fresh_map, show_map, tr

framed_by_app()

#: The map's assumed size on a 1920×1080 projector, used to pick each chapter's zoom.
MAP_WIDTH, MAP_HEIGHT = 1800, 600
INTERVALS = [10, 15, 20, 30, 45, 60]

s = tr()
data = dataset()
tour = chapters(data, s)
total = len(tour)


def current() -> int:
    return chapter_number(st.query_params.get("chapter", 1), total)


def go(number: int) -> None:
    st.query_params["chapter"] = str(chapter_number(number, total))
    st.session_state["changed_at"] = time.monotonic()


def step(delta: int) -> None:
    go(current() + delta)


st.html(f"<style>{(paths.STATIC_DIR / 'presenter.css').read_text(encoding='utf-8')}</style>")

number = current()
chapter = tour[number - 1]

head, progress = st.columns([5, 1], vertical_alignment="bottom")
head.title(md(chapter.title), anchor=False)
progress.markdown(
    f'<div class="presenter-progress" role="status" aria-live="polite" '
    f'aria-label="{esc(s("presenter.chapter_of", number=number, total=total, title=chapter.title))}">'
    f"{number} / {total}</div>",
    unsafe_allow_html=True,
)

center, zoom = fit_view(chapter.bounds, MAP_WIDTH, MAP_HEIGHT)
the_map = fresh_map(
    "presenter",
    lambda: build_map(data, theme=PROJECTOR, popups=False, fit_route=False, s=s),
)
show_map(
    the_map,
    key="presenter_map",
    height=MAP_HEIGHT,
    use_container_width=True,
    returned_objects=[],
    center=center,
    zoom=zoom,
    feature_group_to_add=selection_layer(data, chapter.segment_id, PROJECTOR),
)

text_col, quote_col = st.columns([1, 1], gap="large")
with text_col, st.container(key="presenter_text"):
    st.markdown(md(chapter.text))
with quote_col:
    if chapter.quote:
        with st.container(key="presenter_quote"):
            st.markdown(f"> {md(chapter.quote)}")
            st.caption(md(chapter.quote_by) + (f" · {s('presenter.quote_note')}" if s.lang != "en" else ""))

prev_col, next_col, auto_col, interval_col, exit_col = st.columns(
    [1, 1, 1, 1, 1], vertical_alignment="center"
)
prev_col.button(
    s("presenter.previous"),
    key="prev",
    on_click=step,
    args=(-1,),
    disabled=number == 1,
    shortcut="Left",
    width="stretch",
)
next_col.button(
    s("presenter.next"),
    key="next",
    on_click=step,
    args=(1,),
    disabled=number == total,
    shortcut="Right",
    type="primary",
    width="stretch",
)
# What clickers send besides the arrows: hidden twins of the buttons above.
st.button("next", key="next_pagedown", on_click=step, args=(1,), shortcut="PageDown")
st.button("next", key="next_space", on_click=step, args=(1,), shortcut="Space")
st.button("previous", key="prev_pageup", on_click=step, args=(-1,), shortcut="PageUp")
auto = auto_col.toggle(s("presenter.auto"), key="auto_advance", help=s("presenter.auto_help"))
if auto:  # the interval matters only while auto-advance is on; otherwise it is clutter
    interval_col.selectbox(
        s("presenter.auto"),
        INTERVALS,
        index=2,
        format_func=lambda seconds: s("presenter.every", seconds=seconds),
        key="interval",
        label_visibility="collapsed",
    )
exit_col.page_link(
    "pages/route_map.py",
    label=s("presenter.exit"),
    icon=":material/close:",
    query_params={"lang": s.lang} if s.lang != "en" else None,
)
st.caption(md(s("presenter.sources", sources="; ".join(chapter.sources))))


@st.fragment(run_every=1 if auto else None)
def auto_advance() -> None:
    """Ticks every second while on; moves on once the chosen interval has passed."""
    if not st.session_state.get("auto_advance"):
        return
    started = st.session_state.setdefault("changed_at", time.monotonic())
    if time.monotonic() - started >= st.session_state.get("interval", INTERVALS[2]):
        go(current() % total + 1)
        st.rerun(scope="app")


auto_advance()
