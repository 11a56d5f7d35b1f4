"""The JavaScript and CSS the map needs, served from the project instead of a CDN.

folium and its plugins list CDN links in ``default_js``/``default_css``;
streamlit-folium loads those links one by one inside its iframe and stops at
the first that fails, so a single leftover CDN link means a blank map offline.
``localize`` rewrites every element's links to vendored files and refuses an
element whose assets are not vendored, so a new plugin cannot quietly bring a
CDN back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import branca.element
import folium

from geo.paths import VENDOR_DIR

#: folium's asset names we serve, mapped to files under ``static/vendor``.
VENDORED: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "leaflet_draw_js": "leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/leaflet.draw.css",
}
#: folium's defaults that this map does not use: dropped, not served.
UNUSED: frozenset[str] = frozenset(
    {
        "jquery",
        "bootstrap",
        "bootstrap_css",
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "awesome_rotate_css",
        "glyphicons_css",
    }
)


@dataclass(frozen=True)
class AssetLinks:
    """Where the browser finds ``static/vendor``: a URL prefix, e.g. Streamlit's ``/app/static/vendor``."""

    base_url: str

    def url(self, name: str) -> str:
        return f"{self.base_url.rstrip('/')}/{VENDORED[name]}"


#: Streamlit serves ``static/`` at ``/app/static/`` (``server.enableStaticServing``).
#: The path must be absolute: the map runs inside streamlit-folium's component
#: iframe, where a relative URL resolves under the component's own path.
STREAMLIT = AssetLinks("/app/static/vendor")


class UnvendoredAssetError(RuntimeError):
    pass


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def localize(m: folium.Map, links: AssetLinks = STREAMLIT) -> folium.Map:
    """Point every element of ``m`` at vendored assets (in place; returns ``m``)."""
    for element in _walk(m):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if not assets:
                continue
            kept = []
            for name, url in assets:
                if name in UNUSED:
                    continue
                if name not in VENDORED:
                    raise UnvendoredAssetError(
                        f"{type(element).__name__} needs {name!r} from {url}; vendor it in "
                        "scripts/vendor_assets.sh and geo/assets.py, or do not use it"
                    )
                kept.append((name, links.url(name)))
            setattr(element, attr, kept)
    return m


def read_vendored(name: str) -> str:
    """The text of a vendored asset, for inlining into a self-contained HTML file."""
    return (VENDOR_DIR / VENDORED[name]).read_text(encoding="utf-8")
