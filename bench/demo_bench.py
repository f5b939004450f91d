"""Demo township generator: build and write a township of ~100k residents, beside plain
``sqlite3.executemany`` of the same rows into a fresh migrated store in the same run.

Figures: build (``build_demo``), write (``write_demo``), total (``generate_demo`` = build +
write + checks), each with rows/s; the baseline (same rows, same order, one transaction, the
store's pragmas: foreign keys, WAL, ``synchronous=FULL``, and the same one-off rebuild of
the search index instead of per-row indexing); the ratio write/baseline; the slowest
tables of the baseline; and a pure-Python loop as a yardstick of how busy the machine was
(about 0.45 s on an idle machine of this kind).

    python bench/demo_bench.py [RESIDENTS] [--with-triggers]

``--with-triggers`` adds a second baseline that lets the search triggers index every row.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from fdclient.services.demo import build_demo, demo_township, generate_demo
from fdclient.services.demo.people import MEAN_HOUSEHOLD_SIZE
from fdclient.services.demo.writer import write_rows_sqlite3
from fdclient.store import create_store

CODE, NAME = "360111101", "罗家镇"
AS_OF = date(2026, 11, 20)
TARGET_SECONDS = 20.0


def _yardstick() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def _baseline(folder: Path, township_hex: str, data, *, defer: bool, timings: dict[str, float]) -> float:
    store = create_store(folder, CODE, NAME)
    path = store.info.path
    store.close()
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
            con.execute(f"PRAGMA {pragma}")
        con.execute("UPDATE townships SET id = ?", (township_hex,))
        started = time.perf_counter()
        write_rows_sqlite3(con, data, defer_search_index=defer, timings=timings)
        return time.perf_counter() - started
    finally:
        con.close()


def run(residents_target: int = 100_000, *, with_triggers: bool = False) -> list[tuple[str, float, str]]:
    households = round(residents_target / MEAN_HOUSEHOLD_SIZE)
    villages = max(8, min(100, residents_target // 3000))
    out: list[tuple[str, float, str]] = [("yardstick: pure-Python loop, 10M additions", _yardstick(), "s")]
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
        store = create_store(Path(tmp) / "demo", CODE, NAME)
        try:
            cpu = time.process_time()
            summary = generate_demo(store, villages=villages, households=households, seed=1, as_of=AS_OF)
            cpu = time.process_time() - cpu
            with store.engine.connect() as conn:
                township = demo_township(conn, store.info.township_id)
        finally:
            store.close()
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
        data = build_demo(township, villages=villages, households=households, seed=1, as_of=AS_OF)
        timings: dict[str, float] = {}
        base = _baseline(Path(tmp) / "baseline", township.id_hex, data, defer=True, timings=timings)
        out += [
            ("baseline sqlite3.executemany, same rows", base, "s"),
            ("baseline rate", data.row_count / base, "rows/s"),
            ("write_demo rate / baseline rate", (rows / summary.write_seconds) / (data.row_count / base), "x"),
        ]
        for label, seconds_by_table in (("write_demo", summary.table_seconds), ("baseline", timings)):
            for name, seconds in sorted(seconds_by_table.items(), key=lambda kv: -kv[1])[:6]:
                count = len(data.table(name).rows)
                out.append((f"  {label}: {name} ({count} rows)", seconds, f"s, {count / seconds:,.0f} rows/s"))
        if with_triggers:
            plain = _baseline(Path(tmp) / "triggers", township.id_hex, data, defer=False, timings={})
            out += [
                ("baseline with per-row search indexing", plain, "s"),
                ("  its rate", data.row_count / plain, "rows/s"),
            ]
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    for figure, value, unit in run(int(args[0]) if args else 100_000, with_triggers="--with-triggers" in sys.argv):
        print(f"{figure:55s} {value:14,.2f} {unit}")
