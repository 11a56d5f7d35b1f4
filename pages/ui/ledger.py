"""The claims ledger on a page: where sources disagree, each source's figure side by side, on demand.

Built from ``geo.story.claims.ledger``. Every cell is data shown as text (``md``);
the only Markdown made here is the table itself, bold figures, and links whose
text is escaped and whose address comes from ``sources.csv``'s ``url`` column,
checked there and again here (``safe_url``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Literal

import streamlit as st

from geo.story.claims import Claim, Topic, ledger
from geo.story.i18n import Strings
from geo.story.sources import SourceLink, safe_url
from geo.text import md, md_label
from pages.ui import cache

Where = Literal["popover", "expander", "inline"]
COLUMNS = ("figure", "measures", "when", "source")


def one_line(value: object) -> str:
    """A table cell holds one line: newlines and runs of spaces become one space."""
    return " ".join(str(value).split())


def link(source: SourceLink) -> str:
    """``[Yahoo UK](https://…)``; the outlet as plain text when there is no usable address."""
    text = md(one_line(source.outlet))
    url = safe_url(source.url)
    return f"[{text}]({url})" if url else text


def sources_cell(claim: Claim, tr: Strings) -> str:
    if claim.measured:
        return f"*{md(tr('claims.this_map'))}*"
    return ", ".join(f"{link(s)} {md(f'({s.date})')}" for s in claim.sources)


def ledger_table(topic: Topic, tr: Strings) -> str:
    """One topic as a Markdown table: figure, what it measures, when, source."""
    header = "| " + " | ".join(md(tr(f"claims.col_{c}")) for c in COLUMNS) + " |"
    rows = [header, "|" + "---|" * len(COLUMNS)]
    for claim in topic.claims:
        measures = claim.measures + (f". {claim.note}" if claim.note else "")
        cells = (
            f"**{md(one_line(claim.figure))}**",
            md(one_line(measures)),
            md(one_line(claim.when)),
            sources_cell(claim, tr),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def korean_text(tr: Strings, name: str) -> AbstractContextManager:
    """A container keyed ``name``; in Korean ``ko-text-<name>``, which ``static/app.css`` keeps from
    breaking Korean words (``word-break: keep-all``)."""
    return st.container(key=f"ko-text-{name}" if tr.lang == "ko" else name)


def box_key(where: Where, topic: str | None = None) -> str:
    """The ledger box's widget key: its open state lives in ``st.session_state`` under it."""
    return f"ledger-box-{where}-{topic or 'all'}"


def _box(where: Where, tr: Strings, key: str):
    """The ledger's box. A popover or expander is lazy (``on_change="rerun"``): its tables are sent
    when it is opened, not with every rerun of the page (they are a third of the leg panel's elements)."""
    label = md_label(tr("claims.open"))
    if where == "popover":
        return st.popover(label, icon=":material/balance:", width="content", key=key, on_change="rerun")
    if where == "expander":
        return st.expander(label, icon=":material/balance:", key=key, on_change="rerun")
    return st.container()


def show_ledger(view: cache.View, topic: str | None = None, *, where: Where = "popover") -> None:
    """The ledger (all topics, or one), in a popover by default; ``inline`` for a page of its own."""
    tr = view.tr
    box = _box(where, tr, key=box_key(where, topic))
    if where != "inline" and not box.open:
        return  # the box is on the page; what is in it comes when it is opened
    topics = cache.cached(f"ledger:{topic}", view.key, lambda: ledger(view.data, tr, topic))
    # Keyed "ledger-…": static/app.css stacks each table row into a block on a phone.
    with box, korean_text(tr, f"ledger-{where}"):
        st.markdown(md(tr("claims.intro")))
        for t in topics:
            if where == "inline":
                st.subheader(md(t.title), anchor=False)
            else:
                st.markdown(f"**{md(t.title)}**")
            st.caption(md(t.intro))
            st.markdown(ledger_table(t, tr))
        if where != "inline":
            st.caption(md(tr("claims.more_on_sources_page")))
