"""Repairing what a killed save leaves behind, so that no maintainer is ever locked out.

A save can be killed at any moment (``kill -9``, a crash, a power cut). What it
can leave, and what ``repair`` does about it, before every save and restore and
when the editor starts:

- ``.git/index.lock`` (or another of git's ``*.lock`` files) from a ``git commit``
  that died: every later git command refuses to run. A lock no live git process
  in this repository can own is removed; one that a live process holds is waited
  for a few seconds, then left for the save to report.
- a temporary file of an interrupted atomic write (``.route.geojson.*.tmp``): removed.
- a data file written but not committed: the whole dataset on disk is validated
  with the same rules as a save; if it passes, the change is committed as a
  recovered save (``Recover an interrupted save: …``); if not, each such file is
  put back as it was at its last commit, and the version on disk is kept in the
  git directory (``escape-route-recovered/``) so nothing is lost.

Each repair is appended to ``escape-route-recovery.log`` in the git directory
(JSON lines), which the editor and ``python -m geo history`` show. The caller
holds the save lock (``gitrepo.locked``): no save of ours runs meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from geo.data.findings import Finding, format_finding, has_errors
from geo.edit.gitrepo import GitError, Repo, blob, commit_only, git_out, has_head, plain_reason, read_file
from geo.files import atomic_write, remove_stale_temporaries

#: Inside the git directory: never committed, never served.
LOG_NAME = "escape-route-recovery.log"
KEPT_DIR = "escape-route-recovered"
#: git's own lock files a killed command can leave (``refs/heads/*.lock`` are found as well).
GIT_LOCKS = ("index.lock", "HEAD.lock", "ORIG_HEAD.lock", "config.lock", "packed-refs.lock")
#: How long to wait for a git process still running in the repository (a killed save's child).
GIT_GRACE_S = 15.0
RECOVERY_SUBJECT = "Recover an interrupted save"
#: Author of a recovery commit when no maintainer is known (the editor starting up).
RECOVERY_AUTHOR_ENV = {
    "GIT_AUTHOR_NAME": "escape-route recovery",
    "GIT_AUTHOR_EMAIL": "recovery@maintainers.invalid",
    "GIT_COMMITTER_NAME": "escape-route recovery",
    "GIT_COMMITTER_EMAIL": "recovery@maintainers.invalid",
}

#: ``validate(files)``: findings for the whole dataset as given (``geo.edit.gate.check_dataset``).
Validator = Callable[[Mapping[str, bytes]], list[Finding]]


@dataclass(frozen=True)
class Repair:
    """One thing put right, in words a maintainer can read."""

    #: ``lock``, ``temporary``, ``committed`` or ``put-back``.
    kind: str
    #: The file concerned (a data file, or the lock's path inside the git directory).
    name: str
    message: str
    #: When, ISO 8601 UTC.
    when: str
    commit: str | None = None
    #: Where the version that was put back is kept (a path inside the git directory).
    kept: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- live git processes


def _git_processes(repo: Repo) -> list[int]:
    """Process ids of git commands working in this repository (read from /proc; [] without it)."""
    roots = {str(repo.top), str(repo.data_dir), str(repo.git_dir)}
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if not argv or not os.path.basename(argv[0].decode("utf-8", "replace")).startswith("git"):
                continue
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue  # gone, or another user's: not one of ours
        if any(cwd == root or cwd.startswith(root.rstrip("/") + "/") for root in roots):
            found.append(int(entry.name))
    return found


def _wait_for_git(repo: Repo, grace: float) -> bool:
    """True once no git process works in the repository; False if one still does after ``grace`` s."""
    deadline = time.monotonic() + grace
    while _git_processes(repo):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _stale_locks(repo: Repo) -> list[Path]:
    locks = [repo.git_dir / name for name in GIT_LOCKS]
    locks += sorted((repo.git_dir / "refs").rglob("*.lock")) if (repo.git_dir / "refs").is_dir() else []
    return [p for p in locks if p.is_file()]


# --------------------------------------------------------------------------- the repairs


def _remove_locks(repo: Repo, grace: float) -> list[Repair]:
    locks = _stale_locks(repo)
    if not locks or not _wait_for_git(repo, grace):
        return []  # nothing to do, or a live git owns it: the save then says "another git command…"
    repairs = []
    for lock in _stale_locks(repo):
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
            name = lock.relative_to(repo.git_dir).as_posix()
            repairs.append(
                Repair(
                    "lock",
                    name,
                    f"removed .git/{name}, left by a git command that was killed mid-save",
                    _now(),
                )
            )
    return repairs


def _remove_temporaries(repo: Repo, names: Sequence[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            remove_stale_temporaries(repo.data_dir / name)


def _keep(repo: Repo, name: str, data: bytes) -> str:
    """Keep the version that is being put back; returns its path relative to the repository's top."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = repo.git_dir / KEPT_DIR / f"{stamp}-{name.replace('/', '-')}"
    atomic_write(target, data)
    try:
        return target.relative_to(repo.top).as_posix()
    except ValueError:
        return str(target)


def _commit_recovered(
    repo: Repo, dirty: list[str], findings: list[Finding], env: Mapping[str, str]
) -> Repair:
    subject = f"{RECOVERY_SUBJECT}: {', '.join(dirty)} (valid on disk, not yet committed)"
    warnings = [format_finding(f) for f in findings if not f.is_error]
    body = (
        "A save was interrupted after writing and before committing. The files on disk passed\n"
        "every check of a save, so they are committed as they were written.\n\n"
        f"Validation: 0 errors, {len(warnings)} warnings\n" + "\n".join(warnings)
    )
    commit_only(repo, dirty, f"{subject}\n\n{body}\n", env)
    commit = git_out(repo, "rev-parse", "--verify", "HEAD").strip()
    return Repair(
        "committed",
        ", ".join(dirty),
        f"an interrupted save left {', '.join(dirty)} written but not committed; it was valid, "
        f"so it was committed as {commit[:7]}",
        _now(),
        commit=commit,
    )


def _put_back(repo: Repo, name: str, committed: bytes | None, findings: list[Finding]) -> Repair:
    on_disk = read_file(repo.data_dir / name)
    kept = _keep(repo, name, on_disk) if on_disk is not None else None
    if committed is None:
        (repo.data_dir / name).unlink(missing_ok=True)
    else:
        atomic_write(repo.data_dir / name, committed)
    errors = [format_finding(f) for f in findings if f.is_error][:3]
    why = f" (it had errors: {'; '.join(errors)})" if errors else ""
    kept_words = f"; the version on disk is kept in {kept}" if kept else ""
    return Repair(
        "put-back",
        name,
        f"{name} differed from its last commit and could not be committed{why}: "
        f"put back its last saved version{kept_words}",
        _now(),
        kept=kept,
    )


def _log(repo: Repo, repairs: list[Repair]) -> None:
    if not repairs:
        return
    with contextlib.suppress(OSError), (repo.git_dir / LOG_NAME).open("a", encoding="utf-8") as log:
        for repair in repairs:
            log.write(json.dumps(asdict(repair), ensure_ascii=False) + "\n")


def repair(
    repo: Repo,
    names: Sequence[str],
    validate: Validator,
    *,
    author_env: Mapping[str, str] | None = None,
    grace: float = GIT_GRACE_S,
) -> list[Repair]:
    """Put right what a killed save left in ``repo`` for the files ``names``; the caller holds the save lock.

    Never raises for what it finds: a repair that cannot be made (a full disk, say)
    is left for the save that follows, which then says why in its own words.
    """
    repairs = _remove_locks(repo, grace)
    _remove_temporaries(repo, names)
    if not has_head(repo):
        _log(repo, repairs)
        return repairs
    try:
        with contextlib.suppress(GitError):
            git_out(repo, "reset", "--quiet", "--", *names)  # unstage what a killed `git add` staged
        committed = {name: blob(repo, "HEAD", name) for name in names}
        on_disk = {name: read_file(repo.data_dir / name) for name in names}
        dirty = [n for n in names if on_disk[n] != committed[n]]
        if dirty:
            files = {n: data for n, data in on_disk.items() if data is not None}
            findings = list(validate(files))
            deleted = any(on_disk[n] is None for n in dirty)
            if not has_errors(findings) and not deleted:
                repairs.append(_commit_recovered(repo, dirty, findings, author_env or RECOVERY_AUTHOR_ENV))
            else:
                repairs += [_put_back(repo, n, committed[n], findings) for n in dirty]
    except (GitError, OSError) as exc:
        repairs.append(
            Repair(
                "failed", "", f"could not repair what an interrupted save left: {plain_reason(exc)}", _now()
            )
        )
    _log(repo, repairs)
    return repairs


def notes(repo: Repo | None, limit: int = 20) -> list[Repair]:
    """The latest repairs, newest first, as the log holds them ([] without a repository or a log)."""
    if repo is None:
        return []
    try:
        lines = (repo.git_dir / LOG_NAME).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in reversed(lines[-limit * 4 :]):
        with contextlib.suppress(ValueError, TypeError):
            out.append(Repair(**json.loads(line)))
        if len(out) >= limit:
            break
    return out
