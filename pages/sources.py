"""Sources: every article the app quotes or draws from, and what it takes from each."""

from __future__ import annotations

import streamlit as st

from geo.story.sources import SOURCE_USES, source_usage
from geo.text import csv_bytes, md, md_label
from pages.ui import cache


def render() -> None:
    view = cache.view()
    data, tr = view.data, view.tr
    st.title(md(tr("sources_page.title")))
    st.markdown(md(tr("sources_page.intro")))
    usage = source_usage(data)
    for _, src in usage.iterrows():
        with st.container(border=True):
            st.header(md(src["Outlet"]), anchor=False)
            byline = ", ".join(p for p in (src["Author"], src["Date"]) if p)
            st.markdown(f"**{md(src['Title'])}**" + (f"  \n{md(byline)}" if byline else ""))
            uses = [f"{n} {tr(f'sources_page.{label}')}" for label, _, _ in SOURCE_USES if (n := src[label])]
            used_for = ", ".join(uses) if uses else tr("sources_page.nothing_yet")
            st.caption(md(tr("sources_page.used_for", uses=used_for)))
            if src["Note"]:
                st.markdown(md(src["Note"]))
    st.header(md(tr("sources_page.at_a_glance")))
    st.dataframe(usage.drop(columns=["Note"]), hide_index=True, width="stretch")
    # The table's own CSV export is off (.streamlit/config.toml): it would write formulas as formulas.
    st.download_button(
        md_label(tr("sources_page.download")),
        csv_bytes(usage.drop(columns=["Note"]).to_dict("records")),
        file_name="escape-route-sources.csv",
        mime="text/csv",
    )
    st.caption(md(tr("sources_page.credits")))


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    import app

    app.main()
