"""``python -m geo export --check FILE``: a fresh pack passes; a broken one fails, naming the problem.

Run as the presenter runs it, in its own process (it starts its own headless Chromium, which cannot
share this test session's Playwright)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo import paths
from geo.data import load_dataset
from geo.export.pack import write_pack
from geo.story.i18n import strings

pytestmark = pytest.mark.browser


def check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", "export", "--check", str(path)],
        cwd=paths.PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def pack(tmp_path_factory, chromium_path) -> Path:
    return write_pack(load_dataset(), tmp_path_factory.mktemp("check") / "show.html", strings("ko"))


def test_a_fresh_pack_passes(pack: Path):
    result = check(pack)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1920x1080, 1280x720, 1024x768: no problems" in result.stderr


def test_a_pack_that_fetches_or_clips_fails_naming_the_problem(pack: Path, tmp_path: Path):
    html = pack.read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    # A leftover CDN image, and a title too big for any screen.
    logo = "https://cdn.example.com/logo.png"
    extra = f'<img src="{logo}" alt=""><style>#slide-panel #slide-title {{ font-size: 30vh; }}</style>'
    broken.write_text(html.replace("</body>", extra + "</body>", 1), encoding="utf-8")
    result = check(broken)
    assert result.returncode == 1
    out = result.stdout.splitlines()
    ko = strings("ko")  # the pack reports in its own language
    assert f"1024x768: {ko('pack.problem_blocked', url=logo)}" in out
    title = {ko(f"pack.problem_{kind}", slide=1, element="slide-title") for kind in ("clipped", "offscreen")}
    assert {f"1920x1080: {t}" for t in title} & set(out), "the title that does not fit is named"


def test_a_file_that_is_not_a_pack_fails(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><title>x</title><p>hello</p>", encoding="utf-8")
    result = check(page)
    assert result.returncode == 1
    assert "the pack's own check did not run" in result.stdout
