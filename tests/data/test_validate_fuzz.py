"""Whatever a maintainer (or an upload) hands the validator, it answers with findings, never a crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import paths
from geo.data.findings import Finding
from geo.data.validation import read_files, validate_files

SHIPPED = read_files(paths.DATA_DIR)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
coordinates = st.one_of(
    json_values,
    st.lists(
        st.lists(st.floats(allow_nan=False) | st.integers() | st.text(max_size=3), max_size=4), max_size=4
    ),
)
geometry = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["LineString", "Point", "Polygon", "Nope"]) | json_values,
        "coordinates": coordinates,
    }
)
properties = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "order",
            "country",
            "kind",
            "mode",
            "title",
            "summary",
            "illustrative",
            "sources",
            "name",
            "role",
            "address",
        ]
    )
    | st.text(max_size=8),
    json_values,
    max_size=10,
)
features = st.fixed_dictionaries(
    {"type": st.just("Feature") | json_values, "geometry": geometry | json_values, "properties": properties}
)
collections = st.fixed_dictionaries(
    {
        "type": st.just("FeatureCollection") | json_values,
        "features": st.lists(features, max_size=6) | json_values,
    }
)


def check(files: dict[str, bytes]) -> None:
    findings = validate_files({**SHIPPED, **files}).findings
    assert isinstance(findings, list)
    assert all(isinstance(f, Finding) for f in findings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from([paths.ROUTE, paths.PLACES, paths.COUNTRIES]), obj=collections | json_values)
def test_any_json_structure(name: str, obj) -> None:
    check({name: json.dumps(obj).encode()})


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(paths.DATA_FILES), raw=st.binary(max_size=300))
def test_any_bytes(name: str, raw: bytes) -> None:
    check({name: raw})


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from([paths.SOURCES, paths.QUOTES, paths.COSTS, paths.FIGURES, paths.EVENTS]),
    rows=st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=10), max_size=6),
)
def test_any_csv_cells(name: str, rows: list[list[str]]) -> None:
    import csv
    import io

    header = SHIPPED[name].decode().splitlines()[0]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    check({name: (header + "\n" + buffer.getvalue()).encode()})


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_in_route(text: str) -> None:
    check({paths.ROUTE: text.encode()})
