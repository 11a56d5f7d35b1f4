"""The data the pages draw, typed and sorted, built from the records validation already parsed.

``build_dataset`` takes a ``Validation`` that passed and turns its records into
GeoDataFrames (EPSG:4326, RFC 7946's only CRS) and DataFrames: no file is read
or parsed again, and the schema models validation built are the rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pydantic import BaseModel

from geo import paths
from geo.data.findings import format_finding
from geo.data.measure import segment_lengths_km
from geo.data.parse import ParsedFile
from geo.data.schema import CSV_MODELS, PlaceProperties, SegmentProperties
from geo.data.validation import Validation, read_files, validate_files

WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class Dataset:
    """Everything the pages draw, already typed and sorted."""

    route: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    countries: gpd.GeoDataFrame
    sources: pd.DataFrame
    quotes: pd.DataFrame
    costs: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    #: Presenter chapters in order.
    tour: pd.DataFrame
    #: North Koreans arriving in South Korea per year, by year; ``id`` is the year as text.
    arrivals: pd.DataFrame
    #: Each source's figure where sources disagree, indexed by id (the ledger).
    claims: pd.DataFrame

    def segment(self, segment_id: str) -> pd.Series | None:
        rows = self.route[self.route["id"] == segment_id]
        return None if rows.empty else rows.iloc[0]

    def quote(self, quote_id: str) -> pd.Series | None:
        rows = self.quotes[self.quotes["id"] == quote_id]
        return None if rows.empty else rows.iloc[0]

    def quotes_for(self, segment_id: str) -> pd.DataFrame:
        return self.quotes[self.quotes["segment_id"] == segment_id]

    def source_label(self, source_id: str) -> str:
        """``CBN News, "Title" (Author, 2023-10)``: how a source is cited next to a quote."""
        return self._source_labels.get(source_id, source_id)

    def source_url(self, source_id: str) -> str | None:
        """The source's web address, or None when it has none (or is unknown)."""
        if source_id not in self.sources.index:
            return None
        return self.sources.loc[source_id, "url"] or None

    def bounds(self, segment_id: str | None = None) -> list[list[float]]:
        """``[[south, west], [north, east]]`` of one segment, or of the whole route (None or unknown id)."""
        seg = self.segment(segment_id) if segment_id else None
        minx, miny, maxx, maxy = self.route.total_bounds if seg is None else seg.geometry.bounds
        return [[miny, minx], [maxy, maxx]]

    @cached_property
    def _source_labels(self) -> dict[str, str]:
        """Built once per dataset: a page cites sources dozens of times per run."""
        labels = {}
        for src in self.sources.to_dict("records"):
            extra = ", ".join(p for p in (src["author"], src["date"]) if p)
            title = f', "{src["title"]}"' if src["title"] else ""
            labels[src["id"]] = f"{src['outlet']}{title}" + (f" ({extra})" if extra else "")
        return labels


def _plain(value: Any) -> Any:
    """JSON values with exact ``Decimal`` numbers (as validation parsed them) as plain floats."""
    return json.loads(json.dumps(value, default=lambda v: float(v) if isinstance(v, Decimal) else str(v)))


def _fields(model: BaseModel, model_type: type[BaseModel]) -> dict[str, Any]:
    return {name: getattr(model, name) for name in model_type.model_fields}


def _features(parsed: ParsedFile, model_type: type[BaseModel], make: Any) -> gpd.GeoDataFrame:
    records = [_fields(f.model, model_type) for f in parsed.features]
    shapes = [make(f.coords) for f in parsed.features]
    return gpd.GeoDataFrame(
        pd.DataFrame.from_records(records, columns=list(model_type.model_fields)), geometry=shapes, crs=WGS84
    )


def _table(parsed: ParsedFile) -> pd.DataFrame:
    model_type = CSV_MODELS[parsed.name]
    records = [r.model.model_dump() for r in parsed.rows]
    return pd.DataFrame.from_records(records, columns=list(model_type.model_fields))


def _arrivals(parsed: ParsedFile) -> pd.DataFrame:
    """By year, with the year as text in ``id``: translations of a year's note are keyed by it."""
    table = _table(parsed).sort_values("year").reset_index(drop=True)
    table.insert(0, "id", table["year"].astype(str))
    return table


def build_dataset(validation: Validation) -> Dataset:
    """The Dataset of files that passed validation (call only when ``validation.ok``)."""
    files: Mapping[str, ParsedFile] = validation.files
    route = _features(files[paths.ROUTE], SegmentProperties, shapely.LineString)
    route = route.sort_values("order").reset_index(drop=True)
    route["length_km"] = segment_lengths_km(route)
    outlines = files[paths.COUNTRIES].outlines
    countries = gpd.GeoDataFrame(
        pd.DataFrame.from_records([_plain(o.properties) for o in outlines]),
        geometry=[o.shape for o in outlines],
        crs=WGS84,
    )
    return Dataset(
        route=route,
        places=_features(files[paths.PLACES], PlaceProperties, lambda c: shapely.Point(c[0])),
        countries=countries,
        sources=_table(files[paths.SOURCES]).set_index("id", drop=False),
        quotes=_table(files[paths.QUOTES]),
        costs=_table(files[paths.COSTS]),
        figures=_table(files[paths.FIGURES]).set_index("id", drop=False),
        events=_table(files[paths.EVENTS]),
        tour=_table(files[paths.TOUR]).sort_values("order").reset_index(drop=True),
        arrivals=_arrivals(files[paths.ARRIVALS]),
        claims=_table(files[paths.CLAIMS]).set_index("id", drop=False),
    )


class DataError(ValueError):
    """The files do not validate; the message lists the findings as ``python -m geo validate`` does."""


def load_files(files: Mapping[str, bytes]) -> Dataset:
    """Validate and build in one go, for scripts and tests; raises ``DataError`` with the findings."""
    validation = validate_files(files)
    if not validation.ok:
        raise DataError("\n".join(format_finding(f) for f in validation.findings if f.is_error))
    return build_dataset(validation)


def load_dataset(data_dir: Path | str = paths.DATA_DIR) -> Dataset:
    return load_files(read_files(Path(data_dir)))
