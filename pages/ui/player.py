"""Playing the journey on the Route Map: the selected leg moves on by itself, leg after leg.

The leg is the one in the URL (``?segment=``), as for every other way of choosing
a leg, so the map, the side panel and a shared link all follow the player. The
page's map fragment reruns every ``STEP_S`` seconds while playing; each rerun
moves on once the current leg has had its time. The map does the rest: the
selection flies to the leg and draws it (``static/map/route-story.js``), or with
reduced motion simply shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

PLAYING = "playing"
STEPPED_AT = "played_step_at"
#: Seconds each leg stays on screen: the map flies, the leg draws, the panel can be read.
STEP_S = 6


def playing() -> bool:
    return bool(st.session_state.get(PLAYING, False))


def stop() -> None:
    st.session_state[PLAYING] = False


def toggle(legs: list[str], current: str | None, select: Callable[[str | None], None]) -> None:
    """Play from the current leg (from the first if none is chosen or the last is shown), or pause."""
    st.session_state[PLAYING] = not playing()
    st.session_state[STEPPED_AT] = time.monotonic()
    if playing() and current in (None, legs[-1]):
        select(legs[0])


def step_if_due(legs: list[str], current: str | None, select: Callable[[str | None], None]) -> None:
    """Move to the next leg once the current one has had its time; stop after the last."""
    if time.monotonic() - st.session_state.get(STEPPED_AT, 0.0) < STEP_S - 0.5:
        return
    st.session_state[STEPPED_AT] = time.monotonic()
    position = legs.index(current) if current in legs else -1
    if position + 1 >= len(legs):
        stop()
    else:
        select(legs[position + 1])
