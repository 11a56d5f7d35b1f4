"""The film made: the tour's chapters in order (``plan``), drawn frame by frame on the pack's map
(``frames``), encoded to H.264 with a WebVTT sidecar and an animated preview beside it (``encode``).
For the presenter whose venue laptop will not play the pack, and for partners who post it.
Same data, same film, byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.data.dataset import Dataset
from geo.data.share import for_output, readable, refuse_leaks, withheld
from geo.export.film import SIZES, film_name
from geo.export.film.encode import (
    PREVIEW_EVERY_S,
    EncodeError,
    encode_mp4,
    preview_frame,
    preview_webp,
    temporary_beside,
)
from geo.export.film.frames import FilmCanvas
from geo.export.film.plan import FilmPlan, film_plan, webvtt
from geo.files import atomic_write
from geo.story.i18n import Strings

FPS_RANGE = (24, 60)

__all__ = [
    "SIZES",
    "EncodeError",
    "FilmResult",
    "film_frames",
    "film_plan",
    "output_path",
    "sidecar_paths",
    "write_film",
]


def output_path(out: Path, lang: str) -> Path:
    """``--out`` may name a file (``*.mp4``) or a folder to put the film's default name in."""
    return out / film_name(lang) if out.is_dir() else out


@dataclass(frozen=True)
class FilmResult:
    film: Path
    sidecar: Path
    preview: Path
    duration_s: float
    frames: int
    #: Frames drawn (the rest repeat a held frame).
    drawn: int


def sidecar_paths(out: Path) -> tuple[Path, Path]:
    """The WebVTT captions and the animated preview beside ``FILE.mp4``: ``FILE.vtt`` and
    ``FILE.preview.webp``."""
    return out.with_suffix(".vtt"), out.with_name(out.stem + ".preview.webp")


def film_frames(
    canvas: FilmCanvas, fps: int, on_frame: Callable[[int, bytes, bool], None]
) -> Iterator[bytes]:
    """Every frame in order as raw RGB; a frame equal in state to the one before is not drawn again."""
    total = round(canvas.plan.duration * fps)
    last_state, last = None, b""
    for i in range(total):
        state = canvas.state_at(i / fps)
        drawn = state != last_state
        if drawn:
            last, last_state = canvas.render(state), state
        on_frame(i, last, drawn)
        yield last


def write_film(
    dataset: Dataset,
    out: Path,
    tr: Strings,
    *,
    size: str = "1920x1080",
    fps: int = 30,
    pace: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> FilmResult:
    """Write the film, its sidecar and its preview. Nothing appears under their names unless all three
    were made; on a failure the temporary film is removed and ``EncodeError`` or ``OSError`` says why."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise ValueError(f"fps must be between {FPS_RANGE[0]} and {FPS_RANGE[1]}")
    width, height = SIZES[size]
    everything, dataset = dataset, for_output(dataset, "film")  # a film is posted: public items only
    plan: FilmPlan = film_plan(dataset, tr, pace=pace)
    captions = webvtt(plan, tr.lang)
    refuse_leaks("film", {"the film's captions": readable(captions)}, withheld(everything, "film", [tr.get]))
    canvas = FilmCanvas(dataset, tr, plan, width, height)
    total = round(plan.duration * fps)
    every = max(1, round(PREVIEW_EVERY_S * fps))
    previews, counts = [], {"drawn": 0}

    def on_frame(i: int, rgb: bytes, drawn: bool) -> None:
        counts["drawn"] += drawn
        if i % every == 0:
            previews.append(preview_frame(rgb, width, height))
        if progress:
            progress(i + 1, total)

    sidecar, preview = sidecar_paths(out)
    with temporary_beside(out) as tmp:
        encode_mp4(film_frames(canvas, fps, on_frame), tmp, width, height, fps)
        atomic_write(sidecar, captions.encode("utf-8"))
        atomic_write(preview, preview_webp(previews))
        os.replace(tmp, out)
    return FilmResult(out, sidecar, preview, plan.duration, total, counts["drawn"])
