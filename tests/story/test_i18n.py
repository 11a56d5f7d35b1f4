"""Korean and English: every key in both, data translations complete, quotes never translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import paths
from geo.data.findings import Severity
from geo.story import i18n
from geo.story.i18n import _DATA_KEY, read_catalogue, strings, translate_dataset, validate_catalogues
from geo.text import esc, md

APP = str(paths.PROJECT_DIR / "app.py")


def interface_keys(lang: str) -> set[str]:
    return {k for k in read_catalogue(i18n.I18N_DIR / f"{lang}.toml") if not _DATA_KEY.match(k)}


def test_every_interface_key_exists_in_every_language():
    english = interface_keys("en")
    for lang in i18n.LANGUAGES:
        assert interface_keys(lang) == english, lang


def test_shipped_catalogues_have_no_findings(data):
    assert validate_catalogues(dataset=data) == []


@pytest.mark.parametrize(("table", "columns"), [("route", ("title", "summary")), ("tour", ("title", "text"))])
def test_every_segment_and_chapter_is_translated(data, table, columns):
    ko = strings("ko")
    for record_id in getattr(data, table)["id"]:
        for column in columns:
            assert ko.get(f"{table}.{record_id}.{column}"), f"{table}.{record_id}.{column}"


def test_quotes_are_never_translated(data):
    korean = translate_dataset(data, strings("ko"))
    assert korean.quotes.equals(data.quotes)
    assert korean.route["title"].iloc[0] != data.route["title"].iloc[0]
    assert korean.route["country"].equals(data.route["country"]), "country names stay keys"


def test_catalogue_problems_are_named_by_file_and_key(tmp_path: Path, data):
    (tmp_path / "en.toml").write_text('[a]\nhello = "Hello {name}"\nbye = "Bye"\n', encoding="utf-8")
    (tmp_path / "ko.toml").write_text(
        '[a]\nhello = "안녕 {nmae}"\ntypo = "x"\n[route.atlantis]\ntitle = "?"\n', encoding="utf-8"
    )
    found = {(f.file, f.field, f.severity): f.message for f in validate_catalogues(tmp_path, data)}
    assert "placeholders ['nmae'] differ" in found[("i18n/ko.toml", "a.hello", Severity.ERROR)]
    assert "unknown key" in found[("i18n/ko.toml", "a.typo", Severity.ERROR)]
    assert "English is shown" in found[("i18n/ko.toml", "a.bye", Severity.WARNING)]
    assert "no route record" in found[("i18n/ko.toml", "route.atlantis.title", Severity.WARNING)]


def test_missing_or_broken_translation_falls_back_to_english(tmp_path: Path):
    (tmp_path / "en.toml").write_text('[a]\nhello = "Hello"\n', encoding="utf-8")
    (tmp_path / "ko.toml").write_text("[a\nbroken", encoding="utf-8")
    assert strings("ko", tmp_path)("a.hello") == "Hello"
    assert strings("xx", tmp_path).lang == "en"


def test_korean_route_map(monkeypatch, data):
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lang"] = "ko"
    app.query_params["segment"] = "laos-jungle"
    app.run()
    assert not app.exception
    ko = strings("ko")
    assert app.title[0].value == md(ko("route_map.title"))
    assert app.subheader[0].value == md("6. " + ko.get("route.laos-jungle.title"))
    shown = "\n".join(str(e.value) for e in [*app.markdown, *app.caption])
    quote = data.quotes_for("laos-jungle").iloc[0]["text"]
    assert md(quote) in shown, "the quote is shown in English, as published"
    assert md(ko("app.quotes_as_published")) in shown


def test_language_switch_keeps_the_choice_in_the_url(monkeypatch):
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    switch = next(w for w in app.get("button_group") if w.options and "한국어" in str(w.options))
    switch.set_value("ko").run()
    assert app.query_params["lang"] == ["ko"] or app.query_params["lang"] == "ko"
    assert app.title[0].value == md(strings("ko")("route_map.title"))


def test_korean_presenter(monkeypatch):
    monkeypatch.delenv("ESCAPE_ROUTE_DATA_DIR", raising=False)
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lang"] = "ko"
    app.switch_page("pages/presenter.py").run()
    assert not app.exception
    panel = next(h.value for h in app.html if 'id="slide-panel"' in h.value)
    assert f'<h1 id="slide-title">{esc(strings("ko").get("tour.opening.title"))}</h1>' in panel
    assert 'lang="ko"' in panel, "Korean text is marked as Korean: it breaks only between words"


def test_korean_screening_pack(data):
    from geo.export.pack import build_pack

    html = build_pack(data, strings("ko"))
    ko = strings("ko")
    assert ko("pack.tour") in html
    assert ko.get("tour.opening.title") in html
    quote = data.quote("kim-parents")["text"]
    assert quote.split()[0] in html, "quotes stay in English"
