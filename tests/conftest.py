"""Shared fixtures: the shipped data (to read) and a private copy of it (to break); Debian's Chromium."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geo import paths
from geo.data.dataset import Dataset, load_dataset
from geo.story.i18n import Strings, strings, translate_dataset
from harness.browser import CHROMIUM_ARGS, find_chromium

SEEDS = paths.PROJECT_DIR.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source articles (``../shared/seeds``) that quotes and figures are checked against: under CI a
    missing folder fails the run (a check that silently skips checks nothing); elsewhere it skips."""
    if not SEEDS.is_dir():
        message = f"the source articles are not beside this checkout ({SEEDS})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SEEDS


@pytest.fixture(scope="module")
def data() -> Dataset:
    """The shipped data, loaded once per test module (a test that changes it works on ``data_dir``)."""
    return load_dataset()


def in_lang(data: Dataset, lang: str) -> tuple[Dataset, Strings]:
    """The data as a page in ``lang`` shows it (translated where the catalogue does), and its strings."""
    tr = strings(lang)
    return translate_dataset(data, tr), tr


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of ``data/`` in a temporary directory: the files a maintainer edits. The basemap
    (``data/basemap/``, made by scripts/build_basemap.py) is read from the project, never edited."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target, ignore=shutil.ignore_patterns(".backups", "basemap"))
    return target


def edit_geojson(directory: Path, name: str, change: Callable[[dict], None]) -> None:
    """Load a GeoJSON file, let ``change`` mutate it, write it back."""
    path = directory / name
    obj = json.loads(path.read_text(encoding="utf-8"))
    change(obj)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def feature(obj: dict, feature_id: str) -> dict:
    return next(f for f in obj["features"] if f["properties"].get("id") == feature_id)


def required_tool(path: str | None, missing: str, tests: str) -> str:
    """The path of a system program some tests need (Chromium, nginx). Without it they skip, saying how
    ``./test`` installs it; in CI (``CI=true``) they fail instead: there they must run, never skip."""
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; in CI {tests} must run, not skip")
        pytest.skip(missing)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return required_tool(
        find_chromium(),
        "Chromium not found: ./test installs Debian's chromium (apt-get install -y chromium)",
        "browser tests",
    )


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """One Chromium for the session, for ``tests/browser`` and ``tests/security``: a second
    Playwright in the same thread fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def open_page(app, page: str):
    """Point an AppTest at a page before its first run, as its address would.

    The Route Map is the default page: its own name (``/route``, ``pages/route.py``)
    only redirects there, and a redirect starts the page afresh, so it is opened
    as the default page instead.
    """
    if page != "pages/route.py":
        app.switch_page(page)
    return app


# ------------------------------------------------------------- no system CJK fonts
#
# Run a command where no system font has Korean letters: what a fresh machine or a venue laptop has.
# As root, ``unshare -m`` gives the command a mount namespace of its own, and an empty folder is
# mounted over every folder that holds a font with Korean letters (``fc-list :lang=ko``), so neither
# Chromium nor matplotlib can find one; MPLCONFIGDIR is fresh, so matplotlib's font cache is no help.


def korean_font_dirs() -> list[str]:
    listed = subprocess.run(["fc-list", ":lang=ko", "file"], capture_output=True, text=True).stdout
    return sorted({os.path.dirname(line.split(":")[0]) for line in listed.splitlines() if line.strip()})


@pytest.fixture(scope="session")
def without_cjk_fonts(tmp_path_factory) -> Callable[[list[str]], subprocess.CompletedProcess]:
    """``run(argv)``: ``argv`` (a Python module's arguments) with every system CJK font hidden."""
    unshare = shutil.which("unshare") if os.geteuid() == 0 else None
    required_tool(
        unshare, "hiding system fonts needs root and unshare (./test runs as root in CI)", "font tests"
    )
    empty = tmp_path_factory.mktemp("no-fonts")
    mpl = tmp_path_factory.mktemp("mplconfig")
    mounts = " && ".join(
        f"mount --bind {shlex.quote(str(empty))} {shlex.quote(d)}" for d in korean_font_dirs()
    )

    def run(argv: list[str]) -> subprocess.CompletedProcess:
        check = 'test -z "$(fc-list :lang=ko)"'
        command = " && ".join(part for part in (mounts, check, shlex.join([sys.executable, *argv])) if part)
        env = {**os.environ, "MPLCONFIGDIR": str(mpl)}
        return subprocess.run(
            ["unshare", "-m", "sh", "-c", command],
            cwd=paths.PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )

    return run
