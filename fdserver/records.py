"""Records written by the server itself (townships, villages, staff of enrolment codes) and
read back as the client's rows.

A record's ``data`` holds the client's columns as storage values (docs/sync.md "Rows on
the wire"), ``created_at``/``updated_at`` included and ``server_version`` not (the record's
version is that). Every write takes the next version of the township and the server's time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Uuid, insert, select, update
from uuid6 import uuid7

from fdclient.models import Base
from fdclient.sync.protocol import TownshipInfo
from fdclient.sync.tables import column_names, storage_value
from fdserver.db import next_version, utcnow
from fdserver.models import Record, table_of

TOWNSHIPS = "townships"
VILLAGES = "villages"
STAFF = "staff"

_records = table_of(Record)


def new_hex_id() -> str:
    """A new time-ordered row id (UUIDv7) as 32 hex digits."""
    return uuid7().hex


def row_columns(table: str) -> tuple[str, ...]:
    """The client's columns of ``table`` a record holds (all but ``server_version``)."""
    return tuple(c for c in column_names(table) if c != "server_version")


def storage_row(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (Python values, ids as hex or UUID) as a record's data: every column of
    the client's table in storage form, missing ones None."""
    out: dict[str, Any] = {}
    for column in row_columns(table):
        value = values.get(column)
        if isinstance(value, str) and isinstance(Base.metadata.tables[table].c[column].type, Uuid):
            value = uuid.UUID(value)
        out[column] = storage_value(table, column, value)
    return out


def stamp(table: str, at: datetime) -> str:
    return str(storage_value(table, "created_at", at))


def put_record(
    conn: Connection,
    table: str,
    row_id: str,
    township_id: str,
    data: Mapping[str, Any],
    *,
    by: str | None = None,
) -> int:
    """Insert or replace a record made by the server; returns its new version."""
    now = utcnow()
    version = next_version(conn, township_id)
    stored = dict(data)
    existing = conn.execute(
        select(_records.c.data).where(_records.c.table_name == table, _records.c.row_id == row_id)
    ).scalar_one_or_none()
    stored["updated_at"] = stamp(table, now)
    values = {
        "version": version,
        "data": stored,
        "voided": bool(stored.get("voided_at")),
        "changed_by": by,
        "changed_device": None,
        "changed_hlc": None,
        "changed_at": now,
    }
    if existing is None:
        stored.setdefault("created_at", stamp(table, now))
        if stored["created_at"] is None:
            stored["created_at"] = stamp(table, now)
        conn.execute(insert(_records).values(table_name=table, row_id=row_id, township_id=township_id, **values))
    else:
        stored["created_at"] = existing.get("created_at") or stamp(table, now)
        conn.execute(
            update(_records).where(_records.c.table_name == table, _records.c.row_id == row_id).values(**values)
        )
    return version


def records_of(conn: Connection, table: str, township_id: str) -> list[tuple[str, dict[str, Any]]]:
    """``(row_id, data)`` of every record of ``table`` in the township, by id."""
    rows = conn.execute(
        select(_records.c.row_id, _records.c.data)
        .where(_records.c.township_id == township_id, _records.c.table_name == table)
        .order_by(_records.c.row_id)
    )
    return [(r.row_id, dict(r.data)) for r in rows]


def township_info(conn: Connection, township_id: str) -> TownshipInfo | None:
    data = conn.execute(
        select(_records.c.data).where(_records.c.table_name == TOWNSHIPS, _records.c.row_id == township_id)
    ).scalar_one_or_none()
    if data is None:
        return None
    return TownshipInfo(id=township_id, code=str(data.get("code") or ""), name=str(data.get("name") or ""))


def township_by_code(conn: Connection, code: str) -> TownshipInfo | None:
    """The township registered with ``code`` (its record's id is the township's id)."""
    for row_id, data in conn.execute(
        select(_records.c.row_id, _records.c.data).where(
            _records.c.table_name == TOWNSHIPS, _records.c.township_id == _records.c.row_id
        )
    ):
        if data.get("code") == code:
            return TownshipInfo(id=row_id, code=code, name=str(data.get("name") or ""))
    return None


def all_townships(conn: Connection) -> list[TownshipInfo]:
    rows = conn.execute(
        select(_records.c.row_id, _records.c.data).where(
            _records.c.table_name == TOWNSHIPS, _records.c.township_id == _records.c.row_id
        )
    )
    out = [
        TownshipInfo(id=r.row_id, code=str(r.data.get("code") or ""), name=str(r.data.get("name") or "")) for r in rows
    ]
    return sorted(out, key=lambda t: t.code)
