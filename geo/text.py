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
* ``csv_cell``: a value in a CSV file someone will open in a spreadsheet.
"""

from __future__ import annotations

import html
import json
import math
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")
#: What GitHub-flavoured Markdown turns into a link without any markup: ``www.x``, ``http://x``, ``a@b.c``.
_AUTOLINK = re.compile(r"(?i)(www|https?|ftp|mailto)(\\\.|\\:)|@")
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
#: A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def esc(value: object) -> str:
    """HTML-escape any data value, quotes included (values may land in attributes)."""
    return "" if _blank(value) else html.escape(str(value), quote=True)


def md(value: object) -> str:
    """Escape text for anything Streamlit renders as Markdown: it shows exactly as written.

    Every Markdown character is backslash-escaped, so no emphasis, link, image,
    colour directive (``:red[…]``) or LaTeX (``$…$``) can form. GitHub-flavoured
    Markdown also links bare ``www.`` and ``http://`` text and e-mail addresses
    after escapes are read, so their ``.``, ``:`` and ``@`` become character
    references that render as the same characters but are not linked.
    """
    if _blank(value):
        return ""
    text = _MD_SPECIAL.sub(r"\\\1", str(value))
    text = _AUTOLINK.sub(lambda m: "&#64;" if m.group(0) == "@" else m.group(1) + _entity(m.group(2)), text)
    return text.replace("\n", "  \n")


#: What can start Markdown inside a label: emphasis, code, links and images, LaTeX, autolinks, HTML.
_LABEL_SPECIAL = re.compile(r"([\\`*_~\[\]$<])")
#: Block markers at the start of a line (headings, quotes, lists): Streamlit would drop them.
_LABEL_LINE_START = re.compile(r"(?m)^(\s*)([#>+-]|\d+(?=[.)]))")
#: ``:smile:`` and ``:material/map:`` shortcodes, and ``&amp;``-style character references.
_LABEL_SHORTCODE = re.compile(r":(?=[\w+/-]+:)")
_LABEL_ENTITY = re.compile(r"&(?=#?\w+;)")
_BARE_AUTOLINK = re.compile(r"(?i)\b(www|https?|ftp|mailto)([.:])|@(?=\w)")


def md_label(value: object) -> str:
    """Escape a widget label: shown exactly as written, and left unchanged unless it contains Markdown."""
    if _blank(value):
        return ""
    text = _LABEL_SPECIAL.sub(r"\\\1", str(value))
    text = _LABEL_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text
    )
    text = _LABEL_SHORTCODE.sub(r"\\:", text)
    text = _LABEL_ENTITY.sub(r"\\&", text)
    return _BARE_AUTOLINK.sub(
        lambda m: "&#64;" if m.group(0) == "@" else m.group(1) + {".": "&#46;", ":": "&#58;"}[m.group(2)],
        text,
    )


def _entity(escaped: str) -> str:
    return {"\\.": "&#46;", "\\:": "&#58;"}[escaped]


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
