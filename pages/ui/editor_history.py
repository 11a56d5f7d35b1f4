"""The editor's history: every save is a git commit; see who changed what when, and restore any version.

A restore is validated against today's other files and committed as a new
commit (``geo.edit.gate.restore``, the same checks as a save): history is never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from geo.edit import gate, history
from geo.edit.accounts import Account
from geo.edit.recovery import Repair
from geo.story.i18n import Strings
from geo.text import md, md_label
from pages.ui import cache, maintainers
from pages.ui.editor_forms import changes_table, clear_staged, flash

#: Commits listed; older ones stay in git (``python -m geo history``).
SHOWN = 30


def on_restore(tr: Strings, account: Callable[[], Account | None], commit: str, name: str) -> None:
    who = account()
    if who is None:
        flash("error", tr("editor.not_signed_in"))
        return
    try:
        done = gate.restore(
            cache.data_dir(),
            commit,
            name,
            author=history.Author(who.name, who.email),
            remote=maintainers.remote(),
        )
    except history.SaveRefused as exc:
        flash("error", tr("editor.restore_refused", name=name) + " " + str(exc), exc.findings)
        return
    text = tr("editor.restored", name=name, commit=done.short, summary=done.summary)
    text += repairs_text(tr, done.repairs)
    flash(
        "warning" if done.push_error else "success", text + (f" {done.push_error}" if done.push_error else "")
    )
    clear_staged()


def repairs_text(tr: Strings, repairs: Sequence[Repair]) -> str:
    """ " Put right first: …" after a save's message, when an interrupted save had left something."""
    return f" {tr('editor.repaired')} {'; '.join(r.message for r in repairs)}" if repairs else ""


def repairs_section(tr: Strings) -> None:
    """The latest repairs after interrupted saves: what was committed as recovered, what was put back."""
    notes = gate.notes(cache.data_dir(), limit=5)
    if notes:
        with st.expander(md_label(tr("editor.repairs_header")), expanded=False):
            for note in notes:
                st.markdown(md(f"{note.when[:16].replace('T', ' ')} UTC: {note.message}"))


def history_section(tr: Strings, account: Callable[[], Account | None]) -> None:
    st.header(md(tr("editor.history_header")))
    repairs_section(tr)
    try:
        entries = history.log(cache.data_dir(), limit=SHOWN)
    except history.HistoryError:
        entries = []
    if not entries:
        st.info(md(tr("editor.history_empty")))
        return
    columns = ("col_commit", "col_date", "col_author", "col_summary")
    st.dataframe(
        pd.DataFrame(
            {
                tr(f"editor.{c}"): v
                for c, v in zip(
                    columns, (e.short, e.date[:16].replace("T", " "), e.author, e.summary), strict=True
                )
            }
            for e in entries
        ),
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox(
        md_label(tr("editor.history_pick")),
        entries,
        format_func=lambda e: f"{e.short} · {e.date[:10]} · {e.author} · {e.summary}",
        key="history_pick",
    )
    baseline = chosen.summary == history.BASELINE_SUBJECT
    if baseline:
        st.caption(md(tr("editor.history_baseline")))
    for name, found in history.changes(cache.data_dir(), chosen.commit).items():
        # One line per file (what changed, in words); the record-by-record table on demand.
        with st.expander(md_label(f"{name}: {history.describe_changes(found)}"), expanded=not baseline):
            if found:
                st.dataframe(changes_table(tr, found), hide_index=True, width="stretch")
            else:
                st.caption(md(tr("editor.history_not_comparable")))
            st.button(
                md_label(tr("editor.restore_button", name=name, commit=chosen.short)),
                key=f"restore_{chosen.commit}_{name}",
                on_click=on_restore,
                args=(tr, account, chosen.commit, name),
                icon=":material/history:",
            )
