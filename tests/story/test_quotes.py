"""``geo.story.quotes``: the page's quote filters, over the shipped quotes."""

from __future__ import annotations

from geo.story.quotes import QuoteIndex


def test_the_index_filters_as_the_page_offers(data):
    quotes = data.quotes
    index = QuoteIndex.of(data)
    assert index.ids() == list(quotes["id"])
    speaker = quotes["speaker"].iloc[0]
    assert index.ids(speakers=[speaker]) == list(quotes[quotes["speaker"] == speaker]["id"])
    leg = quotes[quotes["segment_id"] != ""]["segment_id"].iloc[0]
    assert index.ids(segment_id=leg) == list(quotes[quotes["segment_id"] == leg]["id"])
    both = quotes[(quotes["speaker"] == speaker) & (quotes["segment_id"] == leg)]["id"]
    assert index.ids(speakers=[speaker], segment_id=leg) == list(both)
    assert index.ids(speakers=["Nobody who spoke"]) == []
    assert index.ids(segment_id=None) == index.ids(segment_id="") == list(quotes["id"])
