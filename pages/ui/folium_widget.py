"""The one door to streamlit-folium: every map in the app is shown through ``show_map``.

Two accommodations of streamlit-folium's behaviour live here and nowhere else:

* ``st_folium`` changes the map it is given (rendering adds elements, and the
  dynamic feature group is attached to it), and a map that rendered
  differently is reloaded in the browser. So each map is built once per
  ``View.key`` (``pages.ui.cache.cached``) and every run shows a fresh deep copy.
* By default ``st_folium`` renders the whole figure and then the map once
  more; for a map nobody has rendered yet, the second render alone gives the
  same component arguments (``tests/pages/test_folium_widget.py`` checks this
  through AppTest, so an upgrade that changes it fails there), and rendering
  is most of what a rerun costs, so ``render=False`` halves it.

Under AppTest ``st_folium`` returns its default value (bounds with nulls):
callers must cope with an empty or default result.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import folium
from streamlit_folium import st_folium

from geo.fonts import app_font_face_css
from geo.map.elements import StyleSheet
from pages.ui.cache import cached


def _with_fonts(the_map: folium.Map) -> folium.Map:
    """The map's iframe is a document of its own: it needs the vendored Korean face declared too."""
    StyleSheet(f"<style>{app_font_face_css()}</style>").add_to(the_map)
    return the_map


def show_map(name: str, view_key: tuple, build: Callable[[], folium.Map], **kwargs: Any) -> dict | None:
    """Show the map ``build()`` makes (once per ``(name, view_key)``) as a fresh copy."""
    pristine = cached(f"map:{name}", view_key, build)
    return st_folium(_with_fonts(copy.deepcopy(pristine)), render=False, **kwargs)


def show_new_map(the_map: folium.Map, **kwargs: Any) -> dict | None:
    """Show a map built for this run only (an editor preview): it is new, so one render is enough."""
    return st_folium(_with_fonts(the_map), render=False, **kwargs)
