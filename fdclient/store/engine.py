"""SQLAlchemy engines for a store's database file: SQLCipher with the raw store key, or
plain SQLite (a store from before encryption, being converted; benchmark baselines).

Every connection gets the pragmas the data needs (ARCHITECTURE.md §3): the key first,
foreign keys on, write-ahead logging, ``synchronous=FULL`` (laptops lose power in the
middle of a visit), temporary tables and sorts in memory (nothing decrypted is ever
spilled to a temporary file), a page cache large enough for the search indexes, and a
busy timeout. Transactions begin as the unit of work
asks: ``BEGIN IMMEDIATE`` for a write (take the write lock first, wait for it up to the
busy timeout, so two writers never deadlock half-way) and a deferred ``BEGIN`` for a
read. SQL parameters are never rendered into error messages or logs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from fdclient.store.keyring import StoreKey

#: How long a writer waits for another process's write to finish before giving up.
BUSY_TIMEOUT_MS = 10_000
#: Page cache per connection (KiB). Encrypted pages are decrypted when read into the
#: cache: a cache that holds the search indexes keeps search-as-you-type as fast as on a
#: plain file (at 100k residents a one-character name query once took 24 ms with SQLite's
#: default 2 MiB and 5.6 ms with 32 MiB; it now reads the pinyin index in order, about
#: 2 ms either way). 16 MiB: the GUI runs several connections (its own, the readers, the
#: writer), each with a cache of its own, and must stay under 350 MB at 100k residents.
CACHE_KIB = 16_000
#: Page cache (KiB) of a connection during a bulk load (a demo township, a roster import,
#: a sync snapshot): loaded pages are re-read to build indexes, and every page that fell
#: out of the cache costs a decryption and a MAC check. At 100k residents (a 660 MB
#: store) the demo's encrypted write went from 34% to 21% over a plain file with it.
BULK_CACHE_KIB = 256_000
#: Execution option naming how a transaction begins: "write" or "read".
BEGIN_MODE = "fdclient_begin"
PLAIN_HEADER = b"SQLite format 3\x00"


def _driver(key: StoreKey | None) -> Any:
    if key is None:
        import sqlite3

        return sqlite3
    from sqlcipher3 import dbapi2

    return dbapi2


def make_engine(path: Path, key: StoreKey | None, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for the database at ``path``: encrypted with ``key``, or plain when None."""
    engine = create_engine(
        f"sqlite:///{path}",
        module=_driver(key),
        hide_parameters=True,
        pool_size=4,
        max_overflow=4,
        # The connection used last is used next: its page cache is warm, and the others
        # stay small (each connection has a cache of its own, up to CACHE_KIB).
        pool_use_lifo=True,
    )

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off: the unit of work's BEGIN counts
        # (and PRAGMA journal_mode must run outside a transaction).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if key is not None:
                for pragma in key.pragmas():
                    cursor.execute(pragma)
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        finally:
            cursor.close()

    def on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(BEGIN_MODE) == "write"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    event.listen(engine, "connect", on_connect, insert=True)
    event.listen(engine, "begin", on_begin)
    return engine


@contextlib.contextmanager
def bulk_load_cache(connection: Connection, kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """A page cache of *kib* KiB on ``connection`` for the block (its memory is given back
    after; a connection invalidated in the block, by Ctrl-C inside SQLite, is thrown away
    instead, and the interruption goes on undisturbed)."""
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        if not connection.invalidated:
            connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


def is_plain_sqlite(path: Path) -> bool:
    """Whether ``path`` starts with SQLite's plain header (an unencrypted database)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False
