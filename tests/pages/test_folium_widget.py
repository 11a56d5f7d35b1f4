"""``pages/ui/folium_widget.py`` gives st_folium ``render=False`` for maps nobody has rendered yet.

That accommodation of streamlit-folium is only right while one render gives the
browser exactly what two renders would. This test checks it through AppTest's
public element tree, so a streamlit-folium upgrade that changes it fails here.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest


def _two_renders(variant: str) -> None:
    """The script AppTest runs: the same fresh map given to st_folium rendered twice, then once."""
    from streamlit_folium import st_folium

    from geo.data import load_dataset
    from geo.map.build import build_map, selection_layer, sketch_map
    from geo.map.theme import PROJECTOR
    from geo.story.i18n import strings

    data, tr = load_dataset(), strings("en")
    builders = {
        "route": lambda: build_map(data, tr),
        "presenter": lambda: build_map(data, tr, theme=PROJECTOR, popups=False, fit_route=False, inset=False),
        "sketch": lambda: sketch_map(data, tr),
    }
    for render in (True, False):
        st_folium(
            builders[variant](),
            key=f"m{render}",
            render=render,
            feature_group_to_add=selection_layer("laos-jungle", draw=True),
        )


@pytest.mark.parametrize("variant", ["route", "presenter", "sketch"])
def test_one_render_gives_the_browser_the_same_map(variant: str):
    app = AppTest.from_function(_two_renders, args=(variant,), default_timeout=60).run()
    assert not app.exception
    sent = [json.loads(c.proto.json_args) for c in app.get("component_instance")]
    assert len(sent) == 2
    random_ids = re.compile(r"[0-9a-f]{32}")
    with_render, without = (random_ids.sub("ID", json.dumps(args, sort_keys=True)) for args in sent)
    assert without == with_render
    assert "route-segment" in sent[1]["script"]
