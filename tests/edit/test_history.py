"""Git as the history of the data: saving, conflicts, rollback, log, restore, push and pull."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import paths
from geo.data.validation import validate_texts
from geo.edit import gitrepo, history
from geo.edit.history import Author, ConflictError, HistoryError, SaveRefused
from geo.edit.staging import dump_collection
from geo.files import content_hash
from tests.conftest import feature

ROUTE = paths.ROUTE
ADA = Author("ada")
GRACE = Author("Grace Hopper", "grace@example.org")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Hand",
    "GIT_AUTHOR_EMAIL": "hand@example.org",
    "GIT_COMMITTER_NAME": "Hand",
    "GIT_COMMITTER_EMAIL": "hand@example.org",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "LC_ALL": "C"}
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, env=env, check=True)
    return done.stdout.decode()


def retitled(data: bytes, segment_id: str, title: str) -> bytes:
    obj = json.loads(data)
    feature(obj, segment_id)["properties"]["title"] = title
    return dump_collection(obj)


def save(data_dir: Path, name: str, data: bytes, author: Author = ADA, **kwargs) -> history.SaveResult:
    """A save against the version on disk now (what the page would have loaded)."""
    base = kwargs.pop("base_version", None) or history.version(data_dir, name)
    return history.save(
        data_dir, name, data, base_version=base, author=author, validate=validate_texts, **kwargs
    )


def head_files(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-only", "--format=", rev).split()


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain")


def edit_route(data_dir: Path, title: str = "Through the jungle") -> bytes:
    return retitled((data_dir / ROUTE).read_bytes(), "laos-jungle", title)


# ------------------------------------------------------------------ saving


def test_first_save_starts_a_history_then_commits_one_file(data_dir: Path):
    before = (data_dir / ROUTE).read_bytes()
    assert history.version(data_dir, ROUTE) == history.Version(content_hash(before), None)
    new = edit_route(data_dir)
    result = save(data_dir, ROUTE, new)
    assert (data_dir / ROUTE).read_bytes() == new
    assert (data_dir / ".git").is_dir(), "a data folder in no work tree gets its own repository"
    subjects = git(data_dir, "log", "--format=%s").splitlines()
    assert subjects == ["route.geojson: 1 changed: laos-jungle title", history.BASELINE_SUBJECT]
    assert head_files(data_dir) == [ROUTE]
    assert "sources.csv" in head_files(data_dir, "HEAD~1"), "the first commit records every file"
    assert git(data_dir, "log", "-1", "--format=%an <%ae>|%cn <%ce>") == (
        "ada <ada@maintainers.invalid>|ada <ada@maintainers.invalid>\n"
    )
    assert result.commit == git(data_dir, "rev-parse", "HEAD").strip()
    assert result.short == result.commit[:7]
    assert result.summary == "route.geojson: 1 changed: laos-jungle title"
    assert result.version == history.version(data_dir, ROUTE)
    assert (result.pushed, result.push_error) == (False, None)
    assert status(data_dir) == ""


def test_commit_message_body_holds_changes_and_validation(data_dir: Path):
    obj = json.loads((data_dir / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["country"] = "Vietnam"  # a warning: most of it lies in Laos
    result = save(data_dir, ROUTE, dump_collection(obj), author=GRACE)
    body = git(data_dir, "log", "-1", "--format=%B")
    assert body.startswith("route.geojson: 1 changed: laos-jungle country\n\n")
    assert "- changed laos-jungle: country" in body
    assert "Validation: 0 errors, 1 warnings" in body
    assert "data/route.geojson: feature 'laos-jungle' (#5): country: warning: most of this segment" in body
    assert [f.message for f in result.findings] == ["most of this segment lies in Laos, not 'Vietnam'"]
    assert git(data_dir, "log", "-1", "--format=%an <%ae>").strip() == "Grace Hopper <grace@example.org>"


def test_save_commits_only_that_file_after_recovering_others_left_dirty_or_staged(data_dir: Path):
    """Data files that differ from their last commit (an interrupted save, a hand edit) are never left
    half-in: valid, they are committed first as a recovered change of their own (geo.edit.recovery)."""
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    (data_dir / "quotes.csv").write_bytes((data_dir / "quotes.csv").read_bytes() + b"\n")
    sources = (data_dir / "sources.csv").read_bytes().replace(b"New Documentary", b"A New Documentary", 1)
    (data_dir / "sources.csv").write_bytes(sources)
    git(data_dir, "add", "sources.csv")
    result = save(data_dir, ROUTE, edit_route(data_dir, "Second"))
    assert head_files(data_dir) == [ROUTE]
    assert sorted(head_files(data_dir, "HEAD~1")) == ["quotes.csv", "sources.csv"]
    assert git(data_dir, "log", "-1", "--format=%s", "HEAD~1").startswith("Recover an interrupted save: ")
    assert [r.kind for r in result.repairs] == ["committed"]
    assert status(data_dir) == ""


def test_save_inside_the_project_repository(tmp_path: Path, data_dir: Path):
    project = tmp_path / "project"
    shutil.copytree(data_dir, project / "data")
    (project / "app.py").write_text("print('hi')\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "project")
    data = project / "data"
    result = save(data, ROUTE, edit_route(data))
    assert not (data / ".git").exists(), "no second repository"
    assert head_files(project) == ["data/route.geojson"]
    assert history.file_at(data, "HEAD~1", ROUTE) != history.file_at(data, result.commit, ROUTE)
    entries = history.log(data)
    assert [e.summary for e in entries] == [result.summary, "project"]
    assert entries[0].files == (ROUTE,)
    assert set(entries[1].files) >= {ROUTE, "sources.csv", "i18n/en.toml"}, "data files only, not app.py"
    assert "app.py" not in entries[1].files


def test_a_refused_first_save_starts_no_history(data_dir: Path):
    with pytest.raises(SaveRefused):
        save(data_dir, ROUTE, b"{not json")
    with pytest.raises(ConflictError):
        save(data_dir, ROUTE, edit_route(data_dir), base_version=history.Version("sha256:other", None))
    assert not (data_dir / ".git").exists()
    assert not (data_dir / ".gitignore").exists()


def test_invalid_content_is_never_written_or_committed(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir))
    before = (data_dir / ROUTE).read_bytes()
    commits = git(data_dir, "rev-list", "--count", "HEAD")
    with pytest.raises(SaveRefused) as refused:
        save(data_dir, ROUTE, b"{not json")
    assert str(refused.value) == "route.geojson has errors; nothing was written."
    assert "not valid JSON" in refused.value.findings[0].message
    assert (data_dir / ROUTE).read_bytes() == before
    assert git(data_dir, "rev-list", "--count", "HEAD") == commits


def test_a_change_that_breaks_another_file_says_which(data_dir: Path):
    obj = json.loads((data_dir / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["id"] = "laos-forest"
    with pytest.raises(SaveRefused) as refused:
        save(data_dir, ROUTE, dump_collection(obj))
    assert "have errors" in str(refused.value)
    assert any("unknown segment 'laos-jungle'" in f.message for f in refused.value.findings)


def test_unchanged_content_is_refused(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir))
    with pytest.raises(SaveRefused, match="nothing to save"):
        save(data_dir, ROUTE, (data_dir / ROUTE).read_bytes())


@pytest.mark.parametrize("name", ["../app.py", ".gitignore", "route.geojson/../x", "countries.geojsonx"])
def test_only_data_files_can_be_saved(data_dir: Path, name: str):
    with pytest.raises(SaveRefused, match="not a data file"):
        history.save(
            data_dir,
            name,
            b"",
            base_version=history.Version("missing", None),
            author=ADA,
            validate=validate_texts,
        )
    assert not (data_dir / ".git").exists()


def test_a_save_needs_an_author(data_dir: Path):
    with pytest.raises(SaveRefused, match="name of the maintainer"):
        save(data_dir, ROUTE, edit_route(data_dir), author=Author(" <> "))


def test_file_mode_is_kept(data_dir: Path):
    (data_dir / ROUTE).chmod(0o640)
    save(data_dir, ROUTE, edit_route(data_dir))
    assert stat.S_IMODE((data_dir / ROUTE).stat().st_mode) == 0o640


# ------------------------------------------------------------------ conflicts


def test_a_hand_edit_is_refused(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    loaded = history.version(data_dir, ROUTE)
    hand = edit_route(data_dir, "Edited by hand")
    (data_dir / ROUTE).write_bytes(hand)
    with pytest.raises(ConflictError, match="changed since you loaded it"):
        save(data_dir, ROUTE, edit_route(data_dir, "Mine"), base_version=loaded)
    assert (data_dir / ROUTE).read_bytes() == hand


def test_another_maintainers_save_is_a_conflict(data_dir: Path):
    loaded_bytes, loaded = history.load(data_dir, ROUTE)
    save(data_dir, ROUTE, retitled(loaded_bytes, "laos-jungle", "Grace's title"), author=GRACE)
    with pytest.raises(ConflictError):
        save(data_dir, ROUTE, retitled(loaded_bytes, "vietnam-north", "Ada's title"), base_version=loaded)
    assert b"Grace's title" in (data_dir / ROUTE).read_bytes()


def test_a_commit_landing_after_load_is_a_conflict_even_with_the_same_bytes(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    original = (data_dir / ROUTE).read_bytes()
    loaded = history.version(data_dir, ROUTE)
    # Someone changes the file and changes it back, in two commits: the bytes match, the history does not.
    (data_dir / ROUTE).write_bytes(edit_route(data_dir, "Briefly"))
    git(data_dir, "commit", "-qam", "briefly")
    (data_dir / ROUTE).write_bytes(original)
    git(data_dir, "commit", "-qam", "back")
    assert history.version(data_dir, ROUTE).content == loaded.content
    with pytest.raises(ConflictError):
        save(data_dir, ROUTE, edit_route(data_dir, "Mine"), base_version=loaded)


def test_a_commit_to_another_file_is_not_a_conflict(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    loaded = history.version(data_dir, ROUTE)
    sources = (data_dir / "sources.csv").read_bytes().replace(b"New Documentary", b"A New Documentary", 1)
    save(data_dir, "sources.csv", sources, author=GRACE)
    save(data_dir, ROUTE, edit_route(data_dir, "Mine"), base_version=loaded)


def test_concurrent_saves_from_the_same_version_one_wins(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "Start"))
    loaded_bytes, loaded = history.load(data_dir, ROUTE)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def one(n: int) -> None:
        barrier.wait()
        try:
            save(data_dir, ROUTE, retitled(loaded_bytes, "laos-jungle", f"Title {n}"), base_version=loaded)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    assert git(data_dir, "rev-list", "--count", "HEAD").strip() == "3"


def test_one_save_at_a_time_across_processes(data_dir: Path, monkeypatch):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    lock = Path(git(data_dir, "rev-parse", "--absolute-git-dir").strip()) / history.LOCK_NAME
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({str(lock)!r}, 'a'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline() == b"locked\n"
        monkeypatch.setattr(gitrepo, "LOCK_TIMEOUT_S", 0.3)
        with pytest.raises(SaveRefused, match="another save has been running"):
            save(data_dir, ROUTE, edit_route(data_dir, "Blocked"))
        assert b"Blocked" not in (data_dir / ROUTE).read_bytes()
    finally:
        holder.kill()
        holder.wait()
    save(data_dir, ROUTE, edit_route(data_dir, "Free again"))


# ------------------------------------------------------------------ failures


def hook(repo: Path, name: str, script: str) -> None:
    hooks = Path(git(repo, "rev-parse", "--git-path", "hooks").strip())
    if not hooks.is_absolute():
        hooks = repo / hooks
    hooks.mkdir(parents=True, exist_ok=True)
    path = hooks / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)


def test_a_failed_commit_puts_the_file_back(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    before = (data_dir / ROUTE).read_bytes()
    (data_dir / ROUTE).chmod(0o664)
    hook(data_dir, "pre-commit", "echo 'refusing for the test' >&2; exit 1")
    with pytest.raises(SaveRefused) as refused:
        save(data_dir, ROUTE, edit_route(data_dir, "Never committed"))
    assert "nothing is lost" in str(refused.value)
    assert "refusing for the test" in str(refused.value)
    assert (data_dir / ROUTE).read_bytes() == before
    assert stat.S_IMODE((data_dir / ROUTE).stat().st_mode) == 0o664
    assert status(data_dir) == "", "the working tree and the index match HEAD again"
    assert not list(data_dir.glob(".*.tmp"))


def test_a_failed_commit_of_a_new_file_removes_it(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir))
    git(data_dir, "rm", "-q", "tour.csv")
    git(data_dir, "commit", "-qm", "no tour")
    hook(data_dir, "pre-commit", "exit 1")
    with pytest.raises(SaveRefused):
        save(data_dir, "tour.csv", paths.DATA_DIR.joinpath("tour.csv").read_bytes())
    assert not (data_dir / "tour.csv").exists()
    assert status(data_dir) == ""


@pytest.mark.parametrize(
    ("stderr", "words"),
    [
        ("error: unable to write file: No space left on device", "the disk is full"),
        (
            "fatal: Unable to create '/d/.git/index.lock': Read-only file system",
            "the data folder is read-only",
        ),
        ("fatal: Unable to create '/d/.git/index.lock': File exists.", "another git command is running"),
    ],
)
def test_git_failures_are_said_plainly(data_dir: Path, monkeypatch, stderr: str, words: str):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    before = (data_dir / ROUTE).read_bytes()
    real = gitrepo.run

    def failing(cwd, *args, **kwargs):
        if args[0] == "commit":
            raise history.GitError(args, 128, stderr)
        return real(cwd, *args, **kwargs)

    monkeypatch.setattr(gitrepo, "run", failing)
    with pytest.raises(SaveRefused, match=words):
        save(data_dir, ROUTE, edit_route(data_dir, "Never"))
    assert (data_dir / ROUTE).read_bytes() == before
    assert status(data_dir) == ""


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the data folder is read-only"),
        (errno.EACCES, r"the data folder is read-only for the server \(permission denied\)"),
    ],
)
def test_a_failed_write_writes_nothing(data_dir: Path, monkeypatch, code: int, words: str):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    before = (data_dir / ROUTE).read_bytes()
    commits = git(data_dir, "rev-list", "--count", "HEAD")
    real_replace = os.replace

    def full(src, dst):
        if Path(dst).name == ROUTE:
            raise OSError(code, os.strerror(code))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(SaveRefused, match=f"{words}. Nothing was written"):
        save(data_dir, ROUTE, edit_route(data_dir, "Never"))
    assert (data_dir / ROUTE).read_bytes() == before
    assert not list(data_dir.glob(".*.tmp")), "no temporary file left behind"
    assert git(data_dir, "rev-list", "--count", "HEAD") == commits


def test_detached_head_is_refused(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    git(data_dir, "checkout", "-q", "--detach")
    with pytest.raises(SaveRefused, match="not on a branch"):
        save(data_dir, ROUTE, edit_route(data_dir, "Second"))


# ------------------------------------------------------------------ reading the history


def test_log_lists_commits_newest_first(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    sources = (data_dir / "sources.csv").read_bytes().replace(b"New Documentary", b"A New Documentary", 1)
    save(data_dir, "sources.csv", sources, author=GRACE)
    entries = history.log(data_dir)
    assert [e.summary for e in entries] == [
        "sources.csv: 1 changed: cbn title",
        "route.geojson: 1 changed: laos-jungle title",
        history.BASELINE_SUBJECT,
    ]
    assert [e.author for e in entries[:2]] == ["Grace Hopper", "ada"]
    assert entries[0].files == ("sources.csv",)
    assert ".gitignore" not in entries[-1].files
    assert entries[0].short == entries[0].commit[:7]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", entries[0].date)
    assert [e.summary[:14] for e in history.log(data_dir, ROUTE)] == ["route.geojson:", "Start the hist"]
    assert len(history.log(data_dir, limit=1)) == 1


def test_log_without_history_is_empty(data_dir: Path):
    assert history.log(data_dir) == []


def test_file_at_and_changes(data_dir: Path):
    original = (data_dir / ROUTE).read_bytes()
    result = save(data_dir, ROUTE, edit_route(data_dir))
    assert history.file_at(data_dir, "HEAD~1", ROUTE) == original
    assert history.file_at(data_dir, result.short, ROUTE) == (data_dir / ROUTE).read_bytes()
    found = history.changes(data_dir, result.commit)
    assert list(found) == [ROUTE]
    [change] = found[ROUTE]
    assert (change.kind, change.id, change.fields) == ("changed", "laos-jungle", ("title",))
    root = history.changes(data_dir, "HEAD~1")
    assert {c.kind for c in root[ROUTE]} == {"added"}
    git(data_dir, "rm", "-q", "tour.csv")
    git(data_dir, "commit", "-qm", "no tour")
    assert history.file_at(data_dir, "HEAD", "tour.csv") is None
    assert {c.kind for c in history.changes(data_dir, "HEAD")["tour.csv"]} == {"removed"}


@pytest.mark.parametrize("rev", ["nosuchcommit", "--output=/tmp/x", "HEAD~99", "", "a b"])
def test_an_unknown_revision_is_a_clear_error(data_dir: Path, rev: str):
    save(data_dir, ROUTE, edit_route(data_dir))
    with pytest.raises(HistoryError, match="commit"):
        history.file_at(data_dir, rev, ROUTE)


@pytest.fixture(scope="module")
def small_history(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("small") / "data"
    shutil.copytree(paths.DATA_DIR, data)
    save(data, ROUTE, edit_route(data))
    return data


@given(st.text(max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_revision_text_is_answered_or_refused(small_history: Path, rev: str):
    try:
        found = history.file_at(small_history, rev, ROUTE)
    except HistoryError as exc:
        assert "commit" in str(exc)  # noqa: PT017 - a refusal must say what it wanted
    else:
        assert found is None or found.startswith(b"{")


def test_describe_changes_in_words():
    from geo.edit.diff import Change

    assert history.describe_changes([Change("changed", "laos-jungle", ("title",))]) == (
        "1 changed: laos-jungle title"
    )
    assert history.describe_changes([Change("added", "a"), Change("added", "b"), Change("removed", "c")]) == (
        "2 added: a, b; 1 removed: c"
    )
    many = [Change("changed", f"s{n}", ("title", "summary")) for n in range(5)]
    assert history.describe_changes(many) == (
        "5 changed: s0 title/summary, s1 title/summary, s2 title/summary and 2 more"
    )
    assert history.describe_changes([]) == "reformatted; no record changed"
    assert "could not be compared" in history.describe_changes(None)


# ------------------------------------------------------------------ restore


def test_restore_a_valid_old_version_commits_it(data_dir: Path):
    original = (data_dir / ROUTE).read_bytes()
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    first = git(data_dir, "rev-parse", "HEAD~1").strip()
    save(data_dir, ROUTE, edit_route(data_dir, "Second"))
    result = history.restore(data_dir, first[:7], ROUTE, author=GRACE, validate=validate_texts)
    assert (data_dir / ROUTE).read_bytes() == original
    assert result.summary == f"Restore route.geojson to {first[:7]}: 1 changed: laos-jungle title"
    assert f"Restores route.geojson as it was at commit {first}." in git(data_dir, "log", "-1", "--format=%b")
    assert git(data_dir, "rev-list", "--count", "HEAD").strip() == "4", "history is never rewritten"
    assert head_files(data_dir) == [ROUTE]
    assert status(data_dir) == ""


def test_restore_of_a_version_that_no_longer_validates_is_refused(data_dir: Path):
    sources = (data_dir / "sources.csv").read_bytes()
    save(data_dir, "sources.csv", sources + b"newsrc,Outlet,A new source,,2024,,\n")
    before_new_source = git(data_dir, "rev-parse", "HEAD~1").strip()
    obj = json.loads((data_dir / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["sources"].append("newsrc")
    save(data_dir, ROUTE, dump_collection(obj))
    now = (data_dir / "sources.csv").read_bytes()
    with pytest.raises(SaveRefused) as refused:
        history.restore(data_dir, before_new_source, "sources.csv", author=ADA, validate=validate_texts)
    messages = [f.message for f in refused.value.findings]
    assert any("unknown source 'newsrc'" in m for m in messages)
    assert "route.geojson" in str(refused.value)
    assert (data_dir / "sources.csv").read_bytes() == now
    assert status(data_dir) == ""


def test_restore_never_loses_a_hand_edit(data_dir: Path):
    """A valid hand edit is first committed as a recovered change, so the restore cannot lose it."""
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    (data_dir / ROUTE).write_bytes(edit_route(data_dir, "By hand"))
    result = history.restore(data_dir, "HEAD~1", ROUTE, author=ADA, validate=validate_texts)
    assert [r.kind for r in result.repairs] == ["committed"]
    assert b"By hand" in history.file_at(data_dir, "HEAD~1", ROUTE)
    assert b"By hand" not in (data_dir / ROUTE).read_bytes()
    assert status(data_dir) == ""


def test_restore_of_a_file_that_did_not_exist_is_refused(data_dir: Path):
    save(data_dir, ROUTE, edit_route(data_dir))
    git(data_dir, "rm", "-q", "tour.csv")
    git(data_dir, "commit", "-qm", "no tour")
    with pytest.raises(SaveRefused, match=r"tour\.csv did not exist at"):
        history.restore(data_dir, "HEAD", "tour.csv", author=ADA, validate=validate_texts)
    with pytest.raises(SaveRefused, match="no commit"):
        history.restore(data_dir, "0" * 40, ROUTE, author=ADA, validate=validate_texts)


# ------------------------------------------------------------------ sharing through a remote


@pytest.fixture
def shared(tmp_path: Path, data_dir: Path) -> tuple[Path, Path, Path]:
    """A bare repository and two clones of it (two servers, or a server and a laptop), each with data/."""
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    first = tmp_path / "first"
    git(tmp_path, "clone", "-q", str(bare), str(first))
    shutil.copytree(data_dir, first / "data")
    git(first, "checkout", "-q", "-b", "main")
    git(first, "add", ".")
    git(first, "commit", "-qm", "Data")
    git(first, "push", "-q", "origin", "main")
    second = tmp_path / "second"
    git(tmp_path, "clone", "-q", str(bare), str(second))
    return bare, first / "data", second / "data"


def test_saves_push_and_the_next_save_elsewhere_pulls_first(shared):
    bare, first, second = shared
    second_loaded = history.version(second, "sources.csv")
    result = save(first, ROUTE, edit_route(first, "From the first clone"), remote="origin")
    assert (result.pushed, result.push_error) == (True, None)
    assert git(bare, "rev-parse", "main").strip() == result.commit
    sources = (second / "sources.csv").read_bytes().replace(b"New Documentary", b"A New Documentary", 1)
    other = save(second, "sources.csv", sources, author=GRACE, base_version=second_loaded, remote="origin")
    assert other.pushed
    assert b"From the first clone" in (second / ROUTE).read_bytes(), "pulled before saving"
    assert git(second, "rev-parse", "HEAD~1").strip() == result.commit, "one shared, linear history"
    assert [e.summary for e in history.log(second, limit=2)] == [other.summary, result.summary]


def test_a_save_elsewhere_after_load_is_a_conflict_after_the_pull(shared):
    _, first, second = shared
    loaded_bytes, loaded = history.load(second, ROUTE)
    save(first, ROUTE, edit_route(first, "First clone"), remote="origin")
    with pytest.raises(ConflictError):
        history.save(
            second,
            ROUTE,
            retitled(loaded_bytes, "vietnam-north", "Second clone"),
            base_version=loaded,
            author=GRACE,
            validate=validate_texts,
            remote="origin",
        )
    assert b"First clone" in (second / ROUTE).read_bytes(), "the pull itself is kept"


def test_a_failed_push_keeps_the_commit_and_the_next_save_pushes_it(shared):
    bare, first, _ = shared
    hook(bare, "pre-receive", "echo 'the shared repository is closed for the test' >&2; exit 1")
    result = save(first, ROUTE, edit_route(first, "Kept"), remote="origin")
    assert not result.pushed
    assert "not yet shared with 'origin'" in result.push_error
    assert "closed for the test" in result.push_error
    assert b"Kept" in (first / ROUTE).read_bytes()
    assert git(first, "rev-parse", "HEAD").strip() == result.commit
    assert git(bare, "rev-parse", "main").strip() != result.commit
    (bare / "hooks" / "pre-receive").unlink()
    again = save(first, ROUTE, edit_route(first, "Kept twice"), remote="origin")
    assert again.pushed
    assert git(bare, "rev-parse", "main~1").strip() == result.commit


def test_a_failed_pull_writes_nothing(shared):
    _, first, second = shared
    # The second clone has a commit the shared history lacks, and the shared history moves on:
    # they have diverged, so a fast-forward is impossible.
    save(second, "sources.csv", (second / "sources.csv").read_bytes() + b"\n")
    save(first, ROUTE, edit_route(first, "Shared"), remote="origin")
    before = (second / ROUTE).read_bytes()
    with pytest.raises(SaveRefused, match="could not bring in the shared history"):
        save(second, ROUTE, edit_route(second, "Never"), remote="origin")
    assert (second / ROUTE).read_bytes() == before


def test_an_unreachable_remote_is_refused_before_writing(data_dir: Path, tmp_path: Path):
    save(data_dir, ROUTE, edit_route(data_dir, "First"))
    before = (data_dir / ROUTE).read_bytes()
    with pytest.raises(SaveRefused, match="could not bring in the shared history"):
        save(data_dir, ROUTE, edit_route(data_dir, "Never"), remote=str(tmp_path / "nowhere.git"))
    with pytest.raises(SaveRefused, match="not a git remote"):
        save(data_dir, ROUTE, edit_route(data_dir, "Never"), remote="--upload-pack=touch /tmp/x")
    assert (data_dir / ROUTE).read_bytes() == before
