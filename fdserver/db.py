"""The server's database: engines, write transactions and the township version counter.

The URL comes from ``--db URL``, else ``FDSERVER_DB``, else a SQLite file in the user
data directory. SQLite (the embedded default) runs in WAL mode with a busy timeout and
foreign keys; every write transaction begins with ``BEGIN IMMEDIATE`` (the writer takes the
database lock first, so two writers never deadlock half-way and versions are handed out in
commit order). PostgreSQL runs through psycopg 3 with a connection pool; the township's
counter row is taken ``FOR UPDATE`` so the townships of a province write in parallel and
one township's versions become visible in order (docs/sync.md "Push").
SQL parameters are never rendered into error messages or logs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, bindparam, create_engine, event, insert, select, update
from sqlalchemy.engine import make_url

from fdserver.models import TownshipVersion, table_of

ENV_DB = "FDSERVER_DB"
#: How long a SQLite writer waits for another writer before giving up.
BUSY_TIMEOUT_MS = 15_000
#: How long a push may wait for its township on PostgreSQL before it is answered 503 busy:
#: waiting in line costs nothing, answering busy makes the laptop send the batch again.
#: Below the client's push read timeout (fdclient.sync.transport.PUSH_READ_TIMEOUT).
LOCK_WAIT_MS = 120_000
#: Execution option naming how a SQLite transaction begins: "write" or "read".
BEGIN_MODE = "fdserver_begin"


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir("fdserver")) / "fdserver.db"


def database_url(explicit: str | None = None) -> str:
    """``explicit`` (``--db``) > ``FDSERVER_DB`` > the SQLite file in the user data directory.
    A bare file path is taken as a SQLite file."""
    url = explicit or os.environ.get(ENV_DB) or ""
    if not url:
        path = default_sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    return url


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, pool_size: int = 8) -> Engine:
    """An engine for ``url`` (SQLite file or ``postgresql+psycopg://``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(
        url,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        # A push queued behind its township's other pushes holds its connection while it
        # waits (LOCK_WAIT_MS); others wait for a connection as long before a 503.
        pool_timeout=LOCK_WAIT_MS / 1000,
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, hide_parameters=True, pool_size=8, max_overflow=8)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off: our BEGIN counts (and savepoints work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    def on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(BEGIN_MODE) == "write"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    event.listen(engine, "connect", on_connect, insert=True)
    event.listen(engine, "begin", on_begin)
    return engine


@contextlib.contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on an exception.
    SQLite: ``BEGIN IMMEDIATE`` (the write lock first)."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(**{BEGIN_MODE: "write"})
        with conn.begin():
            yield conn


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (one consistent view on both databases)."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives them back naive)."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


_counter = table_of(TownshipVersion)


def lock_township(conn: Connection, township_id: str) -> int:
    """Take the township's version counter row for the rest of the transaction (``FOR
    UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers),
    creating it at 0 if missing. Returns the township's latest version."""
    query = select(_counter.c.version).where(_counter.c.township_id == township_id)
    if not is_sqlite(conn):
        # A push still queued after LOCK_WAIT_MS is answered 503 with Retry-After (the
        # laptop comes back later) instead of holding its connection indefinitely.
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
        query = query.with_for_update()
    current = conn.execute(query).scalar_one_or_none()
    if current is not None:
        return int(current)
    if is_sqlite(conn):
        conn.execute(insert(_counter).values(township_id=township_id, version=0))
    else:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(
            pg_insert(_counter).values(township_id=township_id, version=0).on_conflict_do_nothing(),
        )
    return int(conn.execute(query).scalar_one())


# Built once: every stored change runs it.
_ADVANCE = (
    update(_counter)
    .where(_counter.c.township_id == bindparam("b_township"))
    .values(version=_counter.c.version + bindparam("b_n"))
    .returning(_counter.c.version)
)


def next_version(conn: Connection, township_id: str, n: int = 1) -> int:
    """Reserve ``n`` versions of the township and return the FIRST of them (versions
    ``first .. first + n - 1`` are the caller's). Takes the counter row's lock if the
    caller has not (the lock lasts until the transaction ends)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    last = conn.execute(_ADVANCE, {"b_township": township_id, "b_n": n}).scalar_one_or_none()
    if last is None:
        lock_township(conn, township_id)
        return next_version(conn, township_id, n)
    return int(last) - n + 1


def latest_version(conn: Connection, township_id: str) -> int:
    """The township's latest version, without locking (0 for an unknown township)."""
    value = conn.execute(select(_counter.c.version).where(_counter.c.township_id == township_id)).scalar()
    return int(value or 0)
