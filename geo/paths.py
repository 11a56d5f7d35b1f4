"""Where the project's files live, so no module hard-codes a path twice."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
STATIC_DIR = PROJECT_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"

ROUTE = "route.geojson"
PLACES = "places.geojson"
COUNTRIES = "countries.geojson"
SOURCES = "sources.csv"
QUOTES = "quotes.csv"
COSTS = "costs.csv"
FIGURES = "figures.csv"
EVENTS = "events.csv"
ARRIVALS = "arrivals.csv"
CLAIMS = "claims.csv"
TOUR = "tour.csv"

#: Every data file the app reads, in the order a maintainer would check them.
DATA_FILES: tuple[str, ...] = (
    SOURCES,
    ROUTE,
    PLACES,
    COUNTRIES,
    QUOTES,
    COSTS,
    FIGURES,
    EVENTS,
    ARRIVALS,
    CLAIMS,
    TOUR,
)
