"""Engine and sessions for a store's SQLite file.

Every connection gets the pragmas the data needs (ARCHITECTURE.md §3): foreign keys on,
write-ahead logging, and ``synchronous=FULL`` because laptops lose power in the middle of
a visit and medical data must survive it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fdclient.models.audit import install_audit

BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # pysqlite's own transaction handling is turned off so that SQLAlchemy's BEGIN is the
    # one that counts (and so that PRAGMA journal_mode runs outside a transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(path: Path | str, **kwargs: Any) -> Engine:
    """An engine for the SQLite file at ``path`` with the store's pragmas."""
    engine = create_engine(f"sqlite:///{Path(path)}", **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose ORM changes are written to the audit log in the same transaction."""
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit(factory)
    return factory
