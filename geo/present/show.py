"""One show in two windows: the projector's and the presenter's (notes, next chapter, timer).

In the screening pack the two windows talk directly (``BroadcastChannel`` and ``postMessage``). Two
Streamlit sessions cannot: so the Presenter page publishes its chapter here, under a show token that is
in both windows' URLs (``?show=…``), and the presenter view reads it every second. The board is a plain,
thread-safe dict: ``pages.ui.show`` keeps one per server process (``st.cache_resource``). It holds only
chapter numbers and times, never anything a viewer typed.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, replace

#: A token is what ``new_token`` makes; anything else in a URL is ignored.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


def new_token() -> str:
    return secrets.token_urlsafe(9)


def valid_token(value: object) -> bool:
    return isinstance(value, str) and bool(TOKEN.match(value))


@dataclass(frozen=True)
class ShowState:
    chapter: int
    total: int
    #: ``time.time()`` when the show started (or the presenter reset the timer).
    started: float
    updated: float

    def elapsed(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.started)


class ShowBoard:
    """Chapter and start time per show token. Old shows are forgotten: at most ``max_shows``, each kept
    ``ttl_s`` after its last change."""

    def __init__(self, max_shows: int = 64, ttl_s: float = 12 * 3600) -> None:
        self._shows: dict[str, ShowState] = {}
        self._lock = threading.Lock()
        self.max_shows = max_shows
        self.ttl_s = ttl_s

    def publish(self, token: str, chapter: int, total: int) -> ShowState:
        """The projector window is on ``chapter`` now; starts the show (and its timer) on first call."""
        now = time.time()
        with self._lock:
            old = self._shows.get(token)
            state = (
                ShowState(chapter, total, now, now)
                if old is None
                else replace(old, chapter=chapter, total=total, updated=now)
            )
            self._shows[token] = state
            self._forget_old(now)
            return state

    def restart_timer(self, token: str) -> None:
        with self._lock:
            old = self._shows.get(token)
            if old is not None:
                self._shows[token] = replace(old, started=time.time())

    def read(self, token: str) -> ShowState | None:
        with self._lock:
            return self._shows.get(token)

    def _forget_old(self, now: float) -> None:
        for token in [t for t, s in self._shows.items() if now - s.updated > self.ttl_s]:
            del self._shows[token]
        while len(self._shows) > self.max_shows:
            oldest = min(self._shows, key=lambda t: self._shows[t].updated)
            del self._shows[oldest]
