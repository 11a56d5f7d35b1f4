"""The JavaScript and CSS the map needs, served from the project instead of a CDN.

folium and its plugins list CDN links in ``default_js``/``default_css``;
streamlit-folium loads those links one by one inside its iframe and stops at
the first that fails, so a single leftover CDN link means a blank map offline.
``localize`` rewrites every element's links to files under ``static/`` and
refuses an element whose assets are not there, so a new plugin cannot quietly
bring a CDN back. Two kinds of files are served: vendored libraries
(``static/vendor``, from the npm registry with their licences) and the map's own
scripts (``static/map``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import branca.element
import folium

from geo.paths import STATIC_DIR

#: Asset names (folium's, and our elements') mapped to files under ``static/``.
ASSETS: dict[str, str] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "leaflet_draw_js": "vendor/leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "vendor/leaflet-draw/leaflet.draw.css",
    "route_story_js": "map/route-story.js",
    "route_story_css": "map/route-story.css",
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
    """Where the browser finds ``static/``: a URL prefix, e.g. Streamlit's ``/app/static``."""

    base_url: str

    def url(self, name: str) -> str:
        return f"{self.base_url.rstrip('/')}/{ASSETS[name]}"


#: Streamlit serves ``static/`` at ``/app/static/`` (``server.enableStaticServing``).
#: The path must be absolute: the map runs inside streamlit-folium's component
#: iframe, where a relative URL resolves under the component's own path.
STREAMLIT = AssetLinks("/app/static")


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
                if name not in ASSETS:
                    raise UnvendoredAssetError(
                        f"{type(element).__name__} needs {name!r} from {url}; vendor it in "
                        "scripts/vendor_assets.sh and geo/map/assets.py, or do not use it"
                    )
                kept.append((name, links.url(name)))
            setattr(element, attr, kept)
    return m


def asset_file(name: str) -> Path:
    return STATIC_DIR / ASSETS[name]


def read_asset(name: str) -> str:
    """The text of an asset, for inlining into a self-contained HTML file."""
    return asset_file(name).read_text(encoding="utf-8")
