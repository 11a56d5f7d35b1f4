"""Each validation rule, shown failing on a broken copy of the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import paths
from geo.data.findings import Severity, format_finding
from geo.data.validation import validate, validate_files
from tests.conftest import edit_geojson, feature


def messages(findings) -> list[str]:
    return [format_finding(f) for f in findings]


def only(findings, severity=Severity.ERROR):
    return [f for f in findings if f.severity is severity]


def test_shipped_data_is_clean():
    assert validate() == []


def test_invalid_json_names_file_line_and_column(data_dir: Path):
    (data_dir / paths.ROUTE).write_text('{"type": "FeatureCollection", "features": [,]}')
    [finding] = [f for f in validate(data_dir) if f.file == paths.ROUTE]
    assert "not valid JSON" in finding.message
    assert "line 1, column" in finding.message


def test_not_utf8(data_dir: Path):
    (data_dir / paths.QUOTES).write_bytes("id,speaker\nx,Kim\xe9\n".encode("latin-1"))
    assert any("not UTF-8" in m for m in messages(validate(data_dir)))


def test_misspelled_country_names_feature_index_and_field(data_dir: Path):
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(country="Loas")
    )
    lines = messages(validate(data_dir))
    assert (
        "data/route.geojson: feature 'laos-jungle' (#5): country: expected one of 'North Korea', 'China', "
        "'Vietnam', 'Laos', 'Thailand' or 'South Korea'; got 'Loas'"
    ) in lines


def test_wrong_geometry_type(data_dir: Path):
    def change(o):
        feature(o, "china-changbai")["geometry"] = {"type": "Point", "coordinates": [128.1, 41.5]}

    edit_geojson(data_dir, paths.ROUTE, change)
    found = [f for f in validate(data_dir) if f.feature_id == "china-changbai"]
    assert found[0].field == "geometry.type"
    assert "expected a LineString; got 'Point'" in found[0].message


@pytest.mark.parametrize("geometry", [{"type": "Point"}, {"type": "Point", "coordinates": None}])
def test_a_place_without_coordinates_is_a_finding(data_dir: Path, geometry: dict):
    # It raised KeyError: 'coordinates' once (a Point's missing position wrapped as [None]).
    edit_geojson(data_dir, paths.PLACES, lambda o: feature(o, "north-korea").update(geometry=geometry))
    found = [f for f in validate(data_dir) if f.feature_id == "north-korea"]
    expected = [("geometry.coordinates", "expected a [lon, lat] position")]
    assert [(f.field, f.message) for f in found] == expected


def test_swapped_lon_lat(data_dir: Path):
    def change(o):
        coords = feature(o, "thailand-bangkok")["geometry"]["coordinates"]
        coords[1] = [13.8, 100.5]  # [lat, lon]

    edit_geojson(data_dir, paths.ROUTE, change)
    assert any(
        "is not a valid [lon, lat]; GeoJSON is [lon, lat]: are they swapped?" in m
        for m in messages(validate(data_dir))
    )


def test_position_outside_the_project_area(data_dir: Path):
    # In range for a [lon, lat] (and a swap of some other region's point would be too), but not East Asia.
    edit_geojson(
        data_dir, paths.PLACES, lambda o: feature(o, "seoul")["geometry"].update(coordinates=[37.6, 55.7])
    )
    assert any("outside East and Southeast Asia" in m for m in messages(validate(data_dir)))


def test_out_of_range_position(data_dir: Path):
    edit_geojson(
        data_dir, paths.PLACES, lambda o: feature(o, "seoul")["geometry"].update(coordinates=[200, 37.6])
    )
    assert any("is not a valid [lon, lat]" in m for m in messages(validate(data_dir)))


def test_three_decimal_coordinates_are_an_error(data_dir: Path):
    def change(o):
        feature(o, "bangkok")["geometry"]["coordinates"] = [100.523, 13.75]

    edit_geojson(data_dir, paths.PLACES, change)
    [finding] = only(validate(data_dir))
    assert finding.file == paths.PLACES
    assert finding.feature_id == "bangkok"
    assert "3 decimals; at most 2 allowed" in finding.message


def test_required_property_missing_and_wrong_type(data_dir: Path):
    def change(o):
        props = feature(o, "vietnam-north")["properties"]
        del props["title"]
        props["order"] = "4"  # a string is not an order
        props["illustrative"] = "yes"

    edit_geojson(data_dir, paths.ROUTE, change)
    fields = {f.field for f in validate(data_dir) if f.feature_id == "vietnam-north"}
    assert {"title", "order", "illustrative"} <= fields


def test_duplicate_ids(data_dir: Path):
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "vietnam-jungle")["properties"].update(id="vietnam-north")
    )
    assert any("ids must be unique" in m for m in messages(validate(data_dir)))


def test_order_gap(data_dir: Path):
    edit_geojson(data_dir, paths.ROUTE, lambda o: feature(o, "flight-seoul")["properties"].update(order=12))
    assert any("order must run 1 to 10 with no gaps: missing 10" in m for m in messages(validate(data_dir)))


def test_segments_out_of_file_order_warn(data_dir: Path):
    edit_geojson(data_dir, paths.ROUTE, lambda o: o["features"].reverse())
    findings = validate(data_dir)
    assert only(findings) == []
    assert any("not listed in order" in f.message for f in only(findings, Severity.WARNING))


def test_gap_between_segments(data_dir: Path):
    def change(o):
        feature(o, "mekong-crossing")["geometry"]["coordinates"][0] = [100.6, 20.3]

    edit_geojson(data_dir, paths.ROUTE, change)
    [finding] = only(validate(data_dir))
    assert finding.feature_id == "mekong-crossing"
    assert "km from where 'laos-to-mekong' (order 7) ends" in finding.message


def test_country_not_where_the_segment_lies_warns(data_dir: Path):
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(country="Thailand")
    )
    findings = validate(data_dir)
    [warning] = only(findings, Severity.WARNING)
    assert warning.field == "country"
    assert "most of this segment lies in Laos" in warning.message


@pytest.mark.parametrize("key", ["address", "safe_house", "Safehouse", "phone", "gps_exact"])
def test_property_that_looks_like_a_precise_location(data_dir: Path, key: str):
    edit_geojson(data_dir, paths.PLACES, lambda o: feature(o, "bangkok")["properties"].update({key: "x"}))
    [finding] = only(validate(data_dir))
    assert finding.field == key
    assert "precise location" in finding.message


def test_unknown_source_reference_in_geojson_and_csv(data_dir: Path):
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(sources=["cnn"])
    )
    quotes = (data_dir / paths.QUOTES).read_text(encoding="utf-8")
    (data_dir / paths.QUOTES).write_text(
        quotes.replace(",yahoo,laos-jungle,", ",nyt,laos-jungle,"), encoding="utf-8"
    )
    lines = messages(validate(data_dir))
    assert any(
        line.startswith("data/route.geojson: feature 'laos-jungle' (#5): sources: unknown source 'cnn'")
        for line in lines
    )
    assert any(
        "data/quotes.csv: line" in line and "source_id: unknown source 'nyt'" in line for line in lines
    )


def test_unknown_segment_reference(data_dir: Path):
    quotes = (data_dir / paths.QUOTES).read_text(encoding="utf-8")
    (data_dir / paths.QUOTES).write_text(quotes.replace("laos-jungle", "lao-jungle"), encoding="utf-8")
    assert any("segment_id: unknown segment 'lao-jungle'" in m for m in messages(validate(data_dir)))


def test_csv_missing_column(data_dir: Path):
    text = (data_dir / paths.COSTS).read_text(encoding="utf-8").replace("amount_usd", "amount", 1)
    (data_dir / paths.COSTS).write_text(text, encoding="utf-8")
    assert "data/costs.csv: line 1: header: missing column(s): amount_usd" in messages(validate(data_dir))


def test_csv_bad_cell_names_line_id_and_field(data_dir: Path):
    text = (data_dir / paths.COSTS).read_text(encoding="utf-8").replace(",20000,", ",twenty thousand,")
    (data_dir / paths.COSTS).write_text(text, encoding="utf-8")
    [finding] = only(validate(data_dir))
    assert (finding.file, finding.line, finding.feature_id, finding.field) == (
        paths.COSTS,
        3,
        "post-covid",
        "amount_usd",
    )


def test_csv_row_with_wrong_number_of_cells(data_dir: Path):
    with (data_dir / paths.SOURCES).open("a", encoding="utf-8") as f:
        f.write("extra,only three,cells\n")
    assert any("has 3 cells; the header has 7" in m for m in messages(validate(data_dir)))


def test_event_date_must_match_its_precision(data_dir: Path):
    text = (data_dir / paths.EVENTS).read_text(encoding="utf-8").replace("2023-11-03,,day", "2023-11,,day")
    (data_dir / paths.EVENTS).write_text(text, encoding="utf-8")
    [finding] = only(validate(data_dir))
    assert finding.field == "date"
    assert "'2023-11-03'" in finding.message


def test_missing_file(data_dir: Path):
    (data_dir / paths.PLACES).unlink()
    assert "data/places.geojson: file is missing" in messages(validate(data_dir))


def test_crs_member_is_refused(data_dir: Path):
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: o.update(crs={"type": "name", "properties": {"name": "EPSG:3857"}})
    )
    assert any(f.field == "crs" for f in validate(data_dir))


def test_oversized_upload_is_refused_unread():
    from geo.data.parse import MAX_FILE_BYTES

    findings = validate_files({paths.ROUTE: b" " * (MAX_FILE_BYTES + 1)}, expected=[paths.ROUTE]).findings
    assert any("the limit is" in f.message for f in findings)


def test_replace_validates_an_upload_against_the_rest():
    route = json.loads((paths.DATA_DIR / paths.ROUTE).read_text(encoding="utf-8"))
    route["features"].pop()  # drop the flight: quotes still point at it
    findings = validate(replace={paths.ROUTE: json.dumps(route).encode()})
    assert any("unknown segment 'flight-seoul'" in f.message for f in findings)
