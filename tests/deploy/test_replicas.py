"""Two replicas behind nginx on loopback, as ``python -m deploy up`` runs them.

Every request nginx passes on carries ``X-Upstream: <replica address>`` (the
websocket's handshake response too), so a test sees which replica answered.
The replicas share one copy of ``data/`` in a temporary directory.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.streamlit_client import Session, Viewer, visit
from deploy.healthcheck import Supervisor
from deploy.stack import Settings, Stack, find_nginx
from geo import paths
from geo.files import atomic_write
from harness import aio
from harness.server import free_port_range
from tests.conftest import required_tool

pytestmark = pytest.mark.slow

EDITED_LEG = "laos-jungle"
NEW_TITLE = "Night trek into Laos (edited through replica one)"


@pytest.fixture(scope="module")
def nginx() -> str:
    return required_tool(
        find_nginx(),
        "nginx not found: ./test installs Debian's nginx-light (scripts/ensure_nginx.sh)",
        "the replica tests",
    )


@pytest.fixture(scope="module")
def stack(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("replicas")
    data = root / "data"
    shutil.copytree(paths.DATA_DIR, data, ignore=shutil.ignore_patterns(".backups"))
    audience = root / "audience"
    audience.mkdir()
    (audience / "index.html").write_text("<!doctype html><title>Audience</title>" + "<p>x</p>" * 400)
    (audience / "site.js").write_text("console.log('audience');\n" * 200)
    settings = Settings(
        replicas=2,
        base_port=free_port_range(2),
        listen_port=free_port_range(1),
        data_dir=data,
        audience_dir=audience,
        run_dir=root / "run",
    )
    running = Stack(settings).start()
    try:
        yield running
    finally:
        running.stop(graceful=False)


def addresses(stack: Stack) -> list[str]:
    return [f"127.0.0.1:{r.port}" for r in stack.replicas]


def answered(x_upstream: str) -> str:
    """The replica that answered: ``$upstream_addr`` lists every one tried, comma-separated."""
    return x_upstream.split(",")[-1].strip()


async def pinned_viewer(stack: Stack, upstream: str, tries: int = 60) -> Viewer:
    """A fresh viewer whose route cookie nginx maps to ``upstream``."""
    for _ in range(tries):
        viewer = Viewer(stack.url)
        await viewer.get("/_stcore/health")
        if viewer.upstreams[-1] == upstream:
            return viewer
        await viewer.close()
    raise AssertionError(f"no new viewer landed on {upstream} in {tries} tries")


async def first_run(viewer: Viewer) -> tuple[Session, list[str]]:
    session = Session(viewer)
    await session.open()
    run = await session.run()
    assert run.status == "FINISHED_SUCCESSFULLY", run
    assert not run.exceptions, run.exceptions
    return session, run.texts


def test_a_session_sticks_to_one_replica(stack: Stack) -> None:
    """Page, probes, websocket and the requests after the run all reach the replica of the cookie."""

    async def scenario() -> None:
        result = await visit(stack.url, timeout_s=60)
        viewer, run = result.viewer, result.session
        assert run.status == "FINISHED_SUCCESSFULLY"
        assert "er_route" in viewer.cookies
        assert run.upstream in addresses(stack), "the websocket handshake names its replica"
        # Later requests of the same browser: a probe, host-config, the map's component iframe.
        await viewer.get_all(["/_stcore/health", "/_stcore/host-config"])
        await viewer.get("/component/streamlit_folium.st_folium/index.html")
        assert set(viewer.upstreams) == {run.upstream}, viewer.upstreams
        # A second websocket of the same browser (a reconnect) lands there too.
        again = Session(viewer)
        await again.open()
        assert again.result.upstream == run.upstream
        await again.close()
        await result.handle.close()
        await viewer.close()

    aio.run(scenario())


def test_b_new_viewers_are_spread_over_both_replicas(stack: Stack) -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        http, sockets = [], []
        for _ in range(16):
            viewer = Viewer(stack.url)
            await viewer.get("/_stcore/health")
            http.append(viewer.upstreams[-1])
            session = Session(Viewer(stack.url))  # no cookie: nginx picks a route for the websocket itself
            await session.open()
            sockets.append(session.result.upstream)
            await session.close()
            await viewer.close()
        return http, sockets

    http, sockets = aio.run(scenario())
    assert set(http) == set(addresses(stack)), http
    assert set(sockets) == set(addresses(stack)), sockets


def test_static_files_come_from_nginx_compressed_and_cached(stack: Stack) -> None:
    async def scenario() -> dict[str, dict[str, str]]:
        viewer = Viewer(stack.url)
        index = await viewer.get("/")
        script = next(p for p in index.body.decode().split('"') if p.startswith("./static/js/index."))
        out = {}
        leaflet = "/app/static/vendor/leaflet/leaflet.js"
        for path in ("/", script[1:], leaflet, "/audience/", "/audience/site.js"):
            out[path] = (await viewer.get(path)).headers
        await viewer.close()
        return out

    headers = aio.run(scenario())
    for path, h in headers.items():
        assert "x-upstream" not in h, f"{path} went to a replica"
    bundle = next(h for p, h in headers.items() if p.startswith("/static/js/"))
    assert "immutable" in bundle["cache-control"]
    assert bundle["content-encoding"] == "gzip"
    assert headers["/"]["cache-control"] == "no-cache"
    assert headers["/app/static/vendor/leaflet/leaflet.js"]["content-encoding"] == "gzip"
    assert headers["/audience/"]["cache-control"] == "no-cache"
    assert headers["/audience/site.js"]["content-encoding"] == "gzip"


def test_d_an_edit_in_the_shared_data_dir_shows_on_both_replicas(stack: Stack) -> None:
    route_file = stack.settings.data_dir / "route.geojson"
    obj = json.loads(route_file.read_text(encoding="utf-8"))
    leg = next(f for f in obj["features"] if f["properties"]["id"] == EDITED_LEG)
    old_title = leg["properties"]["title"]

    async def titles_on(upstream: str) -> list[str]:
        viewer = await pinned_viewer(stack, upstream)
        session, texts = await first_run(viewer)
        assert session.result.upstream == upstream
        await session.close()
        await viewer.close()
        return texts

    async def scenario() -> None:
        for upstream in addresses(stack):
            assert any(old_title in t for t in await titles_on(upstream))
        # What the editor's save does (geo/save.py): temporary file, then os.replace.
        leg["properties"]["title"] = NEW_TITLE
        atomic_write(route_file, json.dumps(obj, ensure_ascii=False).encode("utf-8"))
        for upstream in addresses(stack):
            texts = await titles_on(upstream)
            assert any(NEW_TITLE in t for t in texts), f"{upstream} did not show the edit"
            assert not any(old_title in t for t in texts)

    aio.run(scenario())


def test_z_killing_a_replica_moves_new_sessions_to_the_other(stack: Stack) -> None:
    """Runs last: it kills replica one, then the supervisor brings it back."""
    dead, alive = addresses(stack)

    async def scenario() -> None:
        pinned = await pinned_viewer(stack, dead)
        await pinned.close()
        await asyncio.to_thread(stack.kill_replica, 0)
        # A browser whose cookie pointed at the dead replica: its next page load goes on.
        # nginx tries the dead replica, fails to connect, and passes the request on: the
        # header lists both, and the viewer sees a plain 200.
        await pinned.get("/_stcore/health")
        assert pinned.upstreams[-1] == f"{dead}, {alive}"
        session, _ = await first_run(pinned)
        assert answered(session.result.upstream) == alive
        await session.close()
        # Fresh viewers, all at once: every one gets a finished run from the live replica.
        visits = await asyncio.gather(*(visit(stack.url, timeout_s=60, bundle=False) for _ in range(8)))
        for v in visits:
            assert v.session.status == "FINISHED_SUCCESSFULLY"
            assert answered(v.session.upstream) == alive
            assert {answered(u) for u in v.viewer.upstreams} == {alive}
            await v.handle.close()

    aio.run(scenario())
    error_log = Path(stack.error_log).read_text()
    assert "Connection refused" in error_log, "nginx saw the dead replica and retried elsewhere"

    # The health checker restarts the dead process; once it answers, new viewers reach it again.
    supervisor = Supervisor(stack, log=lambda _m: None)
    supervisor.tick()
    stack.wait_healthy([stack.replicas[0]])

    async def back() -> None:
        # nginx gives a failed replica no requests for fail_timeout (5 s), then tries it again;
        # the consistent hash then sends the viewers of its cookies back to it.
        for _ in range(100):
            viewer = Viewer(stack.url)
            await viewer.get("/_stcore/health")
            await viewer.close()
            if answered(viewer.upstreams[-1]) == dead:
                break
            await asyncio.sleep(0.2)
        session, _ = await first_run(viewer)
        assert session.result.upstream == dead
        await session.close()

    aio.run(back())
