"""The journey film: seconds of rendering per second of film, against encoding alone.

The baseline is ffmpeg encoding the same number of frames of one repeated picture (what any film of this
length and size costs just to encode); the film adds drawing the map and captions with matplotlib.
Measured at 1280×720 and 24 fps with holds at a fifth of their length (``--quick``) or the full film at
1920×1080 and 30 fps, on however many cores the machine has (the issue asks for 2).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.report import Section, ratio
from geo.data import load_dataset
from geo.export.film.encode import encode_mp4
from geo.export.film.make import SIZES, film_plan, write_film
from geo.story.i18n import strings


def film(quick: bool = False) -> Section:
    size, fps, pace = ("1280x720", 24, 0.2) if quick else ("1920x1080", 30, 1.0)
    width, height = SIZES[size]
    data, tr = load_dataset(), strings("en")
    seconds = film_plan(data, tr, pace=pace).duration
    frames = round(seconds * fps)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        encode_mp4(iter([bytes(width * height * 3)] * frames), Path(tmp) / "floor.mp4", width, height, fps)
        floor = time.perf_counter() - start
        start = time.perf_counter()
        result = write_film(data, Path(tmp) / "film.mp4", tr, size=size, fps=fps, pace=pace)
        made = time.perf_counter() - start
    section = Section(
        f"11. The journey film ({size}, {fps} fps, {seconds:.0f} s of film, {os.cpu_count()} cores)",
        ["what", "s per film second", "ratio"],
    )
    section.rows.append(["encode alone: one repeated frame (baseline)", f"{floor / seconds:.3f}", "1.00×"])
    section.rows.append(
        ["`geo video`: draw, encode, sidecar, preview", f"{made / seconds:.3f}", ratio(made, floor)]
    )
    section.notes.append(f"{result.drawn:,} of {result.frames:,} frames drawn; the rest repeat a held frame.")
    return section
