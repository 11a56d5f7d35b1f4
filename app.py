"""Escape Route Map: entry point and shared frame for every page.

Run with ``./run`` (see README). Pages live in ``pages/``; all logic in ``geo/``.
"""

from __future__ import annotations

import streamlit as st

from geo import paths
from pages import _shared

s = _shared.tr()
st.set_page_config(
    page_title=s("app.page_title"),
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed",
)

PAGES = [
    st.Page(
        "pages/route_map.py", title=s("nav.route_map"), icon=":material/map:", default=True, url_path="route"
    ),
    st.Page(
        "pages/presenter.py", title=s("nav.presenter"), icon=":material/slideshow:", url_path="presenter"
    ),
    st.Page("pages/sources.py", title=s("nav.sources"), icon=":material/menu_book:", url_path="sources"),
    EDITOR := st.Page("pages/editor.py", title=s("nav.editor"), icon=":material/edit:", url_path="editor"),
]

page = st.navigation(PAGES, position="top")
st.html(f"<style>{(paths.STATIC_DIR / 'app.css').read_text(encoding='utf-8')}</style>")
snapshot = _shared.snapshot()
# The editor must open even when no data has ever passed: it is how maintainers fix that.
if snapshot.dataset is None and page.url_path != EDITOR.url_path:
    _shared.show_data_errors(snapshot.findings)
    st.stop()
_shared.warn_if_stale(snapshot)
_shared.language_switch()
page.run()
