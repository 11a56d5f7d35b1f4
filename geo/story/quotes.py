"""Quotes: filtered for the page and cited with who said them, where, and in which source."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings


def filter_quotes(
    dataset: Dataset, *, speakers: Iterable[str] = (), segment_id: str | None = None
) -> pd.DataFrame:
    q = dataset.quotes
    speakers = list(speakers)
    if speakers:
        q = q[q["speaker"].isin(speakers)]
    if segment_id:
        q = q[q["segment_id"] == segment_id]
    return q


def quote_citation(dataset: Dataset, quote: pd.Series, tr: Strings) -> str:
    """``Pastor Kim, Founder, Caleb Mission (context). Source: Yahoo UK, "…"``."""
    role = f", {quote['role']}" if quote["role"] else ""
    context = f" ({quote['context']})" if quote["context"] else ""
    return (
        f"{quote['speaker']}{role}{context}. {tr('story.source')} {dataset.source_label(quote['source_id'])}"
    )
