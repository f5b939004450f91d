"""Speed of the indicators behind ``fdclient stats`` on a 100k-resident township.

Builds the store as ``fdclient demo`` does (``create_store`` populated by
``fdclient.services.demo.generate_demo``: 20 villages, 30,800 households ≈ 100k residents
with two years of contracts, planned services and follow-ups; smaller with
``--residents``), closes it (so the write-ahead log is checkpointed, as on a real laptop),
signs in and reopens it, then times ``compute_indicators`` (median of 5) on two read units
of work side by side (as ``fdclient stats`` runs it) and on one, and each of its queries,
beside two baselines measured in the same run through a bare driver connection (SQLCipher
with the store's key, no SQLAlchemy): one ``SELECT count(*) FROM residents``, and the
naive way, a Python loop over every resident and contract member computing coverage only.

    python bench/stats_bench.py [STORE_DIR] [--residents N] [--plans]

STORE_DIR is kept and reused when it already holds a store this bench made (building
takes minutes; it signs in as :data:`USER` with :data:`PASSWORD`). ``--plans`` prints
EXPLAIN QUERY PLAN of every statement.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import FromClause, event
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus, VisitKind
from fdclient.paths import StorePaths
from fdclient.services.demo import generate_demo
from fdclient.services.demo.writer import driver_connection
from fdclient.services.indicators import queries
from fdclient.services.indicators.compute import IndicatorReport, compute_indicators
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS as DEFS
from fdclient.services.indicators.sql import contracted_residents
from fdclient.store import Store, create_store, open_store, sign_in

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

#: Each query alone, given a read unit of work and the temporary table of contracted residents.
Query = Callable[[Session, FromClause], Iterable[object]]
QUERIES: dict[str, Query] = {
    "population (residents, contracted, key populations)": lambda s, c: queries.population_by_village(
        s, AS_OF, c, DEFS
    ),
    "households": lambda s, c: queries.households_by_village(s, AS_OF),
    "renewals": lambda s, c: queries.renewals(s, AS_OF, DEFS),
    "fulfilment per resident": lambda s, c: queries.fulfilment(s, AS_OF, DEFS, c),
    "fulfilment per service kind": lambda s, c: queries.fulfilment_by_kind(s, AS_OF, DEFS),
    "hypertension follow-ups": lambda s, c: queries.followups(s, AS_OF, DEFS, VisitKind.HYPERTENSION),
    "diabetes follow-ups": lambda s, c: queries.followups(s, AS_OF, DEFS, VisitKind.DIABETES),
    "satisfaction": lambda s, c: queries.satisfaction(s, AS_OF, DEFS),
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
    with driver_connection(store.path, store.key) as con:
        # The temporary table the queries read exists only while they run: an empty twin.
        con.execute("CREATE TEMP TABLE stats_contracted (resident_id CHAR(32) PRIMARY KEY) WITHOUT ROWID")
        return [(sql, [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]) for sql, params in captured]


def _median_ms(fn: Callable[[], T], repeat: int = REPEAT) -> tuple[float, T]:
    """The median of ``repeat`` runs of ``fn`` in milliseconds, and its last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def time_indicators(store: Store) -> tuple[float, float, IndicatorReport, list[Figure]]:
    """compute_indicators on two read units of work side by side (as ``fdclient stats``
    runs it) and on one, median of REPEAT after a warm-up run; and each query alone
    (median of 3)."""
    compute_indicators(store, AS_OF)
    concurrent_ms, report = _median_ms(lambda: compute_indicators(store, AS_OF))
    serial_ms, _ = _median_ms(lambda: compute_indicators(store, AS_OF, side_by_side=False))
    with store.read() as session, contracted_residents(session, AS_OF) as contracted:
        parts: list[Figure] = [
            (f"  query: {name}", _query_ms(query, session, contracted), "ms") for name, query in QUERIES.items()
        ]
    return serial_ms, concurrent_ms, report, parts


def _query_ms(query: Query, session: Session, contracted: FromClause) -> float:
    return _median_ms(lambda: list(query(session, contracted)), 3)[0]


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
        naive_ms, (naive_res, naive_con) = _median_ms(lambda: naive_coverage(store, AS_OF))
    t = report.township
    rows += [
        ("compute_indicators, side by side (as fdclient stats)", ms, "ms"),
        ("compute_indicators, one unit of work", serial_ms, "ms"),
        *parts,
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
