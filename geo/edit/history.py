"""Git is the history of the data: every save is one commit, by the maintainer who made it.

This replaces ``geo/save.py``'s timestamped backups: git already knows who
changed what and when, can show any old version, and can share the history with
other copies of the project (a remote). Nothing here reimplements git: each step
is the ``git`` command line (2.39), run with an argument list, never a shell.

Nothing outside this package calls ``save`` or ``restore`` directly: every write
into data/ goes through ``geo.edit.gate``, which passes the one validator (the
whole dataset, translations included).

A save (``save``) is one transaction, for one file:

1. one save at a time per repository, across threads and server processes
   (``flock`` on ``escape-route-save.lock`` inside the git directory), which
   first puts right what an interrupted save left (``geo.edit.recovery``);
2. with a remote, ``git pull --ff-only`` first, so the save builds on the shared history;
3. refused (``ConflictError``) unless the file is still the version the maintainer
   loaded: same bytes and same last commit (``Version``, from ``load``);
4. refused (``SaveRefused`` with findings) when the data would have errors;
5. the file is written atomically (temporary file, fsync, ``os.replace``, same
   mode) and committed alone (``git commit --only``), whatever else is staged or dirty;
6. the commit message says what changed, by id, and what the validator said;
7. if git fails, the previous bytes are put back: nothing is lost, and the file
   matches its last commit again;
8. with a remote, ``git push``. A failed push keeps the commit and is reported;
   the next save pushes both.

The repository is the git work tree that holds the data folder (the project's
own repository in a checkout). A data folder in no work tree gets a repository of
its own at its first save, whose first commit records the files as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geo import paths
from geo.data.findings import Finding, format_finding, has_errors
from geo.edit.diff import Change, diff_file
from geo.edit.gitrepo import (
    LOCK_NAME,
    NETWORK_TIMEOUT_S,
    ConflictError,
    GitError,
    HistoryError,
    Repo,
    SaveRefused,
    blob,
    commit_only,
    current_branch,
    find_repo,
    git_out,
    has_head,
    last_commit,
    locked,
    plain_reason,
    read_file,
    resolve_rev,
    run,
)
from geo.edit.recovery import Repair, repair
from geo.files import atomic_write, content_hash, remove_stale_temporaries

__all__ = ["LOCK_NAME", "ConflictError", "GitError", "HistoryError", "SaveRefused"]

#: The files a maintainer may save or restore: the data files and the interface catalogues.
I18N_FILES: tuple[str, ...] = ("i18n/en.toml", "i18n/ko.toml")
ALLOWED_FILES: tuple[str, ...] = (*paths.DATA_FILES, *I18N_FILES)
#: Authors without a configured e-mail get ``<name>@maintainers.invalid`` (RFC 2606: never delivered).
EMAIL_DOMAIN = "maintainers.invalid"
#: Subject of the first commit of a repository created for a data folder.
BASELINE_SUBJECT = "Start the history of the data: the files as they were before the first save"
#: Written into a repository created for a data folder: leftovers of an interrupted save, old backups.
GITIGNORE = "# Written by the editor's first save. Nothing special is ignored:\n.*.tmp\n.backups/\n"
#: Items shown per kind of change in a commit's first line; the body lists them all.
SUBJECT_ITEMS = 3


#: ``validate(files)``: findings for every data file (name → bytes), the change included.
#: ``geo.edit.gate.check_dataset`` is the one every write uses; history does not import the validation wiring.
Validator = Callable[[Mapping[str, bytes]], list[Finding]]
#: ``describe(name, old, new)``: the commit's first line (``describe_change`` by default).
Describer = Callable[[str, bytes | None, bytes], str]


@dataclass(frozen=True)
class Version:
    """What a maintainer loaded: the file's bytes (``geo.files.content_hash``) and its last commit.

    Both are checked at save time: the hash catches a hand edit not yet committed,
    the commit catches a save or a pull that landed in between, even one that
    happened to leave the same bytes.
    """

    content: str
    #: The last commit that touched the file; None when none has (or there is no history yet).
    commit: str | None


@dataclass(frozen=True)
class Author:
    name: str
    #: None: ``<name>@maintainers.invalid``.
    email: str | None = None

    def env(self) -> dict[str, str]:
        name = _clean_name(self.name)
        email = self.email or f"{_slug(name)}@{EMAIL_DOMAIN}"
        return {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }


@dataclass(frozen=True)
class SaveResult:
    commit: str
    short: str
    #: The commit's first line.
    summary: str
    #: What the page should now hold as the file's ``base_version``.
    version: Version
    #: Warnings that remain after the save (errors refuse it).
    findings: list[Finding] = field(default_factory=list)
    #: With a remote: whether the push worked; ``push_error`` says why not (the commit is kept).
    pushed: bool = False
    push_error: str | None = None
    #: What an earlier, interrupted save had left and this save put right first (``geo.edit.recovery``).
    repairs: tuple[Repair, ...] = ()


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


# --------------------------------------------------------------------------- running git


def _ensure_repo(data_dir: Path) -> Repo:
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


def _ensure_baseline(repo: Repo, author: Author) -> None:
    """A first commit with the files as they are, so that the first save's diff means something."""
    if has_head(repo):
        return
    names = [n for n in (".gitignore", *ALLOWED_FILES) if (repo.data_dir / n).is_file()]
    try:
        commit_only(repo, names, BASELINE_SUBJECT + "\n\nFiles: " + ", ".join(names) + "\n", author.env())
    except GitError as exc:
        raise SaveRefused(f"could not start the history of the data: {plain_reason(exc)}") from None


# --------------------------------------------------------------------------- plain words for failures


# --------------------------------------------------------------------------- reading


def _check_name(name: str) -> str:
    if name not in ALLOWED_FILES:
        raise SaveRefused(f"{name!r} is not a data file of this project ({', '.join(ALLOWED_FILES)})")
    return name


def _read_all(data_dir: Path) -> dict[str, bytes]:
    return {n: (data_dir / n).read_bytes() for n in ALLOWED_FILES if (data_dir / n).is_file()}


def _is_baseline(repo: Repo, commit: str) -> bool:
    out = git_out(repo, "log", "-1", "--format=%P%x1f%s", commit)
    parents, _, subject = out.rstrip("\n").partition("\x1f")
    return not parents.strip() and subject == BASELINE_SUBJECT


def load(data_dir: Path | str, name: str) -> tuple[bytes | None, Version]:
    """The file as it is now, and the ``Version`` to save it against. Never mid-save."""
    data_dir = Path(data_dir)
    _check_name(name)
    repo = find_repo(data_dir)
    if repo is None:
        data = read_file(data_dir / name)
        return data, Version(content_hash(data), None)
    with locked(repo, shared=True):
        data = read_file(data_dir / name)
        return data, Version(content_hash(data), last_commit(repo, name))


def version(data_dir: Path | str, name: str) -> Version:
    return load(data_dir, name)[1]


def git_identity(data_dir: Path | str) -> Author | None:
    """The ``user.name``/``user.email`` git is configured with for the data's repository (for the CLI)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return None
    values = {}
    for key in ("user.name", "user.email"):
        done = run(data_dir, "config", "--get", key, check=False)
        values[key] = done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else ""
    if not values["user.name"]:
        return None
    email = values["user.email"]
    return Author(values["user.name"], email if re.fullmatch(r"[^\s<>@]+@[^\s<>@]+", email) else None)


def log(data_dir: Path | str, name: str | None = None, limit: int = 50) -> list[Entry]:
    """Commits that touched the data files (or only ``name``), newest first. [] without a history."""
    data_dir = Path(data_dir)
    if name is not None:
        _check_name(name)
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
    _check_name(name)
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


# --------------------------------------------------------------------------- describing a change


def describe_changes(found: list[Change] | None) -> str:
    """A commit's first line, in words: ``1 changed: laos-jungle title``, ``2 added: a, b; 1 removed: c``."""
    if found is None:
        return "replaced (the old or new version could not be compared by id)"
    if not found:
        return "reformatted; no record changed"
    parts = []
    for kind in ("added", "changed", "removed"):
        items = [
            f"{c.id} {'/'.join(c.fields)}" if kind == "changed" and c.fields else c.id
            for c in found
            if c.kind == kind
        ]
        if not items:
            continue
        shown = ", ".join(items[:SUBJECT_ITEMS])
        more = f" and {len(items) - SUBJECT_ITEMS} more" if len(items) > SUBJECT_ITEMS else ""
        parts.append(f"{len(items)} {kind}: {shown}{more}")
    return "; ".join(parts)


def describe_change(name: str, old: bytes | None, new: bytes) -> str:
    """The default ``describe``: ``route.geojson: 1 changed: laos-jungle title``."""
    if name not in paths.DATA_FILES:
        return f"{name}: updated"
    return f"{name}: {describe_changes(diff_file(name, old, new))}"


def _change_lines(name: str, old: bytes | None, new: bytes) -> list[str]:
    if name not in paths.DATA_FILES:
        return []
    found = diff_file(name, old, new) or []
    lines = []
    for c in found:
        detail = f": {', '.join(c.fields)}" if c.fields else ""
        moved = f" ({c.geometry})" if c.geometry else ""
        lines.append(f"- {c.kind} {c.id}{detail}{moved}")
    return ["Changes:", *lines] if lines else []


def _body(change_lines: list[str], findings: list[Finding], note: str = "") -> str:
    errors = sum(f.is_error for f in findings)
    warnings = [f for f in findings if not f.is_error]
    lines = [*([note, ""] if note else []), *change_lines, *([""] if change_lines else [])]
    lines.append(f"Validation: {errors} errors, {len(warnings)} warnings")
    lines += [format_finding(f) for f in warnings]
    return "\n".join(lines)


# --------------------------------------------------------------------------- writing


def _clean_name(name: str) -> str:
    cleaned = re.sub(r"[\x00-\x1f\x7f<>]", "", name if isinstance(name, str) else "").strip()
    if not cleaned:
        raise SaveRefused("a save needs the name of the maintainer who makes it")
    return cleaned[:100]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "maintainer"


def _as_author(author: Author | str) -> Author:
    author = author if isinstance(author, Author) else Author(author)
    _clean_name(author.name)
    if author.email is not None and not re.fullmatch(r"[^\s<>@]+@[^\s<>@]+", author.email):
        raise SaveRefused(f"{author.email!r} is not an e-mail address git can record")
    return author


def _put_back(repo: Repo, name: str, previous: bytes | None) -> None:
    target = repo.data_dir / name
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        atomic_write(target, previous)
    git_out(repo, "reset", "--quiet", "--", name)


def _commit_file(
    repo: Repo, name: str, data: bytes, previous: bytes | None, message: str, author: Author
) -> str:
    """Write ``data`` and commit that file alone; on any failure put ``previous`` back and refuse."""
    try:
        remove_stale_temporaries(repo.data_dir / name)
        atomic_write(repo.data_dir / name, data)
    except OSError as exc:
        raise SaveRefused(f"{name} was not saved: {plain_reason(exc)}. Nothing was written.") from None
    try:
        commit_only(repo, [name], message, author.env())
        return git_out(repo, "rev-parse", "--verify", "HEAD").strip()
    except (GitError, OSError) as exc:
        reason = plain_reason(exc)
        try:
            _put_back(repo, name, previous)
        except (GitError, OSError) as undo:
            raise SaveRefused(
                f"{name} was not saved: {reason}; and putting the previous version back failed too "
                f"({plain_reason(undo)}). Its last saved version is in git: ask whoever runs the server to "
                f"run `git checkout -- {repo.prefix}{name}` in {repo.top}."
            ) from None
        raise SaveRefused(
            f"{name} was not saved: {reason}. The file is as it was; nothing is lost."
        ) from None


def _check_remote(remote: str | None) -> None:
    if remote is not None and (not isinstance(remote, str) or not remote or remote.startswith("-")):
        raise SaveRefused(f"{remote!r} is not a git remote")


def _pull(repo: Repo, remote: str, branch: str) -> None:
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


def _push(repo: Repo, remote: str, branch: str) -> str | None:
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


def _validated(data_dir: Path, name: str, data: bytes, validate: Validator) -> list[Finding]:
    files = _read_all(data_dir)
    files[name] = data
    findings = list(validate(files))
    if has_errors(findings):
        broken = sorted({f.file for f in findings if f.is_error})
        where = (
            f"{name} has errors"
            if broken == [name]
            else f"with this change, {', '.join(broken)} {'has' if len(broken) == 1 else 'have'} errors"
        )
        raise SaveRefused(
            f"{where}; nothing was written.", [f for f in findings if f.is_error or f.file == name]
        )
    return [f for f in findings if f.file == name]


def _commit_change(
    data_dir: Path,
    name: str,
    data: bytes,
    *,
    author: Author,
    validate: Validator,
    remote: str | None,
    check: Callable[[Repo | None, bytes | None], None],
    subject: Callable[[bytes | None], str],
    note: str = "",
) -> SaveResult:
    """The transaction shared by ``save`` and ``restore``; ``check`` may refuse before anything is written."""
    _check_remote(remote)
    repo = find_repo(data_dir)
    if repo is None:
        # Refuse what would be refused anyway before starting a history for the folder.
        check(None, read_file(data_dir / name))
        _validated(data_dir, name, data, validate)
        repo = _ensure_repo(data_dir)
    with locked(repo):
        repairs = repair(repo, ALLOWED_FILES, validate, author_env=author.env())
        _ensure_baseline(repo, author)
        branch = current_branch(repo)
        if remote is not None:
            _pull(repo, remote, branch)
        previous = read_file(data_dir / name)
        check(repo, previous)
        findings = _validated(data_dir, name, data, validate)
        committed = blob(repo, "HEAD", name)
        if data == committed and previous == data:
            raise SaveRefused(f"{name} is already exactly this version; there is nothing to save.")
        first_line = subject(committed)
        message = f"{first_line}\n\n{_body(_change_lines(name, committed, data), findings, note)}\n"
        commit = _commit_file(repo, name, data, previous, message, author)
        push_error = _push(repo, remote, branch) if remote is not None else None
    return SaveResult(
        commit=commit,
        short=commit[:7],
        summary=first_line,
        version=Version(content_hash(data), commit),
        findings=findings,
        pushed=remote is not None and push_error is None,
        push_error=push_error,
        repairs=tuple(repairs),
    )


def save(
    data_dir: Path | str,
    name: str,
    data: bytes,
    *,
    base_version: Version,
    author: Author | str,
    validate: Validator,
    describe: Describer = describe_change,
    remote: str | None = None,
) -> SaveResult:
    """Save ``data`` as ``name`` in one commit by ``author``, if it is still ``base_version`` and valid.

    Raises ``ConflictError`` or ``SaveRefused`` (with findings) and writes nothing
    when refused. ``remote``: a git remote (name or URL) to pull from first and push to after.
    """
    data_dir = Path(data_dir)
    _check_name(name)
    author = _as_author(author)

    def check(repo: Repo | None, previous: bytes | None) -> None:
        expected = base_version.commit
        actual = last_commit(repo, name) if repo is not None else None
        same_commit = actual == expected or (
            expected is None and repo is not None and actual is not None and _is_baseline(repo, actual)
        )
        if content_hash(previous) != base_version.content or not same_commit:
            raise ConflictError(
                f"{name} changed since you loaded it (another maintainer saved, a change arrived from "
                "the shared history, or it was edited by hand). Nothing was written. Reload the page "
                "to see the current file, then make your change again."
            )

    return _commit_change(
        data_dir,
        name,
        data,
        author=author,
        validate=validate,
        remote=remote,
        check=check,
        subject=lambda committed: describe(name, committed, data),
    )


def restore(
    data_dir: Path | str,
    rev: str,
    name: str,
    *,
    author: Author | str,
    validate: Validator,
    remote: str | None = None,
) -> SaveResult:
    """Commit ``name`` as it was at ``rev``, as a new commit; history is never rewritten.

    Refused (with findings) when that version no longer validates with today's
    other files, and when the file has uncommitted changes that would be lost.
    """
    data_dir = Path(data_dir)
    _check_name(name)
    author = _as_author(author)
    repo = find_repo(data_dir)
    if repo is None or not has_head(repo):
        raise SaveRefused(f"the data folder {data_dir} has no history yet; there is nothing to restore")
    try:
        commit = resolve_rev(repo, rev)
    except HistoryError as exc:
        raise SaveRefused(str(exc)) from None
    old = blob(repo, commit, name)
    if old is None:
        raise SaveRefused(f"{name} did not exist at {commit[:7]}; there is nothing to restore")

    def check(repo: Repo | None, previous: bytes | None) -> None:
        if repo is not None and previous != blob(repo, "HEAD", name):
            raise ConflictError(
                f"{name} has changes that are not in the history (a hand edit?); restoring would lose "
                "them. Nothing was written. Save or undo them first."
            )

    return _commit_change(
        data_dir,
        name,
        old,
        author=author,
        validate=validate,
        remote=remote,
        check=check,
        subject=lambda committed: (
            f"Restore {name} to {commit[:7]}: "
            + (describe_changes(diff_file(name, committed, old)) if name in paths.DATA_FILES else "updated")
        ),
        note=f"Restores {name} as it was at commit {commit}.",
    )
