"""What a commit of the data says, and who it says made it.

A commit's message is the history a maintainer reads (``python -m geo history``,
the editor's history section, plain ``git log``), so it says what changed in
words, by id, and what the validator said; the author is the maintainer who
saved, not the server's account. ``geo.edit.history_save`` writes the commits;
nothing here runs a commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo import paths
from geo.data.findings import Finding, format_finding
from geo.edit.diff import Change, diff_file
from geo.edit.gitrepo import SaveRefused, run

#: Authors without a configured e-mail get ``<name>@maintainers.invalid`` (RFC 2606: never delivered).
EMAIL_DOMAIN = "maintainers.invalid"
#: Subject of the first commit of a repository created for a data folder.
BASELINE_SUBJECT = "Start the history of the data: the files as they were before the first save"
#: Items shown per kind of change in a commit's first line; the body lists them all.
SUBJECT_ITEMS = 3


#: ``describe(name, old, new)``: the commit's first line (``describe_change`` by default).
Describer = Callable[[str, bytes | None, bytes], str]


# --------------------------------------------------------------------------- who made it


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


def _clean_name(name: str) -> str:
    cleaned = re.sub(r"[\x00-\x1f\x7f<>]", "", name if isinstance(name, str) else "").strip()
    if not cleaned:
        raise SaveRefused("a save needs the name of the maintainer who makes it")
    return cleaned[:100]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "maintainer"


def as_author(author: Author | str) -> Author:
    """``author`` as an ``Author`` git can record; ``SaveRefused`` before anything is written if not."""
    author = author if isinstance(author, Author) else Author(author)
    _clean_name(author.name)
    if author.email is not None and not re.fullmatch(r"[^\s<>@]+@[^\s<>@]+", author.email):
        raise SaveRefused(f"{author.email!r} is not an e-mail address git can record")
    return author


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


def restore_subject(name: str, commit: str, old: bytes | None, new: bytes) -> str:
    """A restore's first line: ``Restore route.geojson to 1a2b3c4: 1 changed: laos-jungle title``."""
    return f"Restore {name} to {commit[:7]}: " + (
        describe_changes(diff_file(name, old, new)) if name in paths.DATA_FILES else "updated"
    )


def restore_note(name: str, commit: str) -> str:
    """The line a restore's body starts with: the full commit it brought back."""
    return f"Restores {name} as it was at commit {commit}."


# --------------------------------------------------------------------------- the whole message


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


def commit_message(
    subject: str, name: str, old: bytes | None, new: bytes, findings: list[Finding], note: str = ""
) -> str:
    """``subject``, then ``note``, every record that changed from ``old`` to ``new``, and the validation."""
    return f"{subject}\n\n{_body(_change_lines(name, old, new), findings, note)}\n"


def baseline_message(names: list[str]) -> str:
    """The first commit's message: ``BASELINE_SUBJECT`` and the files it records."""
    return BASELINE_SUBJECT + "\n\nFiles: " + ", ".join(names) + "\n"
