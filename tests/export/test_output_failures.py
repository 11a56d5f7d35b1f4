"""Every output on a disk that says no: one clear line, exit 2, no temporary file, the old site untouched.

Real faults, not mocks: a full tmpfs (ENOSPC), a read-only remount (EROFS),
files another mount holds (EBUSY), and a folder the user ``nobody`` may not
write (EACCES). The mounts live in a private mount namespace (``unshare -m``,
as root), so nothing outside the test sees them. ``tests/export/fault_driver.py``
runs the outputs; this file says what a presenter must see.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import required_tool
from tests.edit.tracks import gpx, phone_points

ROOT = Path(__file__).resolve().parents[2]

#: Each fault, and the words the one error line gives for it.
REASONS = {
    "enospc": "the disk is full",
    "erofs": "the disk is read-only",
    "ebusy": "busy",
    "eacces": "permission denied",
}


def can_mount() -> str | None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return "unshare" if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def as_root() -> None:
    required_tool(
        can_mount(),
        "needs root and unshare -m (util-linux) for private mounts",
        "the disk-fault tests",
    )


def drive(*faults: str) -> dict[str, dict]:
    """Run the driver for ``faults`` in a fresh work folder, as root in a private namespace or (EACCES,
    alone) as nobody: ``{fault: what happened}``."""
    as_nobody = "eacces" in faults
    assert not as_nobody or faults == ("eacces",), "EACCES runs as nobody, on its own"
    work = Path(tempfile.mkdtemp(prefix=f"fault-{'-'.join(faults)}-"))
    try:
        work.chmod(0o755)
        (work / "phone.gpx").write_bytes(gpx(phone_points(60)))
        env = os.environ | {
            "MPLCONFIGDIR": str(work / "mpl"),
            "HOME": str(work),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(ROOT),
        }
        driver = [sys.executable, "-m", "tests.export.fault_driver", str(work), *faults]
        if as_nobody:
            # nobody may not be able to reach the checkout (a clone inside a 0700 folder, as mktemp -d
            # makes): it is bind-mounted into the work folder, in a private namespace, and run from there.
            project = work / "project"
            project.mkdir(mode=0o755)
            shutil.chown(work, "nobody", "nogroup")
            (work / "phone.gpx").chmod(0o644)
            python = Path(sys.executable)
            if python.is_relative_to(ROOT):
                python = project / python.relative_to(ROOT)
            env["PYTHONPATH"] = str(project)
            driver = [str(python), *driver[1:]]
            prefix = [
                "unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind "$1" "$2" && cd "$2" && shift 2 && '
                'exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"',
                "sh", str(ROOT), str(project),
            ]  # fmt: skip
        else:
            prefix = ["unshare", "-m", "--propagation", "private"]
        run = subprocess.run(prefix + driver, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-3000:]
        return json.loads(run.stdout)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(work)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def leftovers(paths: list[str]) -> list[str]:
    """Temporary or staging files an output left behind (the manifest and the filler are expected)."""
    return [
        rel for rel in paths if re.search(r"(^|/)\.(?!escape-route-site\.json$)", rel) and "filler" not in rel
    ]


@pytest.fixture(scope="module")
def reports(as_root) -> dict[str, dict]:
    """Every fault's report: the root ones from one driver process, EACCES (as nobody) from another."""
    return drive(*sorted(set(REASONS) - {"eacces"})) | drive("eacces")


@pytest.mark.parametrize("fault", sorted(REASONS))
def test_every_output_fails_with_one_clear_line(reports: dict[str, dict], fault: str):
    report = reports[fault]
    for name, result in report["results"].items():
        assert result["traceback"] is None, f"{fault} {name}: {result['traceback']}"
        lines = [line for line in result["stderr"].splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("error:")]
        assert result["code"] == 2, f"{fault} {name}: exit {result['code']}; said {lines}"
        assert len(errors) == 1, f"{fault} {name}: {lines}"
        assert re.match(r"error: cannot write /\S+: ", errors[0]), errors[0]
        assert REASONS[fault] in errors[0].rsplit(": ", 1)[-1], errors[0]
        assert "Traceback" not in result["stderr"]
        assert "Errno" not in errors[0], "the reason in words, not an errno repr"
    assert leftovers(report["left"]) == []
    assert report["site_after"] == report["site_before"], "the old site is served as it was"


def test_a_site_export_into_a_mount_point_succeeds(as_root, tmp_path: Path):
    """A USB stick's mount point is a folder a rename cannot replace: the export stages inside it."""
    script = (
        'set -e; mount -t tmpfs tmpfs "$1"; '
        f'{sys.executable} -m geo export --site "$1" --lang en; '
        f'{sys.executable} -m geo export --site "$1" --lang en; '
        'ls -A "$1"; findmnt -n -o FSTYPE "$1"'
    )
    target = tmp_path / "stick"
    target.mkdir()
    run = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    names = run.stdout.split()
    assert "index.html" in names
    assert "sw.js" in names
    assert names[-1] == "tmpfs", "the site was written on the mount, not under it"
    assert not [n for n in names if n.startswith(".escape-route-staging-")]
