"""The Presenter page's slide: the map and the chapter laid out for a projector, the kit's script, the
counter in the corner, and the sheets a key puts over the slide (audience QR code, credits).

The text of data and translations reaches the page through ``geo.text`` (``md``, ``esc``) only; the
SVGs are segno's and vl-convert's, written from a checked URL and our own chart spec.
"""

from __future__ import annotations

import base64

import streamlit as st

from geo import paths
from geo.map.build import selection_layer, slide_map
from geo.present.qr import opens_only_here, qr_svg
from geo.present.slides import chart_svg, credits, slide_panel
from geo.story.charts import timeline_summary
from geo.story.tour import Chapter
from geo.text import esc, md_label
from pages.ui import cache
from pages.ui.folium_widget import show_map

#: The frame's height before the page's style sheet sizes it from the screen's (static/presenter.css).
MAP_HEIGHT = 600
QR_SHEET = "sheet_qr"
CREDITS_SHEET = "sheet_credits"


def _static(name: str) -> str:
    return (paths.STATIC_DIR / name).read_text(encoding="utf-8")


def _svg_image(svg: str, alt: str) -> str:
    """An SVG as an image (a data: URL): Streamlit's sanitizer keeps images, and an image runs nothing."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{esc(alt)}">'


def page_kit() -> None:
    """The style sheet, and the kit's script (blackout, hiding controls, fitting type): our own files."""
    st.html(f"<style>{_static('presenter/slide.css')}{_static('presenter.css')}</style>")
    script = _static("presenter/fit.js") + _static("presenter/kit.js")
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def progress(label: str, number: int, total: int) -> None:
    st.html(
        f'<div class="slide-progress" role="status" aria-live="polite" aria-label="{esc(label)}">'
        f"{number} / {total}</div>"
    )


def stage(view: cache.View, chapter: Chapter, *, reduced_motion: bool) -> None:
    """The map, drawn once: each chapter only swaps the selection, which flies to its leg and draws it.
    A chapter about cost covers it with the chart."""
    show_map(
        "presenter",
        view.key,
        lambda: slide_map(view.data, view.tr),
        key="presenter_map",
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
        feature_group_to_add=selection_layer(chapter.segment_id, draw=True, reduced_motion=reduced_motion),
    )
    if chapter.show_chart:
        svg = cache.cached("slide-chart", view.key, lambda: chart_svg(view.data, view.tr))
        alt = cache.cached("slide-chart-alt", view.key, lambda: timeline_summary(view.data, view.tr))
        st.html(f'<figure class="slide-chart">{_svg_image(svg, alt)}</figure>')


def panel(chapter: Chapter, tr) -> None:
    """The chapter, as in the screening pack (one template: ``geo.present.slides``); kit.js fits it."""
    st.html(slide_panel(chapter, tr))


def toggle_sheet(name: str) -> None:
    """Q and I: one sheet at a time; the same key takes it away."""
    showing = st.session_state.get(name, False)
    st.session_state[QR_SHEET] = st.session_state[CREDITS_SHEET] = False
    st.session_state[name] = not showing


def _qr_sheet(tr, url: str | None, problem: str | None) -> str:
    hint = tr("slides.qr_hint") if url else (problem or tr("slides.qr_none"))
    code = f'<figure class="qr-code">{_svg_image(qr_svg(url), url)}</figure>' if url else ""
    # Said on the sheet, where the presenter rehearses: a loopback address opens nothing on a phone.
    local = (
        f'<p class="qr-warning" role="alert">{esc(tr("slides.qr_local"))}</p>'
        if url and opens_only_here(url)
        else ""
    )
    return (
        f'<section class="sheet qr" lang="{esc(tr.lang)}"><div><h2>{esc(tr("slides.qr_title"))}</h2>'
        f'<p class="qr-hint">{esc(hint)}</p><p class="qr-url">{esc(url)}</p>{local}</div>{code}</section>'
    )


def _credits_sheet(view: cache.View) -> str:
    closing = credits(view.data, view.tr)
    sections = "".join(
        f"<h3>{esc(heading)}</h3><ul>{''.join(f'<li>{esc(line)}</li>' for line in lines)}</ul>"
        for heading, lines in closing.sections
    )
    head = f'<section class="sheet credits" lang="{esc(view.tr.lang)}"><h2>{esc(closing.title)}</h2>'
    return f"{head}{sections}</section>"


def sheets(view: cache.View, audience: tuple[str | None, str | None]) -> None:
    """The sheet a key asked for, over the slide, with a button to close it."""
    if st.session_state.get(QR_SHEET):
        st.html(_qr_sheet(view.tr, *audience))
    elif st.session_state.get(CREDITS_SHEET):
        st.html(_credits_sheet(view))
    else:
        return
    st.button(
        md_label(view.tr("presenter.close_overlay")),
        key="close_sheet",
        on_click=toggle_sheet,
        args=(QR_SHEET if st.session_state.get(QR_SHEET) else CREDITS_SHEET,),
    )
