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
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import streamlit as st

from geo import paths
from geo.data.dataset import Dataset
from geo.data.share import for_output
from geo.data.store import DataStore, Snapshot
from geo.edit import gate
from geo.edit.recovery import Repair
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


@st.cache_resource(show_spinner=False)
def _recovered(directory: str) -> tuple[Repair, ...]:
    return tuple(gate.recover(directory))


def recovered_at_start() -> tuple[Repair, ...]:
    """Put right what an interrupted save left, once per server process, before anyone edits."""
    return _recovered(str(data_dir()))


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


class _Built:
    """Values built once per ``(name, key)`` for the whole server process, the newest 64 kept.

    A plain dictionary under a lock rather than ``st.cache_resource``: a page asks for a
    dozen cached things per run, and hashing the arguments the way Streamlit's caches do
    cost more than building some of them.
    """

    def __init__(self, max_entries: int = 64) -> None:
        self._values: OrderedDict[tuple[str, tuple], object] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, name: str, key: tuple, build: Callable[[], T]) -> T:
        with self._lock:
            if (name, key) in self._values:
                self._values.move_to_end((name, key))
                return self._values[(name, key)]  # type: ignore[return-value]
        value = build()  # outside the lock: building a map takes a while; a duplicate build is harmless
        with self._lock:
            self._values[(name, key)] = value
            while len(self._values) > self._max:
                self._values.popitem(last=False)
        return value


_BUILT = _Built()


def cached(name: str, key: tuple, build: Callable[[], T]) -> T:
    """``build()`` once per ``(name, key)`` for the whole server. ``key`` is a ``View.key``."""
    return _BUILT.get(name, key, build)


def view() -> View | None:
    """This run's view, or None when no data has ever passed validation."""
    snap = snapshot()
    if snap.dataset is None:
        return None
    tr = translator()
    key = (snap.version, tr.lang, tr.version)
    # The app is open to anyone with its address: it shows public items only (geo.data.share).
    data = cached("dataset", key, lambda: translate_dataset(for_output(snap.dataset, "app"), tr))
    return View(data, tr, key)
