"""Loading the data files into GeoDataFrames and DataFrames, and keeping the last good copy.

``load_dataset`` trusts its input: call it on files that ``validate`` passed.
``DataStore`` is what the app uses: it re-validates when a file changes on disk
and keeps serving the last data that passed, so a broken hand edit never
reaches viewers; the findings are kept for maintainers to read.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pydantic import BaseModel

from geo import paths
from geo.findings import Finding, has_errors
from geo.measure import segment_lengths_km
from geo.schema import CostRow, EventRow, FigureRow, QuoteRow, SourceRow, TourRow
from geo.validate import read_files, validate_texts

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

    @cached_property
    def _source_labels(self) -> dict[str, str]:
        """Built once per dataset: a page cites sources dozens of times per run."""
        labels = {}
        for s in self.sources.to_dict("records"):
            extra = ", ".join(p for p in (s["author"], s["date"]) if p)
            labels[s["id"]] = f'{s["outlet"]}, "{s["title"]}"' + (f" ({extra})" if extra else "")
        return labels


def _source(data: Path | bytes) -> Path | io.BytesIO:
    return io.BytesIO(data) if isinstance(data, bytes) else data


def read_geojson(data: Path | bytes) -> gpd.GeoDataFrame:
    """Read GeoJSON as EPSG:4326 (RFC 7946 allows no other), list properties as lists."""
    frame = gpd.read_file(_source(data))
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(WGS84)
    for column in ("sources",):
        if column in frame:
            frame[column] = frame[column].apply(lambda v: [str(x) for x in v] if v is not None else [])
    return frame


def read_csv(data: Path | bytes, model: type[BaseModel]) -> pd.DataFrame:
    """Read a CSV with pandas as text, then type each row with its schema model."""
    raw = pd.read_csv(_source(data), dtype=str, keep_default_na=False)
    records = [model.model_validate(row).model_dump() for row in raw.to_dict("records")]
    columns = list(model.model_fields)
    return pd.DataFrame.from_records(records, columns=columns)


def load_files(files: Mapping[str, bytes]) -> Dataset:
    """Build a Dataset from file contents (from disk, or an upload being previewed)."""
    route = read_geojson(files[paths.ROUTE]).sort_values("order").reset_index(drop=True)
    route["length_km"] = segment_lengths_km(route)
    return Dataset(
        route=route,
        places=read_geojson(files[paths.PLACES]),
        countries=read_geojson(files[paths.COUNTRIES]),
        sources=read_csv(files[paths.SOURCES], SourceRow).set_index("id", drop=False),
        quotes=read_csv(files[paths.QUOTES], QuoteRow),
        costs=read_csv(files[paths.COSTS], CostRow),
        figures=read_csv(files[paths.FIGURES], FigureRow).set_index("id", drop=False),
        events=read_csv(files[paths.EVENTS], EventRow),
        tour=read_csv(files[paths.TOUR], TourRow).sort_values("order").reset_index(drop=True),
    )


def load_dataset(data_dir: Path | str = paths.DATA_DIR) -> Dataset:
    return load_files(read_files(Path(data_dir)))


def fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Changes whenever any data file is written (os.replace gives a new mtime and inode)."""
    out = []
    for name in paths.DATA_FILES:
        try:
            st = (data_dir / name).stat()
        except FileNotFoundError:
            out.append((name, -1, -1))
        else:
            out.append((name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@dataclass(frozen=True)
class Snapshot:
    #: The data to draw: the newest that passed validation, or None if none ever did.
    dataset: Dataset | None
    #: Findings for the files as they are on disk now.
    findings: list[Finding] = field(default_factory=list)
    #: ``fingerprint`` of the files ``dataset`` was loaded from: a cache key for anything derived from it.
    version: tuple = ()

    @property
    def stale(self) -> bool:
        """True when the files on disk are broken and an older good copy is being shown."""
        return self.dataset is not None and has_errors(self.findings)


class DataStore:
    """Validated, cached access to one data directory, safe to share between sessions."""

    def __init__(self, data_dir: Path | str = paths.DATA_DIR) -> None:
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._fingerprint: tuple | None = None
        self._snapshot = Snapshot(None, [])

    def snapshot(self) -> Snapshot:
        """Re-validate and reload only when a file changed since the last call."""
        with self._lock:
            current = fingerprint(self.data_dir)
            if current != self._fingerprint:
                self._snapshot = self._refresh(self._snapshot, current)
                self._fingerprint = current
            return self._snapshot

    def _refresh(self, last: Snapshot, version: tuple) -> Snapshot:
        # Validate and load the same bytes, so a write in between cannot slip past validation.
        files = read_files(self.data_dir)
        findings = validate_texts(files)
        if has_errors(findings):
            return Snapshot(last.dataset, findings, last.version)
        return Snapshot(load_files(files), findings, version)
