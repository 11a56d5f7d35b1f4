"""The app under ``streamlit run`` on 127.0.0.1 and a free port, as a viewer's browser meets it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT / "test-artifacts"
#: Tests and maintainers can point the app at another data directory.
DATA_DIR_ENV = "ESCAPE_ROUTE_DATA_DIR"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_range(n: int) -> int:
    """A base port with ``n`` consecutive free ports from it on 127.0.0.1 (replicas behind nginx)."""
    for _ in range(50):
        base = free_port()
        if base + n > 65535:
            continue
        socks: list[socket.socket] = []
        try:
            for port in range(base, base + n):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free port range")


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 60) -> None:
    """Poll ``/_stcore/health`` until it answers 200; raise with the log's path otherwise."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s:.0f} s; see {log}")


def start_app(
    data_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    script: str = "app.py",
    port: int | None = None,
) -> AppServer:
    """``streamlit run app.py`` on 127.0.0.1; returns once it is healthy.

    ``script`` lets the benchmarks start their baseline apps the same way.
    """
    port = port or free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"streamlit-{port}.log"
    env = {**os.environ, **(extra_env or {})}
    if data_dir is not None:
        env[DATA_DIR_ENV] = str(data_dir)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log)
    return AppServer(url, process, log)


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
