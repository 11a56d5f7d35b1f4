"""The shipped numbers cite original outlets: every arrivals and claims row's sources have a web
address, and none is a mirror or an aggregator (which reproduce other outlets' stories)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

#: Sites found reproducing other outlets' stories while these figures were researched. A figure
#: found only there is left out; none may be cited. Add a domain here when you meet another.
MIRROR_DOMAINS = (
    "taiwannewsgazette",
    "2names1scott",
    "kangnamtimes",
    "pressreader",
    "mobilitytv",
    "dfast",
    "playcrazygame",
    "asian-news",
    "initialnews",
    "einpresswire",
    "churchleaders",
    "nkeconwatch",
    "culteducation",
    "military-quotes",
    "filmfed",
    "inkl.com",
    "femlibrary",
    "kcmusa",
    "wowkorea",
    "skyline-ice",
    "blogspot",
    "tistory",
    "rubensays",
    "covidnews",
    "staugustine",
    "vision.org.au",
    "godkulture",
)


def cited_by(data, table: str) -> set[str]:
    return {sid for ids in getattr(data, table)["source_ids"] for sid in ids}


@pytest.mark.parametrize("table", ["arrivals", "claims"])
def test_every_new_number_cites_sources_with_a_web_address(data, table: str):
    for sid in cited_by(data, table):
        url = data.sources.loc[sid, "url"]
        assert url.startswith(("https://", "http://")), f"{table}: source {sid!r} has no web address"


def test_no_source_is_a_mirror(data):
    for sid, url in data.sources["url"].items():
        host = urlparse(url).netloc.lower()
        for mirror in MIRROR_DOMAINS:
            assert mirror not in host, f"{sid}: {url} is a mirror ({mirror}); cite the original outlet"


def test_kbs_is_not_credited_for_the_cost_figures(data):
    """The KBS report behind "2 million → 20 million → 100 million won" was never found."""
    assert not data.sources["outlet"].str.contains("KBS").any()


def test_every_source_has_a_web_address(data):
    """Every source the app cites today has one; a new one without must say why in its note."""
    missing = data.sources[data.sources["url"] == ""]
    assert missing.empty, list(missing.index)


def test_a_source_without_a_headline_says_so(data):
    for sid, src in data.sources[data.sources["title"] == ""].iterrows():
        assert "headline" in src["note"], f"{sid}: say in the note why the headline is unknown"


@pytest.mark.parametrize(
    ("year", "count"),
    [(2009, 2914), (2019, 1047), (2020, 229), (2021, 63), (2022, 67), (2023, 196), (2024, 236), (2025, 223)],
)
def test_arrivals_are_the_ministrys_latest_figures(data, year: int, count: int):
    assert data.arrivals.set_index("year").loc[year, "count"] == count


def test_arrivals_run_every_year_from_2007_and_revisions_are_noted(data):
    years = list(data.arrivals["year"])
    assert years == list(range(2007, 2026))
    notes = data.arrivals.set_index("year")["note"]
    assert "224" in notes[2025]
    assert "corrected to 223" in notes[2025]
    assert "2,929" in notes[2009]
    assert "1,414" in notes[2016]


def test_the_blog_post_is_described_honestly(data):
    note = data.sources.loc["blog", "note"]
    assert "Religion News Service" in note
    assert "without saying so" in note


def test_no_internal_wording_in_public_notes(data):
    for column in ("note", "title", "outlet"):
        for sid, text in data.sources[column].items():
            assert "brief" not in text.lower(), f"{sid}.{column}: internal wording"
            assert "project" not in text.lower(), f"{sid}.{column}: internal wording"
