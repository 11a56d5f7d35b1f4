"""Generated text with template, HTML, Markdown and URL syntax through every renderer in ``geo.text``:
each shows the text as written, and nothing in it is evaluated.

Markdown is rendered as Streamlit's frontend would (``streamlit_markdown``:
markdown-it-py for CommonMark + GFM, plus Streamlit's own passes).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.data import load_dataset
from geo.map.build import build_map
from geo.story.i18n import Strings, strings
from geo.text import csv_bytes, csv_cell, esc, md, md_label, script_json
from tests.security.streamlit_markdown import render, shown

#: Pieces attackers and careless editors write, mixed with generated Unicode below.
FRAGMENTS = [
    *(
        "{{ 7*7 }}",
        "{{",
        "}}",
        "{%",
        "%}",
        "{% if 1 %}T{% endif %}",
        "{#",
        "#}",
        "{{cycler}}",
        "{0}",
        "{x.y}",
    ),
    *("<img src=x onerror=alert(1)>", "</script>", "<script>", "<!--", "-->", "<b>", "&amp;", "&#46;", "&"),
    *("**", "*", "_", "__", "`", "```", "~", "~~", "[", "](", ")", "![", "]", "(", "\\", "$", "$$", "^"),
    *(":red[", ":blue-background[", ":material/map:", ":material_map:", ":streamlit:", ":smile:", ":+1:"),
    *(":", "::", ":::", "#", "# ", "## ", "> ", "- ", "+ ", "* ", "1. ", "2) ", "---", "===", "|", "|-|"),
    *("www.", "www.example.com", "http://", "https://x.org/a?b", "ftp://", "mailto:", "a@b.co", "@", ".com"),
    *("->", "<-", "<->", "--", ">=", "<=", "~=", " -> ", "=", "+", "-", '=HYPERLINK("http://x","y")'),
    *("\n", "\n\n", "\r", "\r\n", "\t", "    ", "  ", " ", "\x00", "\x0b", "\x0c", "\x1f", "\x85"),
    *("\u00a0", "\u2028", "\u2029", "\u3000", "\ufeff", "\u200b", "\u2060", "\u202e"),
    *("한국어", "김성은 목사", "北朝鮮", "Ünïcödé", "é", "😀", "①"),
]
unicode_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6)
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | unicode_text, max_size=14).map("".join)
#: Text with no character that could form Markdown: a label made of it must reach screen readers unchanged.
PLAIN_EXCLUDED = "\\`*_~[]$<>&:@#+-=|!.{}()\t\n\r\x0b\x0c"
plain_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=PLAIN_EXCLUDED),
    max_size=40,
).filter(lambda s: s == s.strip(" "))

#: What Markdown escaped by ``md`` or ``md_label`` may produce: paragraphs and line breaks.
PLAIN_TAGS = frozenset({"p", "br"})


def assert_shown_as_written(source: str, text: str, *, label: bool = False) -> None:
    rendered = render(source, label=label)
    assert rendered.tags <= PLAIN_TAGS, rendered.html
    assert not rendered.extras, rendered.extras
    assert rendered.text == shown(text), (rendered.html, source)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
@example("www.example.com http://x.org a@b.co")
@example(":material/map: :streamlit: :red[x] :smile: $x^2$ a -> b")
@example("    code\n\n    more code")
def test_md_shows_any_text_as_written(text: str):
    assert_shown_as_written(md(text), text)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
@example("# heading")
@example("1. item")
@example("---")
@example("    indented")
@example("line one\n===")
def test_md_label_shows_any_text_as_written(text: str):
    assert_shown_as_written(md_label(text), " ".join(text.replace("\r", "\n").split("\n")), label=True)


def test_text_too_long_to_keep_is_escaped_all_the_same():
    """``md`` and ``md_label`` keep what they escaped for short strings only: a long one takes the
    uncached path, which must escape exactly as the kept one does."""
    text = "**a** :red[x] www.x.org {{ 7*7 }} <b>b</b> $x$ -> y\n" * 200
    assert len(text) > 2000
    assert_shown_as_written(md(text), text)
    assert_shown_as_written(md_label(text), " ".join(text.split("\n")), label=True)
    assert md(text) == md(text[:1000] + text[1000:])  # the same answer from a new string object


@settings(max_examples=300, deadline=None)
@given(plain_text)
@example("Leg of the route")
@example("경로의 구간")
@example("Show all 29 quotes, 10 % of them / any")
def test_md_label_leaves_plain_labels_alone(text: str):
    """Screen readers hear the label as written: Streamlit copies the raw label into ``aria-label``."""
    assert md_label(text) == text
    assert_shown_as_written(md_label(text), text, label=True)


#: How the pages wrap escaped text: bold, a quote, a list item, an ordered list item.
WRAPPERS = {
    "**{}**": frozenset({"p", "strong"}),
    "> {}": frozenset({"p", "br", "blockquote"}),
    "- {}": frozenset({"p", "br", "ul", "li"}),
    "6. {}": frozenset({"p", "br", "ol", "li"}),
}


@settings(max_examples=300, deadline=None)
@given(
    hostile_text.filter(lambda s: s.strip() and "\n" not in s and "\r" not in s),
    st.sampled_from(list(WRAPPERS)),
)
def test_md_inside_the_pages_markdown_stays_text(text: str, wrapper: str):
    rendered = render(wrapper.format(md(text)))
    assert rendered.tags <= WRAPPERS[wrapper], rendered.html
    assert not rendered.extras, rendered.extras
    assert "<strong>" in rendered.html or wrapper != "**{}**"
    assert rendered.text == shown(text)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
@example("</script><script>window.__pwned=1</script><!-- {{ 7*7 }} {% if 1 %} {# c #}")
@example({"a": {"b": [{"c": "}}"}]}})
def test_script_json_round_trips_and_never_closes_or_templates(value):
    text = script_json(value)
    assert json.loads(text) == value
    for unsafe in ("</", "<!--", "{{", "{%", "{#", "\u2028", "\u2029"):
        assert unsafe not in text


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_esc_round_trips_and_leaves_no_markup(text: str):
    escaped = esc(text)
    assert html.unescape(escaped) == text
    assert not set("<>\"'") & set(escaped)


@settings(max_examples=300, deadline=None)
@given(hostile_text | st.integers() | st.floats(allow_nan=False) | st.none())
@example('=HYPERLINK("http://x","y")')
@example("\t=1+1")
def test_csv_cell_never_starts_a_formula(value):
    assert not csv_cell(value).startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"a": hostile_text, "b": hostile_text | st.integers()}), max_size=5))
def test_csv_bytes_cells_are_text_in_a_spreadsheet(rows: list[dict]):
    data = csv_bytes(rows)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    columns = list(rows[0]) if rows else []
    expected = [columns, *([csv_cell(r[c]) for c in columns] for r in rows)]
    assert parsed == expected
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for row in parsed for c in row)


DATASET = load_dataset()
EN = strings("en")
TITLE_MARK, LAYER_MARK = "TITLEMARK9Q", "LAYERMARK7Z"
_ELEMENT_ID = re.compile(r"_[0-9a-f]{32}\b")


def _translator(layer_name: str) -> Strings:
    return Strings("en", {**EN.own, "map.places_layer": layer_name}, EN.fallback)


def _map_page(title: str, layer_name: str) -> str:
    route = DATASET.route.copy()
    route.loc[route.index[0], "title"] = title
    page = build_map(dataclasses.replace(DATASET, route=route), _translator(layer_name)).get_root().render()
    return _ELEMENT_ID.sub("_ID", page)


MARKED_PAGE = _map_page(TITLE_MARK, LAYER_MARK)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text, hostile_text)
@example("{{ 7*7 }} {% if 1 %}T{% endif %} {# c #} {{ broken", "{{cycler.__init__.__globals__.os.getpid()}}")
@example("</script><script>window.__pwned=1</script>", "<img src=x onerror=alert(1)>")
def test_a_route_title_or_layer_name_in_the_map_is_only_data(title: str, layer_name: str):
    """The map renders whatever the title and the translated layer name, and they change nothing but
    their own JSON strings (the layer name HTML-escaped first: Leaflet inserts it as HTML)."""
    # The catalogue string as the app shows it: ``{{`` is a brace; a string that cannot be filled is English.
    shown_name = _translator(layer_name)("map.places_layer")
    expected = MARKED_PAGE.replace(TITLE_MARK, script_json(title)[1:-1]).replace(
        LAYER_MARK, script_json(esc(shown_name))[1:-1]
    )
    assert _map_page(title, layer_name) == expected
