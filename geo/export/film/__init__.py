"""The journey film: ``python -m geo video --out FILE.mp4 [--lang ko] [--size WxH] [--fps 30]``.

``plan`` is the script (scenes, captions, the WebVTT sidecar), ``frames`` draws them, ``encode`` turns
frames into files, ``make`` puts the three together, ``command`` is the CLI. This module itself stays
light (the screening pack imports it for the film's file name, not matplotlib).
"""

from __future__ import annotations

#: The frame sizes the film is made at (``--size``): here, so the CLI's parser can offer them without
#: importing matplotlib for every command.
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}

#: The film's file name when ``--out`` is a folder: the pack's V key opens this name beside itself.
FILM_NAMES = {"en": "escape-route-film.mp4"}


def film_name(lang: str) -> str:
    return FILM_NAMES.get(lang, f"escape-route-film-{lang}.mp4")
