"""The rules for the CSV tables: each row against its schema model, then row against row.

A row model's own rules (``ROW_RULES``) see one row; a file's rules (``FILE_RULES``)
compare its rows, as arrivals.csv needs one count per year, in order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from geo import paths
from geo.data.findings import Finding
from geo.data.parse import CsvRow, ParsedFile, parse_csv
from geo.data.rules_shared import E, W, check_unique, pydantic_findings, short
from geo.data.schema import CSV_MODELS, ArrivalRow, ClaimRow, EventRow, SourceRow, required_columns

#: A web address a reader can open: http(s), a host name, and nothing that could end a
#: Markdown link or an HTML attribute (spaces, quotes, brackets, angle brackets, backslashes).
WEB_ADDRESS = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?([/?#][^\s()<>\[\]{}\"'`\\^|]*)?$")

# --------------------------------------------------------------------------- CSV rules


def check_rows(file: str, raw: bytes, max_rows: int | None) -> ParsedFile:
    """Each row against its schema model, ids unique, dates as precise as they say."""
    model = CSV_MODELS[file]
    header, rows, findings = parse_csv(file, raw, max_rows)
    parsed = ParsedFile(file, findings=findings, readable=not findings)
    if findings:
        return parsed
    missing = [c for c in required_columns(model) if c not in header]
    if missing:
        parsed.findings.append(
            Finding(E, file, f"missing column(s): {', '.join(missing)}", field="header", line=1)
        )
        parsed.readable = False
        return parsed
    for row in rows:
        parsed.rows.append(row)
        if row.bad_width is not None:
            parsed.findings.append(
                Finding(
                    E,
                    file,
                    f"has {row.bad_width} cells; the header has {len(header)} (a missing quote or comma?)",
                    line=row.line,
                )
            )
            continue
        try:
            row.model = model.model_validate(row.cells)
        except ValidationError as exc:
            parsed.findings += pydantic_findings(
                exc, lambda fld, msg, r=row: Finding(E, file, msg, fld, r.id, line=r.line)
            )
            continue
        parsed.findings += [
            Finding(E, file, msg, fld, row.id, line=row.line) for fld, msg in row_problems(row.model)
        ]
    parsed.findings += check_unique(
        file,
        (
            (
                r.id,
                Finding(
                    E, file, "this id is used on an earlier line; ids must be unique", "id", r.id, line=r.line
                ),
            )
            for r in rows
        ),
    )
    for rule in FILE_RULES.get(file, ()):
        parsed.findings += rule(file, rows)
    return parsed


def event_date_problems(row: EventRow) -> list[tuple[str, str]]:
    """An event's dates are as precise as its ``precision`` says."""
    return row.date_problems()


def source_url_problems(row: SourceRow) -> list[tuple[str, str]]:
    """A source's ``url`` is a web address a reader can open: http(s), no spaces or quotes."""
    if not row.url or WEB_ADDRESS.match(row.url):
        return []
    return [
        (
            "url",
            "expected a web address starting with https:// (or http://), with no spaces, "
            f"quotes or brackets; got {short(row.url)}",
        )
    ]


def source_title_problems(row: SourceRow) -> list[tuple[str, str]]:
    """A source without a known headline must at least have a ``url`` a reader can follow."""
    if row.title or row.url:
        return []
    return [
        ("title", "required, unless the source has a url (then say in the note why the headline is unknown)")
    ]


def claim_unit_problems(row: ClaimRow) -> list[tuple[str, str]]:
    """A claim's ``value`` means nothing without its ``unit``."""
    if row.value is None or row.unit:
        return []
    return [("unit", f"the value {row.value} needs its unit (USD, KRW, km, people…)")]


#: The rules a row model is checked against beyond its field types, by model.
ROW_RULES: dict[type[BaseModel], tuple[Callable[[Any], list[tuple[str, str]]], ...]] = {
    EventRow: (event_date_problems,),
    SourceRow: (source_url_problems, source_title_problems),
    ClaimRow: (claim_unit_problems,),
}


def row_problems(model: BaseModel) -> list[tuple[str, str]]:
    """(field, message) pairs a row model finds in itself beyond its field types."""
    return [problem for rule in ROW_RULES.get(type(model), ()) for problem in rule(model)]


# --------------------------------------------------------------------------- arrivals.csv, row against row


def _arrivals(rows: list[CsvRow]) -> list[tuple[CsvRow, ArrivalRow]]:
    return [(r, r.model) for r in rows if isinstance(r.model, ArrivalRow)]


def check_arrival_counts(file: str, rows: list[CsvRow]) -> list[Finding]:
    """Every year has a count: a blank would draw as zero people."""
    return [
        Finding(
            E,
            file,
            f"{m.year} has no count; every year needs the number of people who arrived",
            "count",
            line=r.line,
        )
        for r, m in _arrivals(rows)
        if m.count is None
    ]


def check_arrival_years_unique(file: str, rows: list[CsvRow]) -> list[Finding]:
    """One row per year: two counts for a year would be drawn on top of each other."""
    first: dict[int, int] = {}
    out = []
    for r, m in _arrivals(rows):
        if m.year in first:
            message = (
                f"{m.year} is already on line {first[m.year]}; give each year one row "
                "(earlier or revised figures go in the note)"
            )
            out.append(Finding(E, file, message, "year", line=r.line))
        else:
            first[m.year] = r.line
    return out


def check_arrival_years_in_order(file: str, rows: list[CsvRow]) -> list[Finding]:
    """Years listed from earliest to latest, so the file reads like the chart."""
    arrivals = _arrivals(rows)
    for (_, before), (r, m) in itertools.pairwise(arrivals):
        if m.year < before.year:
            message = f"{m.year} comes after {before.year}; list the years from earliest to latest"
            return [Finding(W, file, message, "year", line=r.line)]
    return []


#: Rules that compare a file's rows with each other, by file.
FILE_RULES: dict[str, tuple[Callable[[str, list[CsvRow]], list[Finding]], ...]] = {
    paths.ARRIVALS: (check_arrival_counts, check_arrival_years_unique, check_arrival_years_in_order),
}
