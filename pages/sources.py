"""Sources: every article the app quotes or draws from, and what it takes from each."""

from __future__ import annotations

import streamlit as st

from geo.story import SOURCE_USES, source_usage
from geo.text import md
from pages._shared import dataset, framed_by_app, tr

framed_by_app()

s = tr()
data = dataset()
st.title(md(s("sources_page.title")))
st.markdown(md(s("sources_page.intro")))
usage = source_usage(data)
for _, src in usage.iterrows():
    with st.container(border=True):
        st.header(md(src["Outlet"]), anchor=False)
        byline = ", ".join(p for p in (src["Author"], src["Date"]) if p)
        st.markdown(f"**{md(src['Title'])}**" + (f"  \n{md(byline)}" if byline else ""))
        uses = [f"{n} {s(f'sources_page.{label}')}" for label, _, _ in SOURCE_USES if (n := src[label])]
        st.caption(
            s("sources_page.used_for", uses=", ".join(uses) if uses else s("sources_page.nothing_yet"))
        )
        if src["Note"]:
            st.markdown(md(src["Note"]))

st.header(md(s("sources_page.at_a_glance")))
st.dataframe(usage.drop(columns=["Note"]), hide_index=True, width="stretch")
st.caption(md(s("sources_page.credits")))
