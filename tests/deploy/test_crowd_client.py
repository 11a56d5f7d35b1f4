"""The crowd benchmark's protocol client against a real app server, and the generator's bounds."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.crowd import MAX_VIEWERS, run_crowd
from bench.streamlit_client import plain, require_loopback, visit
from geo.story.i18n import strings
from harness import aio
from harness.server import AppServer, start_app, stop_app


@pytest.fixture(scope="module")
def app_server() -> Iterator[AppServer]:
    server = start_app()
    yield server
    stop_app(server)


@pytest.mark.slow
def test_one_session_runs_the_route_map_and_reads_its_title(app_server: AppServer) -> None:
    async def scenario():
        v = await visit(app_server.url, timeout_s=120)
        await v.handle.close()
        await v.viewer.close()
        return v

    v = aio.run(scenario())
    s = strings("en")
    run = v.session
    assert run.status == "FINISHED_SUCCESSFULLY"
    assert not run.exceptions, run.exceptions
    assert run.session_id, "new_session carries the session id"
    assert run.page_title == s("app.page_title")
    assert plain(s("route_map.title")) in run.texts
    # As a browser: the bundle index.html names, the probes, the map's iframe and vendored Leaflet.
    assert v.bundle_files > 10
    assert "streamlit_folium.st_folium" in run.components
    assert any(p.endswith("leaflet.js") for p in run.app_static)
    assert v.viewer.bytes_received > run.bytes_received > 0


def inotify_watches(pid: int) -> int:
    """How many inotify watches the process holds, from the kernel's own list (one ``inotify wd:`` line
    each in the fdinfo of its inotify descriptors)."""
    watches = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd) == "anon_inode:inotify":
                info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                watches += sum(line.startswith("inotify wd:") for line in info.splitlines())
    return watches


@pytest.mark.slow
def test_a_new_viewer_costs_the_server_no_file_watching(app_server: AppServer) -> None:
    """Streamlit watches the sources for every new session by default: an inotify watch on each folder
    under the app's (.venv too), ~200 ms before the session's first message. The app turns it off
    (``server.fileWatcherType``); data edits show through pages.ui.cache's content hash instead."""

    async def scenario():
        viewers = [await visit(app_server.url, timeout_s=120, bundle=False) for _ in range(2)]
        held = inotify_watches(app_server.process.pid)
        for v in viewers:
            await v.handle.close()
            await v.viewer.close()
        return viewers, held

    viewers, held = aio.run(scenario())
    assert all(v.session.status == "FINISHED_SUCCESSFULLY" for v in viewers)
    assert held == 0, f"the server watches {held} paths for two viewers"


@pytest.mark.slow
def test_a_leg_chosen_or_a_quote_filter_reruns_its_own_fragment_alone(app_server: AppServer) -> None:
    """What bench section 2's served rows time: a fragment's own run, not the page's. The page has two:
    the map and the leg's story (a leg chosen), and the quotes (a speaker or leg filter, show all)."""

    async def scenario():
        v = await visit(app_server.url, query_string="segment=laos-jungle", timeout_s=120, bundle=False)
        session = v.session
        assert len(session.fragment_ids) == 2, session.fragment_ids
        runs = []
        for fragment_id in session.fragment_ids:
            before, drawn, maps = session.messages, dict(session.deltas_by_fragment), len(session.components)
            again = await v.handle.run(query_string="segment=laos-jungle", fragment_id=fragment_id)
            redrawn = again.deltas_by_fragment[fragment_id] - drawn[fragment_id]
            others = sum(again.deltas_by_fragment.values()) - sum(drawn.values()) - redrawn
            runs.append((again.status, drawn[fragment_id], redrawn, others, again.messages - before))
            runs[-1] += (len(again.components) - maps,)
        await v.handle.close()
        await v.viewer.close()
        return runs

    (map_status, map_drawn, map_redrawn, map_others, map_messages, maps_sent), quotes = aio.run(scenario())
    assert map_status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
    # The fragment's elements (the map, figures, chooser, leg story) came again and, besides a few
    # lifecycle messages, nothing else: the title, chart, quotes and route as text were not sent.
    assert map_redrawn == map_drawn > 20
    assert map_others == 0
    assert map_messages - map_redrawn <= 5
    assert maps_sent == 1
    status, drawn, redrawn, others, messages, maps_sent = quotes
    assert status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
    # The quotes (header, filters, count, toggle, five quotes with citations) and nothing else: no map.
    assert redrawn == drawn >= 10
    assert others == 0
    assert messages - redrawn <= 5
    assert maps_sent == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1:8501",
        "http://192.168.1.10",
        "http://93.184.216.34/",
        "http://example.com:8501",
        "https://127.0.0.1:8501",
        "http://127.0.0.1.example.com",
    ],
)
def test_the_generator_refuses_anything_but_loopback(url: str) -> None:
    with pytest.raises(ValueError, match=r"loopback|only http"):
        run_crowd(url, 1)


def test_loopback_addresses_are_accepted() -> None:
    assert require_loopback("http://127.0.0.1:8501") == ("127.0.0.1", 8501)
    assert require_loopback("http://127.0.0.2:80")[0] == "127.0.0.2"
    assert require_loopback("http://localhost:8080")[1] == 8080
    assert require_loopback("http://[::1]:8080")[0] == "::1"


def test_the_crowd_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="k must be"):
        run_crowd("http://127.0.0.1:9", MAX_VIEWERS + 1)


def test_the_generator_stops_at_its_deadline() -> None:
    """A server that accepts connections and never answers: the crowd ends at the deadline by itself."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = run_crowd(url, 5, window_s=0, deadline_s=1.0, session_timeout_s=300)
    assert result.stopped_by_deadline
    assert result.timeouts == 5
    assert result.times == []
    assert result.p95 == float("inf")
