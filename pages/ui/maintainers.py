"""Who may sign in to the editor and where saves go: accounts, the sign-in brake, the data's git remote.

Accounts come from ``.streamlit/secrets.toml`` (``[maintainers.<name>]`` with an
argon2 ``password_hash``) or, as before, the single ``maintainer_password`` /
``ESCAPE_ROUTE_EDITOR_PASSWORD`` (the maintainer named "maintainer"). See
``geo.edit.accounts``.
"""

from __future__ import annotations

import ipaddress
import os

import streamlit as st

from geo.edit import accounts
from geo.edit.accounts import Account, Accounts, Throttle

#: The git remote the editor pulls from before and pushes to after each save (a setting; off when unset).
REMOTE_SECRET = "data_remote"
REMOTE_ENV = "ESCAPE_ROUTE_DATA_REMOTE"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml at all
        return {}


def configured() -> Accounts:
    return accounts.load_accounts(_secrets(), os.environ)


@st.cache_resource(show_spinner=False)
def throttle() -> Throttle:
    """One per server process: it counts failures per client and per account (``accounts.Throttle``)."""
    return Throttle()


def client() -> str | None:
    """The visitor's address. Behind a proxy on this machine (``deploy/``), the address it forwards."""
    address = st.context.ip_address
    forwarded = st.context.headers.get("X-Forwarded-For", "")
    try:
        local = address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        local = False
    if local and forwarded:
        return forwarded.split(",")[-1].strip() or address
    return address


def remote() -> str | None:
    value = _secrets().get(REMOTE_SECRET) or os.environ.get(REMOTE_ENV)
    return value if isinstance(value, str) and value.strip() else None


def signed_in(token: object, known: Accounts) -> Account | None:
    """The maintainer a session's token belongs to, or None."""
    name = accounts.token_account(token, known)
    return known.get(name) if name else None
