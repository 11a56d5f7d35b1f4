"""What the rule modules share: the two severities, how a bad value is quoted, pydantic's errors as findings.

Kept apart so that the GeoJSON rules (``geo.data.rules_geojson``) and the CSV rules
(``geo.data.rules_tables``) word their findings the same way without importing each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from geo.data.findings import Finding, Severity

E, W = Severity.ERROR, Severity.WARNING


def _plain_repr(value: Any) -> str:
    """A value as the file wrote it: numbers as numbers (``1E+400``, not ``Decimal('1E+400')``)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_plain_repr(v) for v in value) + "]"
    return repr(value)


def short(value: Any, limit: int = 60) -> str:
    text = _plain_repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pydantic_findings(exc: ValidationError, make: Callable[[str, str], Finding]) -> list[Finding]:
    out = []
    for err in exc.errors(include_url=False):
        fld = ".".join(str(p) for p in err["loc"]) or "properties"
        got = err.get("input")
        if err["type"] == "missing":
            message = "required, but missing"
        elif err["type"] == "literal_error":
            message = f"expected one of {err['ctx']['expected']}; got {short(got)}"
        else:
            message = f"{err['msg'][0].lower()}{err['msg'][1:]}; got {short(got)}"
        out.append(make(fld, message))
    return out


def check_unique(file: str, items: Iterable[tuple[str | None, Finding]]) -> list[Finding]:
    """``items``: (id, a finding to report if that id repeats). Reports every repeat."""
    seen: Counter[str] = Counter()
    out = []
    for ident, finding in items:
        if ident is None:
            continue
        seen[ident] += 1
        if seen[ident] > 1:
            out.append(finding)
    return out
