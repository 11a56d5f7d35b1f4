"""Program text that must never reach a viewer: what a template, a dict or a missing value prints.

The screening pack once showed ``<built-in method keys of dict object at 0x…>`` on every slide (a
template read ``t.keys``, the dict's method). Every page and every slide is checked against this list,
in both languages, in AppTest (the text each element is given) and in the browser (what is on screen).
"""

from __future__ import annotations

import re

#: Whole words only: "None" inside "Nonetheless" is fine; a lone "None" is a Python value.
PROGRAM_TEXT = re.compile(
    r"\bNone\b|\bnan\b|\bNaN\b|\bundefined\b|\bnull\b|\[object \w+\]|object at 0x|<built-in|<bound method"
    r"|<function |\{\{|\}\}|\{%|%\}|Traceback \(most recent"
)
#: Markup whose contents are code, not text (a page's own scripts and style sheets), and inline images.
_CODE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def program_text(text: str) -> list[str]:
    """Each piece of program text in ``text``, with a little context."""
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in PROGRAM_TEXT.finditer(text)]


def html_text(html: str) -> str:
    """The text an HTML fragment shows: no scripts, styles, tags or attribute values (data: images)."""
    return _TAG.sub(" ", _CODE.sub(" ", html))
