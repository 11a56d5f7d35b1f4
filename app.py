"""Escape Route Map: entry point and shared frame for every page.

Run with ``./run`` (see README). Pages live in ``pages/``; all logic in ``geo/``.
"""

from __future__ import annotations

import streamlit as st

from pages import _shared

st.set_page_config(
    page_title="Escape Route Map · Beyond Utopia",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed",
)

PAGES = [
    st.Page("pages/route_map.py", title="Route map", icon=":material/map:", default=True, url_path="route"),
    st.Page("pages/presenter.py", title="Presenter", icon=":material/slideshow:", url_path="presenter"),
    st.Page("pages/sources.py", title="Sources", icon=":material/menu_book:", url_path="sources"),
    EDITOR := st.Page("pages/editor.py", title="Edit data", icon=":material/edit:", url_path="editor"),
]

page = st.navigation(PAGES, position="top")
snapshot = _shared.snapshot()
# The editor must open even when no data has ever passed: it is how maintainers fix that.
if snapshot.dataset is None and page.url_path != EDITOR.url_path:
    _shared.show_data_errors(snapshot.findings)
    st.stop()
_shared.warn_if_stale(snapshot)
page.run()
