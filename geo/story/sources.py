"""Sources: what the app takes from each one, so every fact on screen can be traced."""

from __future__ import annotations

import pandas as pd

from geo.data.dataset import Dataset

#: What each source can be cited for: (label, Dataset table, column holding its source ids).
SOURCE_USES: tuple[tuple[str, str, str], ...] = (
    ("Quotes", "quotes", "source_id"),
    ("Route legs", "route", "sources"),
    ("Places", "places", "sources"),
    ("Costs", "costs", "source_ids"),
    ("Figures", "figures", "source_ids"),
    ("Dates", "events", "source_ids"),
)


def _cites(cited: object, source_id: str) -> bool:
    return source_id == cited if isinstance(cited, str) else source_id in cited


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """For each source, how many records of each kind cite it."""
    rows = []
    for sid, src in dataset.sources.iterrows():
        uses = {
            label: int(getattr(dataset, table)[column].apply(_cites, source_id=sid).sum())
            for label, table, column in SOURCE_USES
        }
        rows.append(
            {
                "id": sid,
                "Outlet": src["outlet"],
                "Title": src["title"],
                "Author": src["author"],
                "Date": src["date"],
                **uses,
                "Note": src["note"],
            }
        )
    return pd.DataFrame(rows)
