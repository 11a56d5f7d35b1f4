"""Loading, and the store that keeps the last good data when a file on disk breaks."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from geo import paths
from geo.data import DataStore, load_dataset
from geo.data.rules import check_file
from tests.conftest import edit_geojson, feature


def test_loads_in_wgs84_in_travel_order():
    data = load_dataset()
    assert data.route.crs.to_epsg() == 4326
    assert list(data.route["order"]) == list(range(1, len(data.route) + 1))
    assert data.route["sources"].map(type).eq(list).all()
    assert data.segment("laos-jungle")["country"] == "Laos"
    assert data.segment("nope") is None


def test_source_label_names_outlet_title_author_and_date():
    label = load_dataset().source_label("cbn")
    assert label.startswith('CBN News, "New Documentary Highlights')
    assert "Abigail Robertson" in label


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_store_keeps_last_good_data_when_a_file_breaks(data_dir: Path):
    store = DataStore(data_dir)
    good = store.snapshot()
    assert good.dataset is not None
    assert not good.stale

    (data_dir / paths.ROUTE).write_text("{ broken", encoding="utf-8")
    broken = store.snapshot()
    assert broken.dataset is good.dataset, "viewers keep the last good data"
    assert broken.stale
    assert any("not valid JSON" in f.message for f in broken.findings)


def test_store_picks_up_a_good_change_without_restart(data_dir: Path):
    store = DataStore(data_dir)
    assert store.snapshot().dataset.segment("laos-jungle")["title"].startswith("Night trek")
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(title="Renamed")
    )
    _touch_later(data_dir / paths.ROUTE)
    assert store.snapshot().dataset.segment("laos-jungle")["title"] == "Renamed"


def test_store_with_broken_data_from_the_start_has_no_dataset(data_dir: Path):
    (data_dir / paths.SOURCES).write_text("nonsense", encoding="utf-8")
    snap = DataStore(data_dir).snapshot()
    assert snap.dataset is None
    assert snap.findings


def test_each_file_is_parsed_once_per_change_on_disk(data_dir: Path, monkeypatch):
    """Validation parses; the Dataset is built from those records; unchanged files are not parsed again."""
    parses: Counter[str] = Counter()

    def counting(name: str, raw: bytes, *args):
        parses[name] += 1
        return check_file(name, raw, *args)

    monkeypatch.setattr("geo.data.validation.check_file", counting)
    # Building the Dataset must not read any file a second way (GDAL or pandas).
    monkeypatch.setattr("geopandas.read_file", lambda *a, **k: pytest.fail("parsed again with GDAL"))
    monkeypatch.setattr("pandas.read_csv", lambda *a, **k: pytest.fail("parsed again with pandas"))
    store = DataStore(data_dir)
    assert store.snapshot().dataset is not None
    assert parses == dict.fromkeys(paths.DATA_FILES, 1)
    store.snapshot()
    assert parses == dict.fromkeys(paths.DATA_FILES, 1), "nothing changed, nothing parsed"
    path = data_dir / paths.SOURCES
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert store.snapshot().dataset is not None
    assert parses == {**dict.fromkeys(paths.DATA_FILES, 1), paths.SOURCES: 2}, "only the changed file"


def test_snapshot_version_follows_the_data_that_is_shown(data_dir: Path):
    store = DataStore(data_dir)
    first = store.snapshot().version
    assert first
    path = data_dir / paths.SOURCES
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = store.snapshot().version
    assert second != first, "a good edit gives caches a new key"
    path.write_text("broken", encoding="utf-8")
    broken = store.snapshot()
    assert broken.stale
    assert broken.version == second, "the last good data keeps its key"
