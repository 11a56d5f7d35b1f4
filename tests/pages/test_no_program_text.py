"""No page shows program text (``None``, ``nan``, object reprs, template braces), in either language.

AppTest gives each element's text as the page hands it to Streamlit; the browser tests check what is
on screen. Also the Presenter page's own views: the presenter view and the QR and credits sheets.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import paths
from tests.program_text import html_text, program_text

APP = str(paths.PROJECT_DIR / "app.py")
PAGES = ["pages/route.py", "pages/presenter.py", "pages/sources.py", "pages/editor.py"]
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
WIDGETS = ("button", "toggle", "checkbox", "selectbox", "multiselect", "radio", "text_input", "text_area")


def everything_shown(at: AppTest) -> str:
    """The text of every element AppTest knows, widget labels, options and table cells included."""
    parts: list[str] = []
    for kind in TEXT_ELEMENTS:
        parts += [str(e.value) for e in at.get(kind)]
    parts += [html_text(e.value) for e in at.html]
    for kind in WIDGETS:
        for widget in at.get(kind):
            parts.append(str(getattr(widget, "label", "")))
            parts += [str(o) for o in getattr(widget, "options", [])]
            parts.append(str(getattr(widget, "help", "") or ""))
    for metric in at.metric:
        parts += [str(metric.label), str(metric.value), str(metric.help or "")]
    for frame in at.dataframe:
        parts += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
    return "\n".join(parts)


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_program_text(app: AppTest, page: str, lang: str):
    app.query_params["lang"] = lang
    app.switch_page(page).run()
    assert not app.exception
    shown = everything_shown(app)
    assert len(shown) > 100
    assert program_text(shown) == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_presenter_view_shows_program_text(app: AppTest, lang: str):
    app.query_params["lang"] = lang
    app.query_params["chapter"] = "10"
    app.switch_page("pages/presenter.py").run()
    for key in ("qr", "credits"):
        app.button(key=key).click().run()
        assert not app.exception
        assert program_text(everything_shown(app)) == []
    token = app.query_params["show"]
    view = AppTest.from_file(APP, default_timeout=60)
    view.query_params.update({"lang": lang, "view": "notes", "show": token})
    view.switch_page("pages/presenter.py").run()
    assert not view.exception
    shown = everything_shown(view)
    assert program_text(shown) == []
