"""Run every output against a disk that says no, in its own mount namespace; print what happened as JSON.

``python -m tests.export.fault_driver WORKDIR FAULT [FAULT ...]`` is started by
``test_output_failures.py`` under ``unshare -m`` (root: mounts seen only by this
process) or, for EACCES, ``setpriv`` as the user ``nobody``. It exports an
audience site once (yesterday's, as the presenter left it), then for each fault
prepares a folder of its own (that site copied in, then the fault), runs each
output through ``geo.cli.main`` exactly as ``python -m geo`` would, and reports
per output the exit code, what it printed on stderr, any traceback that
escaped, and the files left in the target folder — so the test can assert one
clear line and no leftovers for each fault. One process for several faults:
Python, the app's imports and the old site are paid for once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

from geo.cli import main

#: What each output is asked to write, relative to the work folder's ``out/``.
TARGETS = {
    "pack": "pack.html",
    "site": "site",
    "handout": "handout.pdf",
    "import": "track.geojson",
}


def run_cli(argv: list[str]) -> dict:
    err = io.StringIO()
    escaped = None
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
        except BaseException:  # noqa: BLE001 - what escaped is the finding
            code, escaped = None, traceback.format_exc()
    return {"argv": argv, "code": code, "stderr": err.getvalue(), "traceback": escaped}


def commands(out: Path, source: Path) -> dict[str, list[str]]:
    return {
        "pack": ["export", "--out", str(out / TARGETS["pack"])],
        "site": ["export", "--site", str(out / TARGETS["site"]), "--lang", "en"],
        "handout": ["handout", "--out", str(out / TARGETS["handout"])],
        "import": ["import", str(source), "--as", "route", "--out", str(out / TARGETS["import"])],
    }


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def fill(folder: Path) -> None:
    """Write into ``folder`` until the disk is full: big blocks, then small ones."""
    with open(folder / "filler.bin", "wb", buffering=0) as f:
        for size in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * size)


def prepare(fault: str, work: Path, out: Path, old_site: Path) -> None:
    """The old site first (as the presenter exported it yesterday), then the fault."""
    if fault in ("enospc", "erofs"):
        sh("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(out))
    shutil.copytree(old_site, out / "site")
    if fault == "enospc":
        fill(out)
    elif fault == "erofs":
        sh("mount", "-o", "remount,ro", str(out))
    elif fault == "ebusy":
        # Another program holds each target: a file bind-mounted over it (rename onto it: EBUSY).
        held = work / "held"
        held.write_text("held by another program")
        for name in ("pack.html", "handout.pdf", "track.geojson", "site/index.html"):
            (out / name).touch()
            sh("mount", "--bind", str(held), str(out / name))
    elif fault == "eacces":
        out.chmod(0o555)
        for folder in [p for p in out.rglob("*") if p.is_dir()]:
            folder.chmod(0o555)


def run_fault(fault: str, work: Path, old_site: Path, source: Path) -> dict:
    out = work / "out"
    out.mkdir(parents=True)
    prepare(fault, work, out, old_site)
    before = hashes(out / "site")
    results = {name: run_cli(argv) for name, argv in commands(out, source).items()}
    return {
        "results": results,
        "site_before": before,
        "site_after": hashes(out / "site"),
        "left": listing(out),
    }


def main_driver(faults: list[str], work: Path) -> dict:
    source, yesterday = work / "phone.gpx", work / "yesterday"
    yesterday.mkdir()
    first = run_cli(commands(yesterday, source)["site"])
    if first["code"] != 0:
        raise SystemExit(f"could not export the old site: {first}")
    return {fault: run_fault(fault, work / fault, yesterday / TARGETS["site"], source) for fault in faults}


if __name__ == "__main__":
    work_dir, fault_names = Path(sys.argv[1]), sys.argv[2:]
    os.environ.setdefault("MPLCONFIGDIR", str(work_dir / "mpl"))
    print(json.dumps(main_driver(fault_names, work_dir)))
