"""The presenter's chapters from ``data/tour.csv``."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import paths
from geo.data.validation import validate
from geo.story.i18n import strings, translate_dataset
from geo.story.tour import chapter_number, chapters

EN = strings("en")


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


def test_every_chapter_has_speaker_notes_in_both_languages(data):
    english = chapters(data, EN)
    korean = chapters(translate_dataset(data, strings("ko")), strings("ko"))
    assert all(c.notes for c in english)
    for en, ko in zip(english, korean, strict=True):
        assert ko.notes, en.id
        assert ko.notes != en.notes, f"{en.id}: notes not translated"


def test_notes_are_optional_and_limited(data_dir: Path):
    path = data_dir / paths.TOUR
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(',"', 1)[0] + ',"' + "x" * 701 + '"'
    lines[2] = lines[2].rsplit(',"', 1)[0] + ","
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes = [(f.line, "at most 700" in f.message) for f in validate(data_dir) if f.field == "notes"]
    assert notes == [(2, True)], "a blank note (line 3) is fine"
