"""The vendored Korean font covers the data, and every output carries just the glyphs it shows."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont

from geo.data import load_dataset
from geo.export.pack import build_pack
from geo.fonts import (
    FONT_DIR,
    WEB_FAMILY,
    WEIGHTS,
    font_face_css,
    font_path,
    hangul_in_data,
    is_hangul,
    ks_x_1001_hangul,
    with_font_faces,
)
from geo.paths import DATA_DIR
from geo.story.i18n import strings

_DATA_URL = re.compile(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)")


def cmap(data: bytes | str) -> set[str]:
    font = TTFont(io.BytesIO(data) if isinstance(data, bytes) else data)
    return {chr(cp) for cp in font.getBestCmap()}


@pytest.mark.parametrize("weight", list(WEIGHTS))
def test_every_hangul_in_data_and_ks_x_1001_is_in_the_font(weight: int):
    covered = cmap(str(font_path(weight)))
    in_data = hangul_in_data(DATA_DIR)
    assert len(in_data) > 100, "the Korean catalogue and data were read"
    assert in_data - covered == set(), "run scripts/build_fonts.py after adding Korean text"
    assert ks_x_1001_hangul() - covered == set()
    assert len(ks_x_1001_hangul()) == 2350


def test_the_font_is_vendored_with_its_licence():
    assert "SIL Open Font License" in (FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "npm registry" in (FONT_DIR / "VERSIONS.txt").read_text(encoding="utf-8")
    for weight in WEIGHTS:
        assert (FONT_DIR / f"noto-sans-kr-{weight}.woff2").stat().st_size < 400_000


def test_a_face_carries_exactly_the_hangul_of_its_text():
    css = font_face_css("탈출 경로 — route")
    faces = _DATA_URL.findall(css)
    assert len(faces) == len(WEIGHTS)
    hangul = {c for c in cmap(base64.b64decode(faces[0])) if is_hangul(c)}
    assert hangul == set("탈출경로")
    assert WEB_FAMILY in css


def test_no_hangul_no_font():
    assert font_face_css("Escape route, $3,000 → $20,000") == ""
    assert with_font_faces("<html><head></head><body>Map</body></html>") == (
        "<html><head></head><body>Map</body></html>"
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_pack_embeds_every_hangul_it_shows(lang: str):
    html = build_pack(load_dataset(), strings(lang))
    faces = _DATA_URL.findall(html)
    shown = {c for c in html if is_hangul(c)}
    assert shown, "even the English pack names 한국어"
    assert faces, "a face is embedded as a data URL (the pack requests nothing)"
    assert shown <= cmap(base64.b64decode(faces[0]))
    assert len(html.encode()) < 1_500_000
