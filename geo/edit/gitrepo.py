"""The git repository that holds the data: running git, one save at a time, reading old versions.

The plumbing under ``geo.edit.history`` (reading the history),
``geo.edit.history_save`` (saves and restores) and ``geo.edit.recovery``
(repairing what a killed save left): each step is the ``git`` command line
(2.39), run with an argument list, never a shell, with an environment that
cannot point it at another repository or make it prompt. Failures are put in
plain words (``plain_reason``) for the maintainer.

This module knows git, not the data: which files may be saved, and what a
commit says, are ``geo.edit.history_save``'s and ``geo.edit.history_messages``'.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo.files import atomic_write, os_reason

if TYPE_CHECKING:
    from geo.data.findings import Finding

#: Inside the git directory, so it is never committed and needs no .gitignore line.
LOCK_NAME = "escape-route-save.lock"


#: How long a save waits for another one to finish before giving up.
LOCK_TIMEOUT_S = 60.0


#: Local git commands, and those that talk to a remote.
LOCAL_TIMEOUT_S = 60.0


NETWORK_TIMEOUT_S = 120.0


#: Written into a repository created for a data folder: leftovers of an interrupted save, old backups.
GITIGNORE = "# Written by the editor's first save. Nothing special is ignored:\n.*.tmp\n.backups/\n"


#: Environment variables that would point git at another repository than the data's.
_GIT_LOCATION_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
)


_REV = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/~^@{}-]{0,199}$")


class SaveRefused(Exception):
    """The save did not happen; the message says why in words a maintainer can act on."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


class ConflictError(SaveRefused):
    """The file is no longer what the maintainer loaded; nothing was written."""


class HistoryError(ValueError):
    """A history question that cannot be answered (unknown revision, not a data file)."""


class GitError(Exception):
    """A git command failed. ``stderr`` is git's own explanation."""

    def __init__(self, args: tuple[str, ...], returncode: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)}: exit {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


@dataclass(frozen=True)
class Repo:
    data_dir: Path
    top: Path
    git_dir: Path
    #: The data folder's path inside the repository, with a trailing slash ('' at the top).
    prefix: str


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_ENV}
    # English messages (we recognise a few), and never a prompt for a password the server cannot type.
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    env.update(extra or {})
    return env


def run(
    cwd: Path,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = LOCAL_TIMEOUT_S,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=input,
            capture_output=True,
            env=git_env(env),
            timeout=timeout,
            check=False,
            stdin=None if input is not None else subprocess.DEVNULL,
            # No controlling terminal: ssh cannot ask for a passphrase and hang the save.
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        raise GitError(args, -1, f"no answer within {timeout:.0f} s") from None
    except OSError as exc:
        raise GitError(args, -1, f"could not run git: {exc.strerror or exc}") from None
    if check and done.returncode != 0:
        raise GitError(args, done.returncode, done.stderr.decode("utf-8", "replace"))
    return done


def git_out(repo: Repo, *args: str, **kwargs) -> str:
    return run(repo.data_dir, *args, **kwargs).stdout.decode("utf-8", "replace")


def find_repo(data_dir: Path) -> Repo | None:
    """The work tree holding ``data_dir``, or None when there is none (and only then)."""
    if not data_dir.is_dir():
        raise SaveRefused(f"the data folder {data_dir} does not exist")
    done = run(data_dir, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--show-prefix", check=False)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        if "not a git repository" in stderr:
            return None
        # E.g. "dubious ownership": never paper over it with a second repository inside the first.
        raise SaveRefused(f"git cannot use the repository holding {data_dir}: {last_line(stderr)}")
    top, git_dir, prefix = [*done.stdout.decode("utf-8", "replace").splitlines(), "", "", ""][:3]
    return Repo(data_dir.resolve(), Path(top), Path(git_dir), prefix)


def ensure_repo(data_dir: Path) -> Repo:
    """The work tree holding ``data_dir``; a data folder in none gets a repository of its own."""
    repo = find_repo(data_dir)
    if repo is not None:
        return repo
    try:
        run(data_dir, "init", "--quiet", "--initial-branch=main")
        ignore = data_dir / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, GITIGNORE.encode("utf-8"))
    except (GitError, OSError) as exc:
        raise SaveRefused(f"could not start a history for {data_dir}: {plain_reason(exc)}") from None
    repo = find_repo(data_dir)
    assert repo is not None
    return repo


def has_head(repo: Repo) -> bool:
    return run(repo.data_dir, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0


def commit_only(repo: Repo, names: list[str], message: str, author_env: Mapping[str, str]) -> None:
    """Stage ``names`` and commit exactly them (``--only``), whatever else is staged or dirty."""
    git_out(repo, "add", "--", *names)
    git_out(
        repo,
        "commit",
        "--quiet",
        "--cleanup=whitespace",
        "-F",
        "-",
        "--only",
        "--",
        *names,
        input=message.encode("utf-8"),
        env=author_env,
    )


def current_branch(repo: Repo) -> str:
    done = run(repo.data_dir, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    branch = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0 or not branch:
        raise SaveRefused(
            f"the repository holding the data ({repo.top}) is not on a branch (detached HEAD): a save "
            "there would be easy to lose. Ask whoever runs the server to check out a branch."
        )
    return branch


@contextlib.contextmanager
def locked(repo: Repo, *, shared: bool = False, timeout: float | None = None) -> Iterator[None]:
    """One save at a time per repository, across threads (each opens its own lock) and processes.

    ``shared``: a reader, who only waits for a save in progress to finish. A read-only
    deployment cannot create the lock file, and cannot be saving either: readers go ahead.
    """
    try:
        lock_file = (repo.git_dir / LOCK_NAME).open("a")
    except OSError as exc:
        if shared:
            yield
            return
        raise SaveRefused(f"nothing was written: {plain_reason(exc)}") from None
    with lock_file:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        timeout = LOCK_TIMEOUT_S if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock_file, mode)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SaveRefused(
                        f"another save has been running for over {timeout:.0f} s; nothing was written. "
                        "Try again in a minute."
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def last_line(stderr: str, keep: int = 3) -> str:
    """Git's explanation, without its hints: the last few lines that say something (a remote's
    own words come before git's summary of them, so one line is not always enough)."""
    lines = [
        line.strip()
        for line in stderr.strip().splitlines()
        if line.strip() and not line.startswith(("hint:", "To ")) and line.strip() != "remote:"
    ]
    return " / ".join(lines[-keep:]).rstrip(".") if lines else "no explanation"


_GIT_REASONS = (
    ("No space left on device", "the disk is full"),
    ("Disk quota exceeded", "the disk quota is full"),
    ("Read-only file system", "the data folder is read-only"),
    ("Permission denied", "the data folder is read-only for the server (permission denied)"),
    ("index.lock", "another git command is running in the repository (index.lock exists); try again soon"),
)


def plain_reason(exc: BaseException) -> str:
    """Why something failed, in plain words: the disk is full, the folder is read-only, or git's line."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, GitError):
        for marker, words in _GIT_REASONS:
            if marker in exc.stderr:
                return words
        return f"git said: {last_line(exc.stderr)}"
    return str(exc)


def read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def blob(repo: Repo, commit: str, name: str) -> bytes | None:
    done = run(repo.data_dir, "cat-file", "blob", f"{commit}:{repo.prefix}{name}", check=False)
    return done.stdout if done.returncode == 0 else None


def last_commit(repo: Repo, name: str) -> str | None:
    if not has_head(repo):
        return None
    out = git_out(repo, "log", "-1", "--format=%H", "--", name).strip()
    return out or None


def resolve_rev(repo: Repo, rev: str) -> str:
    if not isinstance(rev, str) or not _REV.match(rev):
        raise HistoryError(f"{rev!r} does not name a commit (e.g. 1a2b3c4, HEAD~2)")
    done = run(
        repo.data_dir,
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{rev}^{{commit}}",
        check=False,
    )
    if done.returncode != 0:
        raise HistoryError(
            f"no commit {rev!r} in the history of the data; `python -m geo history` lists them"
        )
    return done.stdout.decode().strip()


# --------------------------------------------------------------------------- sharing with a remote


def check_remote(remote: str | None) -> None:
    if remote is not None and (not isinstance(remote, str) or not remote or remote.startswith("-")):
        raise SaveRefused(f"{remote!r} is not a git remote")


def pull(repo: Repo, remote: str, branch: str) -> None:
    """Fast-forward to the remote's branch, if it has one yet. Never merges, so nothing can be lost."""
    try:
        found = run(
            repo.data_dir,
            "ls-remote",
            "--exit-code",
            "--heads",
            "--",
            remote,
            f"refs/heads/{branch}",
            timeout=NETWORK_TIMEOUT_S,
            check=False,
        )
        if found.returncode == 2:
            return
        if found.returncode != 0:
            raise GitError(("ls-remote",), found.returncode, found.stderr.decode("utf-8", "replace"))
        run(
            repo.data_dir,
            "pull",
            "--ff-only",
            "--no-rebase",
            "--quiet",
            "--",
            remote,
            branch,
            timeout=NETWORK_TIMEOUT_S,
        )
    except GitError as exc:
        if "fast-forward" in exc.stderr:
            why = (
                "this copy and the shared history have diverged (each has saves the other lacks); "
                "someone has to reconcile them with git"
            )
        else:
            why = plain_reason(exc)
        raise SaveRefused(
            f"could not bring in the shared history from {remote!r} first, so nothing was written: {why}."
        ) from None


def push(repo: Repo, remote: str, branch: str) -> str | None:
    """Push; None when it worked, else why not, in words (the commit stays; the next save pushes it)."""
    try:
        run(
            repo.data_dir,
            "push",
            "--quiet",
            "--",
            remote,
            f"HEAD:refs/heads/{branch}",
            timeout=NETWORK_TIMEOUT_S,
        )
    except GitError as exc:
        why = plain_reason(exc)
        return f"saved here, but not yet shared with {remote!r}: {why}. The next save will try again."
    return None
