"""Staging a change for the editor: uploads, sketches, diffs. Saving: test_history; sign-in: test_accounts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import paths
from geo.data.parse import MAX_FILE_BYTES
from geo.edit.diff import SHORT_VALUE, diff_file, short_value
from geo.edit.staging import (
    dump_collection,
    format_problem,
    guess_target,
    round_coords,
    sketched_segment,
    stage,
    with_segment,
)
from geo.story.i18n import strings
from tests.conftest import feature

EN = strings("en")

ROUTE = paths.ROUTE


def route_obj(directory: Path) -> dict:
    return json.loads((directory / ROUTE).read_bytes())


def route_bytes(obj: dict) -> bytes:
    return dump_collection(obj)


def retitled(directory: Path, segment_id: str, title: str) -> bytes:
    obj = route_obj(directory)
    feature(obj, segment_id)["properties"]["title"] = title
    return route_bytes(obj)


# ------------------------------------------------------------------ diffs


def test_diff_by_feature_id(data_dir: Path):
    old = (data_dir / ROUTE).read_bytes()
    obj = route_obj(data_dir)
    obj["features"] = [f for f in obj["features"] if f["properties"]["id"] != "flight-seoul"]
    feature(obj, "laos-jungle")["properties"]["title"] = "New title"
    feature(obj, "vietnam-jungle")["geometry"]["coordinates"][-1][1] += 0.1
    extra = json.loads(json.dumps(feature(obj, "thailand-bangkok")))
    extra["properties"]["id"] = "new-leg"
    obj["features"].append(extra)
    obj["features"].reverse()
    changes = {c.id: c for c in diff_file(ROUTE, old, route_bytes(obj))}
    assert changes["flight-seoul"].kind == "removed"
    assert changes["new-leg"].kind == "added"
    assert changes["laos-jungle"].fields == ("title",)
    title_was = json.loads(old)["features"][5]["properties"]["title"]
    assert changes["laos-jungle"].values == (("title", title_was, "New title"),), "the review shows both"
    moved = changes["vietnam-jungle"]
    assert moved.fields == ("geometry",)
    assert moved.geometry.startswith("moved up to 11.")
    assert len(changes) == 4, "reordering alone is not a change"


def test_diff_of_csv_rows_by_id(data_dir: Path):
    old = (data_dir / paths.SOURCES).read_bytes()
    new = old.replace(b"New Documentary", b"A New Documentary", 1)
    changes = diff_file(paths.SOURCES, old, new)
    assert [(c.kind, c.fields) for c in changes] == [("changed", ("title",))]


def test_changed_values_are_one_short_line_each():
    assert short_value(None) == ""
    assert short_value(["yahoo", "film"]) == "yahoo, film"
    assert short_value("two\n  lines") == "two lines"
    long = short_value("x" * 500)
    assert len(long) == SHORT_VALUE
    assert long.endswith("…")


def test_diff_of_unreadable_upload_is_none(data_dir: Path):
    assert diff_file(ROUTE, (data_dir / ROUTE).read_bytes(), b"\xff\xfe") is None


# ------------------------------------------------------------------ staging uploads and sketches


@pytest.mark.parametrize(
    ("upload", "target"),
    [
        ("route.geojson", ROUTE),
        ("route (2).geojson", ROUTE),
        ("quotes-new.csv", paths.QUOTES),
        ("x.txt", None),
    ],
)
def test_guess_target(upload, target):
    assert guess_target(upload) == target


def test_wrong_kind_of_file_is_refused_with_a_clear_message(data_dir: Path):
    assert format_problem(ROUTE, "route.json") is None
    problem = format_problem(paths.QUOTES, "quotes.geojson")
    assert (
        problem.message == "'quotes.geojson' cannot replace quotes.csv: quotes.csv must be a CSV file (.csv)"
    )
    staged = stage(data_dir, ROUTE, b"id,text\n", origin="route.csv")
    assert not staged.ok
    assert "must be a GeoJSON file" in staged.findings[0].message


def edited(directory: Path, change) -> bytes:
    obj = route_obj(directory)
    change(feature(obj, "laos-jungle"))
    return route_bytes(obj)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("invalid JSON", lambda d: b'{"type": "FeatureCollection", ', "not valid JSON"),
        (
            "wrong geometry",
            lambda d: route_bytes(
                {
                    **route_obj(d),
                    "features": [
                        {**f, "geometry": {"type": "Point", "coordinates": [105.0, 20.0]}}
                        for f in route_obj(d)["features"]
                    ],
                }
            ),
            "expected a LineString; got 'Point'",
        ),
        (
            "3 decimals",
            lambda d: edited(d, lambda f: f["geometry"]["coordinates"][1].__setitem__(0, 104.123)),
            "has 3 decimals; at most 2 allowed",
        ),
        (
            "missing source",
            lambda d: edited(d, lambda f: f["properties"]["sources"].append("nowhere")),
            "unknown source 'nowhere'",
        ),
        ("oversized", lambda d: b" " * (MAX_FILE_BYTES + 1), "the limit is 20 MiB"),
    ],
)
def test_bad_uploads_are_refused_with_their_message(data_dir: Path, name, make, message):
    staged = stage(data_dir, ROUTE, make(data_dir), origin="route.geojson")
    assert not staged.ok, name
    assert any(message in f.message for f in staged.findings), [f.message for f in staged.findings]
    assert staged.preview is None


def test_round_coords_to_the_privacy_limit():
    assert round_coords([[104.1234, 20.456], [104.1249, 20.4589], [105.0, 21.0]]) == [
        [104.12, 20.46],
        [105.0, 21.0],
    ]


def test_sketch_becomes_a_valid_segment(data_dir: Path):
    obj = route_obj(data_dir)
    last = obj["features"][-1]
    end = last["geometry"]["coordinates"][-1]
    props = {
        **last["properties"],
        "id": "seoul-onward",
        "order": len(obj["features"]) + 1,
        "country": "South Korea",
        "kind": "flight",
        "title": "Sketched <b>leg</b>",
    }
    geometry = {"type": "LineString", "coordinates": [end, [end[0] + 0.2345, end[1] + 0.1111]]}
    new = with_segment((data_dir / ROUTE).read_bytes(), sketched_segment(geometry, props))
    staged = stage(data_dir, ROUTE, new, origin="sketch")
    assert staged.ok, staged.findings
    assert [(c.kind, c.id) for c in staged.changes] == [("added", "seoul-onward")]
    added = feature(json.loads(new), "seoul-onward")
    assert added["geometry"]["coordinates"][1] == [round(end[0] + 0.2345, 2), round(end[1] + 0.1111, 2)]


def test_sketch_with_an_existing_id_replaces_that_segment(data_dir: Path):
    old = route_obj(data_dir)
    target = feature(old, "laos-jungle")
    coords = target["geometry"]["coordinates"]
    geometry = {"type": "LineString", "coordinates": [coords[0], [104.5, 19.5], coords[-1]]}
    new = json.loads(
        with_segment((data_dir / ROUTE).read_bytes(), sketched_segment(geometry, target["properties"]))
    )
    assert [f["properties"]["id"] for f in new["features"]] == [
        f["properties"]["id"] for f in old["features"]
    ]
    assert feature(new, "laos-jungle")["geometry"]["coordinates"][1] == [104.5, 19.5]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [[[1, 1], [2, 2], [1, 2], [1, 1]]]},
        {"type": "LineString", "coordinates": [[104.001, 20.001], [104.002, 20.002]]},
    ],
)
def test_sketch_that_cannot_be_a_segment_is_refused(geometry):
    with pytest.raises(ValueError, match="line"):
        sketched_segment(geometry, {})


def test_markup_in_an_upload_stays_text_on_the_preview_map(data_dir: Path):
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    staged = stage(data_dir, ROUTE, retitled(data_dir, "laos-jungle", payload), origin="route.geojson")
    assert staged.ok, staged.findings
    from geo.map.build import build_map

    html = build_map(staged.preview, EN).get_root().render()
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "\\u003cimg src=x" in html, "a JSON string the browser sets as text"


def test_an_upload_is_parsed_once(data_dir: Path, monkeypatch):
    """Validation, the diff and the preview all work from one parse of the upload."""
    from collections import Counter

    from geo.data.rules import check_file
    from geo.data.validation import ParseCache, read_files, validate_files

    cache = ParseCache()
    validate_files(read_files(data_dir), cache=cache)  # the app's store has the files on disk parsed
    parses: Counter[str] = Counter()

    def counting(name: str, raw: bytes, *args):
        parses[name] += 1
        return check_file(name, raw, *args)

    monkeypatch.setattr("geo.data.validation.check_file", counting)
    staged = stage(
        data_dir, ROUTE, retitled(data_dir, "laos-jungle", "Once"), origin="route.geojson", cache=cache
    )
    assert staged.ok
    assert staged.preview is not None
    assert [c.id for c in staged.changes] == ["laos-jungle"]
    assert parses == {ROUTE: 1}, "the upload once; nothing on disk again"
