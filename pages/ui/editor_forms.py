"""The editor's ways to stage a change, and the review of a staged change.

Three ways in, all ending in ``geo.edit.staging.stage`` (validate, diff,
preview): upload a replacement file; sketch a segment on the map; import a GPS
track or waypoints (GPX, KML, GeoJSON, CSV: ``pages.ui.editor_import``, which
uses this module's form). Kept apart from ``pages/editor.py`` so that page
reads as its steps: sign in, files, change, review, history.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo import paths
from geo.data.parse import MAX_FILE_BYTES
from geo.edit.diff import CHANGE_KINDS
from geo.edit.staging import (
    COUNTRIES,
    PLACE_ROLES,
    SEGMENT_KINDS,
    SEGMENT_MODES,
    SIZE_LIMIT_TEXT,
    SUFFIXES,
    Staged,
    drawn_lines,
    feature_properties,
    guess_target,
    stage,
    with_feature,
)
from geo.map.build import build_map, highlight_layer, sketch_map
from geo.story.i18n import Strings
from geo.text import md, md_label
from pages.ui import cache, feedback
from pages.ui.folium_widget import show_map, show_new_map

STAGED = "editor_staged"
FLASH = "editor_flash"
STAGED_FROM = "editor_staged_from"
UPLOAD_GEN = "editor_upload_gen"
#: The review's heading for each way a change was made (``Staged.how``).
REVIEW_KEYS = {"upload": "review_upload", "sketch": "review_sketch", "import": "review_import"}


def flash(kind: str, text: str, findings: list | None = None) -> None:
    """A message for the next run to show (a callback's outcome): "success", "warning" or "error"."""
    st.session_state[FLASH] = (kind, text, findings or [])


def show_flash(tr: Strings) -> None:
    if message := st.session_state.pop(FLASH, None):
        kind, text, findings = message
        {"success": st.success, "warning": st.warning}.get(kind, st.error)(md(text))
        if findings:
            feedback.show_findings(findings, cache.data_dir(), tr)


def clear_staged() -> None:
    """Forget the staged change, and give the uploaders new keys so they forget their files too."""
    st.session_state.pop(STAGED, None)
    st.session_state.pop(STAGED_FROM, None)
    st.session_state[UPLOAD_GEN] = st.session_state.get(UPLOAD_GEN, 0) + 1


def _stage(name: str, data: bytes, origin: str, base: Staged | None = None) -> None:
    st.session_state[STAGED] = stage(
        cache.data_dir(),
        name,
        data,
        origin=origin,
        base_version=base.base_version if base else None,
        cache=cache.store().parse_cache,
    )


def upload_tab(tr: Strings) -> None:
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
        _stage(target, upload.getvalue(), upload.name)
        st.session_state[STAGED_FROM] = source


def feature_form(
    tr: Strings, key: str, target: str, can_add: bool, defaults: dict | None = None
) -> tuple[dict, bool]:
    """The properties a new segment (route) or place needs, as a form; returns (values, submitted).

    ``defaults``: an importer's suggestions (a free id, the next order) to start from.
    """
    data = cache.view().data
    defaults = defaults or {}
    with st.form(key):
        left, right = st.columns(2)
        form = {"id": left.text_input(md_label(tr("editor.field_id")), value=str(defaults.get("id") or ""))}
        form["country"] = right.selectbox(
            md_label(tr("editor.field_country")), COUNTRIES, index=1, format_func=tr.country
        )
        if target == paths.ROUTE:
            order = defaults.get("order")
            form["order"] = left.number_input(
                md_label(tr("editor.field_order")),
                min_value=1,
                value=order if isinstance(order, int) and order >= 1 else len(data.route) + 1,
            )
            form["kind"] = right.selectbox(md_label(tr("editor.field_kind")), SEGMENT_KINDS)
            form["mode"] = left.selectbox(
                md_label(tr("editor.field_mode")), SEGMENT_MODES, format_func=tr.mode
            )
            form["title"] = st.text_input(md_label(tr("editor.field_title")))
            form["summary"] = st.text_area(md_label(tr("editor.field_summary")))
        else:
            form["role"] = left.selectbox(md_label(tr("editor.field_role")), PLACE_ROLES)
            form["name"] = st.text_input(md_label(tr("editor.field_name")))
        form["sources"] = right.multiselect(md_label(tr("editor.field_sources")), list(data.sources["id"]))
        add = st.form_submit_button(md_label(tr("editor.add_to_preview")), disabled=not can_add)
    return form, add


def add_feature(tr: Strings, target: str, geometry: dict, form: dict, origin: str) -> None:
    """Add (or, with an existing id, replace) one feature in ``target``, on top of a staged change to it."""
    staged: Staged | None = st.session_state.get(STAGED)
    building_on = staged if staged and staged.name == target else None
    current = building_on.data if building_on else (cache.data_dir() / target).read_bytes()
    try:
        changed = with_feature(current, target, geometry, feature_properties(target, form))
    except ValueError as exc:
        st.error(md(tr("editor.cannot_add", reason=exc)))
        return
    _stage(target, changed, origin, building_on)
    st.session_state[STAGED_FROM] = (origin, form["id"])


def sketch_tab(tr: Strings) -> None:
    st.markdown(md(tr("editor.sketch_help")))
    view = cache.view()
    if view is None:
        st.warning(md(tr("editor.sketch_needs_data")))
        return
    drawn = show_map(
        "sketch",
        view.key,
        lambda: sketch_map(view.data, view.tr),
        key="sketch_map",
        height=460,
        use_container_width=True,
        returned_objects=["all_drawings"],
    )
    lines = drawn_lines((drawn or {}).get("all_drawings"))
    form, add = feature_form(tr, "sketch", paths.ROUTE, bool(lines))
    if not lines:
        st.caption(md(tr("editor.draw_first")))
    elif add:
        add_feature(tr, paths.ROUTE, lines[-1], form, "sketch")


def changes_table(tr: Strings, changes: list) -> pd.DataFrame:
    """One row per record: what happened to it, which fields, and each changed field before and after."""
    columns = ("col_change", "col_id", "col_fields", "col_before", "col_after", "col_geometry")

    def row(c) -> tuple:
        before = "\n".join(f"{field}: {old}" for field, old, _ in c.values)
        after = "\n".join(f"{field}: {new}" for field, _, new in c.values)
        return (tr(f"editor.kind_{c.kind}"), c.id, ", ".join(c.fields), before, after, c.geometry)

    return pd.DataFrame({tr(f"editor.{k}"): v for k, v in zip(columns, row(c), strict=True)} for c in changes)


def review_section(tr: Strings, staged: Staged, on_save: Callable[[Strings], None]) -> None:
    key = REVIEW_KEYS.get(staged.how, "review_upload")
    st.header(md(tr(f"editor.{key}", name=staged.name, origin=repr(staged.origin))))
    if staged.findings:
        (st.warning if staged.ok else st.error)(
            md(tr("editor.warnings_only" if staged.ok else "editor.has_errors"))
        )
        feedback.show_findings(staged.findings, cache.data_dir(), tr)
    if staged.changes:
        kinds = [c.kind for c in staged.changes]
        st.markdown(
            md(", ".join(tr(f"editor.count_{k}", n=kinds.count(k)) for k in CHANGE_KINDS if k in kinds))
        )
        st.dataframe(changes_table(tr, staged.changes), hide_index=True, width="stretch")
    elif staged.changes is not None:
        st.info(md(tr("editor.identical")))
    current = cache.view()
    if staged.preview is not None and current is not None and staged.name in (paths.ROUTE, paths.PLACES):
        maps = {
            "now": (current.data, None),
            "after": (staged.preview, highlight_layer(staged.preview, staged.touched_ids, name="Changed")),
        }
        for column, (label, (data, highlight)) in zip(st.columns(2), maps.items(), strict=True):
            with column:
                st.subheader(md(tr(f"editor.{label}")))
                show_new_map(
                    build_map(data, tr),
                    key=f"preview_{label}",
                    height=380,
                    use_container_width=True,
                    returned_objects=[],
                    feature_group_to_add=highlight,
                )
    save_col, discard_col = st.columns([1, 4])
    save_col.button(
        md_label(tr("editor.save")),
        type="primary",
        on_click=on_save,
        args=(tr,),
        disabled=not staged.ok,
        help=md(tr("editor.save_help") if staged.ok else tr("editor.fix_first")),
        icon=":material/save:",
    )
    discard_col.button(md_label(tr("editor.discard")), on_click=clear_staged)
