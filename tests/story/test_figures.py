"""Figures in words: where the film's journey sits in time, for the side panel of each leg."""

from __future__ import annotations

import dataclasses

from geo.story.figures import JOURNEY_EVENT, journey_in_time
from geo.story.i18n import strings, translate_dataset


def test_the_journey_is_dated_by_its_event_and_priced_by_the_cost_before_covid(data):
    text = journey_in_time(data, strings("en"))
    assert text.startswith("When: 2019–2020, marked “The escape is filmed” on the timeline below")
    assert "about $3,000 per person" in text


def test_in_korean_with_the_events_translated_label(data):
    ko = strings("ko")
    text = journey_in_time(translate_dataset(data, ko), ko)
    assert "2019–2020년" in text
    assert "“탈출 여정 촬영”" in text
    assert "약 $3,000" in text


def test_nothing_is_guessed_without_the_event_or_the_cost(data):
    no_event = dataclasses.replace(data, events=data.events[data.events["id"] != JOURNEY_EVENT])
    assert journey_in_time(no_event, strings("en")) is None
    no_cost = dataclasses.replace(data, figures=data.figures.drop(index="cost-pre-covid"))
    assert journey_in_time(no_cost, strings("en")) is None
