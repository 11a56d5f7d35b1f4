"""Shared fixtures: a private copy of the shipped data that a test may break."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from geo import paths

SEEDS = paths.PROJECT_DIR.parent / "shared" / "seeds"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of ``data/`` in a temporary directory."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target, ignore=shutil.ignore_patterns(".backups"))
    return target


def edit_geojson(directory: Path, name: str, change: Callable[[dict], None]) -> None:
    """Load a GeoJSON file, let ``change`` mutate it, write it back."""
    path = directory / name
    obj = json.loads(path.read_text(encoding="utf-8"))
    change(obj)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def feature(obj: dict, feature_id: str) -> dict:
    return next(f for f in obj["features"] if f["properties"].get("id") == feature_id)
