"""The tree stays readable: every room of code holds one concern and fits in a sitting (600 lines).

A module that grows past it is split by concern (as geo/edit/imports.py was into import_sniff,
import_readers and import_generalize), not trimmed by squeezing lines.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
#: Our own code: Python under these folders, and our own scripts and style sheets (not vendored ones).
ROOMS = sorted(
    [
        ROOT / "app.py",
        *(path for folder in ("geo", "pages", "harness") for path in (ROOT / folder).rglob("*.py")),
        *(p for ext in ("*.js", "*.css") for p in (ROOT / "static").rglob(ext) if "vendor" not in p.parts),
        *(ROOT / "geo" / "export" / "static").rglob("*.js"),
    ]
)


def test_there_are_rooms_to_measure():
    assert len(ROOMS) > 50
    assert ROOT / "static" / "presenter" / "pack.js" in ROOMS


def test_every_module_stays_under_600_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in ROOMS}
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert too_long == {}, f"split these by concern: {too_long}"
