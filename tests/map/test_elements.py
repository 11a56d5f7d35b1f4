"""``geo.map.elements``: folium's own classes drawn without branca's template passes, same page out."""

from __future__ import annotations

import copy
import re

import folium
import jinja2
import pytest
from streamlit_folium import st_folium

from geo.map.build import build_map, selection_layer
from geo.map.elements import OfflineMap, OptionalTiles, SelectionGroup
from geo.story.i18n import strings

RANDOM_ID = re.compile(r"[0-9a-f]{32}")


def _page(the_map: folium.Map) -> str:
    return RANDOM_ID.sub("ID", the_map.get_root().render())


def _dressed(
    the_map: folium.Map, tiles: type[folium.TileLayer], group: type[folium.FeatureGroup]
) -> folium.Map:
    tiles("OpenStreetMap", name="Streets", overlay=True, show=False, opacity=0.6).add_to(the_map)
    folium.PolyLine([[41.5, 128.1], [13.75, 100.5]]).add_to(
        group(name="Selected", control=False).add_to(the_map)
    )
    return the_map


@pytest.mark.parametrize("options", [{}, {"zoom_control": False, "min_zoom": 3, "zoom_snap": 0.25}])
def test_the_verbatim_classes_render_the_page_folium_does(options: dict):
    """No second template pass was needed: the page is folium's, to the byte (ids aside)."""
    ours = _dressed(OfflineMap(location=[20, 105], tiles=None, **options), OptionalTiles, SelectionGroup)
    folium_own = _dressed(
        folium.Map(location=[20, 105], tiles=None, **options), folium.TileLayer, folium.FeatureGroup
    )
    assert _page(ours) == _page(folium_own)
    assert "L.map(" in _page(ours)
    assert "tile.openstreetmap.org" in _page(ours)


def test_drawing_a_cached_map_compiles_almost_no_template(data, monkeypatch):
    """What a rerun does with the Route Map (``pages.ui.folium_widget.show_map``): copy the cached map
    and give it to st_folium. branca compiled each part of folium's own elements as a new template,
    seven times a run; two are left (the figure's charset line, copied; the selection's ``addTo``)."""
    pristine = build_map(data, strings("en"))
    compiled: list[str] = []
    from_string = jinja2.Environment.from_string

    def counting(self, source, *args, **kwargs):
        compiled.append(str(source)[:60])
        return from_string(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", counting)
    st_folium(
        copy.deepcopy(pristine), render=False, key="m", feature_group_to_add=selection_layer("laos-jungle")
    )
    assert len(compiled) <= 2, compiled
