"""Every command stops quietly when its reader goes away (``python -m geo history | head -1``).

The reading end of the pipe is closed before the command starts, so every write fails: deterministic,
where a real ``head`` would race the writer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import paths
from geo.cli import CLOSED_PIPE


def run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "geo", *args],
            cwd=paths.PROJECT_DIR,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)


@pytest.fixture
def broken_data(data_dir: Path) -> Path:
    (data_dir / "quotes.csv").write_text("id,text\n" + "".join(f"q{i},x\n" for i in range(500)))
    return data_dir


@pytest.mark.parametrize("command", [["history"], ["history", "route.geojson"], ["validate", "BROKEN"]])
def test_a_closed_pipe_ends_the_command_quietly(command, broken_data: Path):
    args = [str(broken_data) if a == "BROKEN" else a for a in command]
    out = run_into_a_closed_pipe(*args)
    assert out.returncode == CLOSED_PIPE, out.stderr
    assert "Traceback" not in out.stderr
    assert "BrokenPipe" not in out.stderr
