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

from streamlit.testing.v1 import AppTest

from tests.security.payloads import MARKER, PIECES, Planted
from tests.security.streamlit_markdown import render, shown

#: Element types whose ``body`` is Markdown.
BODY_TYPES = frozenset(
    {"markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast"}
)
#: Tags the pages' own Markdown makes around escaped text: bold, a quote, lists.
PAGE_TAGS = frozenset({"p", "br", "strong", "blockquote", "ul", "ol", "li"})
WRAPPER_TAGS = {"strong": r"\*\*", "blockquote": r"> ", "ul": r"- ", "ol": r"\d+\. ", "li": r"(?:- |\d+\. )"}


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


def _wrapper_problems(source: Source, tags: frozenset[str], html: str) -> list[str]:
    extra = set(tags) - {"p", "br"}
    if source.label:
        return [f"{source.where}: markup {sorted(extra)}"] if extra else []
    problems = []
    for tag in sorted(extra):
        pattern = WRAPPER_TAGS.get(tag)
        if pattern is None or not re.match(pattern, source.text, re.MULTILINE):
            problems.append(f"{source.where}: <{tag}> that the page did not write")
    if "strong" in extra and html.count("<strong>") != len(re.findall(r"(?m)^\*\*", source.text)):
        problems.append(f"{source.where}: <strong> beyond the page's own")
    return problems


def check(source: Source, planted: Planted, seen: set[int]) -> list[str]:
    """What is wrong with how ``source`` renders; adds the markers it shows to ``seen``."""
    rendered = render(source.text, label=source.label)
    problems = [f"{source.where}: {extra}" for extra in rendered.extras]
    problems += _wrapper_problems(source, rendered.tags, rendered.html)
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
        if re.search(r"<(img|script|iframe|a)\b", node.proto.body, re.IGNORECASE):
            problems.append(f"st.html with markup from data: {node.proto.body[:200]!r}")
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
