"""The editor's view of the data files: their state, findings as the command line prints them, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import paths
from geo.data.share import OUTPUT_TIERS, leaves_out
from geo.edit.status import file_statuses, mime_type
from geo.story.i18n import Strings
from geo.text import md, md_label
from pages.ui import cache, feedback

#: The height of a row in Streamlit's data grid (its default row height, in pixels).
ROW_PX = 35


def files_section(tr: Strings) -> None:
    snap, folder = cache.snapshot(), cache.data_dir()
    st.header(md(tr("editor.files_header")))
    columns = ("col_file", "col_state", "col_errors", "col_warnings", "col_size", "col_modified")
    rows = [
        dict(
            zip(
                (tr(f"editor.{c}") for c in columns),
                (f.name, tr(f"editor.state_{f.state}"), f.errors, f.warnings, f.size_kib, f.modified),
                strict=True,
            )
        )
        for f in file_statuses(folder, snap.findings)
    ]
    # Tall enough for every file (the default height hid the last one behind a scroll bar).
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=ROW_PX * (len(rows) + 1) + 3)
    if snap.findings:
        st.caption(md(tr("editor.same_findings")))
        feedback.show_findings(snap.findings, folder, tr)
    else:
        st.success(md(tr("editor.all_pass")))
    if snap.stale:
        st.warning(md(tr("editor.viewers_stale")))
    if snap.dataset is not None:
        tiers_section(snap.dataset, tr)
    with st.expander(md_label(tr("editor.download"))):
        for i, name in enumerate(n for n in paths.DATA_FILES if (folder / n).is_file()):
            st.columns(3)[i % 3].download_button(
                name,
                data=(folder / name).read_bytes(),
                file_name=name,
                mime=mime_type(name),
                key=f"download_{name}",
            )


def tiers_section(dataset, tr: Strings) -> None:
    """Per output, what its safety tier leaves out (``geo.data.share``): before exporting, a maintainer
    sees that a room-only place will not reach the audience site."""
    left = leaves_out(dataset)
    st.subheader(md(tr("editor.share_header")))
    if not any(left.values()):
        st.caption(md(tr("editor.share_none")))
        return
    st.caption(md(tr("editor.share_intro")))
    for output, items in left.items():
        name, tier = tr(f"editor.output_{output}"), OUTPUT_TIERS[output]
        if not items:
            st.markdown(md(tr("editor.share_output_all", output=name, tier=tier)))
            continue
        with st.expander(md_label(tr("editor.share_output", output=name, tier=tier, count=len(items)))):
            st.markdown("\n".join(f"- {md(item.describe())}" for item in items))
