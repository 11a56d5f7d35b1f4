"""State that lives in the URL (so a shared link opens the same view) and in the session.

Reading and writing are separate functions: ``language()`` only reads;
``keep_language()``, called once per run by the app's frame, writes.
"""

from __future__ import annotations

import streamlit as st

from geo.story import i18n

LANG_PARAM = "lang"
#: The widget key of the language switch.
LANG_SWITCH = "lang"
_REMEMBERED = "lang_remembered"


def query(name: str) -> str | None:
    """A query parameter's value, or None."""
    return st.query_params.get(name)


def set_query(name: str, value: str | None) -> None:
    """Set (or, with None, remove) a query parameter; the URL in the address bar follows."""
    if value is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = value


def language() -> str:
    """The interface language: ``?lang=ko`` in the URL, else the one this session chose, else English."""
    code = query(LANG_PARAM) or st.session_state.get(_REMEMBERED, i18n.DEFAULT)
    return code if code in i18n.LANGUAGES else i18n.DEFAULT


def keep_language() -> None:
    """Remember the language and keep it in the URL.

    Streamlit's page links drop query parameters, so the session remembers the
    choice and puts it back in the URL of the next page.
    """
    code = language()
    st.session_state[_REMEMBERED] = code
    if query(LANG_PARAM) is None and code != i18n.DEFAULT:
        set_query(LANG_PARAM, code)


def language_switch(label: str) -> None:
    """English | 한국어, kept in the URL; each option is labelled in its own language."""

    def on_change() -> None:
        set_query(LANG_PARAM, st.session_state[LANG_SWITCH] or i18n.DEFAULT)

    st.session_state[LANG_SWITCH] = language()
    st.segmented_control(
        label,
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=LANG_SWITCH,
        on_change=on_change,
        label_visibility="collapsed",
    )


def link_params() -> dict[str, str] | None:
    """Query parameters a link to another page must carry (the language)."""
    code = language()
    return {LANG_PARAM: code} if code != i18n.DEFAULT else None
