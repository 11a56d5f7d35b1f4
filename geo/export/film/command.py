"""``python -m geo video``: the film, its sidecar and its preview, with a progress bar on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from geo.export.film import SIZES
from geo.story.i18n import DEFAULT, LANGUAGES, strings

BAR = 30


class Progress:
    """A bar redrawn in place on a terminal; on a pipe or a log, a line every tenth of the way."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        if self.tty:
            step = int(share * 200)
            if step == self.shown and done != total:
                return
            filled = round(share * BAR)
            self.stream.write(
                f"\r  [{'#' * filled}{'.' * (BAR - filled)}] {share:4.0%}  frame {done}/{total}"
            )
            if done == total:
                self.stream.write("\n")
        else:
            step = int(share * 10)
            if step == self.shown:
                return
            self.stream.write(
                f"  {share:.0%} (frame {done}/{total}, {time.monotonic() - self.started:.0f} s)\n"
            )
        self.shown = step
        self.stream.flush()


def cmd_video(args: argparse.Namespace) -> int:
    from geo.cli import _dataset_or_findings, _say_left_out
    from geo.data.share import ShareError
    from geo.export.film.make import EncodeError, output_path, write_film
    from geo.files import OutputError

    out = output_path(Path(args.out), args.lang)
    if out.suffix.lower() != ".mp4":
        print(f"error: --out: an .mp4 file, not {out}", file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        print(f"error: cannot write {out}: the folder {out.parent} does not exist", file=sys.stderr)
        return 2
    dataset, i18n_dir = _dataset_or_findings(args, "making a film")
    if dataset is None:
        return 1
    print(f"making {out} ({args.size}, {args.fps} fps)", file=sys.stderr)
    started = time.monotonic()
    try:
        result = write_film(
            dataset, out, strings(args.lang, i18n_dir), size=args.size, fps=args.fps, progress=Progress()
        )
    except OSError as exc:
        print(f"error: {OutputError.from_os(out, exc)}", file=sys.stderr)
        return 2
    except EncodeError as exc:
        print(f"error: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    except ShareError as exc:
        print(exc, file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    _say_left_out(dataset, "film")
    print(
        f"wrote {result.film} ({result.duration_s:.0f} s, {result.film.stat().st_size / 1e6:.1f} MB; "
        f"{seconds / result.duration_s:.2f} s to make each second), captions {result.sidecar.name}, "
        f"preview {result.preview.name}",
        file=sys.stderr,
    )
    return 0


def add_video_command(sub) -> None:
    v = sub.add_parser("video", help="write the journey film (H.264 MP4) with WebVTT captions and a preview")
    v.add_argument(
        "--out",
        required=True,
        help="the .mp4 file, or a folder for escape-route-film[-LANG].mp4 (the name the pack's V key opens); "
        "FILE.vtt and FILE.preview.webp go beside it",
    )
    v.add_argument("--lang", choices=list(LANGUAGES), default=DEFAULT, help="language (default: en)")
    v.add_argument("--size", choices=list(SIZES), default="1920x1080", help="frame size (default: 1920x1080)")
    v.add_argument("--fps", type=int, default=30, choices=range(24, 61), metavar="24..60", help="default: 30")
    v.add_argument("--data", help="the data folder, with its i18n/ catalogues (default: data/)")
    v.set_defaults(func=cmd_video)
