"""Speed of the indicators behind ``fdclient stats`` on a 100k-resident township.

Builds the store with the demo generator (``fdclient.services.demo.generate_demo``,
20 villages, 30,800 households ≈ 100k residents with two years of contracts, planned
services and follow-ups), closes it (so the write-ahead log is checkpointed, as on a real
laptop) and reopens it, then times ``compute_indicators`` (median of 5) and each of its
queries, beside two baselines measured in the same run: one raw ``sqlite3``
``SELECT count(*) FROM residents``, and the naive way, a Python loop over every resident
and contract member computing coverage only.

    python bench/stats_bench.py [STORE_DIR] [--plans]

STORE_DIR is kept and reused when it already holds a store (building takes minutes).
``--plans`` prints EXPLAIN QUERY PLAN of every statement.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import event

from fdclient import paths
from fdclient.services.indicators import queries
from fdclient.services.indicators.compute import compute_indicators
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS as DEFS
from fdclient.services.indicators.sql import contracted_residents
from fdclient.store import Store, create_store, open_store

AS_OF = date(2025, 6, 30)
TOWNSHIP = ("360111101", "罗家镇")
#: The demo generator makes about 3.25 residents per household: ≈ 100k residents.
VILLAGES, HOUSEHOLDS = 20, 30_800
REPEAT = 5

#: Each query alone, given a session and the temporary table of contracted residents.
QUERIES: dict[str, Callable] = {
    "population (residents, contracted, key populations)": lambda s, c: queries.population_by_village(
        s, AS_OF, c, DEFS
    ),
    "households": lambda s, c: queries.households_by_village(s, AS_OF),
    "renewals": lambda s, c: queries.renewals(s, AS_OF, DEFS),
    "fulfilment per resident": lambda s, c: queries.fulfilment(s, AS_OF, DEFS, c),
    "fulfilment per service kind": lambda s, c: queries.fulfilment_by_kind(s, AS_OF, DEFS),
    "hypertension follow-ups": lambda s, c: queries.followups(s, AS_OF, DEFS, "hypertension"),
    "diabetes follow-ups": lambda s, c: queries.followups(s, AS_OF, DEFS, "diabetes"),
    "satisfaction": lambda s, c: queries.satisfaction(s, AS_OF, DEFS),
}


def build_store(store_dir: Path) -> str:
    """Create the 100k-resident demo store in *store_dir* unless one is there; closing it
    checkpoints the write-ahead log."""
    if paths.database_path(store_dir).exists():
        return "existing store"
    from fdclient.services.demo import generate_demo

    with create_store(store_dir, *TOWNSHIP) as store:
        generate_demo(store, villages=VILLAGES, households=HOUSEHOLDS, seed=7, as_of=AS_OF)
    return "fdclient.services.demo"


def naive_coverage(db: Path, as_of: date) -> tuple[int, int]:
    """The naive way: every resident and contract member into Python, coverage in a loop."""
    con = sqlite3.connect(db)
    try:
        d = as_of.isoformat()
        covered = set()
        for rid, start, end, status, signed, term, ended in con.execute(
            "SELECT m.resident_id, c.start_date, c.end_date, c.status, c.signed_at,"
            " c.terminated_on, m.ended_on FROM contract_members m JOIN contracts c ON c.id = m.contract_id"
        ):
            if (
                status != "draft"
                and signed
                and signed[:10] <= d
                and start <= d <= end
                and (term is None or term > d)
                and (ended is None or ended > d)
            ):
                covered.add(rid)
        residents = contracted = 0
        for rid, voided, merged, birth, changed in con.execute(
            "SELECT id, voided_at, merged_into_id, birth_date, status_changed_on FROM residents"
        ):
            if voided is None and merged is None and birth <= d and (changed is None or changed > d):
                residents += 1
                contracted += rid in covered
        return residents, contracted
    finally:
        con.close()


def query_plans(store: Store, as_of: date = AS_OF) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of every statement compute_indicators runs, with its parameters."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.sessions() as session:
            compute_indicators(session, as_of)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    con = sqlite3.connect(store.info.path)
    try:
        return [(sql, [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]) for sql, params in captured]
    finally:
        con.close()


def _median_ms(fn, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def time_indicators(store: Store) -> tuple[float, float, object, list[tuple[str, float, str]]]:
    """compute_indicators on one connection and on two side by side (as ``fdclient stats``
    runs it), median of REPEAT after a warm-up run; and each query alone (median of 3)."""
    with store.sessions() as session:
        compute_indicators(session, AS_OF, sessions=store.sessions)
        serial_ms, report = _median_ms(lambda: compute_indicators(session, AS_OF))
        concurrent_ms, _ = _median_ms(lambda: compute_indicators(session, AS_OF, sessions=store.sessions))
        with contracted_residents(session, AS_OF, DEFS.utc_offset_hours) as contracted:
            parts = [
                (f"  query: {name}", _median_ms(lambda fn=fn: list(fn(session, contracted)), 3)[0], "ms")
                for name, fn in QUERIES.items()
            ]
    return serial_ms, concurrent_ms, report, parts


def run(store_dir: Path) -> list[tuple[str, float | str, str]]:
    t0 = time.perf_counter()
    source = build_store(Path(store_dir))
    rows: list[tuple[str, float | str, str]] = [
        ("store source", source, ""),
        ("store build", time.perf_counter() - t0, "s"),
    ]
    with open_store(Path(store_dir)) as store:
        db = store.info.path
        con = sqlite3.connect(db)
        try:
            count_ms, count = _median_ms(lambda: con.execute("SELECT count(*) FROM residents").fetchone()[0])
            sizes = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("contracts", "planned_services", "visits")
            }
        finally:
            con.close()
        rows.append(("residents rows", count, "rows"))
        rows += [(f"{table} rows", n, "rows") for table, n in sizes.items()]
        serial_ms, ms, report, parts = time_indicators(store)
        naive_ms, (naive_res, naive_con) = _median_ms(lambda: naive_coverage(db, AS_OF))
        t = report.township
        rows += [
            ("compute_indicators, two connections (as fdclient stats)", ms, "ms"),
            ("compute_indicators, one connection", serial_ms, "ms"),
            *parts,
            ("baseline: raw sqlite3 SELECT count(*) FROM residents", count_ms, "ms"),
            ("baseline: naive Python loop, coverage only", naive_ms, "ms"),
            ("registered / contracted residents", f"{t.residents}/{t.contracted_residents}", "people"),
            (
                "naive loop agrees on both",
                "yes" if (naive_res, naive_con) == (t.residents, t.contracted_residents) else "NO",
                "",
            ),
            ("coverage", 100 * (t.value("coverage") or 0), "%"),
            ("indicators (township)", len(t.indicators), ""),
        ]
    return rows


def main(argv: list[str]) -> None:
    args = [a for a in argv[1:] if not a.startswith("--")]
    if args:
        rows = run(Path(args[0]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = run(Path(tmp) / "store")
    if "--plans" in argv and args:
        with open_store(Path(args[0])) as store:
            for sql, plan in query_plans(store):
                print(" ".join(sql.split())[:150] + " ...")
                print("\n".join("    " + step for step in plan))
    print(f"{'figure':55s} {'value':>10} unit")
    for figure, value, unit in rows:
        shown = f"{value:10.1f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{figure:55s} {shown} {unit}")


if __name__ == "__main__":
    main(sys.argv)
