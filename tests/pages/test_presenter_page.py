"""The Presenter page's kit under AppTest: the show board and the presenter view, the QR and credits
sheets, the audience address and the handout. The browser tests drive the same in Chromium."""

from __future__ import annotations

import base64
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo import paths
from geo.data import load_dataset
from geo.present.show import ShowBoard
from geo.story.i18n import strings
from geo.story.tour import chapters
from geo.text import md

APP = str(paths.PROJECT_DIR / "app.py")
TOUR = chapters(load_dataset(), strings("en"))


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    monkeypatch.delenv("ESCAPE_ROUTE_AUDIENCE_URL", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def presenter(app: AppTest, **params: str) -> AppTest:
    app.query_params.update(params)
    app.switch_page("pages/presenter.py").run()
    assert not app.exception
    return app


def sheet(app: AppTest) -> str:
    return next((h.value for h in app.html if 'class="sheet' in h.value), "")


def test_the_show_token_is_in_the_url_and_the_presenter_view_follows_it(app: AppTest):
    presenter(app, chapter="3")
    token = app.query_params["show"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", token)
    view = presenter(AppTest.from_file(APP, default_timeout=60), view="notes", show=token)
    shown = [s.value for s in view.subheader]
    assert shown == [md(f"3 / 11 · {TOUR[2].title}"), md(f"4 / 11 · {TOUR[3].title}")]
    assert md(TOUR[2].notes) in [m.value for m in view.markdown]
    assert re.fullmatch(r"\d+:\d\d", view.metric[0].value), "the timer"
    app.button(key="next").click().run()
    view.run()
    assert view.subheader[0].value == md(f"4 / 11 · {TOUR[3].title}"), "it follows the show"
    assert app.query_params["show"] == token, "one show: the token stays"


def test_a_presenter_view_of_an_unknown_show_waits(app: AppTest):
    presenter(app, view="notes", show="nosuchshow123")
    assert md(strings("en")("slides.waiting")) in [i.value for i in app.info]


def test_the_board_forgets_old_shows():
    board = ShowBoard(max_shows=2)
    for token in ("aaaaaaaa1", "aaaaaaaa2", "aaaaaaaa3"):
        board.publish(token, 1, 11)
    assert board.read("aaaaaaaa1") is None
    assert board.read("aaaaaaaa3").chapter == 1


def test_q_shows_the_audience_qr_code_and_i_the_credits(app: AppTest, monkeypatch):
    monkeypatch.setenv("ESCAPE_ROUTE_AUDIENCE_URL", "https://screening.example.org/map/")
    presenter(app)
    assert sheet(app) == ""
    app.button(key="qr").click().run()
    qr = sheet(app)
    assert "https://screening.example.org/map/" in qr
    svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", qr).group(1)).decode()
    assert svg.startswith("<svg"), "segno's SVG, shown as an image"
    assert "<script" not in svg
    app.button(key="credits").click().run()
    credits = sheet(app)
    assert "Natural Earth" in credits
    assert "CBN News" in credits
    app.button(key="close_sheet").click().run()
    assert sheet(app) == ""
    assert "qr-warning" not in qr, "a public address needs no warning"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8501/audience/", "http://localhost/audience/", "http://[::1]/a/"]
)
def test_an_address_only_this_computer_opens_is_drawn_with_a_warning(app: AppTest, monkeypatch, url: str):
    monkeypatch.setenv("ESCAPE_ROUTE_AUDIENCE_URL", url)
    presenter(app)
    app.button(key="qr").click().run()
    assert "data:image/svg" in sheet(app), "still drawn: the presenter may be rehearsing"
    assert "opens only on this computer" in sheet(app)


def test_a_bad_audience_address_is_said_not_drawn(app: AppTest, monkeypatch):
    monkeypatch.setenv("ESCAPE_ROUTE_AUDIENCE_URL", "javascript:alert(1)")
    presenter(app)
    app.button(key="qr").click().run()
    assert "http:// or https://" in sheet(app)
    assert "data:image/svg" not in sheet(app)


def test_the_handout_is_a_download(app: AppTest):
    presenter(app)
    assert app.get("download_button")[0].proto.label == "Handout (PDF)"
