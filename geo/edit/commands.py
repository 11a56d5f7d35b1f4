"""``python -m geo history | restore | hash-password | import``: the editor's work from a terminal.

``geo/cli.py`` adds these with ``add_commands(subparsers)``. Each command prints
what a maintainer needs and exits 0 when it worked, 1 when the data said no
(findings, one per line, as ``python -m geo validate`` prints them) and 2 when
the command itself could not run (a file that cannot be read or imported).
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from pathlib import Path
from typing import Any

from geo import paths
from geo.data.findings import format_finding
from geo.data.parse import MAX_FILE_BYTES
from geo.edit import accounts, gate, history, imports
from geo.files import OutputError, atomic_write

#: Shorter passwords are refused by ``hash-password``: the hash is only as strong as what it hides.
MIN_PASSWORD_CHARS = 12
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _data_name(text: str, data_dir: Path) -> str:
    """``route.geojson``, ``data/route.geojson`` or a path inside the data folder → the data file's name."""
    if text in history.ALLOWED_FILES:
        return text
    try:
        name = Path(text).resolve().relative_to(data_dir.resolve()).as_posix()
    except (ValueError, OSError):
        name = text.removeprefix("data/")
    if name in history.ALLOWED_FILES:
        return name
    raise ValueError(f"{text!r} is not a data file of this project ({', '.join(history.ALLOWED_FILES)})")


def _login() -> str:
    try:
        return getpass.getuser() or accounts.LEGACY_NAME
    except (OSError, KeyError):
        return accounts.LEGACY_NAME


def _error(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


# --------------------------------------------------------------------------- history


def cmd_history(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    try:
        name = _data_name(args.file, data_dir) if args.file else None
        entries = history.log(data_dir, name, limit=args.limit)
    except (history.HistoryError, history.SaveRefused, ValueError) as exc:
        return _error(str(exc), 2)
    for note in reversed(gate.notes(data_dir, limit=5)):
        print(f"repaired {note.when[:16].replace('T', ' ')}: {note.message}", file=sys.stderr)
    if not entries:
        print(
            f"no history yet for {name or data_dir}: the first save from the editor starts it",
            file=sys.stderr,
        )
        return 0
    for entry in entries:
        when = entry.date[:16].replace("T", " ")
        print(f"{entry.short}  {when}  {entry.author}  {entry.summary}")
    return 0


# --------------------------------------------------------------------------- restore


def cmd_restore(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    try:
        name = _data_name(args.file, data_dir)
    except ValueError as exc:
        return _error(str(exc), 2)
    author = history.Author(args.author, args.email) if args.author else history.git_identity(data_dir)
    author = author or history.Author(_login())
    try:
        result = gate.restore(data_dir, args.rev, name, author=author, remote=args.remote)
    except history.SaveRefused as exc:
        for finding in exc.findings:
            print(format_finding(finding))
        return _error(str(exc), 1)
    print(f"{result.short}  {result.summary}")
    for finding in result.findings:
        print(format_finding(finding))
    if result.push_error:
        print(f"warning: {result.push_error}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- hash-password


def _read_password() -> str | None:
    """Twice with ``getpass`` at a terminal; once from stdin in a script. None when they differ."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("New maintainer password: ")
        again = getpass.getpass("Once more: ")
        return first if first == again else None
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


def toml_lines(name: str, password_hash: str) -> list[str]:
    """The lines to paste into ``.streamlit/secrets.toml`` for maintainer ``name``."""
    key = name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)
    return [f"[{accounts.SECRETS_TABLE}.{key}]", f"password_hash = {json.dumps(password_hash)}"]


def cmd_hash_password(args: argparse.Namespace) -> int:
    if not accounts.NAME_PATTERN.match(args.name):
        return _error(
            f"{args.name!r} cannot be a maintainer name: 1 to 60 letters, digits, spaces, dots, "
            "apostrophes, hyphens or underscores, starting with a letter or digit",
            2,
        )
    password = _read_password()
    if password is None:
        return _error("the two passwords differ; nothing was printed", 1)
    if len(password) < MIN_PASSWORD_CHARS:
        return _error(
            f"use at least {MIN_PASSWORD_CHARS} characters (a few unrelated words are easy to remember "
            "and hard to guess); nothing was printed",
            1,
        )
    hashed = accounts.hash_password(password)
    print(hashed)
    print()
    print(f"# Paste into {accounts.SECRETS_FILE} (never commit that file):")
    for line in toml_lines(args.name, hashed):
        print(line)
    return 0


# --------------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    data_dir = Path(args.data_dir)
    try:
        if source.stat().st_size > MAX_FILE_BYTES:
            return _error(
                f"{source} is {source.stat().st_size / 2**20:.1f} MiB; the limit is "
                f"{MAX_FILE_BYTES / 2**20:.0f} MiB. Export only the part of the track you need.",
                2,
            )
        raw = source.read_bytes()
    except OSError as exc:
        return _error(f"cannot read {source}: {exc.strerror or exc}", 2)
    target = data_dir / imports.TARGETS[args.as_]
    out = Path(args.out) if args.out else None
    if out is not None and _is_data_file(out, data_dir):
        return _error(
            f"{out} is a data file: the import holds only the new features. Write it elsewhere, then "
            "add the features through the editor page (or by hand) and fill in what the report lists.",
            2,
        )
    try:
        result = imports.import_file(
            raw, source.name, args.as_, existing=target.read_bytes() if target.is_file() else None
        )
    except imports.ImportRefused as exc:
        return _error(f"{source} was not imported: {exc}", 2)
    # The report goes where it cannot corrupt the GeoJSON: stderr when that is on stdout.
    report_to = sys.stdout if out is not None else sys.stderr
    for line in result.report.lines():
        print(line, file=report_to)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return 0
    try:
        atomic_write(out, result.data)
    except OSError as exc:
        return _error(str(OutputError.from_os(out, exc)), 2)
    print(f"Wrote {out}: add its features to {result.target} and fill in what is listed above.")
    return 0


def _is_data_file(path: Path, data_dir: Path) -> bool:
    try:
        relative = path.resolve().relative_to(data_dir.resolve())
    except (ValueError, OSError):
        return False
    return relative.as_posix() in history.ALLOWED_FILES


# --------------------------------------------------------------------------- wiring


def add_commands(subparsers: Any) -> None:
    """Add ``history``, ``restore``, ``hash-password`` and ``import`` to ``python -m geo``'s parser."""

    def data_dir_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--data-dir",
            default=paths.DATA_DIR,
            type=Path,
            help="the data folder (default: the project's data/)",
        )

    h = subparsers.add_parser("history", help="list the saves of the data: one line per commit")
    h.add_argument("file", nargs="?", help="only the commits that changed this data file")
    h.add_argument("--limit", type=_positive, default=50, help="how many commits (default: 50)")
    data_dir_option(h)
    h.set_defaults(func=cmd_history)

    r = subparsers.add_parser(
        "restore", help="commit a data file as it was at an earlier commit; exit 1 if it no longer validates"
    )
    r.add_argument("rev", help="the commit, as `python -m geo history` shows it (e.g. 1a2b3c4)")
    r.add_argument("file", help="the data file, e.g. route.geojson")
    r.add_argument("--author", help="who restores it (default: git's user.name, else your login)")
    r.add_argument("--email", help="the author's e-mail (default: git's user.email, else none)")
    r.add_argument("--remote", help="a git remote to pull from first and push to after (e.g. origin)")
    data_dir_option(r)
    r.set_defaults(func=cmd_restore)

    p = subparsers.add_parser(
        "hash-password",
        help="make the argon2 hash of a maintainer password, with the lines for .streamlit/secrets.toml",
    )
    p.add_argument("--name", default="your-name", help="the maintainer's name, for the TOML lines")
    p.set_defaults(func=cmd_hash_password)

    i = subparsers.add_parser(
        "import",
        help="generalize a GPX, KML, GeoJSON or CSV track or waypoints (2 decimals, no times) to GeoJSON",
    )
    i.add_argument("file", help="the file to import")
    i.add_argument("--as", dest="as_", required=True, choices=imports.IMPORT_AS, help="route or places")
    i.add_argument("--out", help="where to write the GeoJSON (default: standard output)")
    data_dir_option(i)
    i.set_defaults(func=cmd_import)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
