"""The vendored Korean font (Noto Sans KR, OFL) for every output: app, pack, site, handout, film.

Why: Korean shown as boxes, or a handout that stops with "no font with Korean letters", must not
depend on what a machine happens to have installed. ``static/fonts/`` holds Noto Sans KR subset to
KS X 1001's Hangul plus every Hangul syllable in data/ (``scripts/build_fonts.py``). Outputs carry
only the glyphs their own text uses: :func:`font_face_css` subsets again, so a pack or site embeds a
few hundred KB at most, never the whole font.
"""

from __future__ import annotations

import base64
import functools
import io
from pathlib import Path

from fontTools import subset

from geo.paths import STATIC_DIR

FONT_DIR = STATIC_DIR / "fonts"
#: CSS weight → the style in the file names.
WEIGHTS: dict[int, str] = {400: "Regular", 700: "Bold"}
#: The CSS family name the outputs declare; its own name, so a system "Noto Sans KR" cannot shadow it.
WEB_FAMILY = "Route Sans KR"
#: Hangul jamo, CJK punctuation, compatibility jamo, syllables: Latin text keeps the system face.
UNICODE_RANGE = "U+1100-11FF, U+3000-303F, U+3131-318E, U+AC00-D7A3, U+FF01-FF5E"
#: The app serves static/ at /app/static/.
APP_URL = "/app/static/fonts/noto-sans-kr-{weight}.woff2"


def font_path(weight: int = 400) -> Path:
    return FONT_DIR / f"NotoSansKR-{WEIGHTS[weight]}.otf"


def is_hangul(char: str) -> bool:
    return 0xAC00 <= ord(char) <= 0xD7A3


def ks_x_1001_hangul() -> set[str]:
    """The 2,350 Hangul syllables of KS X 1001 (rows 0xB0–0xC8 of EUC-KR)."""
    return {bytes([row, cell]).decode("euc-kr") for row in range(0xB0, 0xC9) for cell in range(0xA1, 0xFF)}


def hangul_in_data(data_dir: Path) -> set[str]:
    """Every Hangul syllable in the text files of ``data_dir`` (translations included)."""
    found: set[str] = set()
    for path in data_dir.rglob("*"):
        if path.is_file() and path.suffix in {".toml", ".csv", ".geojson", ".json", ".txt", ".md"}:
            found |= {c for c in path.read_text(encoding="utf-8", errors="replace") if is_hangul(c)}
    return found


@functools.lru_cache(maxsize=32)
def subset_font(text: str, weight: int = 400, flavor: str = "woff") -> bytes:
    """The vendored font cut down to the characters of ``text`` (zlib WOFF: no brotli needed)."""
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path(weight)), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def korean_text(text: str) -> str:
    """The characters of ``text`` the Korean face draws (sorted, so equal texts cache alike)."""
    return "".join(sorted({c for c in text if is_hangul(c) or 0x3000 <= ord(c) <= 0x318E}))


def font_face_css(text: str) -> str:
    """``@font-face`` rules embedding just the glyphs ``text`` needs, as data URLs; "" without Hangul.

    For the self-contained pack and the audience site: nothing is fetched, and a page without Korean
    carries no font at all.
    """
    chars = korean_text(text)
    if not chars:
        return ""
    rules = []
    for weight in WEIGHTS:
        data = base64.b64encode(subset_font(chars, weight)).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'{WEB_FAMILY}';font-style:normal;font-weight:{weight};"
            f"font-display:swap;unicode-range:{UNICODE_RANGE};"
            f"src:url(data:font/woff;base64,{data}) format('woff');}}"
        )
    return "\n".join(rules)


def app_font_face_css() -> str:
    """``@font-face`` rules for the app: the KS X 1001 woff2 files from Streamlit's static serving."""
    return "\n".join(
        f"@font-face{{font-family:'{WEB_FAMILY}';font-style:normal;font-weight:{weight};"
        f"font-display:swap;unicode-range:{UNICODE_RANGE};"
        f"src:url('{APP_URL.format(weight=weight)}') format('woff2');}}"
        for weight in WEIGHTS
    )


@functools.cache
def matplotlib_family() -> str:
    """Register the vendored font with matplotlib (once per process) and return its family name."""
    from matplotlib import font_manager

    for weight in WEIGHTS:
        font_manager.fontManager.addfont(str(font_path(weight)))
    # The family name is the one inside the file ("Noto Sans Korean" in this release), not a guess.
    return font_manager.FontProperties(fname=str(font_path())).get_name()


def with_font_faces(html: str) -> str:
    """``html`` with the Korean face its own text needs, declared at the end of its ``<head>``.

    Subset from the finished page, so every Hangul it can show (slides, strings, data) is covered.
    """
    css = font_face_css(html)
    if not css:
        return html
    head_end = html.find("</head>")
    if head_end < 0:
        raise ValueError("the page has no </head>")
    return f"{html[:head_end]}<style>{css}</style>\n{html[head_end:]}"
