"""The presenter's chapters from ``data/tour.csv``."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import paths
from geo.data import load_dataset
from geo.data.validation import validate
from geo.story.i18n import strings
from geo.story.tour import chapter_number, chapters

EN = strings("en")


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def test_chapters_cover_opening_every_stage_cost_and_close(data):
    tour = chapters(data, EN)
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
