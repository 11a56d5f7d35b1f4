"""Saves and restores killed with SIGKILL at random moments, over and over: nobody is ever locked out.

A worker process saves and restores through ``geo.edit.gate`` as fast as it can;
it is frozen at a random moment (every other time, a random moment while git
writes) and killed together with every git it started (as a server's whole
process group would be). After each kill:

- what viewers read (the files on disk) is a valid dataset, even before any repair;
- after the repair the editor does on start, data/ equals its last commit and
  that commit is valid;
- the next save succeeds.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

from geo import paths
from geo.data.validation import validate
from geo.edit import gate, history
from geo.edit.history import Author, SaveRefused
from geo.edit.staging import dump_collection
from tests.conftest import feature
from tests.edit.test_gate import committed_everything

ROUTE = paths.ROUTE
KILLS = 50
SEED = 20261206


def _retitled(data: bytes, title: str) -> bytes:
    obj = json.loads(data)
    feature(obj, "laos-jungle")["properties"]["title"] = title
    return dump_collection(obj)


def _worker(data_dir: str, round_no: int) -> None:
    """Save and restore until killed (runs in a forked process, leader of its own process group)."""
    os.setpgid(0, 0)
    d = Path(data_dir)
    n = 0
    while True:
        n += 1
        try:
            if n % 3 == 0:
                gate.restore(d, "HEAD~1", ROUTE, author=Author("restorer"))
            else:
                current, version = history.load(d, ROUTE)
                title = f"Round {round_no} save {n}"
                gate.save(d, ROUTE, _retitled(current, title), base_version=version, author=Author("saver"))
        except SaveRefused:
            continue


def _children(pid: int) -> list[int]:
    """The worker's child processes, from the kernel's own list: a scan of /proc is too slow for a git."""
    children = Path("/proc") / str(pid) / "task" / str(pid) / "children"
    try:
        return [int(c) for c in children.read_text().split()]
    except (OSError, ValueError):
        return []


def _wait_for_a_write(pid: int, rng: random.Random, timeout: float = 10.0) -> None:
    """Until the worker runs a git that writes (``add`` or ``commit``), then a random moment more."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(pid):
            try:
                argv = (Path("/proc") / str(child) / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"commit" in argv or b"add" in argv:
                time.sleep(rng.uniform(0, 0.002))
                return
        time.sleep(0.0005)


def _kill_all(pid: int) -> None:
    """SIGKILL the worker and every git it started at once, as a server's whole process group would be."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def test_fifty_kills_at_random_moments(data_dir: Path):
    gate.save(
        data_dir,
        ROUTE,
        _retitled((data_dir / ROUTE).read_bytes(), "Start"),
        base_version=history.version(data_dir, ROUTE),
        author=Author("setup"),
    )
    rng = random.Random(SEED)
    fork = multiprocessing.get_context("fork")
    repaired: Counter[str] = Counter()
    for round_no in range(KILLS):
        worker = fork.Process(target=_worker, args=(str(data_dir), round_no), daemon=True)
        worker.start()
        with contextlib.suppress(OSError):
            os.setpgid(worker.pid, worker.pid)  # as the worker does first: no race with the kill below
        # Half the kills at any moment; half at a moment while git writes, where a kill does most harm.
        if round_no % 2:
            _wait_for_a_write(worker.pid, rng)
        else:
            time.sleep(rng.uniform(0.05, 0.8))
        _kill_all(worker.pid)
        worker.join()

        assert not [f for f in validate(data_dir) if f.is_error], f"round {round_no}: viewers see broken data"
        repairs = gate.recover(data_dir)
        repaired.update(r.kind for r in repairs)
        assert "failed" not in repaired, repairs
        assert committed_everything(data_dir), f"round {round_no}: data/ is not its last valid commit"
        current, version = history.load(data_dir, ROUTE)
        after = gate.save(
            data_dir, ROUTE, _retitled(current, f"After kill {round_no}"), base_version=version, author="ada"
        )
        assert after.repairs == (), "the editor's start already repaired everything"
    print(f"\n{KILLS} kills; repairs made: {dict(repaired) or 'none'}")
    assert sum(repaired.values()) > 0, "no kill landed inside a save: the loop tested nothing"
