"""The data store and the one cache scheme of the app.

Everything drawn is derived from two inputs: the data files (their content
hash, ``Snapshot.version``) and the language's strings (their content hash,
``Strings.version``). ``View.key`` is that pair plus the language code, and
every cached thing (the translated data, maps, chart specs) is stored under
``(name, View.key)`` by ``cached``, once per server, shared by all sessions.
A saved edit or a changed translation gives a new key; nothing is rebuilt
otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import streamlit as st

from geo import paths
from geo.data.dataset import Dataset
from geo.data.store import DataStore, Snapshot
from geo.story.i18n import Strings, strings, translate_dataset
from pages.ui.state import language

T = TypeVar("T")
#: Tests and maintainers can point the app at another data directory.
DATA_DIR_ENV = "ESCAPE_ROUTE_DATA_DIR"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or paths.DATA_DIR)


@st.cache_resource(show_spinner=False)
def _store(directory: str) -> DataStore:
    """One store per data directory for the whole server: every session sees the same data."""
    return DataStore(directory)


def store() -> DataStore:
    return _store(str(data_dir()))


def snapshot() -> Snapshot:
    return store().snapshot()


def translator() -> Strings:
    """The strings of this run's language (English behind every missing one)."""
    return strings(language(), data_dir() / "i18n")


@dataclass(frozen=True)
class View:
    """What one run draws: the data in the run's language, its translator, and their cache key."""

    data: Dataset
    tr: Strings
    key: tuple[str, str, str]


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached(name: str, key: tuple, _build: Callable[[], object]) -> object:
    return _build()


def cached(name: str, key: tuple, build: Callable[[], T]) -> T:
    """``build()`` once per ``(name, key)`` for the whole server. ``key`` is a ``View.key``."""
    return _cached(name, key, build)  # type: ignore[return-value]


def view() -> View | None:
    """This run's view, or None when no data has ever passed validation."""
    snap = snapshot()
    if snap.dataset is None:
        return None
    tr = translator()
    key = (snap.version, tr.lang, tr.version)
    data = cached("dataset", key, lambda: translate_dataset(snap.dataset, tr))
    return View(data, tr, key)
