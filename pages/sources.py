"""Sources: every article the app quotes or draws from, what it takes from each, and where they disagree.

The page lists every number, date, leg and quote the app shows with the sources
behind it, links every source that has a web address, and says so where one has
none. The "At a glance" table is plain HTML that wraps (escaped cells, no
horizontal scrolling at phone width), not a data grid.
"""

from __future__ import annotations

import streamlit as st

from geo.export.film import film_name
from geo.export.film.plan import film_plan, webvtt
from geo.story.i18n import Strings
from geo.story.sources import CitedGroup, every_claim, source_usage, uses_text
from geo.text import csv_bytes, esc, md, md_label
from pages.ui import cache
from pages.ui.ledger import korean_text, link, one_line, show_ledger

#: The glance table's own styles, scoped to its class so nothing else on the page changes.
GLANCE_CSS = """
<style>
  .sources-glance { width: 100%; overflow-x: auto; }
  .sources-glance table { width: 100%; table-layout: fixed; border-collapse: collapse; font-size: .95rem; }
  .sources-glance th, .sources-glance td { text-align: left; vertical-align: top; padding: .35rem .5rem;
    border-bottom: 1px solid #d9d9d9; overflow-wrap: anywhere; }
  .sources-glance th { font-weight: 600; border-bottom: 2px solid #8c8c8c; }
  .sources-glance col.outlet { width: 38%; } .sources-glance col.date { width: 26%; }
  .sources-glance col.uses { width: 36%; }
  .sources-glance td.date { white-space: nowrap; }
  @media (max-width: 480px) { .sources-glance table { font-size: .85rem; } }
  .sources-glance a { color: #0b5cad; text-decoration: underline; }
  .sources-glance :lang(ko) { word-break: keep-all; }
</style>
"""


def glance_table(usage, tr: Strings) -> str:
    """Source (linked), date, what the app uses it for: three columns that wrap at any width."""
    lang = ' lang="ko"' if tr.lang == "ko" else ""
    head = "".join(
        f"<th scope='col'>{esc(tr(f'sources_page.col_{c}'))}</th>" for c in ("source", "date", "uses")
    )
    rows = []
    for _, src in usage.iterrows():
        if src["URL"]:
            href = esc(src["URL"])
            name = f'<a href="{href}" target="_blank" rel="noopener noreferrer">{esc(src["Outlet"])}</a>'
        else:
            name = f"{esc(src['Outlet'])}<br><small>{esc(tr('sources_page.no_url_short'))}</small>"
        date, uses = esc(src["Date"]), esc(uses_text(src, tr))
        rows.append(f"<tr><td>{name}</td><td class='date'>{date}</td><td>{uses}</td></tr>")
    label = esc(tr("sources_page.at_a_glance"))
    return (
        f'{GLANCE_CSS}<div class="sources-glance"{lang}><table aria-label="{label}">'
        '<colgroup><col class="outlet"><col class="date"><col class="uses"></colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def cited_list(group: CitedGroup) -> str:
    """A Markdown list: each item, its sources as links, and what goes with it on a second line."""
    items = []
    for item in group.items:
        sources = ", ".join(link(s) for s in item.sources)
        detail = f"  \n  {md(one_line(item.detail))}" if item.detail else ""
        items.append(f"- **{md(one_line(item.text))}** · {sources}{detail}")
    return "\n".join(items)


def source_card(src, tr: Strings) -> None:
    with st.container(border=True):
        st.subheader(md(src["Outlet"]), anchor=False)
        title = src["Title"] or tr("sources_page.no_title")
        byline = ", ".join(p for p in (src["Author"], src["Date"]) if p)
        st.markdown(f"**{md(title)}**" + (f"  \n{md(byline)}" if byline else ""))
        if src["URL"]:
            st.markdown(f"[{md(tr('sources_page.open_source'))}]({src['URL']})")
        else:
            st.caption(md(tr("sources_page.no_url")))
        st.caption(md(tr("sources_page.used_for", uses=uses_text(src, tr))))
        if src["Note"]:
            st.markdown(md(src["Note"]))


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    usage = source_usage(data)
    with korean_text(tr, "sources-page"):
        st.title(md(tr("sources_page.title")))
        st.markdown(md(tr("sources_page.intro")))
        if tr.lang != "en":
            st.caption(md(tr("sources_page.notes_in_english")))
        st.header(md(tr("sources_page.at_a_glance")), anchor=False)
        st.html(glance_table(usage, tr))
        # A spreadsheet-safe copy: formula-like cells are quoted away (geo.text.csv_cell).
        st.download_button(
            md_label(tr("sources_page.download")),
            csv_bytes(usage.drop(columns=["Note"]).to_dict("records")),
            file_name="escape-route-sources.csv",
            mime="text/csv",
        )
        # The film's captions, timed as ``python -m geo video`` writes them beside the film.
        st.download_button(
            md_label(tr("sources_page.film_captions")),
            webvtt(film_plan(data, tr), tr.lang).encode("utf-8"),
            file_name=film_name(tr.lang).removesuffix(".mp4") + ".vtt",
            mime="text/vtt",
        )
        st.caption(md(tr("sources_page.film_captions_help")))
        st.header(md(tr("sources_page.ledger_header")), anchor=False)
        show_ledger(view, where="inline")
        st.header(md(tr("sources_page.every_claim_header")), anchor=False)
        st.markdown(md(tr("sources_page.every_claim_intro")))
        for group in every_claim(data, tr):
            with st.expander(md_label(f"{group.title} ({len(group.items)})")):
                st.markdown(cited_list(group))
        st.header(md(tr("sources_page.sources_header")), anchor=False)
        for _, src in usage.iterrows():
            source_card(src, tr)
        st.caption(md(tr("sources_page.credits")))
        st.caption(md(tr("basemap.credits")))


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    from pages.ui.frame import main

    main()
