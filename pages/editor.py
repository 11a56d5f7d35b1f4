"""Edit data: for maintainers. Check the files, stage an upload or a sketch, review it, save it safely.

Nothing that writes is drawn for a session without a valid sign-in token, and
the save callback checks the token again (a forged rerun cannot skip it).
``geo.edit.save`` re-validates and refuses conflicts, whatever the page showed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import paths
from geo.edit import auth
from geo.edit.diff import CHANGE_KINDS
from geo.edit.save import ConflictError, SaveRefused, save_file
from geo.edit.staging import Staged
from geo.edit.status import file_statuses, mime_type
from geo.text import md, md_label
from pages.ui import cache, feedback, maintainers
from pages.ui.editor_forms import clear_staged, sketch_tab, upload_tab
from pages.ui.folium_widget import show_new_map

TOKEN = "editor_token"
STAGED = "editor_staged"
FLASH = "editor_flash"


def signed_in() -> bool:
    return auth.token_valid(st.session_state.get(TOKEN), maintainers.maintainer_password())


def sign_in(tr, configured: str) -> None:
    st.markdown(md(tr("editor.intro")))
    with st.form("sign_in", clear_on_submit=True):
        given = st.text_input(
            md_label(tr("editor.password")), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(md_label(tr("editor.sign_in")), type="primary")
    if submitted:
        result = auth.attempt(given, configured, maintainers.sign_in_throttle())
        if result.token is None:
            st.error(md(result.message(tr)))
        else:
            st.session_state[TOKEN] = result.token
            st.rerun()


def sign_out() -> None:
    st.session_state.pop(TOKEN, None)
    clear_staged(STAGED)


def on_save(tr) -> None:
    staged: Staged | None = st.session_state.get(STAGED)
    if not signed_in() or staged is None:
        st.session_state[FLASH] = ("error", tr("editor.not_signed_in"), [])
        return
    try:
        saved = save_file(cache.data_dir(), staged.name, staged.data, base_version=staged.base_version)
    except ConflictError:
        st.session_state[FLASH] = ("error", tr("editor.conflict", name=staged.name), [])
        return
    except SaveRefused as exc:
        reason = tr("editor.save_errors", name=staged.name) if exc.findings else str(exc)
        st.session_state[FLASH] = ("error", reason, exc.findings)
        return
    text = tr("editor.saved", name=staged.name)
    if saved.backup:
        text += " " + tr("editor.backup_kept", backup=saved.backup.name)
    st.session_state[FLASH] = ("success", text, [])
    clear_staged(STAGED)


def files_section(tr) -> None:
    snap = cache.snapshot()
    st.header(md(tr("editor.files_header")))
    rows = [
        {
            tr("editor.col_file"): f.name,
            tr("editor.col_state"): tr(f"editor.state_{f.state}"),
            tr("editor.col_errors"): f.errors,
            tr("editor.col_warnings"): f.warnings,
            tr("editor.col_size"): f.size_kib,
            tr("editor.col_modified"): f.modified,
        }
        for f in file_statuses(cache.data_dir(), snap.findings)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if snap.findings:
        st.caption(md(tr("editor.same_findings")))
        feedback.show_findings(snap.findings, cache.data_dir(), tr)
    else:
        st.success(md(tr("editor.all_pass")))
    if snap.stale:
        st.warning(md(tr("editor.viewers_stale")))
    with st.expander(md_label(tr("editor.download"))):
        present = [name for name in paths.DATA_FILES if (cache.data_dir() / name).is_file()]
        for i, name in enumerate(present):
            st.columns(3)[i % 3].download_button(
                name,
                data=(cache.data_dir() / name).read_bytes(),
                file_name=name,
                mime=mime_type(name),
                key=f"download_{name}",
                icon=":material/download:",
            )


def review_section(tr, staged: Staged) -> None:
    key = "review_sketch" if staged.origin == "sketch" else "review_upload"
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
        columns = ("col_change", "col_id", "col_fields", "col_geometry")
        table = [
            dict(
                zip(
                    (tr(f"editor.{c}") for c in columns),
                    (tr(f"editor.kind_{c.kind}"), c.id, ", ".join(c.fields), c.geometry),
                    strict=True,
                )
            )
            for c in staged.changes
        ]
        st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    elif staged.changes is not None:
        st.info(md(tr("editor.identical")))
    current = cache.view()
    if staged.preview is not None and current is not None and staged.name in (paths.ROUTE, paths.PLACES):
        from geo.map.build import build_map, highlight_layer

        before, after = st.columns(2)
        before.subheader(md(tr("editor.now")))
        with before:
            show_new_map(
                build_map(current.data, tr),
                key="preview_before",
                height=380,
                use_container_width=True,
                returned_objects=[],
            )
        after.subheader(md(tr("editor.after")))
        with after:
            changed = highlight_layer(staged.preview, staged.touched_ids, name="Changed")
            show_new_map(
                build_map(staged.preview, tr),
                key="preview_after",
                height=380,
                use_container_width=True,
                returned_objects=[],
                feature_group_to_add=changed,
            )
    save_col, discard_col = st.columns([1, 4])
    help_text = tr("editor.save_help") if staged.ok else tr("editor.fix_first")
    save_col.button(
        md_label(tr("editor.save")),
        type="primary",
        on_click=on_save,
        args=(tr,),
        disabled=not staged.ok,
        help=md(help_text),
        icon=":material/save:",
    )
    discard_col.button(md_label(tr("editor.discard")), on_click=clear_staged, args=(STAGED,))


def render() -> None:
    tr = cache.translator()
    st.title(md(tr("editor.title")))
    configured = maintainers.maintainer_password()
    if configured is None:
        st.info(md(tr("editor.off", env=auth.PASSWORD_ENV)))
        return
    if not signed_in():
        sign_in(tr, configured)
        return
    st.button(md_label(tr("editor.sign_out")), on_click=sign_out)
    if message := st.session_state.pop(FLASH, None):
        kind, text, findings = message
        (st.success if kind == "success" else st.error)(md(text))
        if findings:
            feedback.show_findings(findings, cache.data_dir(), tr)
    files_section(tr)
    st.header(md(tr("editor.change_header")))
    uploads, sketches = st.tabs([md_label(tr("editor.upload_tab")), md_label(tr("editor.sketch_tab"))])
    with uploads:
        upload_tab(tr, STAGED)
    with sketches:
        sketch_tab(tr, STAGED)
    if (staged := st.session_state.get(STAGED)) is not None:
        review_section(tr, staged)


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    import app

    app.main()
