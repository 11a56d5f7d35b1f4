"""``python -m bench`` (or ``./bench/run``): what a view costs and how the ``geo`` code scales.

Every number is printed next to a baseline measured in the same run on the same
machine, as a ratio: these machines are noisy, so absolute times only describe
this run. The table goes to stdout and to ``bench/RESULTS.md`` with the date and
the machine. ``--quick`` skips the 100,000-segment step and uses fewer repeats.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "RESULTS.md"


#: Every section, in the order ``./bench/run`` runs them.
SECTION_NAMES = (
    "start",
    "rerun",
    "payload",
    "browser",
    "scaling",
    "hostile",
    "sessions",
    "crowd",
    "floor",
    "site",
    "film",
)


def _sections() -> dict:
    """Section name → the function that measures it (imported late: they pull in Streamlit and Playwright)."""
    from bench import crowd, film, floor, measures

    own_module = {"crowd": crowd, "floor": floor, "film": film}
    return {name: getattr(own_module.get(name, measures), name) for name in SECTION_NAMES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--only", nargs="*", help="run some sections: " + " ".join(SECTION_NAMES))
    args = parser.parse_args(argv)
    from bench.report import Section, machine

    sections_by_name = _sections()
    wanted = args.only or list(SECTION_NAMES)
    sections: list[Section] = []
    for name in wanted:
        print(f"==> {name}", file=sys.stderr, flush=True)
        run = sections_by_name[name]
        section = run(quick=args.quick)
        sections.append(section)
        print(section.markdown(), flush=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        f"# Benchmark results\n\n{stamp} on {machine()}.\n"
        f"Command: `./bench/run{' --quick' if args.quick else ''}`. Ratios are against baselines measured "
        "in the same run; absolute times describe this run only.\n"
    )
    if not args.only:
        RESULTS.write_text(head + "\n" + "\n".join(s.markdown() for s in sections), encoding="utf-8")
        print(f"wrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
