"""Baseline for rerun cost: one folium line through st_folium, with Leaflet served locally like the app."""

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.map.assets import localize

m = folium.Map(location=[20, 105], zoom_start=4, tiles=None)
folium.PolyLine([[41.5, 128.1], [13.75, 100.5]]).add_to(m)
st.title("One line")
st_folium(localize(m), key="map", height=400, returned_objects=["last_active_drawing"])
