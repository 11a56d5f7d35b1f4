"""One show in two windows, in the app: the show token in the URL and the board both windows read.

The Presenter page publishes its chapter on a ``geo.present.show.ShowBoard`` kept once per server
process (``st.cache_resource``); the presenter view (``?view=notes&show=<token>``) reads it every second.
Both windows of one browser reach the same process, also behind ``deploy/``'s replicas (its sticky
cookie pins a browser to one replica). Also here: the audience address the QR code opens.
"""

from __future__ import annotations

import os

import streamlit as st

from geo.present.qr import AudienceURLError, audience_url
from geo.present.show import ShowBoard, new_token, valid_token
from pages.ui import state

SHOW_PARAM = "show"
VIEW_PARAM = "view"
NOTES_VIEW = "notes"
#: Where the audience QR code points: ``audience_url`` in ``.streamlit/secrets.toml`` or this variable;
#: with neither, the audience site beside the app (its own origin + ``/audience/``, see ``deploy/``).
AUDIENCE_SECRET = "audience_url"
AUDIENCE_ENV = "ESCAPE_ROUTE_AUDIENCE_URL"


@st.cache_resource(show_spinner=False)
def board() -> ShowBoard:
    return ShowBoard()


def token() -> str:
    """This show's token: from the URL, or a new one put there (a reload keeps the show and its timer)."""
    value = state.query(SHOW_PARAM)
    if not valid_token(value):
        value = new_token()
        state.set_query(SHOW_PARAM, value)
    return value


def view_url(show_token: str, lang: str) -> str:
    """The presenter view's address, relative to the Presenter page's."""
    params = {VIEW_PARAM: NOTES_VIEW, SHOW_PARAM: show_token, **(state.link_params() or {})}
    return "presenter?" + "&".join(f"{k}={v}" for k, v in params.items())


def _configured() -> str | None:
    try:
        secret = st.secrets.get(AUDIENCE_SECRET)
    except FileNotFoundError:  # no secrets.toml at all
        secret = None
    return secret or os.environ.get(AUDIENCE_ENV)


def audience() -> tuple[str | None, str | None]:
    """(the address the QR code opens, or None; a problem with the configured one, or None)."""
    try:
        return audience_url(_configured(), st.context.url), None
    except AudienceURLError as exc:
        return None, str(exc)
