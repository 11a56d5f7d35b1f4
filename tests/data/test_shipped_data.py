"""The shipped data is honest: quotes word for word, every fact sourced, places generalized."""

from __future__ import annotations

import json
import re
from pathlib import Path

from geo import paths
from geo.data import load_dataset

OUTLET_SEED = {"cbn": "CBN News", "yahoo": "Yahoo UK", "blog": "Meet Pastor Kim"}


def seed_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "CBN News" in text:
            texts["cbn"] = text
        elif "Yahoo UK" in text:
            texts["yahoo"] = text
        elif "Meet Pastor Kim" in text:
            texts["blog"] = text
    return texts


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_quote_is_word_for_word_in_its_source(seeds_dir: Path):
    seeds = {k: normalise(v) for k, v in seed_texts(seeds_dir).items()}
    assert set(seeds) == set(OUTLET_SEED)
    for _, quote in load_dataset().quotes.iterrows():
        # " … " marks where the publisher's attribution interrupted the speaker.
        for part in normalise(quote["text"]).split(" … "):
            assert part.rstrip(".") in seeds[quote["source_id"]], (
                f"{quote['id']}: not verbatim in {quote['source_id']}"
            )


def test_headline_numbers_appear_in_their_sources(seeds_dir: Path):
    seeds = seed_texts(seeds_dir)
    assert "$3000" in seeds["yahoo"]
    assert "$20,000" in seeds["yahoo"]
    assert "$3000 per person pre-pandemic to $20,000" in seeds["cbn"]
    assert "rescued four people post-COVID" in seeds["yahoo"]
    assert "more than 1,000 defectors" in seeds["blog"]
    assert "24 years" in seeds["blog"]


def test_every_source_is_used_and_every_fact_cites_one():
    data = load_dataset()
    assert data.route["sources"].map(len).min() >= 1
    assert data.places["sources"].map(len).min() >= 1
    cited = {s for ids in data.route["sources"] for s in ids} | set(data.quotes["source_id"])
    for table in (data.arrivals, data.claims):
        cited |= {s for ids in table["source_ids"] for s in ids}
    assert cited == set(data.sources.index)


def test_route_and_places_are_generalized_to_two_decimals():
    for name in (paths.ROUTE, paths.PLACES):
        text = (paths.DATA_DIR / name).read_text(encoding="utf-8")
        for match in re.finditer(r"\[(-?\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?)\]", text):
            assert all(len(n.split(".")[1]) <= 2 for n in match.groups() if "." in n)


def test_route_runs_through_the_four_countries_in_order():
    route = load_dataset().route
    ground = list(dict.fromkeys(route.loc[route["kind"] == "route", "country"]))
    assert ground == ["China", "Vietnam", "Laos", "Thailand"]
    assert route.iloc[0]["kind"] == "symbolic"
    assert route.iloc[-1]["kind"] == "flight"


def test_countries_file_is_small_and_attributed():
    path = paths.DATA_DIR / paths.COUNTRIES
    assert path.stat().st_size < 300 * 1024
    assert "Natural Earth" in json.loads(path.read_text(encoding="utf-8"))["attribution"]
