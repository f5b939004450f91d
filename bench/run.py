"""All the figures issue #2 asks for, in one table, each beside a baseline measured in the
same run:

* the demo township of 100k residents (``bench/demo_bench.py``): total time and rows/s
  against plain ``sqlite3.executemany`` of the same rows into a fresh store;
* ``stats`` over 100k residents (``bench/stats_bench.py``): ``compute_indicators`` against
  a raw count and a naive Python loop through the bare driver;
* start-up (``bench/startup_bench.py``): ``fdclient --version`` and ``fdclient stats``
  (with its sign-in) wall time against a bare ``python -c pass``, import times, heavy
  modules loaded;
* with ``--search``, resident search against a ``LIKE '%x%'`` scan (builds three 100k
  stores: several minutes).

    python bench/run.py [--residents N] [--search]

``--residents`` sizes every store (default 100,000; e.g. 5000 for a quick check that the
benchmarks run). Timings vary by about ±20% on the shared machines: compare each figure
with its baseline, not with another day's run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo_bench  # noqa: E402
import startup_bench  # noqa: E402
import stats_bench  # noqa: E402

Row = tuple[str, object, str]


def _print(section: str, rows: Sequence[Row]) -> None:
    print(f"\n## {section}")
    print(f"{'figure':62s} {'value':>12}  unit")
    for figure, value, unit in rows:
        shown = f"{value:12.1f}" if isinstance(value, float) else f"{value!s:>12}"
        print(f"{figure:62s} {shown}  {unit}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join((__doc__ or "").split("\n\n")[0].split()))
    parser.add_argument("--residents", type=int, default=100_000, help="size of every store (default 100,000)")
    parser.add_argument("--search", action="store_true", help="also the search benchmark (slow)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _print("Demo township", demo_bench.run(args.residents))
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        _print("Indicators (fdclient stats)", stats_bench.run(store_dir, args.residents))
        _print(
            "Start-up",
            startup_bench.run(
                store_dir, as_of=stats_bench.AS_OF.isoformat(), user=stats_bench.USER, password=stats_bench.PASSWORD
            ),
        )
    if args.search:
        import search_bench

        _print("Search", search_bench.run(args.residents))
    print(f"\n(bench took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
