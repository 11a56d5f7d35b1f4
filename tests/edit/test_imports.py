"""Importing GPX, KML, GeoJSON and CSV: everything precise is removed before anything is kept."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import paths
from geo.data.parse import MAX_FILE_BYTES
from geo.data.validation import validate
from geo.edit import imports
from geo.edit.imports import ImportRefused, import_file
from geo.edit.staging import dump_collection

ROUTE, PLACES = paths.ROUTE, paths.PLACES
FILLED_SEGMENT = {
    "id": "laos-to-mekong",
    "order": 7,
    "country": "Laos",
    "kind": "route",
    "mode": "overland",
    "title": "Across northern Laos to the Mekong",
    "summary": "Overland through northern Laos to the Golden Triangle.",
    "illustrative": True,
    "sources": ["film"],
}


# ------------------------------------------------------------------ a realistic phone track


def phone_track(n: int = 600, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """(lon, lat, elevation, time) as a phone logs them: 6 decimals, every 20 s, with GPS jitter.

    Northern Laos to the Golden Triangle (101.5, 20.5 → 100.2, 20.3), meandering like a road.
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n)
    lon = 101.5 - 1.3 * t + 0.06 * np.sin(t * 9 * np.pi) * np.sin(t * np.pi)
    lat = 20.5 - 0.2 * t + 0.05 * np.sin(t * 5 * np.pi) ** 2 * np.sin(t * np.pi)
    lon += rng.normal(0, 0.0004, n)
    lat += rng.normal(0, 0.0004, n)
    lon[0], lat[0], lon[-1], lat[-1] = 101.500013, 20.499987, 100.200021, 20.300034
    ele = 300 + 200 * np.sin(t * 3 * np.pi) + rng.normal(0, 3, n)
    start = datetime(2023, 3, 14, 2, 0, tzinfo=UTC)
    return [
        (
            f"{x:.6f}",
            f"{y:.6f}",
            f"{e:.1f}",
            (start + timedelta(seconds=20 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for i, (x, y, e) in enumerate(zip(lon, lat, ele, strict=True))
    ]


def gpx_track(points, parts: int = 1) -> bytes:
    size = -(-len(points) // parts)
    segments = "".join(
        "<trkseg>"
        + "".join(
            f'<trkpt lat="{y}" lon="{x}"><ele>{e}</ele><time>{ts}</time><hdop>4.2</hdop></trkpt>'
            for x, y, e, ts in points[k : k + size]
        )
        + "</trkseg>"
        for k in range(0, len(points), size)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="GPS Logger for Android" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><time>{points[0][3]}</time></metadata>
  <trk><name>Pixel 7 2023-03-14</name><desc>Near the house of Mr K.</desc>{segments}</trk>
</gpx>""".encode()


def kml_gx_track(points) -> bytes:
    whens = "".join(f"<when>{ts}</when>" for *_, ts in points)
    coords = "".join(f"<gx:coord>{x} {y} {e}</gx:coord>" for x, y, e, _ in points)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>Track</name><Placemark><name>Walk</name><description>Recorded on a phone</description>
<gx:Track><altitudeMode>absolute</altitudeMode>{whens}{coords}</gx:Track></Placemark></Document></kml>""".encode()


def kml_line(points) -> bytes:
    coords = " ".join(f"{x},{y},{e}" for x, y, e, _ in points)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Pins</name>
<Placemark><name>Start</name><Point><coordinates>101.512345,20.498765</coordinates></Point></Placemark>
</Folder><Folder><name>Lines</name><Placemark><name>Route</name><TimeStamp><when>2023-03-14</when></TimeStamp>
<LineString><altitudeMode>absolute</altitudeMode><coordinates>{coords}</coordinates></LineString></Placemark>
</Folder></Document></kml>""".encode()


def coordinates(result: imports.ImportResult) -> list[list[float]]:
    """Every position written, for lines and points alike."""
    out = []
    for f in result.features:
        coords = f["geometry"]["coordinates"]
        out += [coords] if f["geometry"]["type"] == "Point" else coords
    return out


def assert_generalized(result: imports.ImportResult, raw: bytes) -> None:
    text = result.data.decode()
    # No number in the output has more than 2 decimals, and nothing else from the file survives.
    assert not re.search(r"\d\.\d{3,}", text)
    assert "2023-03-14" not in text
    assert "Pixel" not in text
    assert "Mr K" not in text
    for feat in result.features:
        assert set(feat["properties"]) == set(FILLED_SEGMENT)
        assert len(feat["geometry"]["coordinates"]) <= imports.MAX_VERTICES_OUT
        for x, y in feat["geometry"]["coordinates"]:
            assert round(x, 2) == x
            assert round(y, 2) == y
    coords = coordinates(result)
    assert all(a != b for a, b in itertools.pairwise(coords)), "no consecutive duplicates"


def filled_route(data_dir: Path, result: imports.ImportResult) -> bytes:
    """What the maintainer does next: fill in the placeholders and use the track for laos-to-mekong."""
    obj = json.loads((data_dir / ROUTE).read_bytes())
    [imported] = result.features
    imported["properties"] = dict(FILLED_SEGMENT)
    obj["features"] = [imported if f["properties"]["id"] == "laos-to-mekong" else f for f in obj["features"]]
    return dump_collection(obj)


def errors(findings) -> list:
    return [f for f in findings if f.is_error]


# ------------------------------------------------------------------ tracks


def test_phone_gpx_track_is_generalized(data_dir: Path):
    points = phone_track()
    raw = gpx_track(points, parts=3)
    result = import_file(raw, "Pixel 7 track.gpx", "route", existing=(data_dir / ROUTE).read_bytes())
    assert result.target == ROUTE
    assert_generalized(result, raw)
    report = result.report
    assert report.format == "GPX"
    assert (report.found, report.features) == (1, 1)
    assert report.points_before == 600
    assert report.points_after == len(coordinates(result))
    assert 10 <= report.points_after <= 40
    assert (report.decimals_before, report.decimals_after) == (6, 2)
    assert report.timestamps_removed == 601, "600 points and the file's own time"
    assert report.elevations_removed == 600
    assert report.fields_dropped == ("desc", "ele", "hdop", "name", "time")
    assert any("3 parts; they were joined into one line" in w for w in report.warnings)
    assert coordinates(result)[0] == [101.5, 20.5]
    assert coordinates(result)[-1] == [100.2, 20.3]
    props = result.features[0]["properties"]
    assert props["id"] == "imported-1"
    assert props["order"] == 11, "after the existing ten segments"
    assert (props["title"], props["sources"], props["illustrative"]) == ("", [], True)


def test_imported_track_passes_the_validator_once_filled_in(data_dir: Path):
    result = import_file(
        gpx_track(phone_track()), "track.gpx", "route", existing=(data_dir / ROUTE).read_bytes()
    )
    # As imported, the validator names exactly what is left to fill in.
    obj = json.loads((data_dir / ROUTE).read_bytes())
    obj["features"] += result.features
    unfilled = errors(validate(data_dir, replace={ROUTE: dump_collection(obj)}))
    assert {f.field for f in unfilled if f.feature_id == "imported-1"} == {
        "country",
        "mode",
        "title",
        "summary",
        "sources",
        # Appended after the flight to Seoul, it does not start where that one ends: the validator says so.
        "geometry.coordinates[0]",
    }
    assert not [f for f in unfilled if "decimals" in f.message]
    # Filled in, it is a valid route.
    assert errors(validate(data_dir, replace={ROUTE: filled_route(data_dir, result)})) == []


@pytest.mark.parametrize("make", [kml_gx_track, kml_line], ids=["gx-track", "linestring-with-altitude"])
def test_phone_kml_track_is_generalized(data_dir: Path, make):
    raw = make(phone_track())
    result = import_file(raw, "track.kml", "route")
    assert_generalized(result, raw)
    report = result.report
    assert report.format == "KML"
    assert report.points_before == 600
    assert report.points_after == len(coordinates(result)) <= 40
    assert (report.decimals_before, report.decimals_after) == (6, 2)
    assert report.elevations_removed == 600
    assert report.timestamps_removed == (600 if make is kml_gx_track else 1)
    assert "Name" in report.fields_dropped
    assert errors(validate(data_dir, replace={ROUTE: filled_route(data_dir, result)})) == []


def test_kml_takes_the_first_folder_with_lines_and_says_so():
    raw = kml_line(phone_track()).replace(
        b"</Document>",
        b"<Folder><Placemark><LineString><coordinates>"
        b"101.1,20.1 101.3,20.3</coordinates></LineString></Placemark>"
        b"</Folder></Document>",
    )
    result = import_file(raw, "two folders.kml", "route")
    assert result.report.features == 1
    assert any("only the first folder with lines" in w for w in result.report.warnings)
    places = import_file(raw, "two folders.kml", "places")
    assert coordinates(places) == [[101.51, 20.5]], "the Pins folder, rounded"


def test_geojson_track_with_times_and_altitude():
    points = phone_track(200)
    obj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "MultiLineString",
                    "coordinates": [
                        [[float(x), float(y), float(e)] for x, y, e, _ in points[:100]],
                        [[float(x), float(y), float(e)] for x, y, e, _ in points[100:]],
                    ],
                },
                "properties": {
                    "name": "Walk",
                    "time": points[0][3],
                    "coordTimes": [[ts for *_, ts in points[:100]], [ts for *_, ts in points[100:]]],
                    "phone": "+856 20 1234 5678",
                },
            }
        ],
    }
    result = import_file(json.dumps(obj).encode(), "walk.geojson", "route")
    assert_generalized(result, b"")
    report = result.report
    assert report.points_before == 200
    assert report.elevations_removed == 200
    assert report.timestamps_removed == 1 + 2, "one time, and coordTimes (a list per part)"
    assert report.fields_dropped == ("coordTimes", "name", "phone", "time")
    assert "+856" not in result.data.decode()


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("lon,lat", ","), ("Latitude;Longitude", ";"), ("lng\tlat", "\t"), (" LONGITUDE , LAT ", ",")],
)
def test_csv_track_with_any_common_column_spelling(header: str, delimiter: str):
    points = phone_track(300)
    lat_first = header.strip().lower().startswith("lat")
    names = [h.strip() for h in header.split(delimiter)] + ["time", "ele", "speed"]
    rows = [
        delimiter.join([y, x] if lat_first else [x, y]) + delimiter + delimiter.join([ts, e, "1.2"])
        for x, y, e, ts in points
    ]
    raw = (delimiter.join(names) + "\n" + "\n".join(rows) + "\n").encode()
    result = import_file(raw, "export.csv", "route")
    assert_generalized(result, raw)
    assert coordinates(result)[0] == [101.5, 20.5], "longitude and latitude not swapped"
    report = result.report
    assert report.points_before == 300
    assert report.timestamps_removed == 300
    assert report.elevations_removed == 300
    assert report.fields_dropped == ("ele", "speed", "time")


@given(
    lon=st.sampled_from(["lon", "lng", "long", "longitude", "Longitude", "LON", " x "]),
    lat=st.sampled_from(["lat", "latitude", "Latitude", "LAT", "y "]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    lat_first=st.booleans(),
    extra=st.lists(st.sampled_from(["name", "note", "time", "ele"]), unique=True, max_size=3),
)
@settings(max_examples=60, deadline=None)
def test_csv_columns_are_found_whatever_their_spelling_and_order(lon, lat, delimiter, lat_first, extra):
    header = [lat, lon] if lat_first else [lon, lat]
    header += extra
    rows = []
    for x, y in ((101.512345, 20.498765), (100.9, 20.4), (100.2, 20.3)):
        cells = [str(y), str(x)] if lat_first else [str(x), str(y)]
        rows.append(delimiter.join(cells + ["v"] * len(extra)))
    raw = (delimiter.join(header) + "\n" + "\n".join(rows)).encode()
    result = import_file(raw, "points.csv", "places")
    assert coordinates(result) == [[101.51, 20.5], [100.9, 20.4], [100.2, 20.3]]
    assert set(result.report.fields_dropped) == set(extra)


def test_several_tracks_become_several_segments_in_order():
    one, two = phone_track(100, seed=1), phone_track(100, seed=2)
    raw = gpx_track(one).replace(
        b"</trk>", b"</trk><trk>" + gpx_track(two).split(b"<trk>")[1].split(b"</trk>")[0] + b"</trk>"
    )
    existing = dump_collection(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"id": "imported-1", "order": 4}}],
        }
    )
    result = import_file(raw, "two.gpx", "route", existing=existing)
    assert [(f["properties"]["id"], f["properties"]["order"]) for f in result.features] == [
        ("imported-2", 5),
        ("imported-3", 6),
    ]


def test_a_track_that_loops_on_itself_still_gets_few_vertices():
    t = np.linspace(0, 30 * np.pi, 3000)
    coords = np.c_[101 + 0.3 * np.cos(t) + t / 200, 20 + 0.3 * np.sin(t)]
    rows = "\n".join(f"{x:.6f},{y:.6f}" for x, y in coords)
    result = import_file(f"lon,lat\n{rows}\n".encode(), "loops.csv", "route")
    assert len(coordinates(result)) <= imports.MAX_VERTICES_OUT


def test_a_track_within_one_km_is_refused():
    raw = b"lon,lat\n101.501,20.501\n101.502,20.502\n101.503,20.503\n"
    with pytest.raises(ImportRefused, match="within about 1 km"):
        import_file(raw, "still.csv", "route")


def test_points_outside_the_region_are_reported_and_a_swap_is_suspected():
    raw = b"lon,lat\n20.5,101.5\n20.3,100.2\n"
    result = import_file(raw, "swapped.csv", "route")
    [warning] = result.report.warnings
    assert "outside East and Southeast Asia" in warning
    assert "2 points of 2" in warning
    assert "look swapped" in warning


# ------------------------------------------------------------------ places


def gpx_waypoints() -> bytes:
    wpts = [
        ("20.498765", "101.512345", "Guest house of Mrs L."),
        ("20.301234", "100.198765", "Boat landing"),
        ("20.301299", "100.198711", "Boat landing again"),
    ]
    body = "".join(
        f'<wpt lat="{y}" lon="{x}"><ele>320.4</ele><time>2023-03-14T02:00:00Z</time><name>{n}</name>'
        "<sym>Flag</sym></wpt>"
        for y, x, n in wpts
    )
    return f'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">{body}</gpx>'.encode()


def test_waypoints_gpx_as_places(data_dir: Path):
    result = import_file(gpx_waypoints(), "pins.gpx", "places", existing=(data_dir / PLACES).read_bytes())
    assert result.target == PLACES
    assert coordinates(result) == [[101.51, 20.5], [100.2, 20.3], [100.2, 20.3]]
    report = result.report
    assert (report.points_before, report.points_after) == (3, 3)
    assert (report.timestamps_removed, report.elevations_removed) == (3, 3)
    assert report.fields_dropped == ("ele", "name", "sym", "time")
    assert any("share a spot" in w for w in report.warnings)
    assert "Mrs L" not in result.data.decode()
    first = result.features[0]
    assert first["properties"] == {
        "id": "imported-1",
        "name": "",
        "country": "",
        "role": "",
        "illustrative": True,
        "sources": [],
    }
    obj = json.loads((data_dir / PLACES).read_bytes())
    first["properties"] |= {
        "id": "luang-namtha",
        "name": "Northern Laos",
        "country": "Laos",
        "role": "waypoint",
    }
    first["properties"]["sources"] = ["film"]
    obj["features"].append(first)
    assert errors(validate(data_dir, replace={PLACES: dump_collection(obj)})) == []


def test_a_track_only_gpx_as_places_suggests_route():
    with pytest.raises(ImportRefused, match=r"no waypoint.*imported as route"):
        import_file(gpx_track(phone_track(50)), "track.gpx", "places")
    with pytest.raises(ImportRefused, match=r"no track or route.*imported as places"):
        import_file(gpx_waypoints(), "pins.gpx", "route")


# ------------------------------------------------------------------ refusals


def big_kml_coordinates(n: int) -> bytes:
    return (
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
        + b"101,20 " * n
        + b"</coordinates></LineString></Placemark></kml>"
    )


@pytest.mark.parametrize(
    ("raw", "name", "words"),
    [
        (b"", "empty.gpx", "empty"),
        (b"  \n\t ", "blank.csv", "empty"),
        (b"\xef\xbb\xbf", "bom.csv", "empty"),
        (
            b"<gpx><trk><trkseg><trkpt lat='1' lon='2'></trk></gpx>",
            "broken.gpx",
            "not well-formed XML.*line 1",
        ),
        (b'{"type": "FeatureCollection", "features": [', "broken.geojson", "not valid JSON.*line 1"),
        (
            b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 1]}}',
            "nan.json",
            "valid JSON",
        ),
        (b'{"type": "Topology"}', "topo.json", "not a FeatureCollection"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "picture.gpx",
            r"XML, but not GPX or KML \(root <svg>\)",
        ),
        (b"PK\x03\x04" + b"\x00" * 40, "track.kmz", "unzip it and import the .kml"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", "not a text file"),
        (b"hello world", "notes.md", "not a format this importer reads"),
        (b"name,place\nA,B\n", "list.csv", "needs a longitude and a latitude column"),
        (b"lon,lat\n101.5,20.5\nabc,20.4\n", "bad.csv", "line 3 of the CSV file"),
        (b"lon,lat\n101.5,20.5\nnan,inf\n", "nan.csv", "line 3 of the CSV file: 'nan'"),
        (b'lon,lat\n"101.5,20.5\n', "quote.csv", "line 2"),
        (b"lon,lat\n" + b"1" * 200_000 + b",1\n", "huge-cell.csv", "not valid CSV"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<gpx><wpt lat='20' lon='101'><name>&lol2;</name></wpt></gpx>",
            "lolz.gpx",
            "DOCTYPE",
        ),
        (
            b"<kml>" + b"<Folder>" * 100 + b"</Folder>" * 100 + b"</kml>",
            "deep.kml",
            "nests elements more than",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "deep.geojson", "nests arrays or objects too deep"),
        (
            b'{"type": "LineString", "coordinates": [[1, 2]], "crs": {"type": "name", "properties": '
            b'{"name": "EPSG:3857"}}}',
            "mercator.geojson",
            "another coordinate system",
        ),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_sentence(raw: bytes, name: str, words: str):
    with pytest.raises(ImportRefused, match=words):
        import_file(raw, name, "route")


def test_files_over_the_size_limit_are_refused_unread():
    with pytest.raises(ImportRefused, match="the limit is 20 MiB"):
        import_file(b"lon,lat\n" + b" " * MAX_FILE_BYTES, "big.csv", "route")


def test_too_many_points_are_refused_before_simplification():
    with pytest.raises(ImportRefused, match="more than 1,000,000 points"):
        import_file(big_kml_coordinates(imports.MAX_VERTICES_IN + 1), "many.kml", "route")
    with pytest.raises(ImportRefused, match="more than 1,000,000 points"):
        import_file(b"lon,lat\n" + b"1,2\n" * (imports.MAX_VERTICES_IN + 1), "many.csv", "route")
    with pytest.raises(ImportRefused, match="more than 1,000,000 points"):
        import_file(
            b'{"type":"LineString","coordinates":[' + b"[1,2]," * 1_100_000 + b"[1,2]]}", "m.json", "route"
        )


def test_an_unknown_kind_of_import_is_refused():
    with pytest.raises(ImportRefused, match="'route' or 'places'"):
        import_file(b"lon,lat\n101,20\n", "a.csv", "tour")


class Listener:
    """A local TCP server that records whether anything connects: GDAL must never fetch."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.hits: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.hits.append(conn.recv(200))
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_nothing_is_ever_fetched_from_the_network():
    listener = Listener()
    url = listener.url
    try:
        kml = f"""<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Style id="s"><IconStyle><Icon><href>{url}/icon.png</href></Icon></IconStyle></Style>
<NetworkLink><Link><href>{url}/more.kml</href></Link></NetworkLink>
<Placemark><styleUrl>{url}/styles.kml#a</styleUrl><LineString><coordinates>101.5,20.5 100.2,20.3</coordinates>
</LineString></Placemark></Document></kml>""".encode()
        result = import_file(kml, "links.kml", "route")
        assert any("not followed" in w for w in result.report.warnings)
        gpx = f"""<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="20.5" lon="101.5"><link href="{url}/photo.jpg"><text>photo</text></link></wpt></gpx>""".encode()
        import_file(gpx, "link.gpx", "places")
        geojson = json.dumps(
            {
                "type": "LineString",
                "coordinates": [[101.5, 20.5], [100.2, 20.3]],
                "crs": {"type": "link", "properties": {"href": f"{url}/crs", "type": "proj4"}},
            }
        ).encode()
        with pytest.raises(ImportRefused):
            import_file(geojson, "crs-link.geojson", "route")
        external = f"""<?xml version="1.0"?><!DOCTYPE gpx SYSTEM "{url}/gpx.dtd">
<gpx version="1.1"><wpt lat="20.5" lon="101.5"/></gpx>""".encode()
        with pytest.raises(ImportRefused, match="DOCTYPE"):
            import_file(external, "dtd.gpx", "places")
    finally:
        listener.close()
    assert listener.hits == []


def well_formed_gpx(values: list[tuple[str, str]]) -> bytes:
    from xml.sax.saxutils import quoteattr

    points = "".join(f"<trkpt lat={quoteattr(y)} lon={quoteattr(x)}/>" for x, y in values)
    return f'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>'.encode()


@given(
    st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=6),
    st.sampled_from(imports.IMPORT_AS),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_odd_but_well_formed_gpx_never_crashes(values, as_):
    raw = well_formed_gpx([(x.replace("\x00", ""), y.replace("\x00", "")) for x, y in values])
    try:
        result = import_file(raw, "odd.gpx", as_)
    except ImportRefused:
        return
    assert result.report.decimals_after <= 2


@given(
    st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    st.sampled_from(["a.gpx", "a.kml", "a.geojson", "a.json", "a.csv", "a", "a.kmz"]),
    st.sampled_from(imports.IMPORT_AS),
)
@settings(max_examples=200, deadline=None)
def test_any_bytes_are_imported_or_refused_never_a_traceback(raw, name, as_):
    with contextlib.suppress(ImportRefused):
        import_file(raw, name, as_)


@given(st.integers(min_value=1, max_value=len(gpx_track(phone_track(30)))))
@settings(max_examples=40, deadline=None)
def test_a_truncated_track_is_refused(cut):
    raw = gpx_track(phone_track(30))
    try:
        result = import_file(raw[:cut], "cut.gpx", "route")
    except ImportRefused:
        return
    assert raw[cut:].strip() == b"", "only the whole file (give or take trailing blanks) imports"
    assert result.report.decimals_after <= 2


def test_most_decimals():
    assert imports.most_decimals(np.array([101.5, 20.123456, 3.0])) == 6
    assert imports.most_decimals(np.array([100.0, 20.0])) == 0
    assert imports.most_decimals(np.array([0.1 + 0.2])) == 17
    assert imports.most_decimals(np.array([])) == 0


def test_report_lines_say_everything():
    result = import_file(gpx_track(phone_track(), parts=2), "t.gpx", "route")
    text = "\n".join(result.report.lines())
    assert "Points: 600 before" in text
    assert "Precision: up to 6 decimals before, at most 2 after" in text
    assert "Timestamps removed: 601." in text
    assert "Elevations removed: 600." in text
    assert "Fields dropped: desc, ele, hdop, name, time." in text
    assert "Fill in before saving: id, country, mode, title, summary, sources" in text
