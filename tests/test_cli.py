"""``python -m geo validate``: one line per finding, exit 1 on errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geo import paths
from geo.cli import main
from tests.conftest import edit_geojson, feature


def test_clean_data_exits_0(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == ""


def test_broken_directory_exits_1_with_readable_lines(data_dir: Path, capsys):
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(country="Loas")
    )
    assert main(["validate", str(data_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{data_dir.as_posix()}/route.geojson: feature 'laos-jungle' (#5): country: expected one of "
        "'North Korea', 'China', 'Vietnam', 'Laos', 'Thailand' or 'South Korea'; got 'Loas'"
    ]


def test_single_file_is_checked_against_the_project_data(tmp_path: Path, capsys):
    route = tmp_path / "route.geojson"
    route.write_text(
        (paths.DATA_DIR / paths.ROUTE).read_text(encoding="utf-8").replace('"order": 3', '"order": 33')
    )
    assert main(["validate", str(route)]) == 1
    assert capsys.readouterr().out.startswith(f"{route.as_posix()}: order: ")


def test_warnings_alone_exit_0(data_dir: Path, capsys):
    edit_geojson(data_dir, paths.ROUTE, lambda o: o["features"].reverse())
    assert main(["validate", str(data_dir)]) == 0
    assert "warning: items are not listed in order" in capsys.readouterr().out


def test_unknown_file_name_exits_2(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hi")
    assert main(["validate", str(tmp_path / "notes.txt")]) == 2


def test_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "geo", "validate"],
        capture_output=True,
        text=True,
        cwd=paths.PROJECT_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stderr


def test_export_warns_when_the_qr_code_would_open_only_this_computer(tmp_path: Path, capsys):
    assert (
        main(["export", "--out", str(tmp_path / "pack.html"), "--audience-url", "http://localhost:8501/"])
        == 0
    )
    assert "opens only on this computer" in capsys.readouterr().err
    assert (
        main(["export", "--out", str(tmp_path / "pack.html"), "--audience-url", "https://map.example.org/"])
        == 0
    )
    assert "opens only on this computer" not in capsys.readouterr().err
