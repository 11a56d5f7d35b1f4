"""Vendor the Korean font: Noto Sans KR, subset to the Hangul people actually read.

Why: Korean must render with real glyphs on any machine (a venue laptop, CI, a fresh clone), so the
app, the pack, the site, the handout and the film never depend on a system CJK font.

Source: the npm package ``@embedpdf/fonts-kr`` (Noto Sans KR OTF, SIL Open Font License 1.1; the
@fontsource packages ship only web slices). Kept: Basic Latin, Latin-1, general punctuation and the
symbols the data uses, the 2,350 Hangul syllables of KS X 1001 (what Korean text in practice uses)
plus every Hangul syllable in data/ (a test checks they are all in the subset), compatibility jamo.

Writes ``static/fonts/``: ``NotoSansKR-{Regular,Bold}.otf`` (matplotlib and the exports subset these
further to the text they carry) and ``noto-sans-kr-{400,700}.woff2`` (served to the app), with the
licence. Needs npm and the ``brotli`` module (requirements-dev.txt). Run: ``.venv/bin/python
scripts/build_fonts.py``; the outputs are committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.fonts import FONT_DIR, WEIGHTS, hangul_in_data, ks_x_1001_hangul  # noqa: E402

PACKAGE = "@embedpdf/fonts-kr@1.0.0"
#: Latin, punctuation, arrows and the few symbols the interface uses.
LATIN = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x205E), (0x2190, 0x21FF), (0x2022, 0x2022), (0x3000, 0x303F)]
JAMO = [(0x3131, 0x318E)]


def codepoints() -> set[int]:
    points = {cp for lo, hi in LATIN + JAMO for cp in range(lo, hi + 1)}
    points |= {ord(c) for c in ks_x_1001_hangul() | hangul_in_data(ROOT / "data")}
    return points


def fetch(tmp: Path) -> Path:
    subprocess.run(["npm", "pack", "--silent", PACKAGE], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    (archive,) = tmp.glob("*.tgz")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package"


def write_subset(source: Path, out: Path, points: set[int], flavor: str | None) -> None:
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    subset.save_font(font, str(out), options)


def main() -> None:
    points = codepoints()
    with tempfile.TemporaryDirectory() as tmp:
        package = fetch(Path(tmp))
        FONT_DIR.mkdir(parents=True, exist_ok=True)
        for weight, style in WEIGHTS.items():
            source = package / "fonts" / f"NotoSansKR-{style}.otf"
            write_subset(source, FONT_DIR / f"NotoSansKR-{style}.otf", points, None)
            write_subset(source, FONT_DIR / f"noto-sans-kr-{weight}.woff2", points, "woff2")
        shutil.copy(package / "LICENSE", FONT_DIR / "LICENSE")
    (FONT_DIR / "VERSIONS.txt").write_text(
        f"Noto Sans KR from {PACKAGE} (SIL Open Font License 1.1, see LICENSE), from the npm registry.\n"
        f"Subset to Latin, punctuation and {len(points)} code points: KS X 1001's 2,350 Hangul syllables,\n"
        "every Hangul syllable in data/, compatibility jamo. Regenerate with scripts/build_fonts.py\n"
    )
    for path in sorted(FONT_DIR.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
