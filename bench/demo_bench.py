"""Demo township generator: build and write a township of ~100k residents, beside the
driver's own ``executemany`` of the same rows into a fresh store in the same run.

Figures: build (``build_demo``), write (``write_demo``), total (``generate_demo`` = build +
write + checks, no sign-in accounts: each would add one argon2id derivation), each with
rows/s; the baseline (same rows, same order, one transaction, through a bare driver
connection with the store's key and pragmas: SQLCipher, foreign keys, WAL,
``synchronous=FULL``, and the same one-off rebuild of the search index instead of per-row
indexing); the ratio write/baseline; the slowest tables of each; and a pure-Python loop
as a yardstick of how busy the machine was (about 0.45 s on an idle machine of this kind).

    python bench/demo_bench.py [RESIDENTS] [--with-triggers]

``--with-triggers`` adds a second baseline that lets the search triggers index every row.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from fdclient.services.demo import DemoData, build_demo, demo_township, generate_demo
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
    for i in range(10_000_000):
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


def run(residents_target: int = 100_000, *, with_triggers: bool = False) -> list[Figure]:
    households = round(residents_target / MEAN_HOUSEHOLD_SIZE)
    villages = max(8, min(100, residents_target // 3000))
    out: list[Figure] = [("yardstick: pure-Python loop, 10M additions", _yardstick(), "s")]
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
        with new_store(Path(tmp) / "demo") as store:
            cpu = time.process_time()
            summary = generate_demo(store, villages=villages, households=households, seed=SEED, as_of=AS_OF)
            cpu = time.process_time() - cpu
        rows = summary.rows
        out += [
            ("villages / households / residents", villages, f"/ {households} / {summary.counts['residents']}"),
            ("rows written (all tables)", rows, "rows"),
            ("build_demo", summary.build_seconds, "s"),
            ("build_demo rate", rows / summary.build_seconds, "rows/s"),
            ("write_demo (driver executemany, one transaction)", summary.write_seconds, "s"),
            ("write_demo rate", rows / summary.write_seconds, "rows/s"),
            ("total generate_demo", summary.seconds, "s"),
            ("total rate", summary.rows_per_second, "rows/s"),
            ("total CPU time of generate_demo", cpu, "s"),
            (f"total / {TARGET_SECONDS:.0f} s target", summary.seconds / TARGET_SECONDS, "x"),
        ]
        timings: dict[str, float] = {}
        base, data = _baseline(Path(tmp) / "baseline", villages, households, defer=True, timings=timings)
        out += [
            ("baseline: driver executemany, same rows", base, "s"),
            ("baseline rate", data.row_count / base, "rows/s"),
            ("write_demo rate / baseline rate", (rows / summary.write_seconds) / (data.row_count / base), "x"),
        ]
        for label, seconds_by_table in (("write_demo", summary.table_seconds), ("baseline", timings)):
            for name, seconds in sorted(seconds_by_table.items(), key=lambda kv: -kv[1])[:6]:
                count = len(data.table(name).rows)
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
    for figure, value, unit in run(int(args[0]) if args else 100_000, with_triggers="--with-triggers" in sys.argv):
        print(f"{figure:55s} {value:14,.2f} {unit}")
