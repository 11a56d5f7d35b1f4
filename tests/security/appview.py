"""What an AppTest run shows as Markdown, and the checks that it shows planted text as text.

Streamlit renders as Markdown: bodies (``st.markdown``, captions, titles and
headers, alerts, help tooltips) and labels (widget labels, tab and expander
labels, radio and segmented-control options, metric labels and values). Each
is rendered here as the frontend would (``streamlit_markdown.render``) and
checked: no construct beyond what the page itself wrote, and every planted
value found in it is there whole, as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html import unescape
from html.parser import HTMLParser

from streamlit.testing.v1 import AppTest

from pages.ui.route_blocks import ROUTE_TEXT_ANCHOR
from tests.security.payloads import MARKER, PIECES, Planted
from tests.security.streamlit_markdown import render, shown

#: Element types whose ``body`` is Markdown.
BODY_TYPES = frozenset(
    {"markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast"}
)
#: Tags the pages' own Markdown makes around escaped text: bold and emphasis, a quote, lists, and the
#: claims ledger's tables with links to the sources' own addresses (``pages/ui/ledger.py``).
PAGE_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    }
)
WRAPPER_TAGS = {"blockquote": r"> ", "ul": r"- ", "ol": r"\d+\. ", "li": r"(?:- |\d+\. )"}
#: Where the pages open bold (``**…**``) or emphasis (``*…*``): at a line, list item or table cell start.
_OPENS = r"(?:^|(?<=- )|(?<=\d\. )|(?<=\| ))"
BOLD_OPEN = re.compile(_OPENS + r"\*\*(?=\S)", re.MULTILINE)
EM_OPEN = re.compile(_OPENS + r"\*(?=[^*\s])", re.MULTILINE)
TABLE_RULE = re.compile(r"^\|(?:-+\|)+$", re.MULTILINE)
HREF = re.compile(r'<a href="([^"]*)"')


@dataclass(frozen=True)
class Source:
    where: str
    text: str
    label: bool


def walk(node) -> Iterator:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from walk(child)


def _fields(proto) -> set[str]:
    return {f.name for f in proto.DESCRIPTOR.fields} if hasattr(proto, "DESCRIPTOR") else set()


def _element_sources(kind: str, proto) -> Iterator[Source]:
    fields = _fields(proto)
    if kind in BODY_TYPES and proto.body:
        yield Source(kind, proto.body, label=False)
    if "label" in fields and proto.label:
        yield Source(f"{kind} label", proto.label, label=True)
    if "help" in fields and proto.help:
        yield Source(f"{kind} help", proto.help, label=False)
    if kind == "metric":
        yield from (
            Source(f"metric {f}", getattr(proto, f), True) for f in ("body", "delta") if getattr(proto, f)
        )
    if kind == "radio":
        yield from (Source("radio option", option, True) for option in proto.options)
    if kind == "button_group":
        yield from (Source("segmented option", option.content, True) for option in proto.options)


def markdown_sources(at: AppTest) -> list[Source]:
    """Every Markdown string the run sent to the frontend, with how it is rendered."""
    out: list[Source] = []
    for node in walk(at._tree):
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if kind in ("tab", "expander"):
            out.append(Source(f"{kind} label", node.label, label=True))
        elif proto is not None:
            out.extend(_element_sources(kind, proto))
    return out


def elements(at: AppTest, kind: str) -> list:
    return [node for node in walk(at._tree) if getattr(node, "type", "") == kind]


def _wrapper_problems(source: Source, tags: frozenset[str], html: str, urls: frozenset[str]) -> list[str]:
    """Markup the page did not write itself: every tag, bold, emphasis and link is accounted for."""
    extra = set(tags) - {"p", "br"}
    if source.label:
        return [f"{source.where}: markup {sorted(extra)}"] if extra else []
    problems = [f"{source.where}: <{tag}> that the page never writes" for tag in sorted(extra - PAGE_TAGS)]
    for tag in sorted(extra & set(WRAPPER_TAGS)):
        if not re.search(WRAPPER_TAGS[tag], source.text, re.MULTILINE):
            problems.append(f"{source.where}: <{tag}> that the page did not write")
    if extra & {"table", "tr", "td", "th"} and not TABLE_RULE.search(source.text):
        problems.append(f"{source.where}: <table> that the page did not write")
    if html.count("<strong>") != len(BOLD_OPEN.findall(source.text)):
        problems.append(f"{source.where}: <strong> beyond the page's own")
    if html.count("<em>") != len(EM_OPEN.findall(source.text)):
        problems.append(f"{source.where}: <em> beyond the page's own")
    problems += [
        f"{source.where}: a link to {href!r}, not a source's address"
        for href in map(unescape, HREF.findall(html))
        if href not in urls
    ]
    return problems


#: What the pages' own ``st.html`` writes (the Sources page's glance table, styles; the Presenter
#: page's slide panel, sheets, counter and chart image): nothing that runs.
HTML_TAGS = frozenset(
    {
        "style",
        "div",
        "section",
        "h1",
        "h2",
        "h3",
        "p",
        "blockquote",
        "figure",
        "img",
        "ul",
        "li",
        "table",
        "colgroup",
        "col",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "br",
        "small",
        "span",
    }
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.handlers: list[str] = []
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        self.srcs += [value or "" for name, value in attrs if name == "src"]
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


@cache
def _own_scripts() -> frozenset[str]:
    """The one script a page writes with ``st.html``: the presenter kit, read from our own files."""
    from geo import paths

    kit = "".join(
        (paths.STATIC_DIR / f"presenter/{name}").read_text(encoding="utf-8") for name in ("fit.js", "kit.js")
    )
    return frozenset({f"<script>{kit}</script>"})


def html_problems(
    body: str, urls: frozenset[str], planted: Planted | None = None, seen: set[int] | None = None
) -> list[str]:
    """``st.html`` from a page: only the page's own tags, links only to the sources' addresses, images
    only as inline SVG, no event handler, and a script only when it is the page's own file, byte for byte.
    Each planted value in its text is there whole, as written (its marker is added to ``seen``)."""
    if body in _own_scripts():
        return []
    parsed = _Tags()
    parsed.feed(body)
    parsed.close()
    text = shown(" ".join(parsed.text))
    problems = []
    for match in MARKER.finditer(text) if planted is not None else ():
        number = int(match.group(1))
        if seen is not None:
            seen.add(number)
        if shown(planted.shown[number]).casefold() not in text.casefold():
            problems.append(f"st.html: {planted.where[number]} not shown as written: {text[:300]!r}")
    problems += [f"st.html: <{tag}> that the page never writes" for tag in sorted(parsed.tags - HTML_TAGS)]
    own = {f"#{ROUTE_TEXT_ANCHOR}"}  # the Route Map's skip link, to its own heading
    problems += [
        f"st.html: a link to {h!r}, not a source's address" for h in parsed.hrefs if h not in urls | own
    ]
    problems += [
        f"st.html: an image from {src[:60]!r}"
        for src in parsed.srcs
        if not src.startswith("data:image/svg+xml;base64,")
    ]
    problems += [f"st.html: an event handler {name!r}" for name in parsed.handlers]
    return problems


def source_urls(data_dir) -> frozenset[str]:
    """The addresses ``sources.csv`` gives: the only links a page may write (the ledger's, the cards')."""
    import csv

    with open(data_dir / "sources.csv", encoding="utf-8", newline="") as f:
        return frozenset(row["url"] for row in csv.DictReader(f) if row.get("url"))


def check(source: Source, planted: Planted, seen: set[int]) -> list[str]:
    """What is wrong with how ``source`` renders; adds the markers it shows to ``seen``."""
    rendered = render(source.text, label=source.label)
    problems = [f"{source.where}: {extra}" for extra in rendered.extras]
    problems += _wrapper_problems(source, rendered.tags, rendered.html, source_urls(planted.data_dir))
    text = rendered.text.casefold()
    for match in MARKER.finditer(rendered.text):
        number = int(match.group(1))
        seen.add(number)
        if shown(planted.shown[number]).casefold() not in text:
            problems.append(
                f"{source.where}: {planted.where[number]} not shown as written: {rendered.text!r}"
            )
    return problems


def check_run(at: AppTest, planted: Planted, seen: set[int]) -> list[str]:
    """Every problem with one run: an exception, Markdown that is not text, raw HTML or scripts from data."""
    problems = [f"exception: {e.value}" for e in at.exception]
    for source in markdown_sources(at):
        problems += check(source, planted, seen)
    for node in elements(at, "html"):
        problems += html_problems(node.proto.body, source_urls(planted.data_dir), planted, seen)
    for node in elements(at, "component_instance"):
        problems += component_problems(node.proto.json_args)
    return problems


#: What a planted piece must never be inside a script, and what it must be instead (``script_json``).
RAW_IN_SCRIPTS = [p for p in PIECES.values() if set(p) & set("<>{}")]


def component_problems(json_args: str) -> list[str]:
    """A map component's arguments: planted pieces only as ``script_json`` strings, never raw."""
    values = json.loads(json_args)
    text = (
        "\n".join(v for v in values.values() if isinstance(v, str)) if isinstance(values, dict) else json_args
    )
    problems = [f"component: raw {piece!r}" for piece in RAW_IN_SCRIPTS if piece in text]
    for token in ("{{", "{%", "{#", "</script><script>", "<img"):
        if token in text:
            problems.append(f"component: {token!r} in the map's script")
    return problems
