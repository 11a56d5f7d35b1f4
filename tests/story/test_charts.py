"""The timeline: arrivals per year and the cost of a rescue on one time axis, in both languages and themes.

Checked as a Vega-Lite spec (what Streamlit draws) and as the SVG vl-convert makes
(what the screening pack inlines), with no network: every label that matters is
written on the chart, in the page's language.
"""

from __future__ import annotations

import itertools
import json
import math

import pytest
import vl_convert

from geo.story.charts import (
    COVID_EVENT,
    NARROW_PLOT_PX,
    STYLES,
    arrival_bars,
    assign_lanes,
    bands,
    cost_timeline,
    describe,
    event_marks,
    text_width_px,
    time_domain,
    timeline,
    wrap,
)
from geo.story.i18n import strings
from tests.conftest import in_lang


def texts_in(spec: dict) -> set[str]:
    """Every string a text mark, title or axis could draw, from the spec's inline data and titles."""
    out: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "subtitle") and isinstance(value, (str, list)):
                    out.update([value] if isinstance(value, str) else value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    for dataset in spec.get("datasets", {}).values():
        for row in dataset:
            out.update(v for v in row.values() if isinstance(v, str))
    return out


# ------------------------------------------------------------------------------------------ the pieces


def test_the_time_axis_spans_the_counted_years(data):
    start, end = time_domain(data)
    assert (start, end) == (1167609600000, 1767139200000)  # 2007-01-01 and 2025-12-31, UTC


def test_every_counted_year_is_a_bar_and_the_telling_ones_are_labelled(data):
    bars = arrival_bars(data, strings("en"))
    assert list(bars["year"]) == [str(y) for y in range(2007, 2026)]
    assert dict(zip(bars["year"], bars["count"], strict=True))["2019"] == 1047
    # The peak, the last year before COVID-19, the low, and the latest year.
    assert set(bars.loc[bars["shown"], "year"]) == {"2009", "2019", "2021", "2025"}
    assert all(bars["start"] < bars["end"])


def test_labels_never_share_a_lane_where_they_overlap():
    places = assign_lanes([(0.1, 0.3), (0.2, 0.3), (0.9, 0.3), (0.95, 0.5)])
    assert places[0] == (0, "left")
    assert places[1] == (1, "left"), "overlaps the first: next lane"
    assert places[2] == (0, "right"), "does not fit to the right of its mark: ends at it, and fits lane 0"
    assert places[3][1] == "right"


def test_close_events_share_one_label_and_covid_is_marked(data):
    tr = strings("en")
    domain = time_domain(data)
    rules, labels = event_marks(data, tr, domain, STYLES["light"], NARROW_PLOT_PX)
    assert "kim-begins" not in set(rules["id"]), "1999 is before the chart starts"
    assert rules.loc[rules["covid"], "id"].tolist() == [COVID_EVENT]
    assert "U.S. screenings · UK release · U.S. release" in set(labels["text"])
    assert labels.loc[labels["covid"], "text"].tolist() == ["COVID-19 closes borders"]
    for lane in set(labels["lane"]):
        spans = []
        for _, lab in labels[labels["lane"] == lane].iterrows():
            x = (lab["ms"] - domain[0]) / (domain[1] - domain[0])
            w = text_width_px(lab["text"], STYLES["light"].font_px) / NARROW_PLOT_PX
            spans.append((x, x + w) if lab["align"] == "left" else (x - w, x))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), f"lane {lane} overlaps"


@pytest.mark.parametrize(("theme", "height"), [("light", 380), ("projector", 640)])
def test_bands_stack_top_to_bottom_and_end_at_the_axis(theme: str, height: int):
    b = bands(height, 4, STYLES[theme])
    assert 0 < b.events_bottom < b.cost_title < b.cost_top < b.cost_bottom < b.arrivals_title
    assert b.arrivals_title < b.arrivals_top < b.arrivals_bottom == height


def test_a_plot_too_short_for_its_type_grows_instead_of_overlapping(data):
    b = bands(200, 4, STYLES["projector"])
    assert b.arrivals_bottom > 200
    spec = timeline(data, strings("en"), theme="projector", width=900, height=200).to_dict()
    assert spec["height"] == math.ceil(b.arrivals_bottom)


def test_titles_wrap_between_words_to_the_plot_width():
    lines = wrap("구출 비용, 그리고 한국에 온 사람들", 16, 150)
    assert len(lines) > 1
    assert " ".join(lines) == "구출 비용, 그리고 한국에 온 사람들", "no word is broken"
    assert all(text_width_px(line, 16) <= 150 for line in lines)


def test_korean_is_measured_wider_than_latin():
    assert text_width_px("코로나", 10) > text_width_px("abc", 10)


# ------------------------------------------------------------------------------------------ the spec


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("theme", ["light", "projector"])
def test_the_spec_writes_its_labels_in_the_page_language(data, lang: str, theme: str):
    dataset, tr = in_lang(data, lang)
    spec = timeline(dataset, tr, theme=theme).to_dict()
    shown = texts_in(spec)
    for key in ("chart.cost_panel", "chart.arrivals_panel"):
        assert tr(key) in shown
    assert tr("chart.about_per_person", amount="3,000") in shown
    assert tr("chart.per_person", amount="20,000") in shown
    covid_label = dataset.events.set_index("id").loc[COVID_EVENT, "label"]
    assert covid_label in shown
    for count in ("2,914", "1,047", "63", "223"):
        assert count in shown
    assert spec["config"]["background"] == STYLES[theme].background
    assert spec["description"] == describe(dataset, tr)
    if lang == "ko":
        assert "코로나19로 국경 폐쇄" in shown
        assert "연도별 한국 입국 탈북민" in shown
        assert spec["config"]["font"].startswith("Route Sans KR")


def test_the_app_chart_stretches_and_exports_have_a_width(data):
    tr = strings("en")
    stretched = timeline(data, tr).to_dict()
    assert stretched["width"] == "container"
    assert stretched["autosize"] == {"type": "fit-x", "contains": "padding"}, "the height is the plot's own"
    assert timeline(data, tr, width=900, height=500).to_dict()["width"] == 900


def test_the_projector_theme_is_dark_and_large(data):
    light, projector = STYLES["light"], STYLES["projector"]
    assert projector.font_px >= 20
    assert projector.font_px > light.font_px
    spec = timeline(data, strings("en"), theme="projector", width=1200, height=640).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] == projector.font_px
    assert spec["config"]["axis"]["labelColor"] == projector.text


def test_the_old_cost_chart_name_still_draws_the_timeline(data):
    spec = cost_timeline(data, strings("en"), height=220).to_dict()
    assert strings("en")("chart.arrivals_panel") in texts_in(spec)


def test_the_description_reads_the_data(data):
    text = describe(data, strings("en"))
    assert "2007 to 2025" in text
    assert "2,914 in 2009" in text
    assert "about $3,000 per person" in text
    assert "2020" in text


# ------------------------------------------------------------------------------------------ the SVG


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("theme", ["light", "projector"])
def test_vl_convert_renders_it_offline(data, lang: str, theme: str):
    dataset, tr = in_lang(data, lang)
    svg = vl_convert.vegalite_to_svg(timeline(dataset, tr, theme=theme, width=600, height=380).to_json())
    assert svg.startswith("<svg")
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        "http://www.w3.org/1999/xlink", ""
    )
    for key in ("chart.cost_panel", "chart.arrivals_panel"):
        assert tr(key).replace("&", "&amp;") in svg
    assert "2,914" in svg
    if lang == "ko":
        assert "코로나19로 국경 폐쇄" in svg
        assert "1인당 $20,000" in svg


def glyph_pixels(char: str) -> bytes:
    """One character drawn by vl-convert in the charts' Korean fonts, as grey pixels."""
    import io

    import vl_convert
    from PIL import Image

    from geo.story.charts import FONTS, _register_fonts

    _register_fonts(vl_convert)
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"t": char}]},
        "mark": {"type": "text", "fontSize": 72, "font": FONTS["ko"]},
        "encoding": {"text": {"field": "t"}},
        "width": 100,
        "height": 100,
        "config": {"view": {"stroke": None}},
    }
    return Image.open(io.BytesIO(vl_convert.vegalite_to_png(json.dumps(spec)))).convert("L").tobytes()


def test_charts_draw_korean_with_real_glyphs():
    """With no Korean font, '한' and '국' come out as the same empty box: they must differ from each
    other, from a character no font has (U+E000, private use), and from an empty chart."""
    han, guk, missing, blank = (glyph_pixels(c) for c in ("한", "국", "\ue000", " "))
    assert han != blank, "nothing drawn"
    assert guk != blank, "nothing drawn"
    assert han != guk, "'한' and '국' are drawn alike: a missing-glyph box"
    assert missing not in (han, guk), "a Korean letter is drawn as the missing glyph"


def test_spec_is_json_serializable_for_the_cache(data):
    json.dumps(timeline(data, strings("ko")).to_dict())
