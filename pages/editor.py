"""Edit data: for maintainers. Sign in, check the files, stage a change, review it, save it as a commit.

Nothing that writes is drawn for a session without a valid sign-in token, and
the save callback checks the token again (a forged rerun cannot skip it).
``geo.edit.gate.save`` re-validates the whole dataset and refuses conflicts, whatever the page showed.
"""

from __future__ import annotations

import streamlit as st

from geo.edit import gate, history
from geo.edit.staging import Staged
from geo.text import md, md_label
from pages.ui import cache, maintainers
from pages.ui.editor_files import files_section
from pages.ui.editor_forms import (
    STAGED,
    clear_staged,
    flash,
    review_section,
    show_flash,
    sketch_tab,
    upload_tab,
)
from pages.ui.editor_history import history_section, repairs_text
from pages.ui.editor_import import import_tab

TOKEN = "editor_token"


def account():
    return maintainers.signed_in(st.session_state.get(TOKEN), maintainers.configured())


def sign_in(tr, known) -> None:
    st.markdown(md(tr("editor.intro")))
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input(md_label(tr("editor.name")), autocomplete="username")
        given = st.text_input(
            md_label(tr("editor.password")), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(md_label(tr("editor.sign_in")), type="primary")
    if submitted:
        result = maintainers.accounts.attempt(
            name, given, known, maintainers.throttle(), maintainers.client()
        )
        if result.token is None:
            key = "wrong_wait" if result.outcome == "wrong" and result.wait_s else result.outcome
            st.error(md(tr(f"editor.attempt_{key}", seconds=f"{result.wait_s:.0f}")))
        else:
            st.session_state[TOKEN] = result.token
            st.rerun()


def on_save(tr) -> None:
    staged: Staged | None = st.session_state.get(STAGED)
    who = account()
    if who is None or staged is None:
        flash("error", tr("editor.not_signed_in"))
        return
    try:
        saved = gate.save(
            cache.data_dir(),
            staged.name,
            staged.data,
            base_version=staged.base_version,
            author=history.Author(who.name, who.email),
            remote=maintainers.remote(),
        )
    except history.ConflictError:
        flash("error", tr("editor.conflict", name=staged.name))
        return
    except history.SaveRefused as exc:
        flash("error", tr("editor.save_errors", name=staged.name) if exc.findings else str(exc), exc.findings)
        return
    text = tr("editor.saved", name=staged.name, commit=saved.short, summary=saved.summary)
    text += repairs_text(tr, saved.repairs)
    if saved.push_error:
        text += " " + tr("editor.push_failed", reason=saved.push_error)
    flash("success" if not saved.push_error else "warning", text)
    clear_staged()


def change_section(tr) -> None:
    """Three ways to stage a change: replace a file, sketch a segment, import a GPS file."""
    st.header(md(tr("editor.change_header")))
    tabs = st.tabs([md_label(tr(f"editor.{k}_tab")) for k in ("upload", "sketch", "import")])
    for tab, draw in zip(tabs, (upload_tab, sketch_tab, import_tab), strict=True):
        with tab:
            draw(tr)


def render() -> None:
    tr = cache.translator()
    st.title(md(tr("editor.title")))
    known = maintainers.configured()
    if known.problems:
        st.warning(md(tr("editor.account_problems")))
        st.code("\n".join(known.problem_lines()), language=None, wrap_lines=True)
    if not known.editing_on:
        st.info(md(tr("editor.off", env=maintainers.accounts.PASSWORD_ENV)))
        return
    cache.recovered_at_start()
    who = account()
    if who is None:
        sign_in(tr, known)
        return
    st.caption(md(tr("editor.signed_in_as", name=who.name)))
    st.button(
        md_label(tr("editor.sign_out")), on_click=lambda: (st.session_state.pop(TOKEN, None), clear_staged())
    )
    show_flash(tr)
    files_section(tr)
    change_section(tr)
    if (staged := st.session_state.get(STAGED)) is not None:
        review_section(tr, staged, on_save)
    history_section(tr, account)


if __name__ == "__main__":  # run alone by Streamlit's legacy pages/ mode: see pages/__init__.py
    from pages.ui.frame import main

    main()
