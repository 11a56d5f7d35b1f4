"""Korean renders with real glyphs where the machine has no CJK font: the handout, pack, site and app.

Each runs in its own process with every system font that has Korean letters hidden (``conftest``).
On a canvas in the page's own font family, '한' and '국' must differ from each other and from a code
point no font has: boxes for missing glyphs are all alike.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from geo.data import load_dataset
from geo.export.pack import write_pack
from geo.export.site import write_site
from geo.story.i18n import strings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def real_glyphs(measured: dict) -> None:
    assert measured["vendored"], f"the vendored face loaded ({measured['family']})"
    han, guk, missing = measured["han"], measured["guk"], measured["missing"]
    assert han["hash"] != guk["hash"], "'한' and '국' are drawn differently"
    assert missing["hash"] not in (han["hash"], guk["hash"]), "neither is the missing-glyph box"
    assert min(han["ink"], guk["ink"]) > 100


def glyphs(without_cjk_fonts, url: str, *extra: str) -> dict:
    done = without_cjk_fonts(["-m", "harness.glyphs", url, *extra])
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["external"] == []
    # The legend and the attribution: Leaflet's style sheet gives them Helvetica/Arial, which had no Hangul.
    assert ".route-legend" in out["parts"], out["parts"].keys()
    for selector, measured in out["parts"].items():
        try:
            real_glyphs(measured)
        except AssertionError as exc:
            raise AssertionError(f"{selector}: {exc}") from exc
    return out


def test_handout_in_korean_with_no_system_font(without_cjk_fonts, tmp_path: Path):
    out = tmp_path / "handout.pdf"
    done = without_cjk_fonts(["-m", "geo", "handout", "--out", str(out), "--lang", "ko"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "missing from font" not in done.stderr
    page = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0]
    fonts = {f.get_object()["/BaseFont"] for f in page["/Resources"]["/Font"].values()}
    assert any("NotoSansKR" in f for f in fonts), fonts
    assert "탈출 경로" in page.extract_text()


def test_pack_draws_hangul_with_no_system_font(without_cjk_fonts, tmp_path: Path):
    pack = write_pack(load_dataset(), tmp_path, strings("ko"))
    real_glyphs(glyphs(without_cjk_fonts, pack.as_uri(), "--wait", "#slide-title")["page"])


def test_site_draws_hangul_with_no_system_font(without_cjk_fonts, tmp_path: Path):
    write_site(load_dataset(), tmp_path / "site", [strings("ko")])
    index = tmp_path / "site" / "index.html"
    real_glyphs(glyphs(without_cjk_fonts, index.as_uri(), "--wait", "h1")["page"])


def test_app_draws_hangul_with_no_system_font(without_cjk_fonts, app_server):
    out = glyphs(without_cjk_fonts, f"{app_server.url}/?lang=ko", "--wait", "h1", "--map")
    real_glyphs(out["page"])
    real_glyphs(out["map"])
