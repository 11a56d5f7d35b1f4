"""Data as text, wherever it is rendered: HTML, Markdown, a script, a spreadsheet.

Data files and translation catalogues are written by people. A title, a quote or
a button label must always show as the text it is: never run as HTML, load an
image, become a link or LaTeX, evaluate as a template, or execute as a
spreadsheet formula. Each renderer gets one function here, and nothing reaches
a renderer except through it:

* ``esc``: HTML text and attribute values;
* ``md``: Streamlit's Markdown bodies (text, captions, headers, help tooltips);
* ``md_label``: widget labels, which Streamlit renders as Markdown too, but
  also copies raw into the control's ``aria-label``: so only what could form
  Markdown is escaped there, and ordinary text reaches screen readers as is;
* ``script_json``: values inside a ``<script>`` that any template engine may
  see afterwards (branca wraps scripts in Jinja templates; streamlit-folium
  rewrites ``{{ 'name' }}`` in them);
* ``csv_cell`` and ``csv_bytes``: values in a CSV file someone will open in a spreadsheet.

Streamlit's Markdown works in two passes, and escaping must stop both (checked
against Streamlit 1.67's frontend; ``tests/security`` renders every case):

1. Parsing (CommonMark, GFM, ``:red[…]`` directives, ``$…$`` LaTeX) reads the
   characters as written, so a backslash escape or a character reference stops it.
2. Then passes over the *decoded* text, where ``\\.`` and ``&#46;`` are plain
   ``.`` again, so no escape can stop them: GFM's autolink pass (``www.x``,
   ``http://x``, ``a@b.c`` become links), ``:material_icon:`` and ``:streamlit:``
   (an icon, an image), emoji shortcodes ``:smile:``, and typographic
   replacements (`` -> `` becomes an arrow). Before any parsing, the frontend
   also rewrites every ``:material/`` in the source. These patterns are broken
   with a word joiner (U+2060): invisible, no space, silent for screen readers.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import math
import re

#: U+2060 WORD JOINER: invisible and zero-width; placed inside a pattern, the pattern no longer matches.
WORD_JOINER = "\u2060"
#: Whitespace as JavaScript's ``\s`` (the frontend's passes use it), for the typographic replacements.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#: Where a word joiner goes after the match, so that the frontend's passes over decoded text
#: find nothing: after ``www`` before ``.`` and a scheme before ``:`` (autolinks); before ``@``
#: (e-mail autolinks); after a ``:`` that opens a shortcode (``:smile:``, ``:material_map:``,
#: ``:streamlit:``) or a directive name (``:red[``, ``:material/``).
_JOIN_AFTER = re.compile(
    r"(?i:www)(?=\.)|(?i:https?|ftp|mailto|xmpp)(?=:)|(?=@)|:(?=[A-Za-z]|[A-Za-z0-9_+-]+:)"
)
#: The typographic replacements (`` -> `` to an arrow…), which apply between spaces.
_TYPOGRAPHIC = re.compile(rf"(?<![^{_JS_SPACE}])(<->|->|<-|--|>=|<=|~=)(?=[{_JS_SPACE}]|$)")
#: The ASCII punctuation that can start Markdown, to backslash-escape. ``:`` becomes a character
#: reference instead: the frontend rewrites ``:material/`` in the source, backslash or not.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&=\"'^])")
#: Line endings as CommonMark reads them, and the spaces or tabs that could indent a code block.
_LINE_END = re.compile(r"\r\n?")
_INDENT = re.compile(r"(?m)^[ \t]+|[ \t]+$")
#: A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Characters that must never appear literally inside a script: they could close the
#: element (``</script``, ``<!--``), or open a template tag (``{{``, ``{%``, ``{#``).
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "{": "\\u007b",
    "}": "\\u007d",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SCRIPT_UNSAFE_CHARS = re.compile("[" + re.escape("".join(_SCRIPT_UNSAFE)) + "]")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def esc(value: object) -> str:
    """HTML-escape any data value, quotes included (values may land in attributes)."""
    return "" if _blank(value) else html.escape(str(value), quote=True)


def _join_patterns(text: str) -> str:
    """Word joiners where the frontend's passes over decoded text would find a pattern."""
    text = _JOIN_AFTER.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return _TYPOGRAPHIC.sub(lambda m: m.group(1)[0] + WORD_JOINER + m.group(1)[1:], text)


def md(value: object) -> str:
    """Escape text for anything Streamlit renders as Markdown: it shows exactly as written.

    Every punctuation character that can start Markdown is backslash-escaped
    (``:`` becomes a character reference), so no emphasis, link, image, colour directive
    (``:red[…]``), LaTeX (``$…$``), HTML or block (heading, list, quote, table,
    code) can form; word joiners stop the passes over decoded text (see the
    module's docstring). Line breaks stay line breaks. Spaces and tabs around
    each line (which would indent a code block, and which Markdown drops
    anyway) and whitespace at the ends (which would keep the pages' ``**…**``
    from closing) are dropped.
    """
    if _blank(value):
        return ""
    text = str(value)
    return _md_kept(text) if len(text) <= _KEPT_LENGTH else _md_text(text)


#: Escaped text is kept: a page escapes the same titles, captions and labels on every rerun (a few
#: hundred short strings per language), and the regular expressions each time added up. Bounded: at
#: most this many strings, none longer than ``_KEPT_LENGTH`` (a long text is escaped each time).
_KEPT_STRINGS = 4096
_KEPT_LENGTH = 2000


def _md_text(text: str) -> str:
    text = _INDENT.sub("", _LINE_END.sub("\n", text)).strip()
    text = _MD_SPECIAL.sub(r"\\\1", _join_patterns(text))
    return text.replace(":", "&#58;").replace("\n", "  \n")


_md_kept = functools.lru_cache(maxsize=_KEPT_STRINGS)(_md_text)


#: What can start Markdown inside a label: emphasis, code, links and images, LaTeX, HTML.
_LABEL_SPECIAL = re.compile(r"([\\`*_~\[\]$<])")
#: Block markers at the start (headings, quotes, lists): Streamlit would drop them.
_LABEL_START = re.compile(r"^([#>+-]|\d+(?=[.)]))")
#: ``&amp;``-style character references.
_LABEL_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_label(value: object) -> str:
    """Escape a widget label: shown exactly as written, and left unchanged unless it contains Markdown.

    A label is one line: line breaks become spaces, and the spaces or tabs at
    its ends (which could indent a code block) are dropped.
    """
    if _blank(value):
        return ""
    text = str(value)
    return _label_kept(text) if len(text) <= _KEPT_LENGTH else _md_label_text(text)


def _md_label_text(text: str) -> str:
    text = " ".join(_LINE_END.sub("\n", text).split("\n")).strip(" \t")
    text = _LABEL_SPECIAL.sub(r"\\\1", _join_patterns(text))
    text = _LABEL_START.sub(
        lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), text
    )
    return _LABEL_ENTITY.sub(r"\\&", text)


_label_kept = functools.lru_cache(maxsize=_KEPT_STRINGS)(_md_label_text)


def script_json(value: object) -> str:
    """JSON to place inside a ``<script>``, safe whatever renders the script afterwards.

    Inside strings, ``< > & ' { }`` and the two JavaScript line separators become
    ``\\uXXXX`` escapes: the same string to JavaScript, but no ``</script>``,
    no ``{{ … }}`` or ``{% … %}`` can appear in the page source. JSON's own
    object braces are left alone; they never form a template tag (``{`` is always
    followed by ``"`` or ``}``).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_STRING.sub(
        lambda m: _SCRIPT_UNSAFE_CHARS.sub(lambda c: _SCRIPT_UNSAFE[c.group(0)], m.group(0)), text
    )


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading ``=``, ``+``, ``-``, ``@``, tab or CR is quoted away."""
    text = "" if _blank(value) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(rows: list[dict]) -> bytes:
    """A CSV download of ``rows`` (columns: the first row's keys), every header and cell through ``csv_cell``.

    UTF-8 with a byte order mark, so that spreadsheets open Korean text as such.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(rows[0]) if rows else []
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(row.get(c)) for c in columns] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
