"""``python -m geo history | restore | hash-password | import``, through argparse as geo/cli.py wires them."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import tomllib
from pathlib import Path

import argon2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import paths
from geo.data.validation import validate_texts
from geo.edit import accounts, commands, history
from geo.edit.staging import dump_collection
from tests.conftest import feature
from tests.edit.test_imports import gpx_track, phone_track

ROUTE = paths.ROUTE


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m geo")
    sub = p.add_subparsers(dest="command", required=True)
    commands.add_commands(sub)
    return p


def run(*argv: str) -> int:
    args = parser().parse_args(list(argv))
    return args.func(args)


def save_title(data_dir: Path, title: str, author: str = "ada") -> history.SaveResult:
    obj = json.loads((data_dir / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["title"] = title
    return history.save(
        data_dir,
        ROUTE,
        dump_collection(obj),
        base_version=history.version(data_dir, ROUTE),
        author=author,
        validate=validate_texts,
    )


# ------------------------------------------------------------------ history


def test_history_prints_one_line_per_commit(data_dir: Path, capsys):
    first = save_title(data_dir, "First")
    second = save_title(data_dir, "Second", author="Grace Hopper")
    assert run("history", "--data-dir", str(data_dir)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    short, date, time, *rest = lines[0].split()
    assert short == second.short
    assert len(date) == 10
    assert len(time) == 5
    assert " ".join(rest) == f"Grace Hopper {second.summary}"
    assert lines[1].startswith(first.short)
    assert lines[1].endswith("ada  route.geojson: 1 changed: laos-jungle title")
    assert lines[2].endswith(history.BASELINE_SUBJECT)


def test_history_of_one_file_and_a_limit(data_dir: Path, capsys):
    save_title(data_dir, "First")
    assert run("history", "data/sources.csv", "--data-dir", str(data_dir)) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1, "only the first commit touched sources.csv"
    assert run("history", "--limit", "1", "--data-dir", str(data_dir)) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_history_without_a_history(data_dir: Path, capsys):
    assert run("history", "--data-dir", str(data_dir)) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no history yet" in captured.err


def test_history_refuses_a_file_that_is_not_data(data_dir: Path, capsys):
    assert run("history", "app.py", "--data-dir", str(data_dir)) == 2
    assert "not a data file" in capsys.readouterr().err


# ------------------------------------------------------------------ restore


def test_restore_prints_the_new_commit(data_dir: Path, capsys):
    original = (data_dir / ROUTE).read_bytes()
    save_title(data_dir, "First")
    base = history.log(data_dir)[-1].short
    code = run("restore", base, "route.geojson", "--author", "Ada Lovelace", "--data-dir", str(data_dir))
    assert code == 0
    out = capsys.readouterr().out
    head = history.log(data_dir)[0]
    assert (
        out.splitlines()[0] == f"{head.short}  Restore route.geojson to {base}: 1 changed: laos-jungle title"
    )
    assert head.author == "Ada Lovelace"
    assert (data_dir / ROUTE).read_bytes() == original


def test_restore_exits_1_with_findings_when_the_old_version_no_longer_validates(data_dir: Path, capsys):
    sources = (data_dir / "sources.csv").read_bytes()
    history.save(
        data_dir,
        "sources.csv",
        sources + b"newsrc,Outlet,A new source,,2024,,\n",
        base_version=history.version(data_dir, "sources.csv"),
        author="ada",
        validate=validate_texts,
    )
    obj = json.loads((data_dir / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["sources"].append("newsrc")
    history.save(
        data_dir,
        ROUTE,
        dump_collection(obj),
        base_version=history.version(data_dir, ROUTE),
        author="ada",
        validate=validate_texts,
    )
    baseline = history.log(data_dir)[-1].short
    assert run("restore", baseline, "sources.csv", "--author", "ada", "--data-dir", str(data_dir)) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "data/route.geojson: feature 'laos-jungle' (#5): sources: unknown source 'newsrc' "
        "(known: blog, cbn, chosun-2023, dailynk-2023, donga-2023, en-2023, film, france24-2020)"
    ]
    assert "nothing was written" in captured.err


def test_restore_of_an_unknown_revision(data_dir: Path, capsys):
    save_title(data_dir, "First")
    assert run("restore", "deadbeef", "route.geojson", "--author", "ada", "--data-dir", str(data_dir)) == 1
    assert "no commit 'deadbeef'" in capsys.readouterr().err


def test_restore_author_defaults_to_git_identity(data_dir: Path, capsys):
    save_title(data_dir, "First")
    subprocess.run(["git", "-C", str(data_dir), "config", "user.name", "Config Name"], check=True)
    subprocess.run(["git", "-C", str(data_dir), "config", "user.email", "c@example.org"], check=True)
    assert run("restore", "HEAD~1", "route.geojson", "--data-dir", str(data_dir)) == 0
    capsys.readouterr()
    out = subprocess.run(
        ["git", "-C", str(data_dir), "log", "-1", "--format=%an <%ae>"], capture_output=True, check=True
    )
    assert out.stdout.decode().strip() == "Config Name <c@example.org>"


# ------------------------------------------------------------------ hash-password


def test_hash_password_from_stdin_gives_lines_that_sign_in(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    assert run("hash-password", "--name", "ada") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("$argon2id$")
    assert "a long enough passphrase" not in out
    secrets = tomllib.loads("\n".join(line for line in lines[1:] if not line.startswith("$")))
    loaded = accounts.load_accounts(secrets, {})
    assert loaded.problems == ()
    result = accounts.attempt("ada", "a long enough passphrase", loaded, accounts.Throttle(), "cli")
    assert result.outcome == "signed_in"


def test_hash_password_at_a_terminal_asks_twice(monkeypatch, capsys):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty())
    answers = iter(["correct horse battery", "correct horse battery"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run("hash-password") == 0
    out = capsys.readouterr().out
    assert argon2.PasswordHasher().verify(out.splitlines()[0], "correct horse battery")
    assert "[maintainers.your-name]" in out

    answers = iter(["correct horse battery", "correct horse batery"])
    assert run("hash-password") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "the two passwords differ" in captured.err


def test_hash_password_refuses_a_short_password_or_odd_name(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert run("hash-password") == 1
    assert "at least 12 characters" in capsys.readouterr().err
    assert run("hash-password", "--name", "ada]") == 2


@given(st.from_regex(accounts.NAME_PATTERN, fullmatch=True))
@settings(max_examples=100, deadline=None)
def test_toml_lines_round_trip_any_valid_name(name):
    hashed = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$" + "A" * 43
    parsed = tomllib.loads("\n".join(commands.toml_lines(name, hashed)))
    assert parsed["maintainers"][name]["password_hash"] == hashed


@given(st.text(max_size=40))
@settings(max_examples=100, deadline=None)
def test_data_file_names_are_parsed_or_refused(text):
    try:
        name = commands._data_name(text, paths.DATA_DIR)
    except ValueError as exc:
        message = str(exc)
        name = None
    else:
        message = ""
    assert name in history.ALLOWED_FILES or "not a data file" in message


# ------------------------------------------------------------------ import


def test_import_writes_geojson_to_stdout_and_the_report_to_stderr(
    tmp_path: Path, data_dir: Path, capfdbinary
):
    track = tmp_path / "track.gpx"
    track.write_bytes(gpx_track(phone_track()))
    assert run("import", str(track), "--as", "route", "--data-dir", str(data_dir)) == 0
    captured = capfdbinary.readouterr()
    obj = json.loads(captured.out)
    assert obj["features"][0]["properties"]["order"] == 11
    assert b"Points: 600 before" in captured.err
    assert b"Timestamps removed: 601." in captured.err


def test_import_to_a_file(tmp_path: Path, data_dir: Path, capsys):
    track = tmp_path / "track.gpx"
    track.write_bytes(gpx_track(phone_track()))
    out = tmp_path / "imported.geojson"
    assert run("import", str(track), "--as", "route", "--out", str(out), "--data-dir", str(data_dir)) == 0
    printed = capsys.readouterr().out
    assert "Elevations removed: 600." in printed
    assert f"Wrote {out}" in printed
    assert json.loads(out.read_bytes())["type"] == "FeatureCollection"


def test_import_refusals_exit_2(tmp_path: Path, data_dir: Path, capsys):
    broken = tmp_path / "broken.gpx"
    broken.write_bytes(b"<gpx><trk>")
    assert run("import", str(broken), "--as", "route", "--data-dir", str(data_dir)) == 2
    assert "was not imported: the GPX file is not well-formed XML" in capsys.readouterr().err
    assert run("import", str(tmp_path / "missing.gpx"), "--as", "route") == 2
    assert "cannot read" in capsys.readouterr().err
    track = tmp_path / "track.gpx"
    track.write_bytes(gpx_track(phone_track(50)))
    before = (data_dir / ROUTE).read_bytes()
    code = run(
        "import", str(track), "--as", "route", "--out", str(data_dir / ROUTE), "--data-dir", str(data_dir)
    )
    assert code == 2
    assert "is a data file" in capsys.readouterr().err
    assert (data_dir / ROUTE).read_bytes() == before


def test_import_of_an_oversized_file_is_refused_unread(tmp_path: Path, capsys):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(21 * 2**20)
    assert run("import", str(big), "--as", "route") == 2
    assert "the limit is 20 MiB" in capsys.readouterr().err


def test_import_requires_as(tmp_path: Path):
    with pytest.raises(SystemExit):
        parser().parse_args(["import", "x.gpx"])
    with pytest.raises(SystemExit):
        parser().parse_args(["import", "x.gpx", "--as", "tour"])


def test_the_commands_run_as_python_m_geo_once_wired(tmp_path: Path, data_dir: Path):
    """What geo/cli.py's build_parser will do; here through a throwaway entry point."""
    script = tmp_path / "cli.py"
    script.write_text(
        "import argparse, sys\n"
        "from geo.edit.commands import add_commands\n"
        "p = argparse.ArgumentParser(prog='python -m geo')\n"
        "sub = p.add_subparsers(dest='command', required=True)\n"
        "add_commands(sub)\n"
        "a = p.parse_args(sys.argv[1:])\n"
        "sys.exit(a.func(a))\n"
    )
    done = subprocess.run(
        [os.sys.executable, str(script), "hash-password", "--name", "Grace Hopper"],
        input=b"a long enough passphrase\n",
        capture_output=True,
        cwd=paths.PROJECT_DIR,
        env={**os.environ, "PYTHONPATH": str(paths.PROJECT_DIR)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b'[maintainers."Grace Hopper"]' in done.stdout
