"""``python -m geo``: the project's command line, for maintainers and presenters.

``validate`` prints one line per finding and exits 1 on errors, so it can sit
in a pre-commit hook or CI as well as in a maintainer's shell. ``export``
writes the screening pack (``--out``, and ``--check`` checks one) or the static
audience site (``--site``), ``handout`` the printable handout; ``history``,
``restore``, ``hash-password`` and ``import`` are the maintainers'
(``geo.edit.commands``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from geo import paths
from geo.data.findings import format_finding, has_errors
from geo.data.share import ShareError
from geo.data.validation import read_files, validate_files
from geo.edit.commands import add_commands
from geo.export.film.command import add_video_command
from geo.files import OutputError
from geo.story.i18n import DEFAULT, LANGUAGES, strings, validate_catalogues


def collect(targets: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Data files to check, and how to name each in messages.

    A directory is read whole. Single files are checked together with the rest
    of the project's ``data/``, so their references to sources and segments still resolve.
    """
    base = paths.DATA_DIR
    named = [Path(t) for t in targets]
    for d in (p for p in named if p.is_dir()):
        base = d
    files = read_files(base)
    shown = {name: (base / name).as_posix() for name in files}
    if base == paths.DATA_DIR:
        shown = {name: f"data/{name}" for name in files}
    for path in (p for p in named if not p.is_dir()):
        if path.name not in paths.DATA_FILES:
            raise ValueError(f"{path}: not a data file of this project ({', '.join(paths.DATA_FILES)})")
        files[path.name] = path.read_bytes()
        shown[path.name] = path.as_posix()
    return files, shown


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        files, shown = collect(args.paths)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    findings = validate_files(files).findings
    if not args.paths:
        findings += validate_catalogues()
    for finding in findings:
        print(format_finding(finding, shown.get(finding.file)))
    errors = sum(f.is_error for f in findings)
    print(
        f"{len(files)} files checked: {errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr
    )
    return 1 if has_errors(findings) else 0


def _dataset_or_findings(args: argparse.Namespace, what: str):
    """The data as the app would show it and its catalogues' folder, or (None, folder) after printing
    why not (one line per finding)."""
    from geo.data.store import DataStore

    data_dir = Path(args.data) if args.data else paths.DATA_DIR
    snapshot = DataStore(data_dir).snapshot()
    if snapshot.dataset is None:
        for finding in snapshot.findings:
            print(format_finding(finding))
        print(f"error: fix the data before {what}", file=sys.stderr)
    # The catalogues beside the data, as the app reads them (``pages.ui.cache.translator``).
    return snapshot.dataset, data_dir / "i18n"


def cmd_export(args: argparse.Namespace) -> int:
    from geo.present.qr import AudienceURLError, check_url

    if args.check:
        from geo.export.check import main as check_main

        status = check_main(Path(args.check))
        _print_tiers(args)
        return status
    try:
        url = check_url(args.audience_url) if args.audience_url else None
    except AudienceURLError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dataset, i18n_dir = _dataset_or_findings(
        args, "exporting an audience site" if args.site else "exporting a screening pack"
    )
    if dataset is None:
        return 1
    try:
        if args.site:
            return _export_site(dataset, Path(args.site), args.lang, i18n_dir)
        return _export_pack(dataset, Path(args.out), args.lang, i18n_dir, url)
    except ShareError as exc:
        print(exc, file=sys.stderr)
        return 1


def _print_tiers(args: argparse.Namespace) -> None:
    """What each output leaves out of the data (``--data``, default data/), by its safety tier."""
    from geo.data.share import report

    dataset, _ = _dataset_or_findings(args, "reporting safety tiers")
    if dataset is not None:
        print("safety tiers (geo.data.share):", file=sys.stderr)
        for line in report(dataset):
            print(f"  {line}", file=sys.stderr)


def _say_left_out(dataset, output: str) -> None:
    from geo.data.share import left_out_line

    if line := left_out_line(dataset, output):
        print(line, file=sys.stderr)


def _export_pack(dataset, out: Path, lang: str | None, i18n_dir: Path, url: str | None) -> int:
    from geo.export.pack import write_pack

    if lang and lang not in LANGUAGES:
        print(f"error: --lang: one of {', '.join(LANGUAGES)} for a screening pack", file=sys.stderr)
        return 2
    target = write_pack(dataset, out, strings(lang or DEFAULT, i18n_dir), audience_url=url)
    _say_left_out(dataset, "pack")
    size = target.stat().st_size / 1024
    qr = (
        f"; the audience QR code opens {url}"
        if url
        else "; no audience QR code (add one with --audience-url)"
    )
    print(f"wrote {target} ({size:,.0f} KiB): open it in a browser; no network needed{qr}", file=sys.stderr)
    _warn_if_only_here(url)
    return 0


def _warn_if_only_here(url: str | None) -> None:
    """A QR code of localhost opens the phone's own localhost: say so while the presenter can fix it."""
    from geo.present.qr import opens_only_here

    if url and opens_only_here(url):
        print(
            f"warning: {url} opens only on this computer, not on the audience's phones; "
            "use an address the venue's network reaches",
            file=sys.stderr,
        )


def cmd_handout(args: argparse.Namespace) -> int:
    from geo.export.handout import FontMissing, write_handout
    from geo.present.qr import AudienceURLError

    dataset, i18n_dir = _dataset_or_findings(args, "making a handout")
    if dataset is None:
        return 1
    try:
        target = write_handout(
            dataset,
            Path(args.out),
            strings(args.lang, i18n_dir),
            paper=args.paper,
            audience_url=args.audience_url,
        )
    except (AudienceURLError, FontMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ShareError as exc:
        print(exc, file=sys.stderr)
        return 1
    _say_left_out(dataset, "handout")
    qr = "" if args.audience_url else " (no QR code: add one with --audience-url)"
    print(f"wrote {target}: one {args.paper.upper()} page{qr}", file=sys.stderr)
    _warn_if_only_here(args.audience_url)
    return 0


def _export_site(dataset, out: Path, lang: str | None, i18n_dir: Path) -> int:
    from geo.export.site import NotASiteError, translators_for, write_site

    langs = [code.strip() for code in (lang or ",".join(LANGUAGES)).split(",") if code.strip()]
    try:
        translators = translators_for(langs, i18n_dir)
        result = write_site(dataset, out, translators)
    except (ValueError, NotASiteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _say_left_out(dataset, "site")
    size = sum(p.stat().st_size for p in result.written) / 1024
    print(
        f"wrote {len(result.written)} files to {out} ({size:,.0f} KiB): serve the folder from any static "
        "host (deploy/run up --audience-dir), or open index.html in a browser",
        file=sys.stderr,
    )
    if result.kept:
        shown = ", ".join(result.kept[:5]) + (", …" if len(result.kept) > 5 else "")
        print(f"kept {len(result.kept)} files you added: {shown}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check data files; exit 1 on errors")
    p.add_argument("paths", nargs="*", help="a data directory and/or data files (default: data/)")
    p.set_defaults(func=cmd_validate)
    e = sub.add_parser(
        "export", help="write the offline screening pack (one HTML file) or the static audience site"
    )
    target = e.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="a .html file, or a directory for escape-route-screening.html")
    target.add_argument(
        "--site",
        metavar="DIR",
        help="a folder for the audience site (replaces what an earlier export wrote there; keeps your files)",
    )
    target.add_argument(
        "--check",
        metavar="FILE",
        help="check a screening pack in headless Chromium, offline, at 1920x1080, 1280x720 and 1024x768; "
        "exit 1 listing the problems",
    )
    e.add_argument(
        "--lang",
        help="pack: one interface language (default: en); site: languages, comma-separated, the first "
        f"at the folder's root (default: {','.join(LANGUAGES)})",
    )
    e.add_argument(
        "--audience-url",
        metavar="URL",
        help="pack: a slide (and the Q key) with a QR code of this http(s) address, e.g. the audience site",
    )
    e.add_argument("--data", help="the data folder, with its i18n/ catalogues (default: data/)")
    e.set_defaults(func=cmd_export)
    h = sub.add_parser("handout", help="write the printable one-page handout (PDF)")
    h.add_argument("--out", required=True, help="the PDF file to write")
    h.add_argument("--lang", choices=list(LANGUAGES), default=DEFAULT, help="language (default: en)")
    h.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default: a4)")
    h.add_argument("--audience-url", metavar="URL", help="print a QR code of this http(s) address")
    h.add_argument("--data", help="the data folder, with its i18n/ catalogues (default: data/)")
    h.set_defaults(func=cmd_handout)
    add_video_command(sub)
    add_commands(sub)
    return parser


#: The exit status of a program stopped by SIGPIPE (128 + 13), as ``head`` and the shell expect.
CLOSED_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
    except OutputError as exc:
        # A full disk, a read-only stick, a busy target: one line, as for any other refusal.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``geo history | head -1``): stop quietly, as a Unix tool does. Python's
        # docs ("Note on SIGPIPE"): point stdout at devnull so the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return CLOSED_PIPE
    return code
