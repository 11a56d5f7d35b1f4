"""The floor the Route Map is measured against: the same route in st_folium and a panel, nothing else.

What any Streamlit + streamlit-folium page showing this route must pay: the same
vendored Leaflet, the route's legs as plain folium GeoJSON with a click returning
the leg, a leg chooser, and a heading for the chosen leg. No labels, curves,
story, figures, chart, quotes or table.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.data import load_dataset
from geo.map.assets import localize

data = load_dataset()
titles = {seg["id"]: f"{int(seg['order'])}. {seg['title']}" for _, seg in data.route.iterrows()}


def select(segment_id: str | None) -> None:
    if segment_id:
        st.query_params["segment"] = segment_id


def on_click() -> None:
    drawing = (st.session_state.get("floor_map") or {}).get("last_active_drawing") or {}
    select((drawing.get("properties") or {}).get("id"))


m = folium.Map(location=[28, 110], zoom_start=4, tiles=None)
folium.GeoJson(
    data.route[["id", "geometry"]].to_json(),
    style_function=lambda f: {"className": f"route-segment seg-{f['properties']['id']}", "weight": 5},
).add_to(m)
st.title("Floor")
left, right = st.columns([3, 2])
with left:
    st_folium(
        localize(m),
        key="floor_map",
        height=540,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        on_change=on_click,
    )
with right:
    chosen = st.query_params.get("segment")
    st.selectbox(
        "Leg of the route",
        ["", *titles],
        format_func=lambda s: titles.get(s, "Whole route"),
        index=["", *titles].index(chosen) if chosen in titles else 0,
        key="floor_select",
        on_change=lambda: select(st.session_state["floor_select"]),
    )
    if chosen in titles:
        st.subheader(titles[chosen])
