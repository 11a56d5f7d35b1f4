"""Page logic under Streamlit's AppTest: no browser, but the real scripts and widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import paths
from geo.data import load_dataset
from geo.text import esc, md
from tests.conftest import edit_geojson, feature

APP = str(paths.PROJECT_DIR / "app.py")


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_route_map_default_view(app: AppTest):
    app.run()
    assert not app.exception
    assert app.title[0].value == md("Beyond Utopia: the escape route")
    assert [m.value for m in app.metric] == ["1,000+", "4", "$3,000 → $20,000"]
    assert all(m.help for m in app.metric), "every headline figure names its source"
    assert app.selectbox[0].value == ""
    route_text = next(m.value for m in app.markdown if m.value.startswith("1. "))
    assert len(route_text.splitlines()) == len(load_dataset().route), "the route as text: one line per leg"
    assert "Map of the escape route in 10 legs" in texts(app)


def test_query_parameter_selects_a_segment(app: AppTest):
    app.query_params["segment"] = "laos-jungle"
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "6\\. Night trek through the jungle into Laos"
    assert "this is some kind of adventure" in texts(app)
    assert app.selectbox[0].value == "laos-jungle"


def test_unknown_segment_shows_the_whole_route(app: AppTest):
    app.query_params["segment"] = "atlantis"
    app.run()
    assert not app.exception
    assert app.selectbox[0].value == ""


def test_choosing_a_leg_updates_the_url(app: AppTest):
    app.run()
    app.selectbox[0].set_value("flight-seoul").run()
    assert app.query_params["segment"] == "flight-seoul"
    assert "and BTS" in texts(app)


def test_next_leg_button(app: AppTest):
    app.query_params["segment"] = "laos-jungle"
    app.run()
    next(b for b in app.button if "Next" in b.label).click().run()
    assert app.query_params["segment"] == "laos-to-mekong"


def test_quote_filters(app: AppTest):
    app.run()
    app.multiselect[0].set_value(["Sunny Parker"]).run()
    assert "2 of 29 quotes" in texts(app)


def test_broken_data_from_the_start_shows_viewers_a_neutral_page(app: AppTest, data_dir: Path, monkeypatch):
    """Viewers never see maintainer diagnostics; the editor and the command line show them."""
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(country="Loas")
    )
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(data_dir))
    app.run()
    assert not app.exception
    assert app.title[0].value == md("The map is being updated")
    assert not app.code, "no findings on a viewer page"
    assert "Loas" not in texts(app)


def test_data_is_shown_as_text_not_markup(app: AppTest, data_dir: Path, monkeypatch):
    payload = "![x](http://example.com/x.png) <script>alert(1)</script> $x$"
    edit_geojson(
        data_dir, paths.ROUTE, lambda o: feature(o, "laos-jungle")["properties"].update(summary=payload)
    )
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(data_dir))
    app.query_params["segment"] = "laos-jungle"
    app.run()
    summary = next(m.value for m in app.markdown if "alert" in m.value)
    assert "\\!\\[x\\]" in summary
    assert "\\<script\\>" in summary
    assert "\\$x\\$" in summary


def test_sources_page_lists_every_source(app: AppTest):
    app.switch_page("pages/sources.py").run()
    assert not app.exception
    assert app.title[0].value == "Sources"
    shown = "\n".join(h.value for h in [*app.header, *app.subheader])
    for outlet in load_dataset().sources["outlet"]:
        assert md(outlet) in shown


def test_sources_page_offers_the_films_captions(app: AppTest):
    app.switch_page("pages/sources.py").run()
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download the film's captions (WebVTT)" in labels


def slide(at: AppTest) -> str:
    """The Presenter page's chapter panel (``pages.ui.slide.panel``: HTML with every text escaped)."""
    return next(h.value for h in at.html if 'id="slide-panel"' in h.value)


def test_presenter_opens_the_chapter_in_the_url(app: AppTest):
    app.query_params["chapter"] = "5"
    app.switch_page("pages/presenter.py").run()
    assert not app.exception
    assert '<h1 id="slide-title">Night in the jungle</h1>' in slide(app)
    assert "this is some kind of adventure" in slide(app)


@pytest.mark.parametrize(
    ("asked", "title"), [("0", "Beyond Utopia: four countries to freedom"), ("99", "More than 1,000 rescued")]
)
def test_presenter_clamps_out_of_range_chapters(app: AppTest, asked: str, title: str):
    app.query_params["chapter"] = asked
    app.switch_page("pages/presenter.py").run()
    assert f'<h1 id="slide-title">{esc(title)}</h1>' in slide(app)


def test_presenter_next_and_previous_stop_at_the_ends(app: AppTest):
    app.switch_page("pages/presenter.py").run()
    assert app.button(key="prev").disabled
    app.button(key="next").click().run()
    assert app.query_params["chapter"] == "2"
    app.button(key="prev").click().run()
    assert app.query_params["chapter"] == "1"
    app.query_params["chapter"] = "11"
    app.run()
    assert app.button(key="next").disabled


def test_presenter_with_a_broken_tour_shows_no_diagnostics(app: AppTest, data_dir: Path, monkeypatch):
    (data_dir / paths.TOUR).write_text("order,id\n1,x\n", encoding="utf-8")
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(data_dir))
    app.switch_page("pages/presenter.py").run()
    assert not app.exception
    assert not app.code
    assert "tour.csv" not in texts(app)


def test_presenter_auto_advance_moves_on_and_loops(app: AppTest):
    app.query_params["chapter"] = "11"
    app.switch_page("pages/presenter.py").run()
    app.toggle(key="auto_advance").set_value(True).run()
    assert app.selectbox(key="interval").value == 20
    app.session_state["changed_at"] = -1e9  # the interval has long passed
    app.run()
    assert app.query_params["chapter"] == "1", "an unattended loop starts again after the last chapter"


def test_a_rerun_does_not_pay_a_full_garbage_collection():
    """Streamlit's default gc.collect(2) after every run walks the whole loaded stack (~60 ms, three
    times a Route Map run; bench section 2). Python's own generational collector still runs."""
    import tomllib

    config = tomllib.loads((paths.PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
