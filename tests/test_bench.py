"""The benchmarks stay runnable: their synthetic data is valid and the cheap sections produce a table.

No timing is asserted here (machines are noisy); ``./bench/run`` reports ratios.
"""

from __future__ import annotations

from bench.measures import SCALING_SIZES, dense_route, payload, synthetic_route
from geo import paths
from geo.data import load_files
from geo.data.findings import has_errors
from geo.data.validation import read_files, validate_files


def test_synthetic_route_is_valid_data():
    files = read_files(paths.DATA_DIR)
    files[paths.ROUTE] = synthetic_route(files[paths.ROUTE], 60)
    findings = validate_files(files).findings
    assert not has_errors(findings), [f for f in findings if f.is_error][:3]
    assert len(load_files(files).route) == 60


def test_the_largest_scaling_route_stays_within_the_shipped_limits():
    """Section 5 measures valid data; past the limits is section 6's subject."""
    files = read_files(paths.DATA_DIR)
    files[paths.ROUTE] = synthetic_route(files[paths.ROUTE], max(SCALING_SIZES))
    assert validate_files(files).ok


def test_dense_route_is_valid_data_below_the_limit():
    files = read_files(paths.DATA_DIR)
    files[paths.ROUTE] = dense_route(files[paths.ROUTE], 1_000)
    assert validate_files(files).ok


def test_payload_section_names_what_dominates():
    section = payload()
    assert len(section.rows) == 3
    assert "What dominates" in section.notes[0]
    assert "\n| data drawn" in section.markdown()
