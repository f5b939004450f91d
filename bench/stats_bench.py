"""Speed of the indicators behind ``fdclient stats`` on a 100k-resident township.

Builds the store as ``fdclient demo`` does (``create_store`` populated by
``fdclient.services.demo.generate_demo``: 20 villages, 30,800 households ≈ 100k residents
with two years of contracts, planned services and follow-ups; smaller with
``--residents``), closes it (so the write-ahead log is checkpointed, as on a real laptop),
signs in and reopens it, then times ``compute_indicators`` (median of 5) in a fresh
process (its two groups of queries side by side, the second in a forked process, as
``fdclient stats`` runs it), in this process and in one unit of work, the table of
covered residents and each query alone, and ``village_indicators`` for one village (what
the dashboard shows on a click; median and slowest over every village), beside two
baselines measured in the same run through a bare driver connection (SQLCipher with the
store's key, no SQLAlchemy): one ``SELECT count(*) FROM residents``, and the naive way, a
Python loop over every resident and contract member computing coverage only.

Side by side, ``compute_indicators`` closes the pooled connections before it forks (no
connection crosses a fork), so every run decrypts its pages again, as a fresh ``fdclient
stats`` does; in one unit of work a pooled connection keeps part of its page cache from
the run before. ``bench/startup_bench.py`` measures the whole ``fdclient stats`` process.

    python bench/stats_bench.py [STORE_DIR] [--residents N] [--plans]

STORE_DIR is kept and reused when it already holds a store this bench made (building
takes minutes; it signs in as :data:`USER` with :data:`PASSWORD`). ``--plans`` prints
EXPLAIN QUERY PLAN of every statement.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import FromClause, event, select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus, VisitKind
from fdclient.paths import StorePaths
from fdclient.services.demo import generate_demo
from fdclient.services.demo.writer import driver_connection
from fdclient.services.indicators import chronic, queries
from fdclient.services.indicators.compute import IndicatorReport, compute_indicators, village_indicators
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS as DEFS
from fdclient.services.indicators.sql import VILLAGES as VILLAGE_TABLE
from fdclient.services.indicators.sql import covered_residents
from fdclient.store import Store, create_store, open_store, sign_in
from fdclient.store.engine import bulk_load_cache

T = TypeVar("T")

AS_OF = date(2025, 6, 30)
TOWNSHIP = ("360111101", "罗家镇")
#: The demo generator makes about 3.25 residents per household: ≈ 100k residents.
VILLAGES, HOUSEHOLDS = 20, 30_800
RESIDENTS = 100_000
REPEAT = 5
#: The account the bench creates its store with and signs in as (admins may view figures).
USER, PASSWORD = "admin", "bench-password-1"

Figure = tuple[str, float | str, str]

#: Each query alone, given a read unit of work and the temporary table of covered residents.
Query = Callable[[Session, FromClause], Iterable[object]]
QUERIES: dict[str, Query] = {
    "population (residents, contracted, key populations)": lambda s, c: queries.population(s, AS_OF, c, DEFS),
    "households": lambda s, c: queries.households(s, AS_OF),
    "households per team and doctor": lambda s, c: queries.team_households(s, c),
    "renewals": lambda s, c: queries.renewals(s, AS_OF, DEFS),
    "fulfilment per resident": lambda s, c: queries.fulfilment(s, AS_OF, DEFS, c),
    "fulfilment per service kind": lambda s, c: queries.fulfilment_by_kind(s, AS_OF, DEFS),
    "hypertension follow-ups": lambda s, c: chronic.followups(s, AS_OF, DEFS, VisitKind.HYPERTENSION),
    "diabetes follow-ups": lambda s, c: chronic.followups(s, AS_OF, DEFS, VisitKind.DIABETES),
    "satisfaction": lambda s, c: queries.satisfaction(s, AS_OF, DEFS, covered=c),
}


def build_store(store_dir: Path, residents: int = RESIDENTS) -> str:
    """Create the demo store in *store_dir* unless one is there (closing it checkpoints
    the write-ahead log)."""
    if StorePaths(store_dir).database.exists():
        return "existing store"
    households = max(1, round(HOUSEHOLDS * residents / RESIDENTS))
    villages = max(1, min(households, round(VILLAGES * residents / RESIDENTS)))

    def populate(store: Store) -> None:
        generate_demo(store, villages=villages, households=households, seed=7, as_of=AS_OF)

    create_store(store_dir, *TOWNSHIP, admin_username=USER, admin_password=PASSWORD, populate=populate).close()
    return "fdclient.services.demo"


def signed_in(store_dir: Path) -> Store:
    return open_store(store_dir, sign_in(store_dir, USER, PASSWORD))


def naive_coverage(store: Store, as_of: date) -> tuple[int, int]:
    """The naive way: every resident and contract member into Python, coverage in a loop."""
    with driver_connection(store.path, store.key) as con:
        d = as_of.isoformat()
        covered = set()
        for rid, start, end, status, signed, term, ended in con.execute(
            "SELECT m.resident_id, c.start_date, c.end_date, c.status, c.signed_at,"
            " c.terminated_on, m.ended_on FROM contract_members m JOIN contracts c ON c.id = m.contract_id"
        ):
            # signed_at is UTC: "by the end of as_of in China" is before 16:00 UTC that day.
            if (
                status != ContractStatus.DRAFT
                and signed
                and signed < f"{d} 16:00"
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


def query_plans(store: Store, as_of: date = AS_OF) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of every statement compute_indicators runs, with its parameters."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        compute_indicators(store, as_of, side_by_side=False)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    # The temporary tables the queries read exist only while the table of covered residents does.
    with store.read() as session, covered_residents(session, as_of):
        return [
            (sql, [row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)])
            for sql, params in captured
        ]


def _median_ms(fn: Callable[[], T], repeat: int = REPEAT) -> tuple[float, T]:
    """The median of ``repeat`` runs of ``fn`` in milliseconds, and its last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


#: ``compute_indicators`` in a process of its own, as ``fdclient stats`` runs it (the
#: bench's own process, after building a store, is too large to fork from: see
#: fdclient.services.indicators.forked.MAX_PARENT_BYTES). Prints seconds.
_IN_A_FRESH_PROCESS = """
import os, sys, time
from datetime import date
from pathlib import Path
from fdclient.services.indicators.compute import compute_indicators
from fdclient.store import open_store, sign_in
folder = Path(sys.argv[1])
with open_store(folder, sign_in(folder, os.environ["BENCH_USER"], os.environ["BENCH_PASSWORD"])) as store:
    t0 = time.perf_counter()
    compute_indicators(store, date.fromisoformat(sys.argv[2]))
    print(time.perf_counter() - t0)
"""


def fresh_process_ms(store_dir: Path) -> float:
    """compute_indicators in a new process each time (every page decrypted once), median
    of REPEAT."""
    env = {**os.environ, "BENCH_USER": USER, "BENCH_PASSWORD": PASSWORD}
    command = [sys.executable, "-c", _IN_A_FRESH_PROCESS, str(store_dir), AS_OF.isoformat()]
    runs = [
        float(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
        for _ in range(REPEAT)
    ]
    return statistics.median(runs) * 1000


def time_indicators(store: Store) -> tuple[float, float, IndicatorReport, list[Figure]]:
    """compute_indicators on two read units of work side by side (as ``fdclient stats``
    runs it) and on one, median of REPEAT after a warm-up run; the temporary table of
    covered residents and each query alone (median of 3, with the large page cache of
    compute_indicators)."""
    compute_indicators(store, AS_OF)
    concurrent_ms, report = _median_ms(lambda: compute_indicators(store, AS_OF))
    serial_ms, _ = _median_ms(lambda: compute_indicators(store, AS_OF, side_by_side=False))
    with store.read() as session, bulk_load_cache(session.connection()):  # the page cache compute_indicators uses
        covered_ms = _median_ms(lambda: _covered_table(session), 3)[0]
        with covered_residents(session, AS_OF) as covered:
            parts: list[Figure] = [("  temporary table of covered residents", covered_ms, "ms")]
            parts += [(f"  query: {name}", _query_ms(query, session, covered), "ms") for name, query in QUERIES.items()]
    return serial_ms, concurrent_ms, report, parts


def _covered_table(session: Session) -> None:
    with covered_residents(session, AS_OF):
        pass


def time_one_village(store: Store) -> tuple[float, float]:
    """village_indicators for each village in turn: (median, slowest) in ms."""
    with store.read() as session:
        villages = list(session.scalars(select(VILLAGE_TABLE.c.id)))
    times = [_village_ms(store, village) for village in villages]
    return statistics.median(times), max(times)


def _village_ms(store: Store, village: uuid.UUID) -> float:
    return _median_ms(lambda: village_indicators(store, village, AS_OF), 3)[0]


def _query_ms(query: Query, session: Session, covered: FromClause) -> float:
    return _median_ms(lambda: list(query(session, covered)), 3)[0]


def run(store_dir: Path, residents: int = RESIDENTS) -> list[Figure]:
    t0 = time.perf_counter()
    source = build_store(Path(store_dir), residents)
    rows: list[Figure] = [
        ("store source", source, ""),
        ("store build", time.perf_counter() - t0, "s"),
    ]
    with signed_in(Path(store_dir)) as store:
        with driver_connection(store.path, store.key) as con:
            count_ms, count = _median_ms(lambda: con.execute("SELECT count(*) FROM residents").fetchone()[0])
            sizes = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("contracts", "planned_services", "visits")
            }
        rows.append(("residents rows", count, "rows"))
        rows += [(f"{table} rows", n, "rows") for table, n in sizes.items()]
        serial_ms, ms, report, parts = time_indicators(store)
        village_ms, slowest_village_ms = time_one_village(store)
        naive_ms, (naive_res, naive_con) = _median_ms(lambda: naive_coverage(store, AS_OF))
    t = report.township
    rows += [
        ("compute_indicators in a fresh process (as fdclient stats)", fresh_process_ms(Path(store_dir)), "ms"),
        ("compute_indicators in this process (side by side if small)", ms, "ms"),
        ("compute_indicators in one unit of work", serial_ms, "ms"),
        *parts,
        ("village_indicators, one village (median over villages)", village_ms, "ms"),
        ("village_indicators, slowest village", slowest_village_ms, "ms"),
        ("baseline: raw driver SELECT count(*) FROM residents", count_ms, "ms"),
        ("baseline: naive Python loop, coverage only", naive_ms, "ms"),
        ("registered / contracted residents", f"{t.residents}/{t.contracted_residents}", "people"),
        (
            "naive loop agrees on both",
            "yes" if (naive_res, naive_con) == (t.residents, t.contracted_residents) else "NO",
            "",
        ),
        ("coverage", 100 * (t.value("coverage") or 0), "%"),
        ("indicators (township)", len(t.indicators), ""),
        ("teams / doctors", f"{len(report.teams)}/{sum(len(team.doctors) for team in report.teams)}", ""),
    ]
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("store_dir", nargs="?", type=Path, help="keep (or reuse) the store here")
    parser.add_argument("--residents", type=int, default=RESIDENTS, help="size of a new store (default 100,000)")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN of every statement")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store_dir or Path(tmp) / "store"
        rows = run(store_dir, args.residents)
        if args.plans:
            with signed_in(store_dir) as store:
                for sql, plan in query_plans(store):
                    print(" ".join(sql.split())[:150] + " ...")
                    print("\n".join("    " + step for step in plan))
    print(f"{'figure':62s} {'value':>10} unit")
    for figure, value, unit in rows:
        shown = f"{value:10.1f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{figure:62s} {shown} {unit}")


if __name__ == "__main__":
    main()
