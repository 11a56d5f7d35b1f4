"""The one-file screening pack: self-contained, escaped, written atomically, and from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo import paths
from geo.data import load_dataset
from geo.export.pack import build_pack, output_path, pack_slides, write_pack
from geo.present.qr import AudienceURLError
from geo.present.slides import slide_panel, slide_parts
from geo.story.i18n import strings, translate_dataset
from geo.story.tour import chapters
from tests.program_text import html_text, program_text

EN = strings("en")


def test_pack_is_self_contained(data):
    html = build_pack(data, EN)
    assert re.findall(r"<script[^>]+src=|<link[^>]+href=|url\((?!data:|#)[^)]*\)", html) == []
    for chapter in chapters(data, EN):
        assert chapter.title.replace("'", "\\u0027") in html or chapter.title in html
    assert "<svg" in html  # the cost chart, inlined


def test_pack_escapes_data(data_dir: Path):
    text = (data_dir / paths.TOUR).read_text(encoding="utf-8")
    (data_dir / paths.TOUR).write_text(
        text.replace("Night in the jungle", "</script><script>alert(1)</script>")
    )
    html = build_pack(load_dataset(data_dir), EN)
    assert "</script><script>alert(1)" not in html


def test_write_pack_to_a_directory_or_a_file(data, tmp_path: Path):
    assert output_path(tmp_path) == tmp_path / "escape-route-screening.html"
    target = write_pack(data, tmp_path / "show.html", EN)
    assert target == tmp_path / "show.html"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["show.html"], "no temporary file left behind"


def test_cli_export(tmp_path: Path):
    from geo.cli import main

    assert main(["export", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "escape-route-screening.html").stat().st_size > 100_000


def test_cli_export_refuses_broken_data(data_dir: Path, tmp_path: Path, monkeypatch, capsys):
    from geo.cli import main

    (data_dir / paths.TOUR).write_text("order,id\n1,x\n", encoding="utf-8")
    monkeypatch.setattr(paths, "DATA_DIR", data_dir)
    assert main(["export", "--out", str(tmp_path / "out")]) == 1
    assert "tour.csv: line 1: header: missing column(s)" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_pack_forbids_every_request_and_says_what_it_blocked(data):
    html = build_pack(data, EN)
    head = html[: html.index("</head>")]
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in head
    assert head.index("Content-Security-Policy") < head.index("<script"), "the policy comes before any script"
    assert "securitypolicyviolation" in head


def test_pack_markup_shows_no_program_text(data):
    """The template's own text (labels, buttons): the slides' text is checked on screen, in the browser."""
    for tr in (EN, strings("ko")):
        assert program_text(html_text(build_pack(data, tr))) == []


def test_qr_slide_only_with_an_audience_address(data):
    plain = pack_slides(chapters(data, EN), EN, None)
    assert [s["kind"] for s in plain][-1] == "credits"
    assert "qr" not in [s["kind"] for s in plain]
    with_qr = pack_slides(chapters(data, EN), EN, "https://example.org/audience/")
    assert [s["kind"] for s in with_qr][-2:] == ["qr", "credits"]
    html = build_pack(data, EN, audience_url="https://example.org/audience/")
    assert 'id="qr-code"' in html
    with pytest.raises(AudienceURLError):
        build_pack(data, EN, audience_url="javascript:alert(1)")


def test_speaker_notes_travel_as_data(data):
    html = build_pack(data, EN)
    blob = re.search(r'<script type="application/json" id="pack-data">(.*?)</script>', html, re.S).group(1)
    slides = json.loads(blob)["slides"]
    assert [s["notes"] for s in slides if s["kind"] == "chapter"] == [c.notes for c in chapters(data, EN)]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_slide_is_written_once_for_the_presenter_page_and_the_pack(data, lang):
    """One template draws a chapter: the pack carries each chapter's parts exactly as the Presenter
    page's panel holds them, and its first panel is the Presenter page's."""
    tr = strings(lang)
    html = build_pack(data, tr)
    tour = chapters(translate_dataset(data, tr), tr)
    for c in tour:
        parts = slide_parts(c, tr)
        assert f'<template class="slide-parts" data-chapter="{c.number}">{parts}</template>' in html
        assert parts in slide_panel(c, tr)
    assert slide_panel(tour[0], tr) in html
