"""Saving and restoring a data file: every save is one commit, by the maintainer who made it.

Callers import ``save`` and ``restore`` from ``geo.edit.history``; nothing outside
this package calls them directly: every write into data/ goes through
``geo.edit.gate``, which passes the one validator (the whole dataset,
translations included).

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
6. the commit message says what changed, by id, and what the validator said
   (``geo.edit.history_messages``);
7. if git fails, the previous bytes are put back: nothing is lost, and the file
   matches its last commit again;
8. with a remote, ``git push``. A failed push keeps the commit and is reported;
   the next save pushes both.

A restore is the same transaction with an old version's bytes: a new commit,
never a rewritten history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geo import paths
from geo.data.findings import Finding, has_errors
from geo.edit.gitrepo import (
    ConflictError,
    GitError,
    HistoryError,
    Repo,
    SaveRefused,
    blob,
    check_remote,
    commit_only,
    current_branch,
    ensure_repo,
    find_repo,
    git_out,
    has_head,
    last_commit,
    locked,
    plain_reason,
    pull,
    push,
    read_file,
    resolve_rev,
)
from geo.edit.history_messages import (
    BASELINE_SUBJECT,
    Author,
    Describer,
    as_author,
    baseline_message,
    commit_message,
    describe_change,
    restore_note,
    restore_subject,
)
from geo.edit.recovery import Repair, repair
from geo.files import atomic_write, content_hash, remove_stale_temporaries

#: The files a maintainer may save or restore: the data files and the interface catalogues.
I18N_FILES: tuple[str, ...] = ("i18n/en.toml", "i18n/ko.toml")
ALLOWED_FILES: tuple[str, ...] = (*paths.DATA_FILES, *I18N_FILES)


#: ``validate(files)``: findings for every data file (name → bytes), the change included.
#: ``geo.edit.gate.check_dataset`` is the one every write uses; history does not import the validation wiring.
Validator = Callable[[Mapping[str, bytes]], list[Finding]]


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


def check_name(name: str) -> str:
    if name not in ALLOWED_FILES:
        raise SaveRefused(f"{name!r} is not a data file of this project ({', '.join(ALLOWED_FILES)})")
    return name


def _read_all(data_dir: Path) -> dict[str, bytes]:
    return {n: (data_dir / n).read_bytes() for n in ALLOWED_FILES if (data_dir / n).is_file()}


# --------------------------------------------------------------------------- the first commit


def _ensure_baseline(repo: Repo, author: Author) -> None:
    """A first commit with the files as they are, so that the first save's diff means something."""
    if has_head(repo):
        return
    names = [n for n in (".gitignore", *ALLOWED_FILES) if (repo.data_dir / n).is_file()]
    try:
        commit_only(repo, names, baseline_message(names), author.env())
    except GitError as exc:
        raise SaveRefused(f"could not start the history of the data: {plain_reason(exc)}") from None


def _is_baseline(repo: Repo, commit: str) -> bool:
    out = git_out(repo, "log", "-1", "--format=%P%x1f%s", commit)
    parents, _, subject = out.rstrip("\n").partition("\x1f")
    return not parents.strip() and subject == BASELINE_SUBJECT


# --------------------------------------------------------------------------- writing


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
    check_remote(remote)
    repo = find_repo(data_dir)
    if repo is None:
        # Refuse what would be refused anyway before starting a history for the folder.
        check(None, read_file(data_dir / name))
        _validated(data_dir, name, data, validate)
        repo = ensure_repo(data_dir)
    with locked(repo):
        repairs = repair(repo, ALLOWED_FILES, validate, author_env=author.env())
        _ensure_baseline(repo, author)
        branch = current_branch(repo)
        if remote is not None:
            pull(repo, remote, branch)
        previous = read_file(data_dir / name)
        check(repo, previous)
        findings = _validated(data_dir, name, data, validate)
        committed = blob(repo, "HEAD", name)
        if data == committed and previous == data:
            raise SaveRefused(f"{name} is already exactly this version; there is nothing to save.")
        first_line = subject(committed)
        message = commit_message(first_line, name, committed, data, findings, note)
        commit = _commit_file(repo, name, data, previous, message, author)
        push_error = push(repo, remote, branch) if remote is not None else None
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


# --------------------------------------------------------------------------- save and restore


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
    check_name(name)
    author = as_author(author)

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
    check_name(name)
    author = as_author(author)
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
        subject=lambda committed: restore_subject(name, commit, committed, old),
        note=restore_note(name, commit),
    )
