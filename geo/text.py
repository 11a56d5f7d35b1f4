"""Escaping data for the two places text is rendered: HTML (map) and Markdown (Streamlit).

Data files are written by people; a quote or title must always show as the
text it is, never run as HTML, load an image, or turn ``$3,000 … $20,000``
into LaTeX.
"""

from __future__ import annotations

import html
import math
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def esc(value: object) -> str:
    """HTML-escape any data value, quotes included (values may land in attributes)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def md(value: object) -> str:
    """Escape a data value for ``st.markdown``, ``st.caption``, ``st.subheader`` and friends."""
    text = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
