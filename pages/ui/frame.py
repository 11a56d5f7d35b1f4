"""The frame of every page: page setup, navigation, language, and the check that there is data to draw.

``app.py`` (the entry point ``./run`` starts) calls ``main``; so does a page
module run alone by Streamlit's legacy ``pages/`` mode (see ``pages/__init__.py``).
The pages themselves are listed once, in ``pages.ui.nav``.
"""

from __future__ import annotations

import streamlit as st

from geo import paths
from geo.text import md_label
from pages.ui import cache, feedback, nav, state


def main() -> None:
    tr = cache.translator()
    st.set_page_config(
        page_title=tr("app.page_title"),
        page_icon="🗺️",
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    app_pages = nav.pages(tr)
    page = st.navigation(app_pages.listed(), position="top")
    if page.url_path == app_pages.route_alias.url_path:
        st.switch_page(app_pages.route, query_params=st.query_params.to_dict())
    css = (paths.STATIC_DIR / "app.css").read_text(encoding="utf-8")
    # Korean breaks between words, never inside one (김/성은); a word longer than the line still wraps.
    # Every element, not only the frame: Streamlit sets "word-break: break-word" on its paragraphs.
    korean = (
        ":root .stApp, :root .stApp * { word-break: keep-all; overflow-wrap: anywhere; }"
        if tr.lang == "ko"
        else ""
    )
    st.html(f"<style>{css}{korean}</style>")
    state.keep_language()
    # The editor opens even when no data has ever passed: it is how maintainers fix that.
    if cache.snapshot().dataset is None and page.url_path != app_pages.editor.url_path:
        feedback.show_unavailable(tr)
        st.stop()
    state.language_switch(md_label(tr("app.language")))
    page.run()
