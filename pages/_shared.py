"""Streamlit helpers every page uses: the cached data store and how data problems are shown."""

from __future__ import annotations

import os
import runpy
from collections.abc import Sequence
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from geo import auth, paths
from geo.findings import Finding, format_finding
from geo.load import Dataset, DataStore, Snapshot


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


def dataset() -> Dataset:
    """The data to draw. ``app.py`` stops the run before a page is reached when there is none."""
    data = snapshot().dataset
    assert data is not None, "app.py shows the findings instead of running a page"
    return data


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
    st.title("The route data has errors")
    st.error(
        "The map cannot be shown until these problems in the data files are fixed. "
        "Each line names the file, the feature or line, and the field."
    )
    st.code(findings_text(findings), language=None, wrap_lines=True)
    st.caption("Check the files from a terminal with `python -m geo validate`.")


def warn_if_stale(snap: Snapshot) -> None:
    """Viewers keep the last good data; maintainers are told what is wrong on disk."""
    if not snap.stale:
        return
    with st.expander("⚠️ For maintainers: the data files on disk have errors; showing the last good version"):
        st.code(findings_text([f for f in snap.findings if f.is_error]), language=None, wrap_lines=True)
