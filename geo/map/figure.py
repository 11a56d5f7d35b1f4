"""A folium map in its figure's own parts, for the pages that are written around it (the site, the pack).

Rendering a map's root ``Figure`` has the map and each element add what they need to the figure: links
and styles to ``header``, the map's ``<div>`` to ``html``, its JavaScript to ``script``. A page that
places those parts itself never has to cut a rendered page apart, and each part keeps its kind: a
vendored script, a vendored style sheet, or markup of folium's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import folium
from branca.element import CssLink, JavascriptLink

#: What a figure's header holds, in order: a script or style sheet to link to, or markup.
HeadKind = Literal["script", "stylesheet", "markup"]

#: folium's figure declares its charset, and the map's header forbids zooming the page
#: (``user-scalable=no``); the pages declare their own (zooming allowed).
_META = re.compile(r"<meta\b[^>]*>\s*", re.S)


@dataclass(frozen=True)
class HeadPart:
    kind: HeadKind
    #: The URL for a script or a style sheet; the markup itself otherwise.
    value: str


@dataclass(frozen=True)
class MapFigure:
    #: The map's JavaScript variable (``map_<id>``): what a page's own script drives.
    name: str
    head: tuple[HeadPart, ...]
    #: The map's ``<div>``.
    body: str
    #: The map's JavaScript, without its ``<script>`` element.
    script: str


def _head_part(element: object) -> HeadPart | None:
    if isinstance(element, JavascriptLink):
        return HeadPart("script", element.url)
    if isinstance(element, CssLink):
        return HeadPart("stylesheet", element.url)
    markup = _META.sub("", element.render()).strip()  # type: ignore[attr-defined]
    return HeadPart("markup", markup) if markup else None


def map_figure(m: folium.Map) -> MapFigure:
    """Render ``m``'s figure once and return its parts (the figure's header children in their order)."""
    figure = m.get_root()
    figure.render()
    # branca keeps an element's children in ``_children`` (folium itself walks it); read, never written.
    head = (_head_part(child) for child in figure.header._children.values())
    return MapFigure(
        name=m.get_name(),
        head=tuple(part for part in head if part is not None),
        body=figure.html.render().strip(),
        script=figure.script.render().strip(),
    )
