"""Active health checks that nginx OSS does not do: probe each replica's ``/_stcore/health``.

nginx OSS only notices a failed replica passively, when a real request to it fails
(connection refused, timeout, 502/503); a replica that hangs without refusing
connections keeps getting new viewers until their requests time out. This
checker probes every replica directly and, when asked to act (``Supervisor``,
used by ``python -m deploy up``), takes a replica that fails ``FAILS_TO_DOWN``
probes in a row out of nginx's upstream (``server ... down`` and a graceful
reload), restarts a replica whose process exited, and puts it back once it
answers again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deploy.stack import health

if TYPE_CHECKING:
    from deploy.stack import Stack

FAILS_TO_DOWN = 2


@dataclass
class Probe:
    name: str
    url: str
    ok: bool
    ms: float

    def line(self) -> str:
        state = "ok  " if self.ok else "FAIL"
        return f"{state} {self.name:<14} {self.url}/_stcore/health ({self.ms:,.0f} ms)"


def probe(name: str, url: str, timeout_s: float = 2.0) -> Probe:
    start = time.perf_counter()
    ok = health(url, timeout_s)
    return Probe(name, url, ok, (time.perf_counter() - start) * 1000)


def probe_run_dir(run_dir: Path, timeout_s: float = 2.0) -> list[Probe]:
    """Every replica of a running ``python -m deploy up`` (from ``<run dir>/stack.json``), then nginx."""
    state = json.loads((run_dir / "stack.json").read_text())
    probes = [
        probe(f"replica {port}", f"http://127.0.0.1:{port}", timeout_s) for port in sorted(state["replicas"])
    ]
    probes.append(probe("nginx", state["url"], timeout_s))
    return probes


class Supervisor:
    """One probe round per ``tick()``: restart dead replicas, take unhealthy ones out of nginx."""

    def __init__(self, stack: Stack, log=print) -> None:
        self.stack = stack
        self.log = log
        self.fails = {r.port: 0 for r in stack.replicas}
        self.down: set[int] = set()

    def _write_down(self) -> None:
        path = self.stack.run_dir / "down.json"
        path.write_text(json.dumps(sorted(self.down)))
        self.stack.reload_nginx()

    def tick(self) -> None:
        changed = False
        for index, replica in enumerate(self.stack.replicas):
            if not replica.alive:
                self.log(f"replica {replica.port} exited; restarting it (log: {replica.log})")
                try:
                    self.stack.start_replica(index)
                    self.stack.write_state()
                except RuntimeError as exc:
                    self.log(f"could not restart replica {replica.port}: {exc}")
            ok = health(replica.url, timeout_s=2)
            self.fails[replica.port] = 0 if ok else self.fails[replica.port] + 1
            if not ok and self.fails[replica.port] >= FAILS_TO_DOWN and replica.port not in self.down:
                self.log(f"replica {replica.port} failed {FAILS_TO_DOWN} probes: out of nginx's upstream")
                self.down.add(replica.port)
                changed = True
            elif ok and replica.port in self.down:
                self.log(f"replica {replica.port} healthy again: back in nginx's upstream")
                self.down.discard(replica.port)
                changed = True
        if changed:
            if len(self.down) == len(self.stack.replicas):
                # Marking every server down would make nginx answer 502 at once; leave them in
                # so the passive checks keep trying.
                self.log("every replica is failing: leaving them all in the upstream")
                self.down.clear()
            self._write_down()
