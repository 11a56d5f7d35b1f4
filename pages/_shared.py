"""Streamlit helpers every page uses: the cached data store and how data problems are shown."""

from __future__ import annotations

import copy
import os
import runpy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit_folium import st_folium

from geo import auth, i18n, paths
from geo.charts import cost_timeline
from geo.findings import Finding, format_finding
from geo.load import Dataset, DataStore, Snapshot
from geo.text import md

LANG_KEY = "lang"
_REMEMBERED = "lang_remembered"


def framed_by_app() -> None:
    """Make sure this page runs inside ``app.py``, even when a fresh server's first visitor deep-links to it.

    Streamlit starts in its legacy mode when a ``pages/`` folder exists, and
    stays there until some run calls ``st.navigation``: until then a request for
    ``/editor`` runs ``pages/editor.py`` alone, without ``app.py``'s page setup,
    navigation and data checks. So a page that finds itself in that mode leaves
    it (as ``st.navigation`` would), runs ``app.py``, which runs this page again
    properly framed (our ``url_path`` values match the file names, so the page
    is found again), and stops the unframed run. Every page calls this first;
    it does nothing once ``app.py`` has run in this server.
    """
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(paths.PROJECT_DIR / "app.py"), run_name="__main__")
        st.stop()


#: Tests and maintainers can point the app at another data directory.
DATA_DIR_ENV = "ESCAPE_ROUTE_DATA_DIR"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or paths.DATA_DIR)


@st.cache_resource(show_spinner=False)
def _store(directory: str) -> DataStore:
    """One store per data directory for the whole server: every session sees the same data."""
    return DataStore(directory)


def snapshot() -> Snapshot:
    return _store(str(data_dir())).snapshot()


def lang() -> str:
    """The interface language: ``?lang=ko`` in the URL, so a shared link opens in the same language.

    Streamlit's page links drop query parameters, so the session remembers the
    choice and puts it back in the URL of the next page.
    """
    code = st.query_params.get(LANG_KEY)
    if code is None:
        code = st.session_state.get(_REMEMBERED, i18n.DEFAULT)
        if code != i18n.DEFAULT:
            st.query_params[LANG_KEY] = code
    code = code if code in i18n.LANGUAGES else i18n.DEFAULT
    st.session_state[_REMEMBERED] = code
    return code


def tr() -> i18n.Strings:
    """The strings of the current language (English behind every missing one)."""
    return i18n.strings(lang(), data_dir() / "i18n")


def view_version() -> tuple:
    """What the drawn page depends on: the data files' version and the language's strings.

    The cache key of everything built from the data below, so a saved edit or a
    changed translation is picked up, and nothing is rebuilt otherwise.
    """
    s = tr()
    return (snapshot().version, s.lang, s.version)


@st.cache_resource(show_spinner=False, max_entries=8)
def _translated(_data: Dataset, version: tuple, _s: i18n.Strings) -> Dataset:
    """One translated copy per data version and language, shared by every session."""
    return i18n.translate_dataset(_data, _s)


def dataset() -> Dataset:
    """The data to draw, in the current language. ``app.py`` stops the run when there is none."""
    data = snapshot().dataset
    assert data is not None, "app.py shows the findings instead of running a page"
    return _translated(data, view_version(), tr())


@st.cache_resource(show_spinner=False, max_entries=8)
def _chart_spec(_data: Dataset, version: tuple, _s: i18n.Strings) -> dict:
    """The cost chart as a Vega-Lite spec, built and validated once per data version and language.

    Building the Altair chart and converting it (with schema validation) was a
    third of each Route Map rerun; the spec is plain data, shared by all sessions.
    """
    return cost_timeline(_data, _s).to_dict()


def chart_spec(data: Dataset) -> dict:
    return _chart_spec(data, view_version(), tr())


@st.cache_resource(show_spinner=False, max_entries=16)
def _pristine_map(name: str, version: tuple, _build: Callable[[], folium.Map]) -> folium.Map:
    return _build()


def fresh_map(name: str, build: Callable[[], folium.Map]) -> folium.Map:
    """A copy of the map built once per ``view_version()`` (data and language) for the whole server.

    A copy, because ``st_folium`` changes the map it is given (rendering adds
    elements, and the dynamic feature group is attached to it): a rendered map
    renders differently the next time, which would reload it in the browser.
    Copying the untouched original takes a few ms; building it took ~40.
    """
    return copy.deepcopy(_pristine_map(name, view_version(), build))


def show_map(the_map: folium.Map, **kwargs: Any) -> dict | None:
    """``st_folium`` for a map that nobody has rendered yet: every map here is new or a fresh copy.

    By default st_folium renders the whole figure and then the map once more;
    for an unrendered map the second render alone gives the same component
    arguments (``tests/test_mapview.py`` checks this), and rendering is most of
    what a rerun costs, so ``render=False`` halves it.
    """
    return st_folium(the_map, render=False, **kwargs)


def language_switch() -> None:
    """English | 한국어, kept in the URL; each option is labelled in its own language."""

    def on_change() -> None:
        st.query_params[LANG_KEY] = st.session_state[LANG_KEY] or i18n.DEFAULT

    st.session_state[LANG_KEY] = lang()
    st.segmented_control(
        tr()("app.language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=LANG_KEY,
        on_change=on_change,
        label_visibility="collapsed",
    )


def findings_text(findings: Sequence[Finding]) -> str:
    """The same lines ``python -m geo validate`` prints, so the page and the terminal agree."""
    base = data_dir()
    shown = "data" if base == paths.DATA_DIR else base.as_posix()
    return "\n".join(format_finding(f, f"{shown}/{f.file}") for f in findings)


def maintainer_password() -> str | None:
    """From ``.streamlit/secrets.toml`` or the environment; None means editing is off."""
    try:
        secret_values = st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml at all
        secret_values = {}
    return auth.configured_password(secret_values, os.environ)


@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> auth.Throttle:
    """One per server: see ``auth.Throttle`` for why it is not per session."""
    return auth.Throttle()


def show_data_errors(findings: Sequence[Finding]) -> None:
    s = tr()
    st.title(md(s("app.data_errors_title")))
    st.error(md(s("app.data_errors_body")))
    st.code(findings_text(findings), language=None, wrap_lines=True)
    st.caption(md(s("app.data_errors_hint")))


def warn_if_stale(snap: Snapshot) -> None:
    """Viewers keep the last good data; maintainers are told what is wrong on disk."""
    if not snap.stale:
        return
    with st.expander(tr()("app.stale")):
        st.code(findings_text([f for f in snap.findings if f.is_error]), language=None, wrap_lines=True)
