"""Presenter: a step-by-step tour of the journey for a projector, driven by a clicker.

The chapter is in the URL (``?chapter=3``). Clickers send → / ← or PageDown /
PageUp, and Space moves on too. The map is drawn once; each chapter only swaps
streamlit-folium's dynamic feature group, whose script flies the map to the
chapter's leg and draws it, so changing chapter never reloads or blanks it.

The presenter's kit: B or . blanks the screen; P opens the presenter view (notes,
next chapter, timer) in a second window that follows this one through the show
token in both URLs (``?show=…``, ``pages.ui.show``); Q shows the audience QR code,
I the credits; the handout is a download. ``?view=notes`` is that second window.
"""

from __future__ import annotations

import streamlit as st

from geo.export.handout import handout_pdf
from geo.story.tour import chapters
from pages.ui import cache, presenter_view, show, slide
from pages.ui.presenter_controls import auto_advance, controls, current


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    tour = cache.cached("tour", view.key, lambda: chapters(data, tr))
    token = show.token()
    if st.query_params.get(show.VIEW_PARAM) == show.NOTES_VIEW:
        presenter_view.render(view, tour, token)
        return
    total = len(tour)
    number = current(total)
    chapter = tour[number - 1]
    show.board().publish(token, number, total)
    audience = show.audience()
    slide.page_kit()
    slide.progress(tr("presenter.chapter_of", number=number, total=total, title=chapter.title), number, total)
    slide.stage(view, chapter, reduced_motion=bool(st.session_state.get("reduced_motion")))
    slide.panel(chapter, tr)

    def handout() -> bytes:
        return cache.cached(
            f"handout:{audience[0]}", view.key, lambda: handout_pdf(data, tr, audience_url=audience[0])
        )

    auto = controls(tr, number, total, show.view_url(token, tr.lang), handout)
    slide.sheets(view, audience)
    if auto:
        auto_advance(total)


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    from pages.ui.frame import main

    main()
