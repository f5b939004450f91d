"""Writing a demo: plain ``executemany`` of stored values, part after part (the organisation,
then each village with everything about its residents, each in foreign-key order), in
one transaction.

The rows already hold what SQLite stores (see common.py), so they go through the
connection's ``exec_driver_sql`` (the DBAPI ``executemany``) with no bind processing.
Parts can come from another process while earlier ones are written (parallel.py): the
writer takes them as they arrive. Three per-row costs are paid once instead:

* secondary indexes are dropped and created again once every part is in (one sort instead
  of a random B-tree insert per row and index; :func:`drop_secondary_indexes`);
* the residents' full-text search indexes are rebuilt in one statement each at the end
  (:func:`fdclient.services.registry.search.deferred_search_index`);
* CHECK constraints are verified by one scan of each batch of rows just inserted (while
  its pages are cached, and while a builder process may still be at work on the next
  part) instead of row by row (SQLite rebuilds every ``IN (...)`` list for each row of an
  ``executemany``, which was half the time of the whole load; ``PRAGMA quick_check``
  would verify them too but reads every index of the store); a violation raises and the
  transaction is rolled back, so the store never holds a row its checks refuse. Foreign
  keys, NOT NULL and primary keys are enforced row by row as usual; unique indexes when
  they are created again.

:func:`write_rows_sqlite3` on a :func:`driver_connection` inserts the same rows in the same
order through the driver alone: the baseline of ``bench/demo_bench.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, cast

from sqlalchemy import CheckConstraint, Connection

from fdclient.models import Base
from fdclient.services.demo.common import DemoData, DemoPart, TableRows
from fdclient.services.registry.search import deferred_search_index
from fdclient.store.engine import bulk_load_cache, make_engine
from fdclient.store.keyring import StoreKey

BATCH_ROWS = 20_000


@dataclass(frozen=True)
class WriteReport:
    counts: Mapping[str, int]
    rows: int
    #: From the start of the load to its end (waiting for parts included).
    seconds: float
    #: Seconds spent on each table: its inserts (the residents' include setting household
    #: heads), then its indexes and checks.
    table_seconds: Mapping[str, float]
    #: Seconds spent waiting for the next part (another process building it).
    waited_seconds: float = 0.0

    @property
    def busy_seconds(self) -> float:
        """The writer's own time: ``seconds`` less the waits."""
        return self.seconds - self.waited_seconds

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def insert_sql(table: TableRows) -> str:
    return f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({', '.join('?' * len(table.columns))})"


HEAD_SQL = "UPDATE households SET head_id = ? WHERE id = ?"


def write_demo(connection: Connection, data: DemoData) -> WriteReport:
    """Insert every row of ``data`` in one transaction (the caller's, if one is open)."""
    return write_parts(connection, data.parts, list(dict.fromkeys(t.name for part in data.parts for t in part.tables)))


def write_parts(
    connection: Connection,
    parts: Iterable[DemoPart],
    tables: Sequence[str],
    keep_indexes: frozenset[str] = frozenset(),
) -> WriteReport:
    """Insert the rows of ``parts`` (taken as they come) into ``tables`` (every table they
    write, in foreign-key order) in one transaction: the caller's, if one is open.
    ``keep_indexes``: indexes kept up to date while loading instead of made at the end."""
    started = time.perf_counter()
    run = connection.exec_driver_sql
    transaction = nullcontext() if connection.in_transaction() else connection.begin()
    table_seconds: dict[str, float] = dict.fromkeys(tables, 0.0)
    counts: dict[str, int] = dict.fromkeys(tables, 0)
    rows = 0
    waited = 0.0
    with transaction, bulk_load_cache(connection):
        indexes = drop_secondary_indexes(connection, [*tables, SEARCH_MAP], keep_indexes)
        checks = CheckScans(connection, tables)
        with deferred_search_index(connection), checks_skipped(connection):
            coming = iter(parts)
            while True:
                asked = time.perf_counter()
                part = next(coming, None)
                waited += time.perf_counter() - asked
                if part is None:
                    break
                for table in part.tables:
                    table_started = time.perf_counter()
                    after = checks.last_row(table.name)
                    sql = insert_sql(table)
                    for i in range(0, len(table.rows), BATCH_ROWS):
                        run(sql, table.rows[i : i + BATCH_ROWS])
                    if table.name == "residents" and part.household_heads:
                        run(HEAD_SQL, part.household_heads)
                    # While its pages are in the page cache (and the builder may still be
                    # at work on the next part): the CHECK constraints of the rows just in.
                    checks.verify(table.name, after)
                    table_seconds[table.name] += time.perf_counter() - table_started
                    counts[table.name] += len(table.rows)
                rows += part.row_count
            # The most recently written tables first: their pages are the likeliest to be
            # still in the page cache (each page read back from disk would be decrypted
            # and its MAC checked again).
            for name in reversed(tables):
                table_started = time.perf_counter()
                for index_sql in indexes.pop(name, ()):
                    run(index_sql)
                table_seconds[name] += time.perf_counter() - table_started
        for remaining in indexes.values():  # the search map's, once it is refilled
            for index_sql in remaining:
                run(index_sql)
    seconds = time.perf_counter() - started
    return WriteReport(MappingProxyType(counts), rows, seconds, MappingProxyType(table_seconds), waited_seconds=waited)


SEARCH_MAP = "resident_search_map"


def drop_secondary_indexes(
    connection: Connection, tables: list[str], keep: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Inside the caller's transaction, for a load into empty tables: drop the secondary
    indexes of ``tables``; returns their definitions per table, to be created again once
    the table is loaded.

    Creating an index over loaded rows sorts once; keeping it up to date row by row is a
    random B-tree insert per row and index, which was half of the write time (measured
    on 300k planned services: 11.7 s with four indexes kept, 5.7 s loaded then indexed).
    Unique and partial unique indexes are verified as they are created, and DDL is
    transactional in SQLite, so a failure rolls the whole load back with the indexes.
    """
    marks = ", ".join("?" * len(tables))
    indexes = connection.exec_driver_sql(
        f"SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) ORDER BY name",
        tuple(tables),
    ).all()
    by_table: dict[str, list[str]] = {}
    for table, name, sql in indexes:
        if name in keep:
            continue
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
        by_table.setdefault(table, []).append(sql)
    return by_table


@contextmanager
def checks_skipped(connection: Connection) -> Iterator[None]:
    """Inside the caller's transaction: SQLite skips CHECK constraints while the block
    inserts (it rebuilds every ``IN (...)`` list for each row of an ``executemany``); the
    block verifies them itself with :func:`check_violations`, one scan per table."""
    connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:  # a pragma outlives the transaction; an invalidated connection is thrown away
        if not connection.invalidated:
            connection.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


def _checks_of(name: str) -> list[CheckConstraint]:
    """The models' CHECK constraints of a table (the migrations are generated from them, and
    tests compare their number with the store's)."""
    return [c for c in Base.metadata.tables[name].constraints if isinstance(c, CheckConstraint)]


def check_violations(connection: Connection, tables: list[str], after: int = 0) -> list[str]:
    """``table.constraint`` of every CHECK that some row of ``tables`` (with a rowid above
    ``after``) violates: one scan per table with all its checks (a CHECK fails when its
    expression is false, not when it is NULL, hence ``NOT (...)``)."""
    broken = []
    for name in tables:
        checks = _checks_of(name)
        if not checks:
            continue
        where = " OR ".join(f"NOT ({c.sqltext})" for c in checks)
        found = connection.exec_driver_sql(f"SELECT 1 FROM {name} WHERE rowid > ? AND ({where}) LIMIT 1", (after,))
        if found.first() is None:
            continue
        for c in checks:
            sql = f"SELECT 1 FROM {name} WHERE rowid > ? AND NOT ({c.sqltext}) LIMIT 1"
            if connection.exec_driver_sql(sql, (after,)).first():
                broken.append(f"{name}.{c.name}")
    return broken


class CheckScans:
    """The CHECK constraints of rows as they are loaded: each batch of a table is scanned
    once, from the rowid the table ended at before it; a violation raises (and so rolls the
    load back)."""

    def __init__(self, connection: Connection, tables: Sequence[str]) -> None:
        self._connection = connection
        self._checked = {name for name in tables if _checks_of(name)}

    def last_row(self, name: str) -> int:
        """The highest rowid of ``name`` now (0 when empty)."""
        return int(self._connection.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {name}").scalar_one())

    def verify(self, name: str, after: int) -> None:
        if name not in self._checked:
            return
        broken = check_violations(self._connection, [name], after)
        if broken:
            raise RuntimeError(f"demo rows break CHECK constraints of the store: {', '.join(broken)}")


class DriverConnection(Protocol):
    """A DB-API connection of SQLite's driver: ``sqlite3``, or ``sqlcipher3`` (its twin for
    encrypted stores) as ``Engine.raw_connection().driver_connection`` gives it."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...


@contextmanager
def driver_connection(path: Path, key: StoreKey | None) -> Iterator[DriverConnection]:
    """A bare driver connection to the database at ``path`` with the store's pragmas (its
    key, foreign keys, WAL, ``synchronous=FULL``), in autocommit mode: for the baseline."""
    engine = make_engine(path, key)
    try:
        pooled = engine.raw_connection()
        try:
            yield cast(DriverConnection, pooled.driver_connection)
        finally:
            pooled.close()
    finally:
        engine.dispose()


class _DriverRunner:
    """Just enough of a SQLAlchemy Connection for the search-index helpers (they only call
    ``exec_driver_sql``), over a driver connection."""

    def __init__(self, con: DriverConnection) -> None:
        self._con = con

    def exec_driver_sql(self, sql: str, parameters: Any = ()) -> Any:
        return self._con.execute(sql, parameters)


def write_rows_sqlite3(
    con: DriverConnection,
    data: DemoData,
    *,
    defer_search_index: bool = True,
    timings: dict[str, float] | None = None,
) -> None:
    """The same inserts in the same order through the driver's own ``executemany``, with no
    SQLAlchemy in between: the benchmark's baseline. ``con`` must be in autocommit mode
    (isolation level None, as the store's engine sets it).

    ``timings``, when given, receives the seconds spent on each table.
    """
    con.execute("BEGIN")
    deferral = deferred_search_index(cast(Connection, _DriverRunner(con))) if defer_search_index else nullcontext()
    with deferral:
        for part in data.parts:
            for table in part.tables:
                started = time.perf_counter()
                con.executemany(insert_sql(table), table.rows)
                if table.name == "residents":
                    con.executemany(HEAD_SQL, part.household_heads)
                if timings is not None:
                    timings[table.name] = timings.get(table.name, 0.0) + time.perf_counter() - started
    con.execute("COMMIT")
