"""Sync figures (issue 9), each beside a baseline measured in the same run:

* first sync of a new laptop (enrol + snapshot + pull) from a real ``fdserver`` process, for
  a township of 50k residents, 50k contracts and 200k visits (target ≤ 30 s); the apply rate
  beside plain ``sqlite3.executemany`` of the same rows; compressed bytes per row;
* an incremental sync of 100 changes (round trip, target ≤ 0.5 s) beside an empty sync;
* a connection cut in the middle of the first sync: bytes transferred again (≤ one page);
* 50 laptops pushing 1,000 changes each at once (threads driving the HTTP API through the
  client's own ``Transport`` with prebuilt 500-mutation batches, not 50 stores): every
  change applied exactly once (the ledger counted), mutations per second, p95 request time;
  on SQLite (one server process) and on PostgreSQL (two server processes) when
  ``FDSERVER_TEST_DATABASE_URL`` is set.

The server's records are written straight into its database (copies of records a real
laptop pushed: a household, a signed contract, a home visit), so building 300k records takes
seconds. Contracts are copied without their member and package rows.

    python bench/sync_bench.py [--quick] [--first-only | --load-only]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import httpx  # noqa: E402
from helpers import builders  # noqa: E402
from helpers.server import PG_ENV, engine_url, postgres_database, running_server  # noqa: E402
from helpers.server_tools import clone_records  # noqa: E402
from helpers.sync_world import PASSWORD, SyncWorld, sync_world  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from fdclient.domain.identity import make_id_number  # noqa: E402
from fdclient.models import Household, Resident, ServicePackage, Staff, Team, Village  # noqa: E402
from fdclient.services.visits.forms import HomeVisitInput  # noqa: E402
from fdclient.services.visits.recording import record_visit  # noqa: E402
from fdclient.store.context import today  # noqa: E402
from fdclient.sync import protocol, tables  # noqa: E402
from fdclient.sync.engine import SyncEngine  # noqa: E402
from fdclient.sync.enrolment import enroll  # noqa: E402
from fdclient.sync.transport import SyncError, Transport  # noqa: E402

Row = tuple[str, str, str]


def _print(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    width = max(len(r[0]) for r in rows)
    for name, value, baseline in rows:
        print(f"  {name:<{width}}  {value:>16}   {baseline}")


# --- the township on the server ----------------------------------------------------------


def _seed(world: SyncWorld) -> dict[str, str]:
    """A household, a signed contract and a home visit pushed by a real laptop; returns the
    row ids to copy."""
    for n in range(2):
        world.code(f"doctor{n}", "doctor", f"医生{n}")
    admin = world.add_laptop(user="admin", role="admin", staff_name="管理员")
    with admin.store.write() as session:
        villages = list(session.scalars(select(Village)))
        doctor = session.scalars(select(Staff).where(Staff.username == "doctor0")).one()
        builders.make_basic_package(session, code="JC01")
        builders.make_team(session, name="团队", doctor=doctor, villages=villages)
    admin.sync()
    laptop = world.add_laptop(user="doctor0", staff_name="医生0")
    with laptop.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        household = builders.make_household(session, village)
        head = session.get(Resident, household.head_id)
        assert head is not None
        me = session.scalars(select(Staff).where(Staff.username == "doctor0")).one()
        day = today(session)
        team = session.scalars(select(Team)).one()
        package = session.scalars(select(ServicePackage)).one()
        contract = builders.sign_today(session, household, team, me, package)
        visit = record_visit(session, HomeVisitInput(resident_id=head.id, visit_date=day, doctor_id=me.id)).visit
        ids = {
            "residents": head.id.hex,
            "contracts": contract.id.hex,
            "visits": visit.id.hex,
            "household": household.id.hex,
        }
        assert session.get(Household, household.id) is not None
    laptop.sync()
    return ids


def _fill(world: SyncWorld, seed: dict[str, str], residents: int, contract_count: int, visits: int) -> None:
    resident_ids = [uuid.uuid4().hex for _ in range(residents)]
    contract_ids = [uuid.uuid4().hex for _ in range(contract_count)]

    def resident(n: int, data: dict[str, Any]) -> dict[str, Any]:
        born = date(1940 + n % 60, 1 + n % 12, 1 + n % 28)
        return data | {
            "id": resident_ids[n],
            "id_number": make_id_number(f"{360111 + n // 90_000:06d}", born, 1 + n % 899),
            "birth_date": born.isoformat(),
            "health_record_no": f"8{n:016d}",
            "relationship_to_head": "10",
        }

    def contract(n: int, data: dict[str, Any]) -> dict[str, Any]:
        return data | {
            "id": contract_ids[n],
            "contract_no": f"QY-360111101-2026-{n + 100_000:07d}",
            "representative_id": resident_ids[n % residents],
        }

    visit_ids = [uuid.uuid4().hex for _ in range(visits)]

    def visit(n: int, data: dict[str, Any]) -> dict[str, Any]:
        return data | {
            "id": visit_ids[n],
            "record_id": visit_ids[n],
            "resident_id": resident_ids[n % residents],
            "contract_id": contract_ids[n % contract_count],
        }

    clone_records(world.engine, "residents", seed["residents"], residents, resident)
    clone_records(world.engine, "contracts", seed["contracts"], contract_count, contract)
    clone_records(world.engine, "visits", seed["visits"], visits, visit)
    clone_records(world.engine, "home_visits", seed["visits"], visits, lambda n, d: d | {"id": visit_ids[n]})


# --- figures -----------------------------------------------------------------------------


def _baseline_executemany(
    store_rows: dict[str, list[tuple[Any, ...]]], columns: dict[str, list[str]], *, client_schema: bool = False
) -> float:
    """Seconds for plain sqlite3.executemany of the same rows in one transaction: into bare
    tables of the same columns (a primary key only), or with ``client_schema`` into the
    client's own tables (its indexes and checks; an unencrypted file; foreign keys off, as
    the apply has them)."""
    from sqlalchemy import create_engine

    from fdclient.models import Base

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plain.db"
        if client_schema:
            engine = create_engine(f"sqlite:///{path}")
            Base.metadata.create_all(engine)
            engine.dispose()
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if not client_schema:
            for name, cols in columns.items():
                conn.execute(f"CREATE TABLE {name} ({', '.join(cols)}, PRIMARY KEY (id))")
        start = time.perf_counter()
        conn.execute("BEGIN")
        for name, rows in store_rows.items():
            marks = ", ".join("?" * len(columns[name]))
            conn.executemany(f"INSERT INTO {name} ({', '.join(columns[name])}) VALUES ({marks})", rows)
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        conn.close()
    return elapsed


def _rows_of(store: Any) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, list[str]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {}
    columns: dict[str, list[str]] = {}
    with store.read() as session:
        conn = session.connection()
        for name in tables.synced_table_names():
            result = conn.exec_driver_sql(f"SELECT * FROM {name}")
            columns[name] = list(result.keys())
            rows[name] = [tuple(r) for r in result]
    return rows, columns


class _Cut(httpx.BaseTransport):
    """The network, cut after ``after`` snapshot pages came in."""

    def __init__(self, after: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.after = after
        self.pages = 0
        self.page_bytes: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/snapshot" in request.url.path:
            response.read()
            self.page_bytes.append(int(response.headers.get("content-length") or len(response.content)))
            self.pages += 1
            if self.pages > self.after:
                raise httpx.ReadError("cut", request=request)
        return response


def first_sync(world: SyncWorld, base: str, rows_total: int) -> tuple[list[Row], int]:
    folder = world.root / "new-laptop"
    start = time.perf_counter()
    result = enroll(folder, base, world.code("doctor1", "doctor", "医生1"), PASSWORD)
    elapsed = time.perf_counter() - start
    report = result.report
    assert report is not None and result.sync_error is None, result.sync_error
    store_rows, columns = _rows_of(result.store)
    result.store.close()
    applied = sum(len(r) for r in store_rows.values())
    baseline = _baseline_executemany(store_rows, columns)
    same_schema = _baseline_executemany(store_rows, columns, client_schema=True)
    full_bytes = report.bytes_received
    return [
        ("first sync, end to end", f"{elapsed:.1f} s", f"target ≤ 30 s; {report.snapshot_rows:,} rows downloaded"),
        (
            "apply rate (pages into the encrypted store)",
            f"{applied / report.apply_seconds:,.0f} rows/s",
            f"plain executemany: bare tables {applied / baseline:,.0f} rows/s ({baseline:.2f} s), the client's"
            f" tables {applied / same_schema:,.0f} rows/s ({same_schema:.2f} s); target ≥ half",
        ),
        (
            "  (whole first sync, rows/s)",
            f"{applied / elapsed:,.0f} rows/s",
            f"apply {report.apply_seconds:.1f} s of {elapsed:.1f} s",
        ),
        (
            "bytes on the wire per row",
            f"{full_bytes / max(report.snapshot_rows, 1):.0f} B",
            f"{full_bytes / 1e6:.1f} MB gzip for {rows_total:,} server records",
        ),
    ], full_bytes


def cut_in_the_middle(world: SyncWorld, base: str, full_bytes: int) -> list[Row]:
    folder = world.root / "cut-laptop"
    result = enroll(folder, base, world.code("doctor9", "doctor", "医生9"), PASSWORD, first_sync=False)
    cut = _Cut(after=2)
    with httpx.Client(transport=cut, timeout=60) as client:
        broken = Transport(base, client=client, retries=0)
        try:
            SyncEngine(result.store, broken).run()
        except Exception:  # noqa: BLE001 - the cut
            pass
        first_bytes = broken.bytes_received + sum(cut.page_bytes[-1:])  # the lost page came in too
    again = Transport(base)
    report = SyncEngine(result.store, again).run()
    again.close()
    result.store.close()
    total = first_bytes + report.bytes_received
    extra = total - full_bytes
    page = max(cut.page_bytes)
    return [
        (
            "re-transferred after a cut",
            f"{max(extra, 0) / 1e3:,.0f} kB",
            f"one page ≤ {page / 1e3:,.0f} kB; full download {full_bytes / 1e6:.1f} MB",
        )
    ]


def incremental(world: SyncWorld, base: str) -> list[Row]:
    laptop = world.laptops.pop()  # doctor0 (enrolled through the in-process app)
    folder = laptop.folder
    laptop.store.close()
    from helpers.sync_faults import open_laptop

    from fdclient.domain.time import SystemClock

    store = open_laptop(folder, "doctor0", SystemClock())
    transport = Transport(base)
    SyncEngine(store, transport).run()
    start = time.perf_counter()
    SyncEngine(store, transport).run()
    empty = time.perf_counter() - start
    with store.write() as session:
        for n, r in enumerate(session.scalars(select(Resident).limit(100))):
            r.phone = f"1370000{n:04d}"
    start = time.perf_counter()
    report = SyncEngine(store, transport).run()
    elapsed = time.perf_counter() - start
    transport.close()
    store.close()
    assert report.pushed == 100, report
    return [
        (
            "incremental sync of 100 changes",
            f"{elapsed * 1000:.0f} ms",
            f"target ≤ 500 ms; an empty sync {empty * 1000:.0f} ms",
        )
    ]


# --- many laptops at once ----------------------------------------------------------------


def _batches(template: dict[str, Any], device: int, changes: int) -> list[protocol.PushRequest]:
    mutations = []
    for n in range(changes):
        row = template | {
            "id": uuid.uuid4().hex,
            "id_number": make_id_number(
                f"{500000 + device:06d}", date(1950 + n % 50, 1 + n % 12, 1 + n % 28), 1 + n // 600
            ),
            "health_record_no": f"7{device:04d}{n:012d}",
            "household_id": None,
            "relationship_to_head": None,
        }
        mutations.append(
            protocol.Mutation(
                id=uuid.uuid4().hex,
                seq=n + 1,
                op=protocol.Op.INSERT,
                table="residents",
                row_id=row["id"],
                data=row,
                hlc=f"{n:016d}-0000-{device:016x}",
            )
        )
    size = protocol.MAX_PUSH_BATCH
    return [protocol.PushRequest(mutations=mutations[i : i + size]) for i in range(0, len(mutations), size)]


def many_laptops(
    url: str, bases: list[str], template: dict[str, Any], laptops: int, changes: int, engine: Any
) -> list[Row]:
    from helpers.server import enrolment_code

    tokens = []
    for n in range(laptops):
        code = enrolment_code(engine, user=f"load{n}")
        answer = httpx.post(f"{bases[n % len(bases)]}{protocol.API_PREFIX}/enroll", json={"code": code}, timeout=60)
        tokens.append(protocol.EnrollResponse.model_validate(answer.json()).token)
    work = [_batches(template, n, changes) for n in range(laptops)]
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    busy: list[int] = []

    def laptop(n: int) -> None:
        """Push the batches in order; when the server stays busy (503 after its lock wait)
        the transport gives up and the laptop tries again later, as its next automatic sync
        would (counted), until a deadline."""
        deadline = time.perf_counter() + 1800
        with Transport(bases[n % len(bases)], tokens[n], retries=3, backoff_cap=5.0) as transport:
            for batch in work[n]:
                start = time.perf_counter()
                while True:
                    try:
                        response = transport.push(batch)
                        break
                    except SyncError as error:
                        if time.perf_counter() > deadline:
                            with lock:
                                failures.append(type(error).__name__)
                            return
                        with lock:
                            busy.append(n)
                        time.sleep(5)
                with lock:
                    times.append(time.perf_counter() - start)
                bad = [r for r in response.results if r.status != protocol.Status.APPLIED]
                if bad:
                    with lock:
                        failures.append(f"{bad[0].status}:{bad[0].reason}")

    count_sql = text(
        "SELECT (SELECT count(*) FROM mutations), (SELECT count(*) FROM records WHERE table_name = 'residents')"
    )
    with engine.connect() as conn:
        ledger_before, records_before = conn.execute(count_sql).one()
    start = time.perf_counter()
    threads = [threading.Thread(target=laptop, args=(n,)) for n in range(laptops)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        ledger_after, records_after = conn.execute(count_sql).one()
    counted, distinct = ledger_after - ledger_before, records_after - records_before
    expected = laptops * changes
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else (times[0] if times else 0.0)
    where = f"{len(bases)} server process(es), {'PostgreSQL' if 'postgresql' in url else 'SQLite'}"
    return [
        (
            f"{laptops} laptops × {changes:,} changes ({where})",
            f"{expected / elapsed:,.0f} mut/s",
            f"{elapsed:.1f} s in all; ledger {counted:,} of {expected:,}"
            f" (each once: {counted == distinct}); syncs given up and tried again {len(busy)};"
            f" failed laptops {len(failures)} {sorted(set(failures))}",
        ),
        (
            f"  p95 push request ({min(changes, protocol.MAX_PUSH_BATCH)} mutations)",
            f"{p95 * 1000:,.0f} ms",
            f"median {statistics.median(times) * 1000:,.0f} ms" if times else "",
        ),
    ]


def _template_row(engine: Any) -> dict[str, Any]:
    import json

    with engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM records WHERE table_name = 'residents' LIMIT 1")).scalar()
    return json.loads(data) if isinstance(data, str) else dict(data)


def first_section(root: Path, residents: int, contract_count: int, visits: int) -> None:
    with sync_world(root, 0) as world:
        seed = _seed(world)
        start = time.perf_counter()
        _fill(world, seed, residents, contract_count, visits)
        filled = time.perf_counter() - start
        total = residents + contract_count + 2 * visits
        print(f"  server records written: {total:,} in {filled:.1f} s")
        url = engine_url(world.engine)
        with running_server(url) as base:
            rows, full_bytes = first_sync(world, base, total)
            rows += cut_in_the_middle(world, base, full_bytes)
            rows += incremental(world, base)
        _print("first and incremental sync (SQLite server, one process)", rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (5k/5k/20k; 10 laptops × 200)")
    parser.add_argument("--load-only", action="store_true", help="only the many-laptops section")
    parser.add_argument("--first-only", action="store_true", help="only the first and incremental sync section")
    parser.add_argument("--pg-only", action="store_true", help="only the many-laptops section on PostgreSQL")
    parser.add_argument("--changes", type=int, help="changes per laptop in the many-laptops section (default 1,000)")
    parser.add_argument("--sqlite-changes", type=int, help="changes per laptop on SQLite (default: as on PostgreSQL)")
    args = parser.parse_args(argv)
    residents, contract_count, visits = (5_000, 5_000, 20_000) if args.quick else (50_000, 50_000, 200_000)
    laptops, changes = (10, 200) if args.quick else (50, 1_000)
    changes = args.changes or changes
    print(f"sync bench ({'quick' if args.quick else 'full'}): {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if not (args.load_only or args.pg_only):
            first_section(root, residents, contract_count, visits)
        if args.first_only:
            return 0
        # The load test runs on a new server (a township of one household): the township's
        # size is the first section's subject.
        (root / "load").mkdir()
        (root / "pg").mkdir()
        if not args.pg_only:
            with sync_world(root / "load", 0) as world:
                _seed(world)
                url = engine_url(world.engine)
                template = _template_row(world.engine)
                with running_server(url) as base:
                    sqlite_changes = args.sqlite_changes or changes
                    _print(
                        "many laptops at once",
                        many_laptops(url, [base], template, laptops, sqlite_changes, world.engine),
                    )
        pg = os.environ.get(PG_ENV)
        if pg:
            with postgres_database(pg) as pg_url, sync_world(root / "pg", 0, url=pg_url) as world:
                from helpers.server import add_township  # noqa: F401 - the township is the world's

                _seed(world)
                template = _template_row(world.engine)
                with running_server(pg_url) as first, running_server(pg_url) as second:
                    _print(
                        "many laptops at once",
                        many_laptops(pg_url, [first, second], template, laptops, changes, world.engine),
                    )
        else:
            print(f"\n(PostgreSQL skipped: set {PG_ENV})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
