"""The editor's two ways to stage a change: upload a replacement file, or sketch a segment on the map.

Both end in ``geo.edit.staging.stage``, which validates, diffs and previews the
change; the page then shows it for review. Kept apart from ``pages/editor.py``
so that page reads as its four steps: sign in, files, change, review.
"""

from __future__ import annotations

import streamlit as st

from geo import paths
from geo.data.parse import MAX_FILE_BYTES
from geo.edit.save import content_hash
from geo.edit.staging import (
    COUNTRIES,
    SEGMENT_KINDS,
    SEGMENT_MODES,
    SIZE_LIMIT_TEXT,
    SKETCH_TARGET,
    SUFFIXES,
    Staged,
    drawn_lines,
    guess_target,
    sketch_properties,
    sketched_segment,
    stage,
    with_segment,
)
from geo.map.build import sketch_map
from geo.story.i18n import Strings
from geo.text import md, md_label
from pages.ui import cache
from pages.ui.folium_widget import show_map

STAGED_FROM = "editor_staged_from"
UPLOAD_GEN = "editor_upload_gen"


def clear_staged(staged_key: str) -> None:
    """Forget the staged change, and give the uploader a new key so it forgets its file too."""
    st.session_state.pop(staged_key, None)
    st.session_state.pop(STAGED_FROM, None)
    st.session_state[UPLOAD_GEN] = st.session_state.get(UPLOAD_GEN, 0) + 1


def upload_tab(tr: Strings, staged_key: str) -> None:
    upload = st.file_uploader(
        md_label(tr("editor.upload_label", limit=SIZE_LIMIT_TEXT)),
        type=sorted({suffix.lstrip(".") for kinds in SUFFIXES.values() for suffix in kinds}),
        max_upload_size=MAX_FILE_BYTES // 2**20,
        key=f"upload_{st.session_state.get(UPLOAD_GEN, 0)}",
    )
    if upload is None:
        return
    guess = guess_target(upload.name)
    target = st.selectbox(
        md_label(tr("editor.replaces")),
        paths.DATA_FILES,
        index=paths.DATA_FILES.index(guess) if guess else None,
        placeholder=tr("editor.replaces_placeholder"),
    )
    source = (upload.file_id, target)
    if target and st.session_state.get(STAGED_FROM) != source:
        st.session_state[staged_key] = stage(
            cache.data_dir(), target, upload.getvalue(), origin=upload.name, cache=cache.store().parse_cache
        )
        st.session_state[STAGED_FROM] = source


def sketch_form(tr: Strings, route_length: int, source_ids: list[str], can_add: bool) -> tuple[dict, bool]:
    with st.form("sketch"):
        left, right = st.columns(2)
        form = {
            "id": left.text_input(md_label(tr("editor.field_id"))),
            "order": right.number_input(
                md_label(tr("editor.field_order")), min_value=1, value=route_length + 1, step=1
            ),
            "country": left.selectbox(
                md_label(tr("editor.field_country")), COUNTRIES, index=1, format_func=tr.country
            ),
            "kind": right.selectbox(md_label(tr("editor.field_kind")), SEGMENT_KINDS),
            "mode": left.selectbox(md_label(tr("editor.field_mode")), SEGMENT_MODES, format_func=tr.mode),
            "sources": right.multiselect(md_label(tr("editor.field_sources")), source_ids),
            "title": st.text_input(md_label(tr("editor.field_title"))),
            "summary": st.text_area(md_label(tr("editor.field_summary"))),
        }
        add = st.form_submit_button(md_label(tr("editor.add_to_preview")), disabled=not can_add)
    return form, add


def sketch_tab(tr: Strings, staged_key: str) -> None:
    st.markdown(md(tr("editor.sketch_help")))
    current = cache.view()
    if current is None:
        st.warning(md(tr("editor.sketch_needs_data")))
        return
    drawn = show_map(
        "sketch",
        current.key,
        lambda: sketch_map(current.data, current.tr),
        key="sketch_map",
        height=460,
        use_container_width=True,
        returned_objects=["all_drawings"],
    )
    lines = drawn_lines((drawn or {}).get("all_drawings"))
    form, add = sketch_form(tr, len(current.data.route), list(current.data.sources["id"]), bool(lines))
    if not lines:
        st.caption(md(tr("editor.draw_first")))
        return
    if not add:
        return
    staged_now: Staged | None = st.session_state.get(staged_key)
    building_on = staged_now if staged_now and staged_now.name == SKETCH_TARGET else None
    on_disk = (cache.data_dir() / SKETCH_TARGET).read_bytes()
    try:
        route = with_segment(
            building_on.data if building_on else on_disk, sketched_segment(lines[-1], sketch_properties(form))
        )
    except ValueError as exc:
        st.error(md(tr("editor.cannot_add", reason=exc)))
        return
    st.session_state[staged_key] = stage(
        cache.data_dir(),
        SKETCH_TARGET,
        route,
        origin="sketch",
        base_version=building_on.base_version if building_on else content_hash(on_disk),
        cache=cache.store().parse_cache,
    )
    st.session_state[STAGED_FROM] = ("sketch", form["id"])
