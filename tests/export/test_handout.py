"""The printable handout: one page of real text (figures, quotes, sources), the QR code, Korean in CJK."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

from geo.cli import main
from geo.export.handout import PAPER, cjk_font, handout_figure, handout_pdf, handout_quotes, handout_sources
from geo.story.figures import headline_figures
from geo.story.i18n import strings, translate_dataset

URL = "https://screening.example.org/audience/"


def text_of(pdf: bytes) -> tuple[int, str, tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    # Lines wrap on the page: compare text with all whitespace as single spaces.
    return (
        len(reader.pages),
        " ".join(page.extract_text().split()),
        (float(page.mediabox.width), float(page.mediabox.height)),
    )


@pytest.fixture(scope="module")
def pdfs(data) -> dict[str, bytes]:
    return {lang: handout_pdf(data, strings(lang), paper=PAPERS[lang], audience_url=URL) for lang in PAPERS}


PAPERS = {"en": "a4", "ko": "letter"}


@pytest.mark.parametrize("lang", list(PAPERS))
def test_one_page_with_the_figures_quotes_and_sources(data, pdfs, lang):
    tr, paper = strings(lang), PAPERS[lang]
    pages, text, size = text_of(pdfs[lang])
    assert pages == 1
    assert size == pytest.approx(tuple(72 * side for side in PAPER[paper]), abs=1)
    for figure in headline_figures(translate_dataset(data, tr), tr):
        assert figure.value in text
        assert " ".join(figure.label.split()) in text
    quotes = handout_quotes(data, tr)
    assert len(quotes) == 3
    for quote, citation in quotes:
        assert len(quote) <= 170
        assert " ".join(quote.split()) in text, "quotes word for word"
        assert " ".join(citation.split()) in text, "with speaker and source"
    for line in handout_sources(data):
        assert " ".join(line.split()) in text
    assert URL in text
    assert tr("handout.title") in text


def test_the_qr_code_opens_the_audience_address(data, tmp_path: Path):
    png = tmp_path / "handout.png"
    handout_figure(data, strings("en"), audience_url=URL).savefig(png, dpi=150)
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(png))] == [URL]


def test_no_address_no_qr_code(data, tmp_path: Path):
    png = tmp_path / "handout.png"
    figure = handout_figure(data, strings("en"))
    assert strings("en")("handout.qr") not in [t.get_text() for t in figure.texts]
    figure.savefig(png, dpi=100)
    assert zxingcpp.read_barcodes(Image.open(png)) == []


def test_korean_is_set_in_the_vendored_font(pdfs):
    assert cjk_font() == "Noto Sans Korean", "static/fonts/, registered with matplotlib"
    assert b"NotoSansKR" in pdfs["ko"], "the vendored Korean font is embedded"


def test_cli_handout(tmp_path: Path, capsys):
    out = tmp_path / "handout.pdf"
    assert (
        main(["handout", "--out", str(out), "--lang", "ko", "--paper", "letter", "--audience-url", URL]) == 0
    )
    assert text_of(out.read_bytes())[0] == 1
    assert main(["handout", "--out", str(tmp_path / "x.pdf"), "--audience-url", "javascript:alert(1)"]) == 2
    assert "http:// or https://" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
