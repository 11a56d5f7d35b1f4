"""Streamlit helpers every page uses: the cached data store and how data problems are shown."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from geo import paths
from geo.findings import Finding, format_finding
from geo.load import Dataset, DataStore, Snapshot

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
    return "\n".join(format_finding(f) for f in findings)


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
