"""The editor's import without Streamlit: GPX, KML, CSV and GeoJSON become a change the gate accepts."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from geo import paths
from geo.data.findings import format_finding
from geo.edit import gate, history
from geo.edit.import_stage import import_change, non_finite, read_import, report_rows, stage_import
from geo.edit.imports import MAX_VERTICES_OUT, import_file
from geo.story.i18n import strings
from tests.edit import tracks

ROUTE = paths.ROUTE
EN, KO = strings("en"), strings("ko")
#: What the maintainer types into the form: the import replaces the schematic laos-to-mekong leg.
FORM = {
    "id": "laos-to-mekong",
    "country": "Laos",
    "order": 7,
    "kind": "route",
    "mode": "overland",
    "title": "Across northern Laos to the Mekong",
    "summary": "Overland through northern Laos to the Golden Triangle.",
    "sources": ["film"],
}
WRITERS = {
    "track.gpx": tracks.gpx,
    "track.kml": tracks.kml,
    "track.csv": tracks.csv,
    "track.geojson": tracks.geojson,
}


def saved_leg(data: bytes, segment_id: str = "laos-to-mekong") -> dict:
    return next(f for f in json.loads(data)["features"] if f["properties"]["id"] == segment_id)


@pytest.mark.parametrize("name", list(WRITERS))
def test_each_format_becomes_a_valid_staged_change(data_dir: Path, name: str):
    raw = WRITERS[name](tracks.phone_points())
    change = import_change(data_dir, raw, name, "route", FORM)
    read, staged = change.read, change.staged
    assert read.ok
    assert read.findings == ()
    assert read.report.points_before == 300
    assert staged.how == "import"
    assert staged.origin == name
    assert staged.ok, [format_finding(f) for f in staged.findings]
    assert "must be" not in " ".join(f.message for f in staged.findings), "an import is not an upload"
    assert [(c.kind, c.id) for c in staged.changes] == [("changed", "laos-to-mekong")]
    leg = saved_leg(staged.data)
    coords = leg["geometry"]["coordinates"]
    assert coords[0] == [101.5, 20.5]
    assert coords[-1] == [100.2, 20.3]
    assert 2 < len(coords) <= MAX_VERTICES_OUT
    assert all(round(v, 2) == v for point in coords for v in point)
    assert leg["properties"] == {**FORM, "illustrative": True}
    text = staged.data.decode()
    assert not re.search(r"\d\.\d{3,}", text)
    assert "2023-03-14" not in text
    assert "Pixel" not in text
    assert "Mr K" not in text
    assert staged.preview is not None


def test_the_page_reads_what_the_command_line_reads(data_dir: Path):
    raw = tracks.gpx(tracks.phone_points())
    existing = (data_dir / ROUTE).read_bytes()
    read = read_import(raw, "track.gpx", "route", existing=existing)
    cli = import_file(raw, "track.gpx", "route", existing=existing)
    assert read.report == cli.report
    assert list(read.features) == cli.features
    assert read.suggested(0)["id"] == "imported-1"
    assert read.suggested(0)["order"] == 11


def test_privacy_report_numbers_for_a_phone_gpx(data_dir: Path):
    read = read_import(tracks.gpx(tracks.phone_points()), "track.gpx", "route")
    report = read.report
    kept = len(read.features[0]["geometry"]["coordinates"])
    assert (report.format, report.found, report.features) == ("GPX", 1, 1)
    assert (report.points_before, report.points_after) == (300, kept)
    assert (report.decimals_before, report.decimals_after) == (6, 2)
    assert (report.timestamps_removed, report.elevations_removed) == (300, 300)
    assert {"time", "ele", "name", "desc"} <= set(report.fields_dropped)
    rows = dict(report_rows(report))
    assert rows["editor.import_points"] == {"before": "300", "after": str(kept), "dropped": str(300 - kept)}
    assert rows["editor.import_precision"] == {"before": 6, "after": 2}
    assert rows["editor.import_timestamps"] == {"n": "300"}
    for tr in (EN, KO):
        for key, values in report_rows(report):
            text = tr(key, **values)
            assert "{" not in text, text
            assert key not in text, text
    assert EN("editor.import_points", **rows["editor.import_points"]).startswith("Points: 300 in the file")


def test_waypoints_csv_as_places(data_dir: Path):
    raw = b"name,lat,lon,time\nBorder,20.412345,100.398765,2023-03-14T02:00:00Z\n"
    form = {
        "id": "border-pin",
        "country": "Laos",
        "role": "waypoint",
        "name": "Near the border",
        "sources": ["film"],
    }
    change = import_change(data_dir, raw, "pins.csv", "places", form)
    assert change.read.report.timestamps_removed == 1
    assert change.staged.name == paths.PLACES
    assert change.staged.ok, change.staged.findings
    pin = saved_leg(change.staged.data, "border-pin")
    assert pin["geometry"]["coordinates"] == [100.4, 20.41]


@pytest.mark.parametrize(
    ("raw", "name", "words"),
    [
        (b"<gpx><trk><trkseg><trkpt lat='20' lon='101'>", "cut.gpx", "not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<gpx><wpt lat='20' lon='101'><name>&lol2;</name></wpt></gpx>",
            "bomb.gpx",
            "DOCTYPE",
        ),
        (b"<kml>" + b"<Folder>" * 100 + b"</Folder>" * 100 + b"</kml>", "deep.kml", "nests elements"),
        (
            b'{"type": "LineString", "coordinates": [[101.5, NaN], [100.2, 20.3]]}',
            "nan.geojson",
            "not a number",
        ),
        (b"lon,lat\n101.5,20.5\ninf,20.3\n", "inf.csv", "is not a number"),
        (b"lon,lat\n101.5,20.5\nabc,20.3\n", "words.csv", "not a longitude and latitude"),
        (b"lon,lat\n" + b" " * (20 * 2**20 + 1), "big.csv", "the limit is 20 MiB"),
        (b"PK\x03\x04zipped", "track.kmz", "unzip it"),
    ],
    ids=["truncated", "xml-bomb", "deep-xml", "nan", "infinity", "words", "too-big", "kmz"],
)
def test_a_bad_file_gives_findings_and_stages_nothing(data_dir: Path, raw: bytes, name: str, words: str):
    before = (data_dir / ROUTE).read_bytes()
    change = import_change(data_dir, raw, name, "route", FORM)
    [finding] = change.read.findings
    assert finding.is_error
    assert finding.file == name
    assert words in finding.message
    assert not change.read.ok
    assert change.read.report is None
    assert not change.staged.ok
    assert change.staged.data == before
    assert change.staged.changes is None
    assert "Traceback" not in format_finding(finding, name)


def test_a_csv_refusal_names_its_line():
    [finding] = read_import(b"lon,lat\n101.5,20.5\nabc,20.3\n", "words.csv", "route").findings
    assert finding.line == 3
    assert format_finding(finding, "words.csv").startswith(
        "words.csv: line 3: 'abc', '20.3' is not a longitude"
    )


def test_non_finite_coordinates_name_the_feature_and_field():
    features = (
        {"geometry": {"type": "LineString", "coordinates": [[101.5, 20.5], [100.2, 20.3]]}, "properties": {}},
        {
            "geometry": {"type": "LineString", "coordinates": [[101.5, float("nan")]]},
            "properties": {"id": "x"},
        },
    )
    [finding] = non_finite("t.gpx", features)
    assert (finding.file, finding.index, finding.feature_id, finding.field) == ("t.gpx", 1, "x", "geometry")


def test_a_form_that_breaks_the_rules_is_staged_with_its_findings(data_dir: Path):
    read = read_import(tracks.gpx(tracks.phone_points()), "track.gpx", "route")
    staged = stage_import(data_dir, read, {**FORM, "id": "imported-1", "order": 11, "title": ""})
    assert not staged.ok
    fields = {(f.feature_id, f.field) for f in staged.findings if f.is_error}
    assert ("imported-1", "title") in fields


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=True, text=True).stdout


def test_saving_an_import_through_the_gate_makes_one_commit(data_dir: Path):
    _git(data_dir, "init", "-q", "-b", "main")
    _git(data_dir, "add", ".")
    _git(data_dir, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "the data")
    change = import_change(data_dir, tracks.kml(tracks.phone_points()), "walk.kml", "route", FORM)
    saved = gate.save(
        data_dir,
        change.staged.name,
        change.staged.data,
        base_version=change.staged.base_version,
        author=history.Author("maintainer", "m@example.org"),
    )
    assert int(_git(data_dir, "rev-list", "--count", "HEAD")) == 2
    assert saved.summary.startswith("route.geojson: 1 changed: laos-to-mekong")
    coords = saved_leg((data_dir / ROUTE).read_bytes())["geometry"]["coordinates"]
    assert len(coords) > 2
    assert all(round(v, 2) == v for point in coords for v in point)
    assert _git(data_dir, "status", "--porcelain") == ""
