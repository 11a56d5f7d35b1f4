"""Run a coroutine to completion from synchronous code, whatever loop the caller's thread has.

The deploy tests and the crowd benchmark drive Streamlit's websocket with
asyncio. In one pytest session with the browser tests, Playwright's sync API
keeps an event loop running on the main thread, and ``asyncio.run`` refuses to
start a second one there; a fresh thread has no loop, so the coroutine gets its
own, exactly as when it runs alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)``, in a thread of its own when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aio") as pool:
        return pool.submit(asyncio.run, coro).result()
