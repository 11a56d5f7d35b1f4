"""The numbers in context on the pages, under AppTest, in English and Korean.

The Route Map's "Why do the numbers differ?" popover and the Sources page show each
disagreeing figure beside its source, linked to the source's own web address;
the Sources page lists every claim and links every source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import paths
from geo.data import load_dataset
from geo.text import esc, md
from pages.ui.ledger import box_key

APP = str(paths.PROJECT_DIR / "app.py")
LINK = re.compile(r"\[((?:[^\]\\]|\\.)+)\]\((https?://[^)\s]+)\)")
POPOVER_LABEL = {"en": "Why do the numbers differ?", "ko": "수치가 왜 다를까요?"}


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def markdown_of(node) -> str:
    return "\n".join(str(m.value) for m in node.markdown)


def links_in(text: str) -> dict[str, str]:
    """{url: link text} of every Markdown link."""
    return {url: label for label, url in LINK.findall(text)}


def open_sources(app: AppTest, lang: str) -> AppTest:
    app.query_params["lang"] = lang
    app.switch_page("pages/sources.py")  # before the first run: see tests/pages/test_pages.py
    app.run()
    assert not app.exception
    return app


# ------------------------------------------------------------------------------------------ Route Map


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_route_map_popover_shows_each_disagreeing_figure_with_its_source(app: AppTest, data, lang: str):
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception
    [popover] = app.get("popover")
    assert popover.proto.popover.label == POPOVER_LABEL[lang]
    assert not popover.children, "the ledger is sent when it is opened, not with every rerun"
    app.session_state[box_key("popover")] = True  # as a click on it does
    app.run()
    [popover] = app.get("popover")
    shown = markdown_of(popover)
    links = links_in(shown)
    claims = data.claims
    for _, claim in claims.iterrows():
        for sid in claim["source_ids"]:
            assert data.sources.loc[sid, "url"] in links, f"{claim['id']}: {sid} not linked"
    for figure in ("1,008", "1,012", "12,000 km"):
        assert md(figure) in shown
    if lang == "en":
        assert md("maybe $3,000 → $20,000") in shown
        assert md("12 million won (about $10,000)") in shown
        assert md("This map, measured") in shown
    else:
        assert md("1,200만 원 (약 10,000달러)") in shown
        assert md("이 지도에서 잰 값") in shown
    assert "nan" not in shown.split()
    assert "None" not in shown.split()


def test_route_map_headline_numbers_stay_the_seed_articles(app: AppTest):
    app.run()
    assert [m.value for m in app.metric] == ["1,000+", "4", "$3,000 → $20,000"]


# ------------------------------------------------------------------------------------------ Sources page


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sources_page_links_every_source_in_the_glance_table(app: AppTest, data, lang: str):
    open_sources(app, lang)
    [html] = [h for h in app.get("html") if "sources-glance" in h.proto.body]
    body = html.proto.body
    assert body.count("<tr>") == len(data.sources) + 1  # the header row
    for _, src in data.sources.iterrows():
        assert esc(src["outlet"]) in body
        if src["url"]:
            assert f'href="{esc(src["url"])}"' in body
    assert body.count('target="_blank" rel="noopener noreferrer"') == (data.sources["url"] != "").sum()
    assert ('lang="ko"' in body) is (lang == "ko")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sources_page_shows_the_ledger_and_every_claim(app: AppTest, data, lang: str):
    open_sources(app, lang)
    assert len(app.expander) == 7
    everything = markdown_of(app)
    links = links_in(everything)
    # Every source with a web address is linked from its card at least.
    for url in data.sources.loc[data.sources["url"] != "", "url"]:
        assert url in links
    # The ledger, inline: one table per topic.
    tables = [m.value for m in app.markdown if str(m.value).startswith("| ")]
    assert len(tables) == 4
    # Every arrivals year and its sources.
    arrivals = next(e for e in app.expander if e.label.startswith(("Arrivals", "연도별")))
    listed = markdown_of(arrivals)
    for _, row in data.arrivals.iterrows():
        assert md(f"{row['count']:,}") in listed
        for sid in row["source_ids"]:
            assert data.sources.loc[sid, "url"] in links_in(listed)
    headers = [h.value for h in app.header]
    assert len(headers) == 4
    for text in (everything, *headers):
        assert "nan" not in text.split()
        assert "None" not in text.split()
    for word in ("sources_page.", "claims.", "chart."):
        assert word not in everything, "a missing translation key reached the page"


def test_sources_page_says_when_a_source_has_no_web_address(app: AppTest, data_dir: Path, monkeypatch):
    text = (data_dir / paths.SOURCES).read_text(encoding="utf-8")
    url = load_dataset().sources.loc["film", "url"]
    (data_dir / paths.SOURCES).write_text(text.replace(url, ""), encoding="utf-8")
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(data_dir))
    open_sources(app, "en")
    assert md("This source has no web address.") in [c.value for c in app.caption]
    [html] = [h for h in app.get("html") if "sources-glance" in h.proto.body]
    assert "no web address" in html.proto.body


def test_sources_page_shows_a_hostile_note_as_text(app: AppTest, data_dir: Path, monkeypatch):
    text = (data_dir / paths.SOURCES).read_text(encoding="utf-8")
    payload = "<img src=x onerror=alert(1)> [click](javascript:alert(1))"
    (data_dir / paths.SOURCES).write_text(
        text.replace("Madeleine Gavin (director)", payload), encoding="utf-8"
    )
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(data_dir))
    open_sources(app, "en")
    everything = markdown_of(app)
    assert "javascript:alert" not in links_in(everything)
    assert "\\<img" in everything
