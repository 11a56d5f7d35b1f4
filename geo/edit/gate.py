"""The one way into data/: every write checks the whole dataset as it would be, then commits under the lock.

The editor's save, import and restore, and ``python -m geo restore``, all call
``save`` or ``restore`` here, so "valid" is decided in one place: every rule
``python -m geo validate`` has (each data file, the rules across files, and the
translation catalogues), plus one rule only a change can break: the English
catalogue may not lose a key the last saved one has (the program shows those
texts; without one, every page would show its raw key, e.g. ``pack.title``).

A refusal changes nothing on disk or in git and carries findings that name the
file, the feature or key, and the field. Before each write, ``geo.edit.recovery``
puts right what an interrupted save left (``recover`` does that on its own, for
the editor's start).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geo.data.dataset import build_dataset
from geo.data.findings import Finding, Severity
from geo.data.parse import MAX_FILE_BYTES
from geo.data.validation import validate_files
from geo.edit import history, recovery
from geo.edit.gitrepo import SaveRefused, blob, find_repo, has_head, locked
from geo.edit.history import ALLOWED_FILES, Author, SaveResult, Version
from geo.story.i18n import DEFAULT, I18N_DIR, LANGUAGES, check_catalogues, flatten

#: The English catalogue, inside the data folder.
ENGLISH = f"i18n/{DEFAULT}.toml"


def _catalogue(name: str, raw: bytes) -> tuple[dict[str, Any] | None, Finding | None]:
    if len(raw) > MAX_FILE_BYTES:
        return None, Finding(
            Severity.ERROR, name, f"is {len(raw) / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB"
        )
    try:
        return flatten(tomllib.loads(raw.decode("utf-8"))), None
    except UnicodeDecodeError as exc:
        return None, Finding(Severity.ERROR, name, f"not UTF-8 text (byte {exc.start})")
    except tomllib.TOMLDecodeError as exc:
        return None, Finding(Severity.ERROR, name, f"not valid TOML: {exc}")


def _lost_keys(new: Mapping[str, Any], committed: bytes | None) -> list[Finding]:
    if committed is None:
        return []
    before, _ = _catalogue(ENGLISH, committed)
    return [
        Finding(
            Severity.ERROR,
            ENGLISH,
            "missing: the program shows this text and the last saved en.toml has it; without it, "
            "pages would show the key itself",
            key,
        )
        for key in (before or {})
        if key not in new
    ]


def catalogue_findings(
    files: Mapping[str, bytes], *, dataset=None, committed_english: bytes | None = None
) -> list[Finding]:
    """The translation catalogues among ``files``, checked as ``geo validate`` checks them.

    A data folder without an ``i18n/`` of its own uses the project's (as the app
    does), so only the catalogues given are judged; English comes from the
    project when it is not among them.
    """
    given = {lang: f"i18n/{lang}.toml" for lang in LANGUAGES if f"i18n/{lang}.toml" in files}
    if not given:
        return []
    findings: list[Finding] = []
    catalogues: dict[str, dict[str, Any]] = {}
    for lang, name in given.items():
        parsed, problem = _catalogue(name, files[name])
        findings += [problem] if problem else []
        if parsed is not None:
            catalogues[lang] = parsed
    if DEFAULT not in given:
        project, _ = _catalogue(ENGLISH, (I18N_DIR / f"{DEFAULT}.toml").read_bytes())
        catalogues[DEFAULT] = project or {}
    elif DEFAULT in catalogues:
        findings += _lost_keys(catalogues[DEFAULT], committed_english)
    findings += [f for f in check_catalogues(catalogues, dataset) if f.file in given.values()]
    return findings


def check_dataset(files: Mapping[str, bytes], *, committed_english: bytes | None = None) -> list[Finding]:
    """Every finding for the dataset ``files`` (name → bytes): data files, cross-file rules, catalogues."""
    validation = validate_files(files)
    dataset = build_dataset(validation) if validation.ok else None
    return [
        *validation.findings,
        *catalogue_findings(files, dataset=dataset, committed_english=committed_english),
    ]


def validator(data_dir: Path | str) -> recovery.Validator:
    """``check_dataset`` for a write into ``data_dir``: English compared with its last commit."""
    data_dir = Path(data_dir)

    def validate(files: Mapping[str, bytes]) -> list[Finding]:
        repo = find_repo(data_dir)
        committed = blob(repo, "HEAD", ENGLISH) if repo is not None and has_head(repo) else None
        return check_dataset(files, committed_english=committed)

    return validate


def save(
    data_dir: Path | str,
    name: str,
    data: bytes,
    *,
    base_version: Version,
    author: Author | str,
    remote: str | None = None,
) -> SaveResult:
    """Write ``data`` as ``name`` and commit it, if still ``base_version`` and the dataset stays valid."""
    return history.save(
        data_dir,
        name,
        data,
        base_version=base_version,
        author=author,
        validate=validator(data_dir),
        remote=remote,
    )


def restore(
    data_dir: Path | str, rev: str, name: str, *, author: Author | str, remote: str | None = None
) -> SaveResult:
    """Commit ``name`` as it was at ``rev``, if the dataset with that version passes every check."""
    return history.restore(data_dir, rev, name, author=author, validate=validator(data_dir), remote=remote)


def recover(data_dir: Path | str) -> list[recovery.Repair]:
    """Put right what an interrupted save left (the editor's start); [] when nothing needed it."""
    data_dir = Path(data_dir)
    try:
        repo = find_repo(data_dir)
        if repo is None:
            return []
        with locked(repo):
            return recovery.repair(repo, ALLOWED_FILES, validator(data_dir))
    except SaveRefused:
        return []  # no folder, a repository git refuses, or a read-only one: nothing can be saving there


def notes(data_dir: Path | str, limit: int = 20) -> list[recovery.Repair]:
    """The latest repairs in ``data_dir``'s repository, newest first."""
    data_dir = Path(data_dir)
    return recovery.notes(find_repo(data_dir) if data_dir.is_dir() else None, limit)
