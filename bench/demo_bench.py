"""Demo township generator: build and write a township of ~100k residents, beside the
driver's own ``executemany`` of the same rows into a fresh store in the same run.

Figures: ``generate_demo`` as ``fdclient demo`` runs it (villages built in a second
process while this one writes, and by the writer itself whenever the next village is not
ready: both cores), with rows/s, the building time (both processes), the writer's busy
time and its time between parts; the same in one process
(``--one-process``); the baseline (same rows, same order, one transaction, through a bare
driver connection with the store's key and pragmas: SQLCipher, foreign keys, WAL,
``synchronous=FULL``, every index kept up to date, CHECKs row by row, and the same
one-off rebuild of the search index instead of per-row indexing); the ratios; the
slowest tables of each; and a pure-Python loop as a yardstick of how busy the machine
was (about 1.4 s on an idle machine of this kind; two at once take ~1.5 times as long
each: the two cores are not two full cores).

    python bench/demo_bench.py [RESIDENTS] [--one-process] [--with-triggers]

``--with-triggers`` adds a second baseline that lets the search triggers index every row.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from fdclient.services.demo import DemoData, DemoSummary, build_demo, demo_township, generate_demo
from fdclient.services.demo.people import MEAN_HOUSEHOLD_SIZE
from fdclient.services.demo.writer import driver_connection, write_rows_sqlite3
from fdclient.store import Store, create_store

CODE, NAME = "360111101", "罗家镇"
AS_OF = date(2026, 11, 20)
TARGET_SECONDS = 20.0
PASSWORD = "bench-password-1"
SEED = 1

Figure = tuple[str, float, str]


def new_store(folder: Path) -> Store:
    return create_store(folder, CODE, NAME, admin_username="admin", admin_password=PASSWORD)


def _yardstick() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(30_000_000):
        total += i
    return time.perf_counter() - started


def _baseline(
    folder: Path, villages: int, households: int, *, defer: bool, timings: dict[str, float]
) -> tuple[float, DemoData]:
    """Seconds to insert a demo (built for a fresh store's township) through the driver."""
    with new_store(folder) as store:
        with store.read() as session:
            township = demo_township(session.connection(), store.info.township_id)
        path, key = store.path, store.key
    data = build_demo(township, villages=villages, households=households, seed=SEED, as_of=AS_OF)
    with driver_connection(path, key) as con:
        started = time.perf_counter()
        write_rows_sqlite3(con, data, defer_search_index=defer, timings=timings)
        return time.perf_counter() - started, data


def _generate(folder: Path, villages: int, households: int, *, parallel: bool) -> DemoSummary:
    with new_store(folder) as store:
        return generate_demo(store, villages=villages, households=households, seed=SEED, as_of=AS_OF, parallel=parallel)


def _summary(label: str, summary: DemoSummary) -> list[Figure]:
    rows = summary.rows
    return [
        (f"{label}: total generate_demo", summary.seconds, "s"),
        (f"{label}: total rate", summary.rows_per_second, "rows/s"),
        (f"{label}: building the villages (CPU of both processes)", summary.build_seconds, "s"),
        (f"{label}:   of which in the writer's process", summary.built_here_seconds, "s"),
        (f"{label}: writing (busy)", summary.write_seconds, "s"),
        (f"{label}: write rate (busy)", rows / summary.write_seconds, "rows/s"),
        (f"{label}: writer between parts (receiving, building, waiting)", summary.waited_seconds, "s"),
    ]


def run(residents_target: int = 100_000, *, one_process: bool = False, with_triggers: bool = False) -> list[Figure]:
    households = round(residents_target / MEAN_HOUSEHOLD_SIZE)
    villages = max(8, min(100, residents_target // 3000))
    out: list[Figure] = [("yardstick: pure-Python loop, 30M additions", _yardstick(), "s")]
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
        summary = _generate(Path(tmp) / "demo", villages, households, parallel=True)
        rows = summary.rows
        out += [
            ("villages / households / residents", villages, f"/ {households} / {summary.counts['residents']}"),
            ("rows written (all tables)", rows, "rows"),
            *_summary("two processes", summary),
            (f"two processes: total / {TARGET_SECONDS:.0f} s target", summary.seconds / TARGET_SECONDS, "x"),
        ]
        if one_process:
            alone = _generate(Path(tmp) / "alone", villages, households, parallel=False)
            out += [
                *_summary("one process", alone),
                ("one process / two processes", alone.seconds / summary.seconds, "x"),
            ]
        timings: dict[str, float] = {}
        base, data = _baseline(Path(tmp) / "baseline", villages, households, defer=True, timings=timings)
        out += [
            ("baseline: driver executemany, same rows", base, "s"),
            ("baseline rate", data.row_count / base, "rows/s"),
            ("generate_demo total rate / baseline rate", summary.rows_per_second / (data.row_count / base), "x"),
        ]
        for label, seconds_by_table in (("generate_demo", summary.table_seconds), ("baseline", timings)):
            counts = data.counts()
            for name, seconds in sorted(seconds_by_table.items(), key=lambda kv: -kv[1])[:6]:
                count = counts[name]
                out.append((f"  {label}: {name} ({count} rows)", seconds, f"s, {count / seconds:,.0f} rows/s"))
        if with_triggers:
            plain, _ = _baseline(Path(tmp) / "triggers", villages, households, defer=False, timings={})
            out += [
                ("baseline with per-row search indexing", plain, "s"),
                ("  its rate", data.row_count / plain, "rows/s"),
            ]
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    figures = run(
        int(args[0]) if args else 100_000,
        one_process="--one-process" in sys.argv,
        with_triggers="--with-triggers" in sys.argv,
    )
    for figure, value, unit in figures:
        print(f"{figure:62s} {value:14,.2f} {unit}")
