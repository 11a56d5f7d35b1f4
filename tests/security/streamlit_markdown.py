"""How Streamlit's frontend renders a Markdown string, modelled with markdown-it-py, for the security tests.

Streamlit 1.67 renders Markdown with react-markdown: CommonMark and GitHub's
extensions (remark-gfm), plus its own plugins. What is modelled here was read
from its bundle (``streamlit/static/static/js/StreamlitMarkdown.*.js``) and
checked in Chromium (``test_payloads_browser.py``):

* markdown-it-py parses CommonMark with GFM tables and strikethrough, as HTML
  with raw HTML shown as text (Streamlit without ``unsafe_allow_html``).
* Before parsing, the frontend rewrites every ``:material/`` in the source to
  ``:material_``, and in labels escapes block markers at line starts.
* What markdown-it-py does not know is reported as ``extras``, the constructs
  Streamlit would add. Those seen while parsing, on the characters as written
  (a backslash escape or a character reference stops them): ``:name`` and
  ``:name[…]`` directives (colours, badges, icons), GFM autolink literals,
  single-tilde strikethrough, ``$…$`` LaTeX (when the source has any: only
  then is KaTeX loaded). Those run afterwards over the *decoded* text, where
  no escape stops them: GFM's autolink pass (ported from
  mdast-util-gfm-autolink-literal as bundled), ``:material_x:`` icons, the
  ``:streamlit:`` logo, emoji shortcodes (when the source has one: only then
  is remark-emoji loaded), and the typographic replacements (`` -> `` …).

The model errs on the strict side: a construct is reported when Streamlit
*might* form it. ``text`` is what a reader sees: the HTML's text content with
word joiners (U+2060, which ``geo.text`` inserts to break patterns) removed and
whitespace collapsed (``shown``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

WORD_JOINER = "\u2060"
#: JavaScript's ``\s``.
JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
#: Whitespace, compared loosely: a browser collapses ASCII whitespace, and markdown-it-py strips any
#: Unicode whitespace around a paragraph where CommonMark (and Streamlit) strip spaces and tabs.
_SPACE = re.compile(r"\s+")

# ------------------------------------------------------------------ source rewrites (frontend)

_LABEL_BLOCK = re.compile(rf"(?m)^([{JS_SPACE}]*)((?:[+\-*]|#+)(?=[{JS_SPACE}]|$)|>)")
_LABEL_NUMBER = re.compile(rf"(?m)^([{JS_SPACE}]*)(\d+)([.)])(?=[{JS_SPACE}]|$)")


def frontend_source(source: str, *, label: bool) -> str:
    """The source as the frontend hands it to react-markdown."""
    text = source.replace(":material/", ":material_")
    if label:
        text = _LABEL_BLOCK.sub(r"\1\\\2", text)
        text = _LABEL_NUMBER.sub(r"\1\2\\\3", text)
    return text


# ------------------------------------------------------------------ when plugins load (frontend)

_EMOJI_NEEDED = re.compile(r":(?!material/|streamlit:)[A-Za-z0-9_+-][A-Za-z0-9_+-]*:")
_MATH_IGNORED = re.compile(
    r"(?:\A|(?<=\n)) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]"
)
_MATH_DISPLAY = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")
_MATH_INLINE = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")


def emoji_loaded(source: str) -> bool:
    return bool(_EMOJI_NEEDED.search(source))


def math_loaded(source: str) -> bool:
    if "$" not in source:
        return False
    text = _MATH_IGNORED.sub("_", source)
    return bool(_MATH_DISPLAY.search(text) or _MATH_INLINE.search(text))


# ------------------------------------------------------------------ passes over decoded text

_URL = re.compile(r"(https?://|www(?=\.))([-.A-Za-z0-9_]+)([^ \t\r\n]*)", re.IGNORECASE)
_EMAIL = re.compile(r"([-.A-Za-z0-9_+]+)@([-A-Za-z0-9_]+(?:\.[-A-Za-z0-9_]+)+)")
_TRAILING = re.compile(r"[!\"&'),.:;<>?\]}]+$")
_ICON = re.compile(r":material_([A-Za-z0-9_]+):")
_EMOJI = re.compile(r":\+1:|:-1:|:[A-Za-z0-9_-]+:")
_TYPOGRAPHIC = re.compile(rf"(?:^|[{JS_SPACE}])(?:<->|->|<-|--|>=|<=|~=)(?=[{JS_SPACE}]|$)")


def _space_or_punctuation(char: str) -> bool:
    return char in JS_SPACE or unicodedata.category(char)[0] in "PS"


def _previous_ok(text: str, index: int, email: bool = False) -> bool:
    """``previous`` in mdast-util-gfm-autolink-literal: at the start, or after whitespace or punctuation."""
    if index == 0:
        return True
    char = text[index - 1]
    return _space_or_punctuation(char) and not (email and char == "/")


def _domain_ok(domain: str) -> bool:
    parts = domain.split(".")
    if len(parts) < 2:
        return False
    return not any(part and ("_" in part or not re.search(r"[A-Za-z0-9]", part)) for part in parts[-2:])


def _split_trailing(url: str) -> str:
    match = _TRAILING.search(url)
    if not match:
        return url
    head, tail = url[: match.start()], match.group(0)
    close = tail.find(")")
    opened, closed = head.count("("), head.count(")")
    while close != -1 and opened > closed:
        head += tail[: close + 1]
        tail = tail[close + 1 :]
        close = tail.find(")")
        closed += 1
    return head


def autolink_in_text(text: str) -> str | None:
    """The first link GFM's autolink pass would make in a decoded text node, or None."""
    pos = 0
    while (m := _URL.search(text, pos)) is not None:
        protocol, domain, path = m.groups()
        if protocol.lower().startswith("w"):
            domain, protocol = protocol + domain, ""
        if _previous_ok(text, m.start()) and _domain_ok(domain) and _split_trailing(domain + path):
            return m.group(0)
        pos = m.start() + 1
    pos = 0
    while (m := _EMAIL.search(text, pos)) is not None:
        if _previous_ok(text, m.start(), email=True) and not re.search(r"[-\d_]$", m.group(2)):
            return m.group(0)
        pos = m.start() + 1
    return None


def text_pass_extras(text: str, *, emoji: bool) -> list[str]:
    found = []
    if (link := autolink_in_text(text)) is not None:
        found.append(f"autolink {link!r}")
    found += [f"icon {m.group(0)!r}" for m in _ICON.finditer(text)]
    if ":streamlit:" in text:
        found.append("Streamlit logo image")
    if emoji:
        found += [f"emoji {m.group(0)!r}" for m in _EMOJI.finditer(text)]
    found += [f"typographic replacement {m.group(0).strip()!r}" for m in _TYPOGRAPHIC.finditer(text)]
    return found


# ------------------------------------------------------------------ constructs while parsing

_DIRECTIVE = re.compile(r":[A-Za-z]")
_LITERAL_AUTOLINK = re.compile(r"(?i)www\.|https?://|ftp://|[-.A-Za-z0-9_+]@[-A-Za-z0-9_]")


def literal_extras(literal: str, *, math: bool) -> list[str]:
    """Constructs that form from characters as written (not escaped, not character references)."""
    found = [f"directive {m.group(0)!r}" for m in _DIRECTIVE.finditer(literal)]
    found += [f"autolink literal {m.group(0)!r}" for m in _LITERAL_AUTOLINK.finditer(literal)]
    if "~" in literal:
        found.append("strikethrough or typographic tilde")
    if math and "$" in literal:
        found.append("LaTeX")
    return found


# ------------------------------------------------------------------ the renderer


def _runs(children: list[Token]) -> tuple[list[str], list[str]]:
    """(literal runs, decoded text runs) of an inline token's children before ``text_join``.

    A literal run is consecutive ``text`` tokens (characters as written); an
    escape or a character reference (``text_special``) ends it. A decoded run
    is what mdast would hold as one text node: text, escapes, references and
    soft breaks, ended by any other node (emphasis, code, a hard break…).
    """
    literal, decoded = [""], [""]
    for token in children:
        if token.type == "text":
            literal[-1] += token.content
            decoded[-1] += token.content
        elif token.type in ("text_special", "softbreak"):
            literal.append("")
            decoded[-1] += token.content if token.type == "text_special" else "\n"
        else:
            literal.append("")
            decoded.append("")
    return [r for r in literal if r], [r for r in decoded if r]


@dataclass(frozen=True)
class Rendered:
    source: str
    html: str
    #: What a reader sees: text content without word joiners, whitespace collapsed.
    text: str
    tags: frozenset[str]
    #: Streamlit constructs beyond markdown-it-py's CommonMark + GFM that would form.
    extras: tuple[str, ...]


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        self.parts.append(" " if tag in self.BLOCKS or tag == "br" else "")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" " if tag in self.BLOCKS else "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown(text: str) -> str:
    """Text as a reader sees it: no word joiners, NUL as U+FFFD (as CommonMark does), spaces collapsed."""
    text = text.replace(WORD_JOINER, "").replace("\0", "\ufffd")
    return _SPACE.sub(" ", text).strip()


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    parser.core.ruler.before("text_join", "collect_runs", _collect_runs)
    return parser


def _collect_runs(state: StateCore) -> None:
    runs = state.env.setdefault("runs", ([], []))
    for token in state.tokens:
        if token.type == "inline" and token.children:
            literal, decoded = _runs(token.children)
            runs[0].extend(literal)
            runs[1].extend(decoded)


def render(source: str, *, label: bool = False) -> Rendered:
    """``source`` as Streamlit's frontend would render it (``label``: a widget label, a nav title…)."""
    text = frontend_source(source, label=label)
    env: dict = {}
    html = _parser().render(text, env)
    literal, decoded = env.get("runs", ([], []))
    math, emoji = math_loaded(text), emoji_loaded(source)
    extras = [e for run in literal for e in literal_extras(run, math=math)]
    extras += [e for run in decoded for e in text_pass_extras(run, emoji=emoji)]
    parser = _Text()
    parser.feed(html)
    parser.close()
    return Rendered(source, html, shown("".join(parser.parts)), frozenset(parser.tags), tuple(extras))
