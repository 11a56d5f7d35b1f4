"""The journey film: its script and sidecar, its frames, and a real MP4 checked with Debian's ffprobe."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from geo import paths
from geo.data import load_dataset
from geo.export.film.encode import PREVIEW_MAX_BYTES, encode_mp4
from geo.export.film.frames import FilmCanvas
from geo.export.film.make import film_plan, sidecar_paths, write_film
from geo.export.film.plan import webvtt
from geo.story.i18n import strings, translate_dataset
from geo.story.tour import chapters
from tests.conftest import edit_geojson, required_tool

HANGUL = range(0xAC00, 0xD7A4)
STREAM_FIELDS = "codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames"


@pytest.fixture(scope="session")
def ffprobe() -> str:
    return required_tool(
        shutil.which("ffprobe"), "ffprobe not found: ./test installs Debian's ffmpeg", "film tests"
    )


def probe(ffprobe: str, film: Path) -> dict:
    out = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "v:0", "-count_frames", "-of", "json",
         "-show_entries", f"stream={STREAM_FIELDS}:format=duration",
         str(film)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_film_runs_between_half_a_minute_and_ten_minutes(data, lang):
    plan = film_plan(data, strings(lang))
    assert 30 <= plan.duration <= 600
    kinds = [s.kind for s in plan.scenes]
    assert kinds[0] == "title"
    assert kinds[-1] == "credits"
    assert kinds.count("chapter") == len(data.tour)
    assert all(a.end == b.start for a, b in zip(plan.scenes, plan.scenes[1:], strict=False))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_closing_credits_name_the_basemaps_sources(data, lang):
    """The film is drawn on the pack's basemap: its credits say whose relief and rivers those are."""
    credits = " ".join(
        line for scene in film_plan(data, strings(lang)).scenes if scene.kind == "credits"
        for line in [scene.caption.title, *scene.caption.lines]
    )  # fmt: skip
    for maker in ("Natural Earth", "GSHHG", "Leaflet"):
        assert maker in credits, f"the {lang} credits do not name {maker}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_sidecar_holds_every_chapter_in_its_language(data, lang):
    tr = strings(lang)
    vtt = webvtt(film_plan(data, tr), lang)
    assert vtt.startswith("WEBVTT\n")
    for chapter in chapters(translate_dataset(data, tr), tr):
        assert chapter.title in vtt
    assert data.tour["title"].iloc[1] in vtt if lang == "en" else any(ord(c) in HANGUL for c in vtt)
    if lang == "ko":
        assert "탈출" in vtt


def test_sidecar_text_cannot_break_its_cues(data_dir: Path):
    """A planted title with WebVTT markup and an arrow: escaped, never a cue of its own or a tag."""
    planted = "Out <b>now</b> & 00:00:01.000 --> 00:00:02.000\n\nNOTE x"
    tour = (data_dir / "tour.csv").read_text(encoding="utf-8")
    (data_dir / "tour.csv").write_text(tour.replace("Out of North Korea", planted.replace("\n", " "), 1))
    vtt = webvtt(film_plan(load_dataset(data_dir), strings("en")), "en")
    assert "<b>" not in vtt
    assert "&lt;b&gt;now&lt;/b&gt; &amp;" in vtt
    assert vtt.count("-->") == len(film_plan(load_dataset(data_dir), strings("en")).scenes)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_dollar_signs_are_drawn_as_written_not_as_tex(data_dir: Path, lang, caplog):
    """Money is text: matplotlib would read the span between "$3,000" and "$20,000" as TeX (dropping
    Hangul to boxes), and a planted "$\\nosuch$" would stop the film with a parse error."""
    planted = r"Out $\nosuch$ of North Korea"
    tour = (data_dir / "tour.csv").read_text(encoding="utf-8")
    (data_dir / "tour.csv").write_text(tour.replace("Out of North Korea", planted, 1), encoding="utf-8")
    dataset, tr = load_dataset(data_dir), strings(lang)
    plan = film_plan(dataset, tr, pace=0.2)
    canvas = FilmCanvas(dataset, tr, plan, 1280, 720)
    if lang == "en":
        assert planted in [scene.caption.title for scene in plan.scenes]
    for scene in plan.scenes:  # every caption, the planted one and the cost ones with their "$"
        assert len(canvas.render(canvas.state_at(scene.end - 0.01))) == 1280 * 720 * 3
    assert not [r.getMessage() for r in caplog.records if "glyph" in r.getMessage()]


def test_the_map_stays_at_two_decimals_in_what_the_film_is_made_from(data_dir: Path):
    """The film draws what the data holds: a planted precise point is refused before any frame."""
    edit_geojson(
        data_dir,
        "route.geojson",
        lambda o: o["features"][0]["geometry"]["coordinates"][0].__setitem__(0, 126.123),
    )
    out = subprocess.run(
        [sys.executable, "-m", "geo", "video", "--out", str(data_dir.parent / "film.mp4"),
         "--data", str(data_dir)],
        cwd=paths.PROJECT_DIR, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 1
    assert "route.geojson" in out.stdout
    assert "Traceback" not in out.stderr
    assert not (data_dir.parent / "film.mp4").exists()


def test_frames_are_the_same_on_every_run_and_differ_over_time(data):
    tr = strings("ko")
    plan = film_plan(data, tr)
    one, two = (FilmCanvas(data, tr, plan, 1280, 720) for _ in range(2))
    times = [
        1.0,
        plan.scenes[2].start + 0.8,
        plan.scenes[2].start + 3.0,
        plan.scenes[5].end - 1,
        plan.duration - 1,
    ]
    hashes = [hashlib.sha256(one.render(one.state_at(t))).hexdigest() for t in times]
    assert hashes == [hashlib.sha256(two.render(two.state_at(t))).hexdigest() for t in times]
    assert len(set(hashes)) == len(times)
    assert len(one.render(one.state_at(1.0))) == 1280 * 720 * 3


def test_the_same_frames_make_the_same_file(tmp_path: Path):
    frames = [bytes([i * 5 % 256]) * (1280 * 720 * 3) for i in range(24)]
    for name in ("a.mp4", "b.mp4"):
        encode_mp4(iter(frames), tmp_path / name, 1280, 720, 24)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


@pytest.fixture(scope="module")
def film(data, tmp_path_factory) -> tuple[Path, object, object]:
    """A short film in Korean at 1280×720, 24 fps: the tour's first three chapters (a flight, a leg
    drawn, holds), holds at a fifth of their length. The whole tour's plan is checked above."""
    out = tmp_path_factory.mktemp("film") / "journey.mp4"
    tr, short = strings("ko"), dataclasses.replace(data, tour=data.tour.head(3))
    result = write_film(short, out, tr, size="1280x720", fps=24, pace=0.2)
    return out, result, film_plan(short, tr, pace=0.2)


def test_the_film_is_h264_at_its_size_rate_and_length(film, ffprobe):
    out, result, plan = film
    info = probe(ffprobe, out)
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["pix_fmt"]) == ("h264", "yuv420p")
    assert (stream["width"], stream["height"], stream["r_frame_rate"]) == (1280, 720, "24/1")
    assert int(stream["nb_read_frames"]) == result.frames == round(plan.duration * 24)
    assert float(info["format"]["duration"]) == pytest.approx(plan.duration, abs=0.1)
    assert result.drawn < result.frames / 2  # held frames are drawn once


def test_the_film_has_its_sidecar_and_a_small_animated_preview_and_no_temporary_file(film):
    out, _, plan = film
    sidecar, preview = sidecar_paths(out)
    vtt = sidecar.read_text(encoding="utf-8")
    assert vtt == webvtt(plan, "ko")
    assert preview.stat().st_size <= PREVIEW_MAX_BYTES
    with Image.open(preview) as image:
        assert image.format == "WEBP"
        assert image.n_frames > 10
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, sidecar.name, preview.name])
    assert os.stat(out).st_mode & 0o044  # readable by a web server's user, not mkstemp's 0600


def test_a_full_disk_gives_one_line_and_no_half_film(tmp_path: Path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        required_tool(None, "a full disk is simulated with unshare -m and a tmpfs (root)", "film tests")
    mnt = tmp_path / "small"
    mnt.mkdir()
    command = (
        f"mount -t tmpfs -o size=256k tmpfs {mnt} && "
        f"{sys.executable} -m geo video --out {mnt}/film.mp4 --size 1280x720 --fps 24; "
        f"code=$?; ls -A {mnt}; exit $code"
    )
    out = subprocess.run(
        ["unshare", "-m", "sh", "-c", command],
        cwd=paths.PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 2, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: cannot write {mnt}/film.mp4: no space left on device"], out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout.strip() == ""  # nothing left in the folder


def test_the_cli_refuses_what_is_not_an_mp4(tmp_path: Path):
    out = subprocess.run(
        [sys.executable, "-m", "geo", "video", "--out", str(tmp_path / "film.avi")],
        cwd=paths.PROJECT_DIR, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: --out: an .mp4 file, not {tmp_path / 'film.avi'}"
