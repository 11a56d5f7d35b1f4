"""Quotes: filtered for the page and cited with who said them, where, and in which source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.data.dataset import Dataset
from geo.story.i18n import Strings


@dataclass(frozen=True)
class QuoteIndex:
    """Who said each quote and about which leg, in file order: what the page's filters choose from.

    Built once per dataset (``pages.ui.cache.cached``), so a change of filter is a scan of a few
    dozen tuples, not a pandas query on every rerun.
    """

    rows: tuple[tuple[str, str, str], ...]  # (quote id, speaker, segment id)

    @classmethod
    def of(cls, dataset: Dataset) -> QuoteIndex:
        q = dataset.quotes
        return cls(tuple(zip(q["id"], q["speaker"], q["segment_id"], strict=True)))

    def ids(self, *, speakers: Iterable[str] = (), segment_id: str | None = None) -> list[str]:
        """The quotes said by any of ``speakers`` (everyone if none), about ``segment_id`` (any if None)."""
        wanted = set(speakers)
        return [
            quote_id
            for quote_id, speaker, segment in self.rows
            if (not wanted or speaker in wanted) and (not segment_id or segment == segment_id)
        ]


def quote_citation(dataset: Dataset, quote: pd.Series, tr: Strings) -> str:
    """``Pastor Kim, Founder, Caleb Mission (context). Source: Yahoo UK, "…"``."""
    role = f", {quote['role']}" if quote["role"] else ""
    context = f" ({quote['context']})" if quote["context"] else ""
    return (
        f"{quote['speaker']}{role}{context}. {tr('story.source')} {dataset.source_label(quote['source_id'])}"
    )
