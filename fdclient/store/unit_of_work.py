"""The open store and its units of work (ARCHITECTURE.md §2, shape 1).

``with store.write() as session:`` opens a session from the one audited session factory,
stamped with the signed-in actor, the device and the clock; its transaction begins with
``BEGIN IMMEDIATE`` (waiting up to the busy timeout for another writer), commits when
the block ends normally and rolls back otherwise (an error, Ctrl-C). ``store.read()``
is the same for reading: a deferred ``BEGIN``, never committed, and a flush is refused.
Database failures leave either as typed errors with a plain message
(:mod:`fdclient.store.failures`).

Nothing else in fdclient creates a SQLAlchemy ``Session`` (a test enforces it).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

from fdclient.domain.time import Clock
from fdclient.models.base import CLOCK_KEY
from fdclient.paths import StorePaths
from fdclient.store import audit_trail, failures, field_guard
from fdclient.store.context import CONTEXT_KEY, Actor, UnitContext, context_of
from fdclient.store.engine import BEGIN_MODE, BULK_CACHE_KIB, CACHE_KIB
from fdclient.store.files import FolderLock
from fdclient.store.keyring import StoreKey
from fdclient.sync import capture

#: The one session factory: every session it makes writes its changes to the audit trail.
_SESSIONS: sessionmaker[Session] = sessionmaker(expire_on_commit=False)


def _lend_clock(session: Session, _transaction: object, connection: Connection) -> None:
    """Core inserts in the unit of work take their timestamps by its clock too."""
    connection.info[CLOCK_KEY] = context_of(session).clock


event.listen(_SESSIONS, "after_begin", _lend_clock)
event.listen(_SESSIONS, "before_flush", field_guard.before_flush)
event.listen(_SESSIONS, "before_flush", audit_trail.before_flush)
# The sync outbox (fdclient.sync.capture): rows as they were before the flush, then the
# entries from the rows as the flush left them, in the flush's transaction.
event.listen(_SESSIONS, "before_flush", capture.before_flush)
event.listen(_SESSIONS, "after_flush", capture.after_flush)


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    township_id: uuid.UUID
    township_code: str
    township_name: str
    device_id: uuid.UUID
    schema_revision: str
    #: The backup made while opening (before a migration, or the day's first), if any.
    backup: Path | None


class Store:
    """An open store: one per process. Get sessions only from :meth:`read` / :meth:`write`."""

    def __init__(
        self,
        engine: Engine,
        paths: StorePaths,
        info: StoreInfo,
        actor: Actor | None,
        clock: Clock,
        key: StoreKey | None,
        lock: FolderLock | None = None,
    ) -> None:
        self._engine = engine
        self._key = key
        self._write_bind = engine.execution_options(**{BEGIN_MODE: "write"})
        self._read_bind = engine.execution_options(**{BEGIN_MODE: "read"})
        self._lock = lock
        self.paths = paths
        self.info = info
        self.actor = actor
        self.clock = clock

    @property
    def path(self) -> Path:
        return self.paths.database

    @property
    def engine(self) -> Engine:
        """For file-level work only (online backup, integrity checks): data goes through
        :meth:`read` and :meth:`write`."""
        return self._engine

    @property
    def key(self) -> StoreKey | None:
        """The unwrapped store key (None for a plain store), for keying a backup copy."""
        return self._key

    def _context(self, writable: bool, capture: bool = True) -> UnitContext:
        return UnitContext(self.actor, self.info.device_id, self.clock, writable, capture)

    @contextlib.contextmanager
    def write(self, *, capture: bool = True) -> Iterator[Session]:
        """A unit of work that writes: committed at the end of a clean block.

        ``capture=False``: its changes to synced tables are not queued for the county
        server (the sync engine writing what the server sent)."""
        session = _SESSIONS(bind=self._write_bind, info={CONTEXT_KEY: self._context(True, capture)})
        try:
            with failures.database_errors(self.paths):
                try:
                    yield session
                    session.commit()
                except BaseException:
                    _rollback_quietly(session)
                    raise
        finally:
            session.close()

    @contextlib.contextmanager
    def apply(self, *, bulk: bool = False) -> Iterator[Connection]:
        """A write transaction on a connection of its own with foreign keys off, for the
        sync engine's pulled pages: they are consistent as a whole on the server but name
        rows in cycles (a household's head, the head's household) and arrive table by
        table. Nothing written here is captured; the block commits when it ends cleanly.

        ``bulk`` (a first download's snapshot pages): a large page cache and
        ``synchronous = NORMAL``. A page lost to a power cut is downloaded again (its
        position is stored with it); in WAL mode NORMAL never corrupts the file."""
        with failures.database_errors(self.paths), self._write_bind.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            # Outside a transaction (SQLite ignores these pragmas inside one).
            driver.execute("PRAGMA foreign_keys = OFF")
            if bulk:
                driver.execute("PRAGMA synchronous = NORMAL")
                driver.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            try:
                with conn.begin():
                    conn.info[CLOCK_KEY] = self.clock
                    yield conn
            finally:
                if not conn.invalidated:
                    driver.execute("PRAGMA foreign_keys = ON")
                    if bulk:
                        driver.execute("PRAGMA synchronous = FULL")
                        driver.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A unit of work that only reads (a consistent snapshot; never committed)."""
        session = _SESSIONS(bind=self._read_bind, info={CONTEXT_KEY: self._context(False)})
        try:
            with failures.database_errors(self.paths):
                yield session
        finally:
            # Closing returns the connection, which ends its read transaction; unlike a
            # rollback it leaves what was loaded readable.
            session.close()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (before a file-level copy)."""
        with failures.database_errors(self.paths), self._engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rollback_quietly(session: Session) -> None:
    """Roll back; if even that fails (the connection broke, Ctrl-C mid-statement), drop the
    connection: SQLite discards an unfinished transaction on its own."""
    try:
        session.rollback()
    except BaseException:  # noqa: BLE001 - the original error is what matters
        with contextlib.suppress(BaseException):
            session.invalidate()
