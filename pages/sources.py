"""Sources: every article the app quotes or draws from, and what it takes from each."""

from __future__ import annotations

import streamlit as st

from geo.story import SOURCE_USES, source_usage
from geo.text import md
from pages._shared import dataset, framed_by_app

framed_by_app()

data = dataset()
st.title("Sources")
st.markdown(
    "Every quote, figure, date and place in this app comes from one of these sources, and each "
    "is cited where it appears. Quotes are copied word for word; words in [brackets] are the "
    "publisher's. Names are spelled differently across the articles: Pastor Kim appears as "
    "Sengeun, Seungeun, Seongeun and Sung-eun Kim; the family as the Roh and the Ro family."
)
usage = source_usage(data)
for _, src in usage.iterrows():
    with st.container(border=True):
        st.subheader(md(src["Outlet"]))
        byline = ", ".join(p for p in (src["Author"], src["Date"]) if p)
        st.markdown(f"**{md(src['Title'])}**" + (f"  \n{md(byline)}" if byline else ""))
        uses = [f"{n} {label.lower()}" for label, _, _ in SOURCE_USES if (n := src[label])]
        st.caption("Used for: " + (", ".join(uses) if uses else "nothing yet"))
        if src["Note"]:
            st.markdown(md(src["Note"]))

st.subheader("At a glance")
st.dataframe(usage.drop(columns=["Note"]), hide_index=True, width="stretch")
st.caption(
    "Country outlines: Natural Earth (public domain), via the world-atlas package. "
    "Map software: Leaflet (BSD-2-Clause), served from this app."
)
