"""The presenter's chapters, and the screening pack built from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo import paths
from geo.export import build_pack, output_path, write_pack
from geo.load import load_dataset
from geo.tour import chapter_number, chapters
from geo.validate import validate


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def test_chapters_cover_opening_every_stage_cost_and_close(data):
    tour = chapters(data)
    assert tour[0].segment_id is None
    assert tour[-1].segment_id is None
    shown = {c.segment_id for c in tour if c.segment_id}
    countries = set(data.route.set_index("id").loc[sorted(shown), "country"])
    assert {"China", "Vietnam", "Laos", "Thailand"} <= countries
    assert any(c.show_chart for c in tour)
    assert [c.progress for c in tour[:2]] == [f"1 / {len(tour)}", f"2 / {len(tour)}"]
    assert all(c.sources for c in tour)


@pytest.mark.parametrize(
    ("asked", "expected"), [("3", 3), ("0", 1), ("-4", 1), ("99", 11), ("x", 1), (None, 1)]
)
def test_chapter_number_is_clamped(asked, expected):
    assert chapter_number(asked, 11) == expected


def test_broken_tour_file_gives_findings(data_dir: Path):
    text = (data_dir / paths.TOUR).read_text(encoding="utf-8")
    text = text.replace(",laos-jungle,kim-children-jungle,", ",lao-jungle,kim-kids,").replace(
        "\n3,", "\n4,", 1
    )
    (data_dir / paths.TOUR).write_text(text, encoding="utf-8")
    messages = [f"{f.file}:{f.field}:{f.message}" for f in validate(data_dir)]
    assert any("segment_id:unknown segment 'lao-jungle'" in m for m in messages)
    assert any("quote_id:unknown quote 'kim-kids'" in m for m in messages)
    assert any(m.startswith("tour.csv:order:order must run 1 to 11") for m in messages)


def test_pack_is_self_contained(data):
    html = build_pack(data)
    assert re.findall(r"<script[^>]+src=|<link[^>]+href=|url\((?!data:|#)[^)]*\)", html) == []
    for chapter in chapters(data):
        assert chapter.title.replace("'", "\\u0027") in html or chapter.title in html
    assert "<svg" in html  # the cost chart, inlined


def test_pack_escapes_data(data_dir: Path):
    text = (data_dir / paths.TOUR).read_text(encoding="utf-8")
    (data_dir / paths.TOUR).write_text(
        text.replace("Night in the jungle", "</script><script>alert(1)</script>")
    )
    html = build_pack(load_dataset(data_dir))
    assert "</script><script>alert(1)" not in html


def test_write_pack_to_a_directory_or_a_file(data, tmp_path: Path):
    assert output_path(tmp_path) == tmp_path / "escape-route-screening.html"
    target = write_pack(data, tmp_path / "show.html")
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
