"""Regenerate ``data/countries.geojson`` from Natural Earth via the npm ``world-atlas`` package.

Why a script: the basemap must work offline, so the outlines are bundled; this
keeps them reproducible and small. Natural Earth is public domain; world-atlas
(ISC) repackages it as TopoJSON, which GDAL (through geopandas) reads directly.

Run: ``python scripts/build_countries.py`` (needs ``npm`` and the package registry).
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

WORLD_ATLAS = "world-atlas@2.0.2"
OUT = Path(__file__).resolve().parent.parent / "data" / "countries.geojson"

#: Countries the route crosses or starts and ends in, drawn at 1:50m.
ROUTE_COUNTRIES = {"China": "route", "Vietnam": "route", "Laos": "route", "Thailand": "route"}
KOREAS = {"North Korea": "korea", "South Korea": "korea"}
#: Neighbours drawn as plain land at 1:110m so the sea does not look like it covers Myanmar.
CONTEXT_BBOX = (88.0, 5.0, 146.0, 50.0)
SIMPLIFY_DEGREES = 0.01
DECIMALS = 3


def _download(tmp: Path) -> Path:
    subprocess.run(["npm", "pack", "--silent", WORLD_ATLAS], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    archive = next(tmp.glob("world-atlas-*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package"


def _round_geometry(geom: dict, decimals: int) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(c, decimals) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geom["type"], "coordinates": walk(geom["coordinates"])}


def _label_point(geom: BaseGeometry) -> tuple[float, float]:
    """Where a country's name goes: the pole of inaccessibility of its largest part."""
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    point = polylabel(largest, tolerance=0.1)
    return round(point.x, 1), round(point.y, 1)


def build(package: Path) -> dict:
    detailed = gpd.read_file(package / "countries-50m.json", layer="countries").set_crs(4326)
    coarse = gpd.read_file(package / "countries-110m.json", layer="countries").set_crs(4326)

    roles = {**ROUTE_COUNTRIES, **KOREAS}
    main = detailed[detailed["name"].isin(roles)].copy()
    main["role"] = main["name"].map(roles)
    missing = set(roles) - set(main["name"])
    if missing:
        raise SystemExit(f"world-atlas no longer names: {sorted(missing)}")

    context = coarse.cx[CONTEXT_BBOX[0] : CONTEXT_BBOX[2], CONTEXT_BBOX[1] : CONTEXT_BBOX[3]]
    context = context[~context["name"].isin(roles)].copy()
    context["role"] = "context"

    both = gpd.pd.concat([main, context], ignore_index=True)
    both["geometry"] = both.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True).make_valid()
    both = both[~both.geometry.is_empty]
    both["geometry"] = both.geometry.orient_polygons()  # RFC 7946 winding

    features = []
    for row in both.itertuples():
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": row.name,
                    "iso_n3": str(row.id),
                    "role": row.role,
                    "label": list(_label_point(row.geometry)),
                },
                "geometry": _round_geometry(row.geometry.__geo_interface__, DECIMALS),
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": "Made with Natural Earth (public domain), via the world-atlas npm package "
        f"({WORLD_ATLAS}, ISC). Simplified to {SIMPLIFY_DEGREES} degrees.",
        "features": features,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        collection = build(_download(Path(tmp)))
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(collection['features'])} countries)")


if __name__ == "__main__":
    main()
