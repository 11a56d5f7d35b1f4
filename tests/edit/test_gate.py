"""The one way into data/ (``geo.edit.gate``) and the repairs after a killed save (``geo.edit.recovery``).

Faults are real: a ``git commit`` held in a pre-commit hook and killed with
SIGKILL together with the process saving, old broken catalogues committed by
git itself, the command line run as a process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo import paths
from geo.data.store import DataStore
from geo.edit import gate, history, recovery
from geo.edit.gitrepo import find_repo
from geo.edit.history import Author, SaveRefused
from geo.edit.staging import dump_collection
from tests.conftest import feature

ROUTE = paths.ROUTE
ADA = Author("ada")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Hand",
    "GIT_AUTHOR_EMAIL": "hand@example.org",
    "GIT_COMMITTER_NAME": "Hand",
    "GIT_COMMITTER_EMAIL": "hand@example.org",
    "LC_ALL": "C",
}
PROJECT = Path(__file__).resolve().parents[2]


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, env={**os.environ, **GIT_ENV}, check=True
    )
    return done.stdout.decode()


def retitled(data_dir: Path, title: str) -> bytes:
    obj = json.loads((data_dir / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["title"] = title
    return dump_collection(obj)


def save(data_dir: Path, name: str, data: bytes) -> history.SaveResult:
    return gate.save(data_dir, name, data, base_version=history.version(data_dir, name), author=ADA)


def committed_everything(data_dir: Path) -> bool:
    """data/ is exactly its last commit, and that commit passes every check of a save."""
    clean = git(data_dir, "status", "--porcelain", "--", *history.ALLOWED_FILES) == ""
    files = {n: history.file_at(data_dir, "HEAD", n) for n in history.ALLOWED_FILES}
    valid = not [f for f in gate.check_dataset({n: b for n, b in files.items() if b}) if f.is_error]
    return clean and valid


@pytest.fixture
def repo_dir(data_dir: Path) -> Path:
    """A data folder with a history: one save made."""
    save(data_dir, ROUTE, retitled(data_dir, "First"))
    return data_dir


# ------------------------------------------------------------------ a save killed while git commits


def _descendants_and_repo_processes(root_pid: int, data_dir: Path) -> list[int]:
    """Every process started by ``root_pid`` (git runs in its own session) or working in ``data_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cwd = os.readlink(entry / "cwd")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == root_pid or cwd.startswith(str(data_dir)):
            found.append(int(entry.name))
    return found


def kill_save_while_git_commits(data_dir: Path, title: str, tmp_path: Path) -> None:
    """Start a save in another process, hold its ``git commit`` in a hook, then SIGKILL it all."""
    mark = tmp_path / "in-hook"
    hook = Path(git(data_dir, "rev-parse", "--absolute-git-dir").strip()) / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f"#!/bin/sh\ntouch {mark}\nexec sleep 60\n")
    hook.chmod(0o755)
    code = (
        "import sys; from pathlib import Path; from geo.edit import gate, history; "
        "d = Path(sys.argv[1]); "
        "gate.save(d, 'route.geojson', Path(sys.argv[2]).read_bytes(), "
        "base_version=history.version(d, 'route.geojson'), author='killed')"
    )
    new = tmp_path / "new.geojson"
    new.write_bytes(retitled(data_dir, title))
    saver = subprocess.Popen([sys.executable, "-c", code, str(data_dir), str(new)], cwd=PROJECT)
    try:
        deadline = time.monotonic() + 60
        while not mark.exists():
            assert saver.poll() is None, "the save ended before git committed"
            assert time.monotonic() < deadline, "git never reached the hook"
            time.sleep(0.02)
        os.kill(saver.pid, signal.SIGSTOP)
        for pid in _descendants_and_repo_processes(saver.pid, data_dir):
            os.kill(pid, signal.SIGKILL)
        os.kill(saver.pid, signal.SIGKILL)
    finally:
        saver.kill()
        saver.wait()
        hook.unlink()
    while recovery._git_processes(find_repo(data_dir)):
        time.sleep(0.02)


def test_a_save_killed_while_git_commits_does_not_lock_anyone_out(repo_dir: Path, tmp_path: Path):
    kill_save_while_git_commits(repo_dir, "Killed mid-commit", tmp_path)
    git_dir = Path(git(repo_dir, "rev-parse", "--absolute-git-dir").strip())
    assert (git_dir / "index.lock").exists(), "the fault: git died holding its lock"
    assert b"Killed mid-commit" in (repo_dir / ROUTE).read_bytes(), "written, not committed"

    result = save(repo_dir, "places.geojson", (repo_dir / "places.geojson").read_bytes() + b"\n")

    assert not (git_dir / "index.lock").exists()
    kinds = [r.kind for r in result.repairs]
    assert kinds == ["lock", "committed"]
    assert "index.lock" in result.repairs[0].message
    assert committed_everything(repo_dir)
    subjects = git(repo_dir, "log", "-3", "--format=%s").splitlines()
    assert subjects[0].startswith("places.geojson")
    assert subjects[1].startswith("Recover an interrupted save: route.geojson")


def test_the_editor_start_commits_a_valid_interrupted_save(repo_dir: Path, tmp_path: Path):
    kill_save_while_git_commits(repo_dir, "Written before the kill", tmp_path)
    repairs = gate.recover(repo_dir)
    assert [r.kind for r in repairs] == ["lock", "committed"]
    assert committed_everything(repo_dir)
    assert b"Written before the kill" in history.file_at(repo_dir, "HEAD", ROUTE)
    out = subprocess.run(
        [sys.executable, "-m", "geo", "history", "--data-dir", str(repo_dir)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=True,
    )
    assert "Recover an interrupted save: route.geojson" in out.stdout.splitlines()[0]
    assert "committed as" in out.stderr, "geo history says what was repaired"
    assert gate.recover(repo_dir) == [], "nothing left to repair"


def test_an_uncommitted_broken_file_is_put_back_and_kept(repo_dir: Path):
    good = (repo_dir / ROUTE).read_bytes()
    store = DataStore(repo_dir)
    assert store.snapshot().dataset is not None
    broken = good[:-40]  # cut short: not JSON
    (repo_dir / ROUTE).write_bytes(broken)
    assert store.snapshot().stale, "viewers keep the last valid data meanwhile"

    repairs = gate.recover(repo_dir)

    assert [r.kind for r in repairs] == ["put-back"]
    assert (repo_dir / ROUTE).read_bytes() == good
    kept = find_repo(repo_dir).top / repairs[0].kept
    assert kept.read_bytes() == broken, "nothing is lost"
    assert "put back its last saved version" in repairs[0].message
    assert committed_everything(repo_dir)
    assert not store.snapshot().stale
    assert [n.kind for n in gate.notes(repo_dir)] == ["put-back"]
    err = subprocess.run(
        [sys.executable, "-m", "geo", "history", "--data-dir", str(repo_dir)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=True,
    ).stderr
    assert "put back its last saved version" in err
    assert repairs[0].kept in err


def test_a_lock_a_live_git_holds_is_left_alone(repo_dir: Path, monkeypatch):
    git_dir = Path(git(repo_dir, "rev-parse", "--absolute-git-dir").strip())
    (git_dir / "index.lock").write_bytes(b"")
    monkeypatch.setattr(recovery, "_git_processes", lambda repo: [1])  # "a git is running here"
    repo = find_repo(repo_dir)
    assert recovery._remove_locks(repo, grace=0.1) == []
    assert (git_dir / "index.lock").exists()


# ------------------------------------------------------------------ one gate: translations


def commit_by_hand(data_dir: Path, name: str, data: bytes, message: str) -> str:
    (data_dir / name).write_bytes(data)
    git(data_dir, "add", name)
    git(data_dir, "commit", "-qm", message)
    return git(data_dir, "rev-parse", "--short", "HEAD").strip()


def test_restore_of_a_translation_with_markup_or_bad_placeholders_is_refused(repo_dir: Path):
    ko = repo_dir / "i18n/ko.toml"
    good = ko.read_text(encoding="utf-8")
    bad = good.replace('title = "', 'title = "<b>', 1).replace("{name}", "{name.__class__}", 1)
    old = commit_by_hand(repo_dir, "i18n/ko.toml", bad.encode(), "an old broken ko.toml")
    commit_by_hand(repo_dir, "i18n/ko.toml", good.encode(), "fixed")
    head = git(repo_dir, "rev-parse", "HEAD")

    with pytest.raises(SaveRefused) as refused:
        gate.restore(repo_dir, old, "i18n/ko.toml", author=ADA)

    found = refused.value.findings
    assert found
    assert all(f.file == "i18n/ko.toml" for f in found)
    assert any("HTML" in f.message and f.field for f in found), "names the key"
    assert any("placeholder" in f.message for f in found)
    assert git(repo_dir, "rev-parse", "HEAD") == head
    assert ko.read_text(encoding="utf-8") == good


def test_restore_of_an_english_catalogue_that_lacks_keys_is_refused(repo_dir: Path):
    en = repo_dir / "i18n/en.toml"
    good = en.read_text(encoding="utf-8")
    old_lines = [line for line in good.splitlines() if not line.startswith("title =")]
    old = commit_by_hand(repo_dir, "i18n/en.toml", "\n".join(old_lines).encode(), "an old en.toml")
    commit_by_hand(repo_dir, "i18n/en.toml", good.encode(), "keys added")

    with pytest.raises(SaveRefused) as refused:
        gate.restore(repo_dir, old, "i18n/en.toml", author=ADA)

    missing = [f for f in refused.value.findings if "the program shows this text" in f.message]
    assert missing
    assert all(f.file == "i18n/en.toml" and f.field for f in missing)
    assert any(f.field.endswith(".title") for f in missing)
    assert en.read_text(encoding="utf-8") == good


def test_a_save_of_a_catalogue_that_is_not_toml_is_refused(repo_dir: Path):
    with pytest.raises(SaveRefused) as refused:
        save(repo_dir, "i18n/ko.toml", b"title = \xff")
    assert [f.file for f in refused.value.findings] == ["i18n/ko.toml"]


def test_cli_restore_of_a_broken_translation_exits_1_with_findings(repo_dir: Path):
    ko = repo_dir / "i18n/ko.toml"
    good = ko.read_text(encoding="utf-8")
    old = commit_by_hand(repo_dir, "i18n/ko.toml", good.replace('= "', '= "<i>', 1).encode(), "broken")
    commit_by_hand(repo_dir, "i18n/ko.toml", good.encode(), "fixed")
    done = subprocess.run(
        [sys.executable, "-m", "geo", "restore", old, "i18n/ko.toml", "--data-dir", str(repo_dir)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    assert done.returncode == 1
    assert "data/i18n/ko.toml: " in done.stdout
    assert "HTML" in done.stdout
    assert "nothing was written" in done.stderr
    assert ko.read_text(encoding="utf-8") == good


def test_the_gate_has_every_rule_geo_validate_has(data_dir: Path):
    """The shipped data and catalogues pass both; a planted catalogue error fails both."""
    files = {n: (data_dir / n).read_bytes() for n in history.ALLOWED_FILES}
    assert not [f for f in gate.check_dataset(files) if f.is_error]
    files["i18n/ko.toml"] = files["i18n/ko.toml"].replace(b'= "', b'= "&amp;', 1)
    errors = [f for f in gate.check_dataset(files) if f.is_error]
    assert [f.file for f in errors] == ["i18n/ko.toml"]
