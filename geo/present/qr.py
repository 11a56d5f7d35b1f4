"""The audience QR code: a link the presenter configures, so the audience can open the map on their phones.

Drawn offline by segno (a maintained, pure-Python QR encoder): it writes the SVG itself, so nothing is
escaped into it by hand, and the URL becomes black and white modules, never text in the markup.
"""

from __future__ import annotations

import io
import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

import segno

#: Where the audience site is served beside the app (``deploy/``): the app's origin + this path.
AUDIENCE_PATH = "/audience/"
#: A URL fit for a QR code: printable, no spaces, not absurdly long (a phone's camera must read it).
MAX_URL_LENGTH = 300
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")


class AudienceURLError(ValueError):
    """The configured audience URL is not an http(s) address a phone can open."""


def check_url(url: str) -> str:
    """The URL, trimmed, if it is an absolute http(s) address; ``AudienceURLError`` saying why otherwise."""
    url = url.strip()
    if not url:
        raise AudienceURLError("the audience URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise AudienceURLError(f"the audience URL is longer than {MAX_URL_LENGTH} characters")
    if not _PRINTABLE.match(url):
        raise AudienceURLError("the audience URL has spaces or characters outside ASCII: percent-encode them")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AudienceURLError(
            f"the audience URL must start with http:// or https:// and name a host; got {url!r}"
        )
    return url


def opens_only_here(url: str) -> bool:
    """Whether the address names this computer itself (localhost, a loopback address): a phone that scans
    it opens its own localhost, not the show. Presenters testing on their laptop get this by default."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def audience_url(configured: str | None, page_url: str | None) -> str | None:
    """The configured URL; else the audience site beside the app (``page_url``'s origin + ``/audience/``);
    None when there is neither (the pack, exported with no ``--audience-url``)."""
    if configured and configured.strip():
        return check_url(configured)
    if not page_url:
        return None
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, AUDIENCE_PATH, "", ""))


def qr_code(url: str) -> segno.QRCode:
    """Error correction M at least (segno raises it when the symbol has room): a projected or printed code
    is read from a distance, at an angle, sometimes through a keystone-corrected beam."""
    return segno.make(check_url(url), error="m", micro=False)


def qr_svg(url: str, *, dark: str = "#000000", light: str = "#ffffff") -> str:
    """An inline SVG that scales to its box (a viewBox, no size), with the four-module quiet zone."""
    out = io.BytesIO()
    # With its namespace: the same SVG works inline (the pack) and as an image (the app's data: URL).
    qr_code(url).save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=1,
        border=4,
        dark=dark,
        light=light,
        omitsize=True,
    )
    return out.getvalue().decode("utf-8")


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules, row by row (True: dark), with no quiet zone: for drawing it yourself (the handout)."""
    return [[bool(cell) for cell in row] for row in qr_code(url).matrix]
