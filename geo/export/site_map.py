"""The audience site's map: ``build_map``'s folium figure in its parts, placed by ``geo.export.site``.

Its style sheets are inlined (a linked one holds back every script after it), its scripts linked at
the end of the page, and the files they need copied into ``assets/`` as under ``static/``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from geo.data.dataset import Dataset
from geo.map.assets import ASSETS, AssetLinks
from geo.map.basemap import RELIEF_REL
from geo.map.build import build_map
from geo.map.figure import map_figure
from geo.map.theme import LIGHT
from geo.paths import STATIC_DIR
from geo.story.i18n import Strings
from geo.text import esc

#: Where the site keeps the files it copies from ``static/`` (and its own).
ASSETS_DIR = "assets"


@dataclass(frozen=True)
class MapParts:
    """The parts of the rendered folium figure, ready to place in the page."""

    #: The styles from the figure's head, its stylesheets inlined.
    head: str
    #: The scripts the figure links to (Leaflet, the map's own), in their order: placed just
    #: before ``script``, so the page's text paints before Leaflet loads. A script that needs Leaflet
    #: is a ``JavascriptLink`` or part of the figure's ``script``, never markup in its head.
    scripts: str
    #: The map's ``<div>`` (and any other markup the elements add).
    body: str
    #: Everything the figure puts after ``</body>``: the map's own script.
    script: str
    #: The map's JavaScript variable, as the screening pack uses it.
    name: str
    #: Files under ``static/`` the figure links to (vendored Leaflet, the map's own script).
    linked: tuple[str, ...]


def map_parts(dataset: Dataset, tr: Strings, *, root: str) -> MapParts:
    """``build_map`` in the light theme, in its figure's parts (``root``: the relative path to the root)."""
    m = build_map(
        dataset,
        tr,
        theme=LIGHT,
        assets=AssetLinks(f"{root}{ASSETS_DIR}"),
        online_tiles=False,
        # The page's own panel tells a leg's story; a popup would cover the map on a phone.
        popups=False,
        # The page fits the view to the selection itself, and keeps it fitted on resize.
        fit_route=False,
    )
    figure = map_figure(m)
    base = f"{root}{ASSETS_DIR}/"
    # The head's markup stays in the head, in its order (folium puts styles and its global switches
    # there, which need nothing loaded); the files it links to are inlined (styles) or moved to the end.
    linked = [_vendored(part.value, base) for part in figure.head if part.kind != "markup"]
    relief = f'"{base}{RELIEF_REL}"' in figure.script
    return MapParts(
        head="\n".join(
            inline_stylesheet(_vendored(part.value, base), root) if part.kind == "stylesheet" else part.value
            for part in figure.head
            if part.kind != "script"
        ),
        scripts="\n".join(
            f'<script src="{esc(base + rel)}"></script>' for rel in linked if rel.endswith(".js")
        ),
        body=figure.body,
        script=f"<script>\n{figure.script}\n</script>",
        name=figure.name,
        linked=(*linked, *([RELIEF_REL] if relief else [])),
    )


def _vendored(url: str, base: str) -> str:
    """The path under ``static/`` of a file the map links to; anything else is a bug in ``geo.map``."""
    rel = url.removeprefix(base)
    if url == rel or rel not in ASSETS.values():
        raise RuntimeError(f"the map links to {url!r}, which the site does not ship")
    return rel


_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?!data:|#|/|[a-zA-Z][a-zA-Z+.-]*:)([^'")]+)\1\s*\)""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/\n?", re.S)


def css_images(rel: str) -> list[str]:
    """Files a stylesheet under ``static/`` points at (paths under ``static/``)."""
    css = (STATIC_DIR / rel).read_text(encoding="utf-8")
    folder = posixpath.dirname(rel)
    return sorted({posixpath.normpath(posixpath.join(folder, m.group(2))) for m in _CSS_URL.finditer(css)})


def inline_stylesheet(rel: str, root: str) -> str:
    """A stylesheet under ``static/`` as a ``<style>`` whose ``url()``s point into ``assets/``.

    A linked stylesheet holds back every script after it until it has arrived: inlined, the map
    draws about a fifth sooner and the page paints about twice as soon (``./bench/run --only site``).
    """
    folder = posixpath.dirname(rel)
    css = _CSS_URL.sub(
        lambda m: f"url({root}{ASSETS_DIR}/{posixpath.normpath(posixpath.join(folder, m.group(2)))})",
        (STATIC_DIR / rel).read_text(encoding="utf-8"),
    )
    # Comments go (Leaflet's cite bug trackers by URL); "<\/" is "</" to CSS and cannot end the element.
    css = _CSS_COMMENT.sub("", css).replace("</", "<\\/")
    return "<style>\n" + css.strip() + "\n</style>"


def copied_files(rel: str) -> list[str]:
    """What the site copies of a file under ``static/``: a script itself, a stylesheet's images (the
    stylesheet is inlined), and the licence of its folder if it has one (paths under ``static/``)."""
    folder = posixpath.dirname(rel)
    files = css_images(rel) if rel.endswith(".css") else [rel]
    if (STATIC_DIR / folder / "LICENSE").is_file():
        files.append(posixpath.join(folder, "LICENSE"))
    return files
