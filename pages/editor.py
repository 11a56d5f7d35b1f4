"""Edit data: for maintainers. Check the files, stage an upload or a sketch, review it, save it safely.

Nothing that writes is drawn for a session without a valid sign-in token, and
the save callback checks the token again (a forged rerun cannot skip it).
``geo.save.save_file`` re-validates and refuses conflicts, whatever the page showed.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from geo import auth, paths
from geo.diff import CHANGE_KINDS
from geo.findings import Severity
from geo.mapview import build_map, highlight_layer, sketch_map
from geo.save import ConflictError, SaveRefused, content_hash, list_backups, save_file
from geo.schema import COUNTRY_NAMES, SegmentProperties
from geo.text import md
from geo.upload import (
    SIZE_LIMIT_TEXT,
    SKETCH_TARGET,
    SUFFIXES,
    Staged,
    guess_target,
    sketched_segment,
    stage,
    with_segment,
)
from geo.validate import MAX_FILE_BYTES
from pages._shared import (
    data_dir,
    findings_text,
    framed_by_app,
    maintainer_password,
    show_map,
    sign_in_throttle,
    snapshot,
    tr,
)

framed_by_app()

TOKEN = "editor_token"
STAGED = "editor_staged"
STAGED_FROM = "editor_staged_from"
FLASH = "editor_flash"
UPLOAD_GEN = "editor_upload_gen"

s = tr()
st.title(md(s("editor.title")))
configured = maintainer_password()

if configured is None:
    st.info(md(s("editor.off", env=auth.PASSWORD_ENV)))
    st.stop()


def signed_in() -> bool:
    return auth.token_valid(st.session_state.get(TOKEN), maintainer_password())


if not signed_in():
    st.markdown(md(s("editor.intro")))
    with st.form("sign_in", clear_on_submit=True):
        given = st.text_input(s("editor.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(s("editor.sign_in"), type="primary")
    if submitted:
        result = auth.attempt(given, configured, sign_in_throttle())
        if result.token is None:
            st.error(md(result.message(s)))
        else:
            st.session_state[TOKEN] = result.token
            st.rerun()
    st.stop()


# ---------------------------------------------------------------------------- signed in from here on
directory = data_dir()


def flash(kind: str, text: str, details: str = "") -> None:
    st.session_state[FLASH] = (kind, text, details)


def clear_staged() -> None:
    st.session_state.pop(STAGED, None)
    st.session_state.pop(STAGED_FROM, None)
    st.session_state[UPLOAD_GEN] = st.session_state.get(UPLOAD_GEN, 0) + 1


def show_findings(text: str) -> None:
    """Findings as the command line prints them: the same words a maintainer can grep for."""
    st.code(text, language=None, wrap_lines=True)
    if s.lang != "en":
        st.caption(md(s("editor.findings_in_english")))


def on_save() -> None:
    staged: Staged | None = st.session_state.get(STAGED)
    if not signed_in():
        flash("error", s("editor.not_signed_in"))
        return
    if staged is None:
        return
    try:
        saved = save_file(directory, staged.name, staged.data, base_version=staged.base_version)
    except ConflictError:
        flash("error", s("editor.conflict", name=staged.name))
        return
    except SaveRefused as exc:
        reason = s("editor.save_errors", name=staged.name) if exc.findings else str(exc)
        flash("error", reason, findings_text(exc.findings))
        return
    text = s("editor.saved", name=staged.name)
    if saved.backup:
        text += " " + s("editor.backup_kept", backup=saved.backup.name)
    flash("success", text)
    clear_staged()


def on_sign_out() -> None:
    st.session_state.pop(TOKEN, None)
    clear_staged()


st.button(s("editor.sign_out"), on_click=on_sign_out)
if message := st.session_state.pop(FLASH, None):
    kind, text, details = message
    (st.success if kind == "success" else st.error)(md(text))
    if details:
        show_findings(details)

# ---------------------------------------------------------------------------- 1. state of the files
st.header(md(s("editor.files_header")))
snap = snapshot()
files = {name: directory / name for name in paths.DATA_FILES}
rows = []
for name, path in files.items():
    found = [f for f in snap.findings if f.file == name]
    errors = sum(f.severity is Severity.ERROR for f in found)
    exists = path.is_file()
    state = "missing" if not exists else ("errors" if errors else "ok")
    rows.append(
        {
            s("editor.col_file"): name,
            s("editor.col_state"): s(f"editor.state_{state}"),
            s("editor.col_errors"): errors,
            s("editor.col_warnings"): len(found) - errors,
            s("editor.col_size"): round(path.stat().st_size / 1024, 1) if exists else None,
            s("editor.col_modified"): datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            if exists
            else "",
            s("editor.col_backups"): len(list_backups(directory, name)),
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
if snap.findings:
    st.caption(md(s("editor.same_findings")))
    show_findings(findings_text(snap.findings))
else:
    st.success(md(s("editor.all_pass")))
if snap.stale:
    st.warning(md(s("editor.viewers_stale")))

with st.expander(s("editor.download")):
    columns = st.columns(3)
    for i, (name, path) in enumerate(p for p in files.items() if p[1].is_file()):
        columns[i % 3].download_button(
            name,
            data=path.read_bytes(),
            file_name=name,
            mime="text/csv" if name.endswith(".csv") else "application/geo+json",
            key=f"download_{name}",
            icon=":material/download:",
        )

# ---------------------------------------------------------------------------- 2. stage a change
st.header(md(s("editor.change_header")))
upload_tab, sketch_tab = st.tabs([s("editor.upload_tab"), s("editor.sketch_tab")])

with upload_tab:
    upload = st.file_uploader(
        s("editor.upload_label", limit=SIZE_LIMIT_TEXT),
        type=sorted({s.lstrip(".") for kinds in SUFFIXES.values() for s in kinds}),
        max_upload_size=MAX_FILE_BYTES // 2**20,
        key=f"upload_{st.session_state.get(UPLOAD_GEN, 0)}",
    )
    if upload is not None:
        guess = guess_target(upload.name)
        target = st.selectbox(
            s("editor.replaces"),
            paths.DATA_FILES,
            index=paths.DATA_FILES.index(guess) if guess else None,
            placeholder=s("editor.replaces_placeholder"),
        )
        source = (upload.file_id, target)
        if target and st.session_state.get(STAGED_FROM) != source:
            st.session_state[STAGED] = stage(directory, target, upload.getvalue(), origin=upload.name)
            st.session_state[STAGED_FROM] = source

with sketch_tab:
    st.markdown(md(s("editor.sketch_help")))
    current = snap.dataset
    if current is None:
        st.warning(md(s("editor.sketch_needs_data")))
    else:
        drawn = show_map(
            sketch_map(current),
            key="sketch_map",
            height=460,
            use_container_width=True,
            returned_objects=["all_drawings"],
        )
        lines = [
            d
            for d in (drawn or {}).get("all_drawings") or []
            if d.get("geometry", {}).get("type") == "LineString"
        ]
        with st.form("sketch"):
            left, right = st.columns(2)
            props = {
                "id": left.text_input(s("editor.field_id")),
                "order": right.number_input(
                    s("editor.field_order"), min_value=1, value=len(current.route) + 1, step=1
                ),
                "country": left.selectbox(
                    s("editor.field_country"), COUNTRY_NAMES, index=1, format_func=s.country
                ),
                "kind": right.selectbox(
                    s("editor.field_kind"), SegmentProperties.model_fields["kind"].annotation.__args__
                ),
                "mode": left.selectbox(
                    s("editor.field_mode"),
                    SegmentProperties.model_fields["mode"].annotation.__args__,
                    format_func=s.mode,
                ),
                "sources": right.multiselect(s("editor.field_sources"), list(current.sources["id"])),
                "title": st.text_input(s("editor.field_title")),
                "summary": st.text_area(s("editor.field_summary")),
                "illustrative": True,
            }
            add = st.form_submit_button(s("editor.add_to_preview"), disabled=not lines)
        if not lines:
            st.caption(md(s("editor.draw_first")))
        elif add:
            staged_now: Staged | None = st.session_state.get(STAGED)
            on_disk = files[SKETCH_TARGET].read_bytes()
            building_on = staged_now if staged_now and staged_now.name == SKETCH_TARGET else None
            try:
                feature = sketched_segment(lines[-1]["geometry"], {**props, "order": int(props["order"])})
                route = with_segment(building_on.data if building_on else on_disk, feature)
            except ValueError as exc:
                st.error(md(s("editor.cannot_add", reason=exc)))
            else:
                st.session_state[STAGED] = stage(
                    directory,
                    SKETCH_TARGET,
                    route,
                    origin="sketch",
                    base_version=building_on.base_version if building_on else content_hash(on_disk),
                )
                st.session_state[STAGED_FROM] = ("sketch", props["id"])

# ---------------------------------------------------------------------------- 3. review and save
staged: Staged | None = st.session_state.get(STAGED)
if staged is not None:
    review = (
        s("editor.review_sketch", name=staged.name)
        if staged.origin == "sketch"
        else s("editor.review_upload", name=staged.name, origin=repr(staged.origin))
    )
    st.header(md(review))
    if staged.findings:
        (st.error if not staged.ok else st.warning)(
            md(s("editor.has_errors") if not staged.ok else s("editor.warnings_only"))
        )
        show_findings(findings_text(staged.findings))
    if staged.changes is not None:
        if staged.changes:
            kinds = [c.kind for c in staged.changes]
            counts = [s(f"editor.count_{k}", n=kinds.count(k)) for k in CHANGE_KINDS if k in kinds]
            st.markdown(md(", ".join(counts)))
            st.dataframe(
                pd.DataFrame(
                    {
                        s("editor.col_change"): s(f"editor.kind_{c.kind}"),
                        s("editor.col_id"): c.id,
                        s("editor.col_fields"): ", ".join(c.fields),
                        s("editor.col_geometry"): c.geometry,
                    }
                    for c in staged.changes
                ),
                hide_index=True,
                width="stretch",
            )
        else:
            st.info(md(s("editor.identical")))
    preview = staged.preview(directory)
    if preview is not None and snap.dataset is not None and staged.name in (paths.ROUTE, paths.PLACES):
        touched = [c.id for c in staged.changes or [] if c.kind != "removed"]
        before, after = st.columns(2)
        with before:
            st.subheader(md(s("editor.now")))
            show_map(
                build_map(snap.dataset),
                key="preview_before",
                height=380,
                use_container_width=True,
                returned_objects=[],
            )
        with after:
            st.subheader(md(s("editor.after")))
            show_map(
                build_map(preview),
                key="preview_after",
                height=380,
                use_container_width=True,
                returned_objects=[],
                feature_group_to_add=highlight_layer(preview, touched, name="Changed"),
            )
    save_col, discard_col = st.columns([1, 4])
    save_col.button(
        s("editor.save"),
        type="primary",
        on_click=on_save,
        disabled=not staged.ok,
        help=s("editor.save_help") if staged.ok else s("editor.fix_first"),
        icon=":material/save:",
    )
    discard_col.button(s("editor.discard"), on_click=clear_staged)
