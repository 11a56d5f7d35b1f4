"""How data problems are shown: to maintainers in the editor, never to viewers.

Viewers keep seeing the last data that passed. Only when no data has ever
passed does a viewer page show anything, and then a neutral sentence, not the
maintainer's findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from geo import paths
from geo.data.findings import Finding, format_finding
from geo.story.i18n import Strings
from geo.text import md


def findings_text(findings: Sequence[Finding], data_dir: Path) -> str:
    """The same lines ``python -m geo validate`` prints, so the page and the terminal agree."""
    shown = "data" if data_dir == paths.DATA_DIR else data_dir.as_posix()
    return "\n".join(format_finding(f, f"{shown}/{f.file}") for f in findings)


def show_findings(findings: Sequence[Finding], data_dir: Path, tr: Strings) -> None:
    """Findings as the command line prints them: the same words a maintainer can grep for."""
    st.code(findings_text(findings, data_dir), language=None, wrap_lines=True)
    if tr.lang != "en":
        st.caption(md(tr("editor.findings_in_english")))


def show_unavailable(tr: Strings) -> None:
    """What a viewer sees when no data has ever passed validation: no diagnostics, no traceback."""
    st.title(md(tr("app.unavailable_title")))
    st.info(md(tr("app.unavailable_body")))
