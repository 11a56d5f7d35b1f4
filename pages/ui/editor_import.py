"""The editor's Import tab: a GPS file in; what it adds on the map, its privacy report, the form, the review.

Reading, generalizing and judging the file is ``geo.edit.import_stage`` (the
command line's reader underneath, so both import alike); this module only lays
the steps out. The staged change is reviewed and saved like every other, by
``pages.editor.on_save`` through ``geo.edit.gate.save``: one Save, one commit.
"""

from __future__ import annotations

import streamlit as st

from geo.data.findings import format_finding
from geo.data.parse import MAX_FILE_BYTES
from geo.edit import imports
from geo.edit.import_stage import ImportRead, read_import, report_rows, stage_import
from geo.edit.staging import SIZE_LIMIT_TEXT
from geo.map.build import import_preview_map
from geo.story.i18n import Strings
from geo.text import md, md_label
from pages.ui import cache
from pages.ui.editor_forms import STAGED, STAGED_FROM, UPLOAD_GEN, feature_form
from pages.ui.folium_widget import show_map

IMPORT_SUFFIXES = ("gpx", "kml", "geojson", "json", "csv")
#: The last file read, as ((file id, import as), ImportRead): a rerun does not read it again.
READ = "editor_import_read"


def _read(upload, as_: imports.ImportAs) -> ImportRead:
    key = (upload.file_id, as_)
    kept = st.session_state.get(READ)
    if kept is not None and kept[0] == key:
        return kept[1]
    target = cache.data_dir() / imports.TARGETS[as_]
    existing = target.read_bytes() if target.is_file() else None
    read = read_import(upload.getvalue(), upload.name, as_, existing=existing)
    st.session_state[READ] = (key, read)
    return read


def show_refusal(tr: Strings, read: ImportRead) -> None:
    """The findings on the uploaded file itself, named as the maintainer named it (it is not in data/)."""
    st.error(md(tr("editor.import_not_read", name=read.filename)))
    st.code("\n".join(format_finding(f, f.file) for f in read.findings), language=None, wrap_lines=True)
    if tr.lang != "en":
        st.caption(md(tr("editor.findings_in_english")))


def show_report(tr: Strings, read: ImportRead) -> None:
    """What was generalized, in the reader's language; the importer's own notes as it wrote them."""
    st.subheader(md(tr("editor.import_report_header")))
    st.caption(md(tr("editor.import_report")))
    st.markdown("\n".join(f"- {md(tr(key, **values))}" for key, values in report_rows(read.report)))
    if read.report.warnings:
        st.warning(md(tr("editor.import_notes")))
        st.code("\n".join(read.report.warnings), language=None, wrap_lines=True)


def show_preview(tr: Strings, read: ImportRead, file_id: str) -> None:
    view = cache.view()
    st.subheader(md(tr("editor.import_preview")))
    show_map(
        "import_preview",
        (*view.key, file_id, read.as_),
        lambda: import_preview_map(view.data, view.tr, list(read.features)),
        key="import_preview_map",
        height=380,
        use_container_width=True,
        returned_objects=[],
    )


def import_tab(tr: Strings) -> None:
    st.markdown(md(tr("editor.import_help")))
    if cache.view() is None:
        st.warning(md(tr("editor.sketch_needs_data")))
        return
    upload = st.file_uploader(
        md_label(tr("editor.import_label", limit=SIZE_LIMIT_TEXT)),
        type=list(IMPORT_SUFFIXES),
        max_upload_size=MAX_FILE_BYTES // 2**20,
        key=f"import_{st.session_state.get(UPLOAD_GEN, 0)}",
    )
    as_ = st.radio(
        md_label(tr("editor.import_as")),
        imports.IMPORT_AS,
        horizontal=True,
        format_func=lambda a: md_label(tr(f"editor.import_as_{a}")),
    )
    if upload is None:
        return
    read = _read(upload, as_)
    if not read.ok:
        show_refusal(tr, read)
        return
    show_preview(tr, read, upload.file_id)
    show_report(tr, read)
    count = len(read.features)
    pick = (
        st.selectbox(
            md_label(tr("editor.import_feature")), range(count), format_func=lambda i: f"{i + 1} / {count}"
        )
        if count > 1
        else 0
    )
    st.markdown(md(tr("editor.import_fill")))
    form, add = feature_form(tr, "import", read.target, True, defaults=read.suggested(pick))
    if add:
        st.session_state[STAGED] = stage_import(
            cache.data_dir(),
            read,
            form,
            pick=pick,
            on_top=st.session_state.get(STAGED),
            cache=cache.store().parse_cache,
        )
        st.session_state[STAGED_FROM] = (upload.name, form["id"])
