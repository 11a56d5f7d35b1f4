"""NaN, Infinity and numbers past a float's range (1e400) never reach an output: refused by import and
by ``geo validate``, with the track or feature and the field named (issue 24, item 6)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import paths
from geo.edit.imports import ImportRefused, import_file

LINE = [[100.1, 20.1], [100.2, 20.2], [100.3, 20.4]]
BAD = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]


def geojson_line(bad: str, at: tuple[int, int]) -> bytes:
    coords = [[str(v) for v in p] for p in LINE]
    coords[at[0]][at[1]] = bad
    text = ",".join("[" + ",".join(p) + "]" for p in coords)
    return (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        f'"geometry":{{"type":"LineString","coordinates":[{text}]}}}}]}}'
    ).encode()


def gpx(bad: str) -> bytes:
    points = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"/>' for lon, lat in [(100.1, 20.1), (100.2, bad), (100.3, 20.4)]
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("at", [(1, 0), (2, 1)])
def test_geojson_import_refuses_non_finite_coordinates(bad, at):
    with pytest.raises(ImportRefused) as refused:
        import_file(geojson_line(bad, at), "track.geojson", "route")
    assert re.search(r"not (a finite number|a number)", str(refused.value))


@pytest.mark.parametrize("bad", ["NaN", "inf", "1e400"])
def test_gpx_and_csv_imports_name_the_point_and_the_field(bad):
    with pytest.raises(ImportRefused) as refused:
        import_file(gpx(bad), "walk.gpx", "route")
    assert "track 1, point 2: the latitude is not a finite number" in str(refused.value)
    with pytest.raises(ImportRefused, match="line 3"):
        import_file(f"lon,lat\n100.1,20.1\n{bad},20.2\n100.3,20.4\n".encode(), "walk.csv", "route")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True)
        ),
        min_size=2,
        max_size=8,
    )
)
def test_whatever_an_import_writes_is_strict_json(points):
    """Any numbers at all: the import refuses, or writes JSON a strict reader accepts."""
    raw = json.dumps(
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": points}}
    ).encode()
    try:
        result = import_file(raw, "any.geojson", "route")
    except ImportRefused:
        return
    json.loads(result.data, parse_constant=lambda name: pytest.fail(f"{name} in the output"))


def test_cli_import_refuses_1e400_in_one_line(tmp_path: Path):
    source = tmp_path / "track.geojson"
    source.write_bytes(geojson_line("1e400", (1, 0)))
    out = subprocess.run(
        [sys.executable, "-m", "geo", "import", str(source), "--as", "route",
         "--out", str(tmp_path / "o.json")],
        cwd=paths.PROJECT_DIR, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().endswith("track 1, point 2: the longitude is not a finite number (inf)")
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "o.json").exists()


@pytest.mark.parametrize("bad", ["1e400", "-1e400"])
def test_validate_refuses_1e400_in_a_data_file_naming_feature_and_field(data_dir: Path, bad):
    route = data_dir / "route.geojson"
    text = route.read_text(encoding="utf-8")
    first = re.search(r'"coordinates": \[\[([-0-9.]+)', text)
    route.write_text(text.replace(first.group(0), first.group(0).replace(first.group(1), bad), 1))
    out = subprocess.run(
        [sys.executable, "-m", "geo", "validate", str(data_dir)],
        cwd=paths.PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert (
        f"feature 'nk-to-china' (#0): geometry.coordinates[0]: [{bad.upper().replace('E', 'E+')}"
        in out.stdout
    )
    assert "Decimal(" not in out.stdout
