"""The benchmark table: sections of rows, medians and ratios, and a line naming the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "---|" * len(self.header))
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines) + "\n"

    def timed(self, label: str, seconds: float, baseline: float | None = None, target: str = "") -> None:
        """Add a row of a timed measure: its median and its ratio to the section's baseline. Without
        ``baseline`` the row is the baseline itself (1.00×); ``target`` goes in a "target" column when
        the section has one."""
        shown = "1.00×" if baseline is None else ratio(seconds, baseline)
        self.rows.append([label, ms(seconds), shown] + ([target] if "target" in self.header else []))


def median_s(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}×"


def machine() -> str:
    mem = ""
    try:
        kib = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
            ).split()[1]
        )
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs{mem}"
