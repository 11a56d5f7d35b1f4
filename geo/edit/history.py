"""Git is the history of the data: every save is one commit, by the maintainer who made it.

This replaces ``geo/save.py``'s timestamped backups: git already knows who
changed what and when, can show any old version, and can share the history with
other copies of the project (a remote). Nothing here reimplements git: each step
is the ``git`` command line (2.39), run with an argument list, never a shell.

This module is the public entry: callers import everything from here. It reads
the history itself (``load``, ``version``, ``log``, ``file_at``, ``changes``);
the rest lives in rooms of its own:

- ``geo.edit.history_save``: ``save`` and ``restore``, the one-file transaction
  (lock, pull, conflict check, validation, atomic write, commit, push), and
  ``ALLOWED_FILES``, ``Version``, ``SaveResult``;
- ``geo.edit.history_messages``: what a commit says (``describe_change``,
  ``describe_changes``, the body) and who it says made it (``Author``,
  ``git_identity``);
- ``geo.edit.gitrepo``: the git plumbing (running git, the save lock, pull and
  push, reading old versions, the exceptions);
- ``geo.edit.recovery``: putting right what a killed save left.

Nothing outside this package calls ``save`` or ``restore`` directly: every write
into data/ goes through ``geo.edit.gate``, which passes the one validator (the
whole dataset, translations included).

The repository is the git work tree that holds the data folder (the project's
own repository in a checkout). A data folder in no work tree gets a repository of
its own at its first save, whose first commit records the files as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo import paths
from geo.edit.diff import Change, diff_file
from geo.edit.gitrepo import (
    GITIGNORE,
    LOCK_NAME,
    ConflictError,
    GitError,
    HistoryError,
    SaveRefused,
    blob,
    find_repo,
    git_out,
    has_head,
    last_commit,
    locked,
    read_file,
    resolve_rev,
)
from geo.edit.history_messages import (
    BASELINE_SUBJECT,
    EMAIL_DOMAIN,
    SUBJECT_ITEMS,
    Author,
    Describer,
    describe_change,
    describe_changes,
    git_identity,
)
from geo.edit.history_save import (
    ALLOWED_FILES,
    I18N_FILES,
    SaveResult,
    Validator,
    Version,
    check_name,
    restore,
    save,
)
from geo.files import content_hash

__all__ = [
    "ALLOWED_FILES",
    "BASELINE_SUBJECT",
    "EMAIL_DOMAIN",
    "GITIGNORE",
    "I18N_FILES",
    "LOCK_NAME",
    "SUBJECT_ITEMS",
    "Author",
    "ConflictError",
    "Describer",
    "Entry",
    "GitError",
    "HistoryError",
    "SaveRefused",
    "SaveResult",
    "Validator",
    "Version",
    "changes",
    "describe_change",
    "describe_changes",
    "file_at",
    "git_identity",
    "load",
    "log",
    "restore",
    "save",
    "version",
]


@dataclass(frozen=True)
class Entry:
    """One commit in the history of the data."""

    commit: str
    short: str
    #: Author date, ISO 8601 with offset.
    date: str
    author: str
    summary: str
    #: The data files it touched.
    files: tuple[str, ...]


# --------------------------------------------------------------------------- reading


def load(data_dir: Path | str, name: str) -> tuple[bytes | None, Version]:
    """The file as it is now, and the ``Version`` to save it against. Never mid-save."""
    data_dir = Path(data_dir)
    check_name(name)
    repo = find_repo(data_dir)
    if repo is None:
        data = read_file(data_dir / name)
        return data, Version(content_hash(data), None)
    with locked(repo, shared=True):
        data = read_file(data_dir / name)
        return data, Version(content_hash(data), last_commit(repo, name))


def version(data_dir: Path | str, name: str) -> Version:
    return load(data_dir, name)[1]


def log(data_dir: Path | str, name: str | None = None, limit: int = 50) -> list[Entry]:
    """Commits that touched the data files (or only ``name``), newest first. [] without a history."""
    data_dir = Path(data_dir)
    if name is not None:
        check_name(name)
    if not isinstance(limit, int) or limit < 1:
        raise HistoryError("limit must be a positive number of commits")
    repo = find_repo(data_dir)
    if repo is None or not has_head(repo):
        return []
    out = git_out(
        repo,
        "log",
        f"--max-count={limit}",
        "--format=%x1e%H%x1f%h%x1f%aI%x1f%an%x1f%s",
        "--name-only",
        "--relative",
        "--no-renames",
        "--",
        *([name] if name else ALLOWED_FILES),
    )
    entries = []
    for record in out.split("\x1e")[1:]:
        head, _, rest = record.partition("\n")
        commit, short, date, author, summary = head.split("\x1f", 4)
        files = tuple(f for f in rest.split("\n") if f in ALLOWED_FILES)
        entries.append(Entry(commit, short, date, author, summary, files))
    return entries


def file_at(data_dir: Path | str, rev: str, name: str) -> bytes | None:
    """``name`` as it was at commit ``rev``; None when it did not exist then.

    Raises ``HistoryError`` for a revision that names no commit.
    """
    data_dir = Path(data_dir)
    check_name(name)
    repo = find_repo(data_dir)
    if repo is None or not has_head(repo):
        raise HistoryError(f"the data folder {data_dir} has no history yet")
    return blob(repo, resolve_rev(repo, rev), name)


def changes(data_dir: Path | str, rev: str) -> dict[str, list[Change] | None]:
    """What commit ``rev`` changed in each data file it touched, by id, against its (first) parent.

    A value is None when that file could not be compared by id (unreadable, or an i18n catalogue).
    """
    data_dir = Path(data_dir)
    repo = find_repo(data_dir)
    if repo is None or not has_head(repo):
        raise HistoryError(f"the data folder {data_dir} has no history yet")
    commit = resolve_rev(repo, rev)
    parents = git_out(repo, "rev-list", "--parents", "--max-count=1", commit).split()[1:]
    parent = parents[0] if parents else None
    trees = [parent, commit] if parent else ["--root", commit]
    touched = git_out(
        repo, "diff-tree", "-r", "--name-only", "--relative", "--no-renames", "--no-commit-id", *trees
    ).split("\n")
    out: dict[str, list[Change] | None] = {}
    for name in (n for n in ALLOWED_FILES if n in touched):
        if name not in paths.DATA_FILES:
            out[name] = None
            continue
        old = blob(repo, parent, name) if parent else None
        new = blob(repo, commit, name)
        out[name] = diff_file(name, old, new)
    return out
