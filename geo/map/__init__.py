"""The ``Dataset`` drawn as a ``folium.Map``: theme, elements, geometry, and the builder that combines them.

Everything here draws offline (``geo.map.assets``) and every element renders
data as data: its script goes into the page without a second template pass
(``geo.map.elements.ScriptElement``) and its values are serialized by
``geo.text.script_json``.
"""
