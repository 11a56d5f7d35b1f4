"""The map's own elements. Each one renders data as data, never as template source or HTML.

Why not folium's ``GeoJson``, tooltips, popups and ``LayerControl``: branca
wraps every rendered script in a new ``jinja2.Template`` and renders it again
with the figure, so text that was already inside a script (a place name, a
route title, a translated layer name) was templated a second time: ``{{ … }}``
in a data file ran as Python during ``python -m geo export``, and broken
template syntax took the map down. Leaflet's layer control also inserts layer
names as HTML.

So every element here derives from ``ScriptElement``: its Jinja template is our
own constant source, data enters it only as ``geo.text.script_json`` (no literal
``<``, ``{`` or ``}`` inside any string), and ``render`` puts the rendered script
into the figure as it is (``Verbatim``), without a second template pass. In the
browser, text reaches the page only through ``textContent`` or text nodes.
"""

from __future__ import annotations

from typing import Any, ClassVar

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.text import esc, script_json


class Verbatim(Element):
    """Text placed in a figure as it is: branca's ``Element`` would compile it as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class ScriptElement(MacroElement):
    """A ``MacroElement`` whose rendered header, html and script go into the figure without re-templating.

    Placed after folium's classes in a subclass's bases (``OfflineMap``, ``SelectionGroup``), it takes
    the place of branca's ``MacroElement.render`` under them: their own steps (asset links, adding a
    layer to its map) still run first.
    """

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "render a map element inside a folium Map"
        module = self._template.module
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class ScriptLayer(ScriptElement, folium.map.Layer):
    """A ``ScriptElement`` that is a Leaflet layer (can be listed in the layer switcher)."""


class OfflineMap(folium.Map, ScriptElement):
    """folium's ``Map``, its own header, html and script put into the figure as rendered.

    branca compiles each rendered part of an element as a new Jinja template (``MacroElement.render``)
    and compiles every such part again when a figure is copied (``Element.__setstate__``): for the
    map itself that was most of what drawing a cached map cost a rerun (five compiles, ~1 ms). The
    parts folium's map template renders contain no template syntax for a second pass to resolve
    (``tests/map/test_elements.py`` compares the page with folium's own).
    """


class OptionalTiles(folium.TileLayer, ScriptElement):
    """folium's ``TileLayer`` without the per-render template compile: the online tiles a viewer can
    switch on (off at first; the map never needs them)."""


class SelectionGroup(folium.FeatureGroup, ScriptElement):
    """folium's ``FeatureGroup`` without the per-render template compile, for the selection that
    streamlit-folium adds to the drawn map on every run (``geo.map.build.selection_layer``)."""


class StyleSheet(ScriptElement):
    """CSS for the map's own classes, in the page header."""

    _template = Template("{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}")

    def __init__(self, css: str) -> None:
        super().__init__()
        self._name = "StyleSheet"
        self.css = css


class Legend(ScriptElement):
    """A Leaflet control listing the colours and line styles, so colour is never the only cue.

    Built with DOM calls from plain text. It folds away on narrow maps (phones),
    where it would cover the route.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var spec = {{ this.spec_json }};
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function() {
                var box = L.DomUtil.create('details', 'route-legend');
                box.open = map.getSize().x >= 520;
                var summary = L.DomUtil.create('summary', '', box);
                summary.textContent = spec.title;
                var list = L.DomUtil.create('ul', '', box);
                var svgNs = 'http://www.w3.org/2000/svg';
                spec.rows.forEach(function(row) {
                    var item = L.DomUtil.create('li', '', list);
                    var svg = document.createElementNS(svgNs, 'svg');
                    svg.setAttribute('width', '34'); svg.setAttribute('height', '10');
                    svg.setAttribute('aria-hidden', 'true');
                    var line = document.createElementNS(svgNs, 'line');
                    [['x1', '2'], ['y1', '5'], ['x2', '32'], ['y2', '5'], ['stroke', row.color],
                     ['stroke-width', '4'], ['stroke-linecap', 'round']].forEach(function(a) {
                        line.setAttribute(a[0], a[1]);
                    });
                    if (row.dashed) { line.setAttribute('stroke-dasharray', '7 5'); }
                    svg.appendChild(line);
                    item.appendChild(svg);
                    item.appendChild(document.createTextNode(row.label));
                });
                if (spec.footnote) {
                    var foot = L.DomUtil.create('p', '', box);
                    foot.textContent = spec.footnote;
                }
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[tuple[str, str, bool]], footnote: str, title: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.spec_json = script_json(
            {
                "title": title,
                "footnote": footnote,
                "rows": [{"label": label, "color": color, "dashed": dashed} for label, color, dashed in rows],
            }
        )


class MarkerLayer(ScriptLayer):
    """Many small markers (labels, arrows, waypoints) drawn by one script from a JSON list.

    One folium element per marker made every render compile dozens of Jinja
    templates (most of a rerun's time). Text goes in with ``textContent`` and
    tooltips with ``bindTooltip`` on a text node, so data never becomes HTML.
    Each item: ``lat``, ``lon``, ``text``; optional ``rotate`` (degrees), ``color``, ``tooltip``.
    ``kind`` is ``"div"`` (a text marker with CSS class ``css_class``) or ``"circle"`` (a waypoint).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var group = L.featureGroup();
            var spec = {{ this.spec_json }};
            spec.items.forEach(function(item) {
                var marker;
                if (spec.kind === 'circle') {
                    marker = L.circleMarker([item.lat, item.lon], {radius: 5, color: '#222222', weight: 2,
                        fill: true, fillColor: '#ffffff', fillOpacity: 1});
                } else {
                    var box = document.createElement('div');
                    box.className = spec.css_class;
                    box.textContent = item.text;
                    if (item.color) { box.style.color = item.color; }
                    if (item.rotate !== undefined) { box.style.transform = 'rotate(' + item.rotate + 'deg)'; }
                    marker = L.marker([item.lat, item.lon], {interactive: false, keyboard: false,
                        icon: L.divIcon({html: box, className: '', iconSize: spec.size,
                                         iconAnchor: [spec.size[0] / 2, spec.size[1] / 2]})});
                }
                if (item.tooltip) {
                    var tip = document.createElement('span');
                    tip.textContent = item.tooltip;
                    marker.bindTooltip(tip);
                }
                marker.addTo(group);
            });
            return group;
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        items: list[dict],
        *,
        name: str,
        kind: str = "div",
        css_class: str = "",
        size: tuple[int, int] = (0, 0),
        control: bool = False,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "MarkerLayer"
        self.spec_json = script_json(
            {"items": items, "kind": kind, "css_class": css_class, "size": list(size)}
        )


class MapLabel(ScriptElement):
    """Names the map for screen readers: the Leaflet container takes keyboard focus, so it needs a label.

    The label is the same one-sentence summary printed under the map; the
    ordered list of legs on the page is the full text alternative.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var box = {{ this._parent.get_name() }}.getContainer();
            box.setAttribute('role', 'region');
            box.setAttribute('aria-label', {{ this.label_json }});
            box.setAttribute('lang', {{ this.lang_json }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, label: str, lang: str) -> None:
        super().__init__()
        self._name = "MapLabel"
        self.label_json = script_json(label)
        self.lang_json = script_json(lang)


class OutlineLayer(ScriptLayer):
    """Polygons that never change and take no clicks (the offline basemap), serialized once.

    The outlines are most of the map's bytes; they are turned into JSON here,
    once, with each feature's Leaflet style in its properties. The map is also
    copied on every rerun (``pages.ui.folium_widget``): a string copies for
    free, 40,000 coordinate lists do not.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            // Their own pane, under the basemap's relief (which multiplies onto them) and the route.
            var map = {{ this._parent.get_name() }};
            if (!map.getPane('basemapLand')) { map.createPane('basemapLand').style.zIndex = 380; }
            return L.geoJson({{ this.json }}, {
                interactive: false, pane: 'basemapLand',
                style: function(feature) { return feature.properties.style; }
            });
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict, *, name: str) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "OutlineLayer"
        self.json = script_json(collection)


class RouteLines(ScriptLayer):
    """Route legs as a Leaflet GeoJSON layer: styles, tooltips and popups from plain-text properties.

    Each feature's properties: ``id``; ``style`` (Leaflet path options);
    optional ``tooltip`` (text) and ``popup`` (``title``, ``summary``, ``facts``,
    ``note``, ``sources_label``, ``sources``: text, assembled here with DOM calls).
    streamlit-folium reports a click on a feature with its properties
    (``last_active_drawing``), which is how the pages learn which leg was chosen.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var spec = {{ this.spec_json }};
            var text = function(tag, value, cls, parent) {
                var el = document.createElement(tag);
                if (cls) { el.className = cls; }
                el.textContent = value;
                parent.appendChild(el);
                return el;
            };
            var popup = function(p) {
                var box = document.createElement('div');
                box.className = 'route-popup';
                text('h4', p.title, '', box);
                text('p', p.summary, '', box);
                text('p', p.facts, 'facts', box);
                if (p.note) { text('p', p.note, 'note', box); }
                text('p', p.sources_label, 'sources', box);
                var list = document.createElement('ul');
                p.sources.forEach(function(s) { text('li', s, '', list); });
                box.appendChild(list);
                return box;
            };
            return L.geoJson(spec.collection, {
                interactive: spec.interactive,
                style: function(feature) { return feature.properties.style; },
                onEachFeature: function(feature, layer) {
                    var p = feature.properties;
                    if (p.tooltip) {
                        var tip = document.createElement('span');
                        tip.textContent = p.tooltip;
                        layer.bindTooltip(tip, {sticky: true});
                    }
                    if (p.popup) { layer.bindPopup(function() { return popup(p.popup); }, {maxWidth: 280}); }
                    if (spec.interactive) {
                        layer.on('mouseover', function() { layer.setStyle({weight: p.style.weight + 3}); });
                        layer.on('mouseout', function() { layer.setStyle({weight: p.style.weight}); });
                    }
                }
            });
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, features: list[dict], *, name: str, interactive: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "RouteLines"
        collection = {"type": "FeatureCollection", "features": features}
        self.spec_json = script_json({"collection": collection, "interactive": interactive})


class LayerSwitcher(ScriptElement):
    """Leaflet's layer control over the map's switchable layers, with their names as text.

    Leaflet writes layer names into the page as HTML, so each name is
    HTML-escaped here first; folium's ``LayerControl`` passed them raw.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var overlays = {};
            {% for name_json, variable in this.entries %}overlays[{{ name_json }}] = {{ variable }};
            {% endfor %}
            L.control.layers({}, overlays, {collapsed: true, position: 'topright'})
                .addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "LayerSwitcher"
        self.entries: list[tuple[str, str]] = []

    def render(self, **kwargs: Any) -> None:
        """List the parent map's layers that ask to be switchable, as they are at render time."""
        self.entries = [
            (script_json(esc(layer.layer_name)), layer.get_name())
            for layer in self._parent._children.values()
            if isinstance(layer, folium.map.Layer) and layer.control
        ]
        super().render(**kwargs)


class RouteStory(JSCSSMixin, ScriptElement):
    """The map's storytelling (``static/map/route-story.js``): fly to a leg and draw it, dim the others,
    place labels that never collide or run off the map, and an inset of the part that is a knot.

    ``spec`` is plain data (bounds, labels, colours, texts); the layers it drives are passed by
    name and joined to it in the script.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var spec = {{ this.spec_json }};
            spec.segments = {{ this.segments.get_name() }};
            if (spec.inset) {
                spec.inset.layers = [
                    {% for layer in this.inset_layers %}{{ layer.get_name() }}, {% endfor %}
                ];
            }
            new RouteStory({{ this._parent.get_name() }}, spec);
        })();
        {% endmacro %}
        """
    )
    default_js: ClassVar = [("route_story_js", "/app/static/map/route-story.js")]
    default_css: ClassVar = [("route_story_css", "/app/static/map/route-story.css")]

    def __init__(self, spec: dict, segments: folium.map.Layer, inset_layers: list[folium.map.Layer]) -> None:
        super().__init__()
        self._name = "RouteStory"
        self.spec_json = script_json(spec)
        self.segments = segments
        self.inset_layers = inset_layers


class ShowLeg(ScriptElement):
    """Inside a dynamic feature group: tells the map's ``RouteStory`` which leg to show (None: the whole
    route). streamlit-folium runs a feature group's script again only when it changes, so this runs
    exactly when the selection changes, with the map's real size."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent._parent.get_name() }}, options = {{ this.options_json }};
            if (!map.routeStory) { return; }
            if (options.reducedMotion !== null) { map.routeStory.setReducedMotion(options.reducedMotion); }
            map.routeStory.select({{ this.id_json }}, options);
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, segment_id: str | None, *, draw: bool = False, reduced_motion: bool | None = None
    ) -> None:
        super().__init__()
        self._name = "ShowLeg"
        self.id_json = script_json(segment_id)
        self.options_json = script_json({"draw": draw, "reducedMotion": reduced_motion})
