"""Who may sign in to the editor: accounts from ``.streamlit/secrets.toml`` or the environment."""

from __future__ import annotations

import os

import streamlit as st

from geo.edit import auth


def maintainer_password() -> str | None:
    """From ``.streamlit/secrets.toml`` or the environment; None means editing is off."""
    try:
        secret_values = st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml at all
        secret_values = {}
    return auth.configured_password(secret_values, os.environ)


@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> auth.Throttle:
    """One per server: see ``auth.Throttle``."""
    return auth.Throttle()
