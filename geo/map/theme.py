"""Colours and type of everything on the map: the viewer's light map or the projector's dark one."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Okabe–Ito colours: distinguishable under the common colour-vision deficiencies.
COUNTRY_COLORS: dict[str, str] = {
    "North Korea": "#000000",
    "China": "#D55E00",
    "Vietnam": "#009E73",
    "Laos": "#CC79A7",
    "Thailand": "#0072B2",
    "South Korea": "#E69F00",
}
#: Legs drawn, not travelled on the ground, are dashed.
DASHED_KINDS = frozenset({"flight", "symbolic"})


@dataclass(frozen=True)
class MapTheme:
    """Colours of everything that is not data."""

    name: str
    sea: str
    land: dict[str, str]
    border: dict[str, str]
    label: str
    label_halo: str
    #: Drawn under each route line so it stands off the land.
    casing: str
    halo: str
    panel_bg: str
    panel_text: str
    #: The selected leg's highlight: a dark and a light casing that no route colour can be mistaken for.
    highlight_outer: str = "#111111"
    highlight_inner: str = "#ffffff"
    water: str = "#2b6a8f"
    #: CSS sizes of map text: place labels, country names, the legend. The projector's grow with the screen.
    label_size: str = "13px"
    country_size: str = "12px"
    legend_size: str = "12.5px"
    route_colors: dict[str, str] = field(default_factory=lambda: dict(COUNTRY_COLORS))
    #: The basemap (``geo.map.basemap``): how strongly the relief multiplies onto the land, the rivers'
    #: lines, the lakes' fill and the capitals' dots.
    relief_opacity: float = 0.55
    river: str = "#6a9cc2"
    lake: str = "#bcd6e8"
    city_fill: str = "#ffffff"
    city_stroke: str = "#4a4339"

    def color(self, country: str) -> str:
        return self.route_colors.get(country, "#888888")


LIGHT = MapTheme(
    name="light",
    sea="#d6e6ef",
    land={"route": "#f6f1e7", "korea": "#f1ede4", "context": "#e9e9e6"},
    border={"route": "#7d7468", "korea": "#7d7468", "context": "#b9b9b4"},
    label="#4a4339",
    label_halo="#ffffff",
    casing="#ffffff",
    halo="#ffd400",
    panel_bg="rgba(255,255,255,.94)",
    panel_text="#1d1d1d",
)
#: High contrast on a dark sea for projectors; black would vanish, so North Korea's leg is white.
PROJECTOR = MapTheme(
    name="projector",
    sea="#0a1622",
    land={"route": "#2e3440", "korea": "#2e3440", "context": "#1e232b"},
    border={"route": "#aab4c0", "korea": "#aab4c0", "context": "#56606b"},
    label="#e8edf2",
    label_halo="#000000",
    casing="#000000",
    halo="#ffd400",
    panel_bg="rgba(10,10,10,.9)",
    panel_text="#f5f5f5",
    highlight_outer="#ffffff",
    highlight_inner="#000000",
    water="#8cc8ee",
    # At least 24 px on a 1920 px projector, scaled down (never below readable) on smaller ones.
    label_size="clamp(16px, 1.25vw, 30px)",
    country_size="clamp(16px, 1.25vw, 30px)",
    legend_size="clamp(15px, 1.25vw, 28px)",
    route_colors={**COUNTRY_COLORS, "North Korea": "#ffffff", "Thailand": "#56B4E9"},
    relief_opacity=0.9,
    river="#4f8fbf",
    lake="#15324a",
    city_fill="#e8edf2",
    city_stroke="#000000",
)


def segment_style(country: str, kind: str, segment_id: str = "", theme: MapTheme = LIGHT) -> dict:
    """Leaflet path style. The class names let tests and CSS find a segment by id.

    The flight is thin and fainter: it recedes behind the ground legs the story is about.
    """
    flight = kind == "flight"
    return {
        "className": f"route-segment seg-{segment_id}" if segment_id else "route-segment",
        "color": theme.color(country),
        "weight": 3 if flight else 5,
        "opacity": 0.7 if flight else 0.95,
        "dashArray": ("4 8" if flight else "10 8") if kind in DASHED_KINDS else None,
        "lineCap": "round",
    }


def outline_style(role: str, theme: MapTheme) -> dict:
    """Route countries and Korea stand out from the neighbours drawn only for context."""
    return {
        "fillColor": theme.land.get(role, theme.land["context"]),
        "fillOpacity": 1,
        "color": theme.border.get(role, theme.border["context"]),
        "weight": 1.2 if role != "context" else 0.8,
        "className": f"country-outline country-{role}",
    }


def map_css(theme: MapTheme) -> str:
    return f"""
<style>
  div.leaflet-container {{ background: {theme.sea}; font: 14px/1.4 "Route Sans KR", system-ui, sans-serif;
    --rs-label: {theme.label}; --rs-halo: {theme.label_halo}; --rs-country: {theme.label};
    --rs-water: {theme.water}; --rs-label-size: {theme.label_size}; --rs-country-size: {theme.country_size};
    --rs-panel: {theme.panel_bg}; --rs-panel-text: {theme.panel_text}; --rs-sea: {theme.sea}; }}
  .route-legend {{ background: {theme.panel_bg}; padding: 6px 9px; border-radius: 6px;
    box-shadow: 0 1px 4px rgba(0,0,0,.3); color: {theme.panel_text}; max-width: 16em;
    font-size: {theme.legend_size}; }}
  .route-legend summary {{ cursor: pointer; font-weight: 700; }}
  .route-legend ul {{ list-style: none; margin: 4px 0; padding: 0; }}
  .route-legend li {{ display: flex; align-items: center; gap: 6px; margin: 1px 0; }}
  .route-legend p {{ margin: 4px 0 0; font-size: .9em; opacity: .85; }}
  .route-arrow {{ font-size: 16px; line-height: 16px; text-align: center; pointer-events: none;
    text-shadow: 0 0 2px {theme.casing}, 0 0 2px {theme.casing}; }}
  .route-popup {{ font-size: 13px; }}
  .route-popup h4 {{ margin: 0 0 4px; font-size: 14px; }}
  .route-popup p {{ margin: 4px 0; }}
  .route-popup .note {{ color: #555; font-style: italic; }}
  .route-popup ul {{ margin: 0; padding-left: 18px; font-size: 12px; }}
  .route-popup .sources {{ margin-bottom: 0; font-size: 12px; font-weight: 600; }}
  .rs-label.rs-water, .rs-label.rs-sea {{ color: {theme.water}; font-style: italic; font-weight: 600; }}
  .rs-label.rs-sea {{ letter-spacing: .06em; opacity: .9; }}
  .rs-label.rs-city {{ font-weight: 500; }}
  :lang(ko) .leaflet-container, .leaflet-container:lang(ko) {{ word-break: keep-all; }}
</style>
"""
