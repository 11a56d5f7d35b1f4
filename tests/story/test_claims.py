"""The claims ledger and the sources behind every claim: pure functions, both languages."""

from __future__ import annotations

import pytest

from geo.data.measure import segment_lengths_km
from geo.story.claims import TOPICS, ledger, measured_lengths
from geo.story.i18n import strings
from geo.story.sources import every_claim, safe_url, source_links, source_usage, uses_text
from tests.conftest import in_lang


def figures_of(topics, topic_id: str) -> dict[str, tuple[str, ...]]:
    """{figure: outlets} for one topic."""
    topic = next(t for t in topics if t.id == topic_id)
    return {c.figure: tuple(s.outlet for s in c.sources) for c in topic.claims}


def test_topics_come_in_order_and_each_has_its_title(data):
    topics = ledger(data, strings("en"))
    assert [t.id for t in topics] == list(TOPICS) == ["cost", "rescued", "length", "names"]
    assert [t.title for t in topics] == [
        "The cost of an escape",
        "People rescued",
        "The length of the route",
        "Names and spellings",
    ]
    assert all(t.intro and not t.intro.startswith("claims.") for t in topics)


def test_one_topic_on_its_own(data):
    [topic] = ledger(data, strings("en"), "names")
    assert topic.id == "names"
    assert ledger(data, strings("en"), "nonsense") == []


def test_each_disagreeing_cost_is_shown_with_its_own_source(data):
    costs = figures_of(ledger(data, strings("en")), "cost")
    assert costs["maybe $3,000 → $20,000"] == ("Yahoo UK",)
    assert costs["about $3,000 → $20,000"] == ("CBN News",)
    assert costs["12 million won (about $10,000)"] == ("The Korea Times",)
    assert costs["about 20 million won → not enough even at 100 million won"] == (
        "KEHC News (kehcnews.co.kr)",
    )
    assert costs["100 million won, as asked"] == ("SBS",)
    assert not any("KBS" in outlet for outlets in costs.values() for outlet in outlets), "KBS was never found"


def test_the_korea_times_figure_says_it_covers_only_the_way_into_china(data):
    topic = ledger(data, strings("en"), "cost")[0]
    claim = next(c for c in topic.claims if c.id == "cost-broker-2016")
    assert "into China only" in claim.measures
    assert "CBS No-Cut News" in claim.note
    assert claim.quote.startswith("Strengthening of police control")


def test_each_count_of_people_rescued_is_shown_with_its_source(data):
    rescued = figures_of(ledger(data, strings("en")), "rescued")
    assert rescued["over 1,000"] == ("CBN News",)
    assert rescued["an estimated 1,000"] == ("Yahoo UK",)
    assert rescued["1,008"] == ("UnHerd",)
    assert rescued["1,012"] == ("Evangelicals Now",)
    assert rescued["four"] == ("Yahoo UK",)


def test_names_and_spellings(data):
    names = figures_of(ledger(data, strings("en")), "names")
    assert names["Sengeun Kim"] == ("CBN News",)
    assert names["Kim Seongeun"] == ("Yahoo UK", "Evangelicals Now")
    assert names["the Roh family"] == ("englishnexon.com (blog)",)
    assert "Yahoo UK" in names["the Ro family"]
    assert names["the Woo family"] == ("The Chosun Ilbo (English edition)",)
    assert names["김성은"] == ("KEHC News (kehcnews.co.kr)", "TV Chosun")


def test_the_route_length_is_the_distributors_figure_beside_this_maps_measurement(data):
    topic = ledger(data, strings("en"), "length")[0]
    sourced = [c for c in topic.claims if not c.measured]
    measured = [c for c in topic.claims if c.measured]
    assert [c.figure for c in sourced] == ["12,000 km in all"]
    assert [s.outlet for s in sourced[0].sources] == [
        "Transformer (Japanese distributor): official site",
        "Real Sound",
    ]
    assert [c.id for c in measured] == ["measured-ground", "measured-flight", "measured-total"]
    assert all(c.sources == () for c in measured), "this map's measurement cites no source"
    assert all(c.when == "computed from this map's data" for c in measured)


def test_this_maps_measurement_is_computed_from_the_route(data):
    lengths = segment_lengths_km(data.route)
    flight = lengths[data.route["kind"] == "flight"].sum()
    total = lengths.sum()
    by_id = {c.id: c.figure for c in measured_lengths(data, strings("en"))}
    assert by_id["measured-flight"] == f"about {round(flight, -1):,.0f} km by air"
    assert by_id["measured-ground"] == f"about {round(total - flight, -1):,.0f} km on the ground"
    assert by_id["measured-total"] == f"about {round(total, -1):,.0f} km in all"


def test_the_ledger_in_korean(data):
    dataset, tr = in_lang(data, "ko")
    topics = ledger(dataset, tr)
    assert topics[0].title == "탈출 비용"
    costs = figures_of(topics, "cost")
    assert costs["1,200만 원 (약 10,000달러)"] == ("The Korea Times",)
    length = figures_of(topics, "length")
    assert "모두 12,000 km" in length
    assert any(figure.startswith("육로 약 ") for figure in length)
    names = figures_of(topics, "names")
    assert "the Roh family" in names, "names stay as published"
    quote = next(c.quote for c in topics[0].claims if c.id == "cost-caleb-kim")
    assert quote.startswith("In the past it used to cost"), "quotes are never translated"


def test_no_program_text_reaches_the_ledger(data):
    for lang in ("en", "ko"):
        dataset, tr = in_lang(data, lang)
        for topic in ledger(dataset, tr):
            for claim in topic.claims:
                for text in (claim.figure, claim.measures, claim.when, claim.note):
                    assert text == text.strip()
                    assert not {"nan", "None", "claims."} & {text, text[:7]}, (claim.id, text)


def test_source_links_keep_order_and_skip_unknown_ids(data):
    links = source_links(data, ["yahoo", "no-such-source", "cbn"])
    assert [link.id for link in links] == ["yahoo", "cbn"]
    assert links[0].url.startswith("https://uk.movies.yahoo.com/")
    assert links[0].citation.startswith("Yahoo UK, ")


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://e-n.org.uk/world-news/x", True),
        ("javascript:alert(1)", False),
        ("https://x.org/a b", False),
        ("https://x.org/a)[b](c", False),
        (None, False),
    ],
)
def test_only_plain_web_addresses_become_links(url, safe):
    assert (safe_url(url) is not None) is safe


def test_every_claim_groups_everything_the_app_states(data):
    groups = every_claim(data, strings("en"))
    sizes = {g.id: len(g.items) for g in groups}
    assert sizes == {
        "figures": len(data.figures),
        "costs": len(data.costs),
        "claims": len(data.claims),
        "arrivals": len(data.arrivals),
        "events": len(data.events),
        "legs": len(data.route),
        "quotes": len(data.quotes),
    }
    assert all(item.sources for g in groups for item in g.items), "every claim names a source"
    arrivals = next(g for g in groups if g.id == "arrivals")
    first = arrivals.items[0]
    assert first.text == "2007: 2,553 North Koreans arrived in South Korea"
    last = arrivals.items[-1]
    assert "corrected to 223" in last.detail
    assert [s.outlet for s in last.sources] == ["Newsis", "Korea JoongAng Daily"]


def test_every_claim_in_korean(data):
    dataset, tr = in_lang(data, "ko")
    groups = {g.id: g for g in every_claim(dataset, tr)}
    assert groups["arrivals"].title == "연도별 한국 입국 탈북민"
    assert groups["arrivals"].items[0].text == "2007년: 북한이탈주민 2,553명 한국 입국"
    assert groups["figures"].items[0].text.startswith("갈렙선교회가 구출한 사람: 최소 1,000명")


def test_usage_counts_read_naturally(data):
    usage = source_usage(data).set_index("id")
    assert uses_text(usage.loc["en-2023"], strings("en")) == "2 ledger figures"
    assert uses_text(usage.loc["herald-2017"], strings("en")) == "1 yearly arrival count"
    assert uses_text(usage.loc["herald-2017"], strings("ko")) == "연도별 입국자 수 1건"
