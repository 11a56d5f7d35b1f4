"""Who may edit the data: one maintainer password, compared in constant time, with a brake on guessing.

The password comes from ``.streamlit/secrets.toml`` (``maintainer_password``)
or the ``ESCAPE_ROUTE_EDITOR_PASSWORD`` environment variable. Without either,
editing is off: a deployment must opt in to having a page that writes files.

Nothing here logs or returns the password. A signed-in session keeps a token
derived from the password with a key that lives only in this server process, so
the token is useless elsewhere, and changing the password signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from geo.story.i18n import Strings

SECRET_KEY = "maintainer_password"
PASSWORD_ENV = "ESCAPE_ROUTE_EDITOR_PASSWORD"

#: Failed attempts allowed before each further attempt must wait.
FREE_ATTEMPTS = 3
#: The wait doubles with each failure past the free ones, up to this many seconds.
MAX_DELAY_S = 300.0

_PROCESS_KEY = secrets.token_bytes(32)


def configured_password(secret_values: Mapping[str, object], env: Mapping[str, str]) -> str | None:
    """The maintainer password, or None when editing is off. Secrets win over the environment."""
    for value in (secret_values.get(SECRET_KEY), env.get(PASSWORD_ENV)):
        if isinstance(value, str) and value.strip():
            return value
    return None


def password_matches(given: str, configured: str) -> bool:
    """Constant-time comparison, so response time does not reveal how much of a guess was right."""
    return hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8"))


def session_token(configured: str) -> str:
    """What a signed-in session stores instead of the password."""
    return hmac.new(_PROCESS_KEY, configured.encode("utf-8"), hashlib.sha256).hexdigest()


def token_valid(token: object, configured: str | None) -> bool:
    return (
        configured is not None
        and isinstance(token, str)
        and hmac.compare_digest(token.encode("ascii", "replace"), session_token(configured).encode("ascii"))
    )


class Throttle:
    """Server-wide brake on password guessing.

    Server-wide rather than per session, because opening a new browser tab is
    free: a per-session counter would slow down nobody but honest typists.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._next_allowed = 0.0

    @property
    def failures(self) -> int:
        return self._failures

    def wait_s(self) -> float:
        """Seconds until the next attempt is accepted (0 when it may be made now)."""
        with self._lock:
            return max(0.0, self._next_allowed - self._clock())

    def failed(self) -> float:
        """Record a failure; returns the wait it imposes on the next attempt."""
        with self._lock:
            self._failures += 1
            extra = self._failures - FREE_ATTEMPTS
            delay = 0.0 if extra <= 0 else min(MAX_DELAY_S, 2.0 ** (extra - 1))
            self._next_allowed = self._clock() + delay
            return delay

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._next_allowed = 0.0


Outcome = Literal["off", "throttled", "signed_in", "wrong"]


@dataclass(frozen=True)
class Attempt:
    """What one sign-in attempt came to. The page words it in the viewer's language (``message``)."""

    token: str | None
    outcome: Outcome
    #: Seconds until the next attempt is allowed: still to wait (throttled) or imposed by this failure.
    wait_s: float = 0.0

    def message(self, tr: Strings) -> str:
        key = "wrong_wait" if self.outcome == "wrong" and self.wait_s else self.outcome
        return tr(f"editor.attempt_{key}", seconds=f"{self.wait_s:.0f}")


def attempt(given: str, configured: str | None, throttle: Throttle) -> Attempt:
    """One sign-in attempt. Neither the result nor its message ever contains the password."""
    if configured is None:
        return Attempt(None, "off")
    wait = throttle.wait_s()
    if wait > 0:
        return Attempt(None, "throttled", wait)
    if password_matches(given, configured):
        throttle.succeeded()
        return Attempt(session_token(configured), "signed_in")
    return Attempt(None, "wrong", throttle.failed())
