"""Edit data: for maintainers. Check the files, stage an upload or a sketch, review it, save it safely.

Nothing that writes is drawn for a session without a valid sign-in token, and
the save callback checks the token again (a forged rerun cannot skip it).
``geo.save.save_file`` re-validates and refuses conflicts, whatever the page showed.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import auth, paths
from geo.findings import Severity
from geo.mapview import build_map, highlight_layer, sketch_map
from geo.save import SaveRefused, content_hash, list_backups, save_file
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
    sign_in_throttle,
    snapshot,
)

framed_by_app()

TOKEN = "editor_token"
STAGED = "editor_staged"
STAGED_FROM = "editor_staged_from"
FLASH = "editor_flash"
UPLOAD_GEN = "editor_upload_gen"

st.title("Edit the data")
configured = maintainer_password()

if configured is None:
    st.info(
        "**Editing is off on this server.** No maintainer password is configured. "
        "To turn it on, set `maintainer_password` in `.streamlit/secrets.toml` or the "
        f"`{auth.PASSWORD_ENV}` environment variable, then reload (see the README)."
    )
    st.stop()


def signed_in() -> bool:
    return auth.token_valid(st.session_state.get(TOKEN), maintainer_password())


if not signed_in():
    st.write("This page is for the maintainers of the route data. Sign in to check and change it.")
    with st.form("sign_in", clear_on_submit=True):
        given = st.text_input("Maintainer password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        token, message = auth.attempt(given, configured, sign_in_throttle())
        if token is None:
            st.error(message)
        else:
            st.session_state[TOKEN] = token
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


def on_save() -> None:
    staged: Staged | None = st.session_state.get(STAGED)
    if not signed_in():
        flash("error", "You are not signed in; nothing was written.")
        return
    if staged is None:
        return
    try:
        saved = save_file(directory, staged.name, staged.data, base_version=staged.base_version)
    except SaveRefused as exc:
        flash("error", str(exc), findings_text(exc.findings))
        return
    backup = f" The previous version is kept as `{saved.backup.name}`." if saved.backup else ""
    flash("success", f"Saved {staged.name}. Viewers see it on their next interaction.{backup}")
    clear_staged()


def on_sign_out() -> None:
    st.session_state.pop(TOKEN, None)
    clear_staged()


st.button("Sign out", on_click=on_sign_out)
if message := st.session_state.pop(FLASH, None):
    kind, text, details = message
    (st.success if kind == "success" else st.error)(text)
    if details:
        st.code(details, language=None, wrap_lines=True)

# ---------------------------------------------------------------------------- 1. state of the files
st.header("Data files")
snap = snapshot()
files = {name: directory / name for name in paths.DATA_FILES}
rows = []
for name, path in files.items():
    found = [f for f in snap.findings if f.file == name]
    errors = sum(f.severity is Severity.ERROR for f in found)
    exists = path.is_file()
    rows.append(
        {
            "file": name,
            "state": "missing" if not exists else ("errors" if errors else "ok"),
            "errors": errors,
            "warnings": len(found) - errors,
            "size (KiB)": round(path.stat().st_size / 1024, 1) if exists else None,
            "modified": datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            if exists
            else "",
            "backups": len(list_backups(directory, name)),
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
if snap.findings:
    st.caption("The same findings as `python -m geo validate`:")
    st.code(findings_text(snap.findings), language=None, wrap_lines=True)
else:
    st.success("All data files pass validation.")
if snap.stale:
    st.warning("Viewers are seeing the last good version until the errors above are fixed.")

with st.expander("Download a data file"):
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
st.header("Change a file")
upload_tab, sketch_tab = st.tabs(["Upload a replacement", "Sketch a segment"])

with upload_tab:
    upload = st.file_uploader(
        f"A GeoJSON or CSV file to replace one of the data files (at most {SIZE_LIMIT_TEXT})",
        type=sorted({s.lstrip(".") for kinds in SUFFIXES.values() for s in kinds}),
        max_upload_size=MAX_FILE_BYTES // 2**20,
        key=f"upload_{st.session_state.get(UPLOAD_GEN, 0)}",
    )
    if upload is not None:
        guess = guess_target(upload.name)
        target = st.selectbox(
            "It replaces",
            paths.DATA_FILES,
            index=paths.DATA_FILES.index(guess) if guess else None,
            placeholder="Choose the data file this upload replaces",
        )
        source = (upload.file_id, target)
        if target and st.session_state.get(STAGED_FROM) != source:
            st.session_state[STAGED] = stage(directory, target, upload.getvalue(), origin=upload.name)
            st.session_state[STAGED_FROM] = source

with sketch_tab:
    st.write(
        "Draw a line with the line tool (left of the map), finish it, fill in the details, and add it "
        "to the preview. An id that already exists replaces that segment. Coordinates are rounded to "
        "2 decimals (about 1 km): sketch at region or city level only."
    )
    current = snap.dataset
    if current is None:
        st.warning("The sketch tool needs data that passes validation.")
    else:
        drawn = st_folium(
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
                "id": left.text_input("Id (lower-case-with-hyphens)"),
                "order": right.number_input("Order", min_value=1, value=len(current.route) + 1, step=1),
                "country": left.selectbox("Country", COUNTRY_NAMES, index=1),
                "kind": right.selectbox("Kind", SegmentProperties.model_fields["kind"].annotation.__args__),
                "mode": left.selectbox("Mode", SegmentProperties.model_fields["mode"].annotation.__args__),
                "sources": right.multiselect("Sources", list(current.sources["id"])),
                "title": st.text_input("Title"),
                "summary": st.text_area("Summary (what the sources say about this leg)"),
                "illustrative": True,
            }
            add = st.form_submit_button("Add to preview", disabled=not lines)
        if not lines:
            st.caption("Draw a line on the map first.")
        elif add:
            staged_now: Staged | None = st.session_state.get(STAGED)
            on_disk = files[SKETCH_TARGET].read_bytes()
            building_on = staged_now if staged_now and staged_now.name == SKETCH_TARGET else None
            try:
                feature = sketched_segment(lines[-1]["geometry"], {**props, "order": int(props["order"])})
                route = with_segment(building_on.data if building_on else on_disk, feature)
            except ValueError as exc:
                st.error(f"Cannot add this sketch: {exc}")
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
    origin = "a sketch" if staged.origin == "sketch" else f"the upload {staged.origin!r}"
    st.header(f"Review: {staged.name}, from {md(origin)}")
    if staged.findings:
        (st.error if not staged.ok else st.warning)(
            "This change has errors and cannot be saved:"
            if not staged.ok
            else "Warnings (saving is allowed):"
        )
        st.code(findings_text(staged.findings), language=None, wrap_lines=True)
    if staged.changes is not None:
        if staged.changes:
            counts = pd.Series([c.kind for c in staged.changes]).value_counts()
            st.write(", ".join(f"{n} {kind}" for kind, n in counts.items()))
            st.dataframe(pd.DataFrame([c.as_row() for c in staged.changes]), hide_index=True, width="stretch")
        else:
            st.info("The upload is identical to the file on disk, record by record.")
    preview = staged.preview(directory)
    if preview is not None and snap.dataset is not None and staged.name in (paths.ROUTE, paths.PLACES):
        touched = [c.id for c in staged.changes or [] if c.kind != "removed"]
        before, after = st.columns(2)
        with before:
            st.subheader("Now")
            st_folium(
                build_map(snap.dataset),
                key="preview_before",
                height=380,
                use_container_width=True,
                returned_objects=[],
            )
        with after:
            st.subheader("After saving (changes highlighted)")
            st_folium(
                build_map(preview),
                key="preview_after",
                height=380,
                use_container_width=True,
                returned_objects=[],
                feature_group_to_add=highlight_layer(preview, touched, name="Changed"),
            )
    save_col, discard_col = st.columns([1, 4])
    save_col.button(
        "Save",
        type="primary",
        on_click=on_save,
        disabled=not staged.ok,
        help="Writes the file atomically and keeps a backup of the current version."
        if staged.ok
        else "Fix the errors first.",
        icon=":material/save:",
    )
    discard_col.button("Discard this change", on_click=clear_staged)
