"""The synced records as the server keeps them: one ``records`` row (a document) per
client row (docs/sync.md "Why the server stores documents").

Every stored change takes the township's next version and names its writer (who, which
device, the change's HLC), so pulls deliver it and conflicts can say who and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from fdclient.sync.tables import storage_value
from fdserver.db import next_version
from fdserver.models import Record, table_of

_records = table_of(Record)
#: Residents: the column whose value is the record's identity key (same-person detection).
IDENTITY_COLUMN = {"residents": "id_number"}
#: The numbered column of each numbered table (docs/sync.md "Numbers").
NUMBER_COLUMN = {"residents": "health_record_no", "contracts": "contract_no"}


@dataclass(frozen=True)
class Author:
    """Who causes the changes being stored: the pushing device and the mutation's actor."""

    township_id: str
    device_id: str
    actor_id: str | None
    hlc: str | None
    now: datetime
    mutation_id: str | None = None


@dataclass(frozen=True)
class Doc:
    table: str
    row_id: str
    township_id: str
    version: int
    data: Mapping[str, Any]
    voided: bool
    changed_by: str | None
    changed_device: str | None
    changed_hlc: str | None


def storage_time(now: datetime) -> str:
    """``now`` as a timestamp column stores it (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC)."""
    return str(storage_value("residents", "voided_at", now))


def _doc(row: Any) -> Doc:
    return Doc(
        table=row.table_name,
        row_id=row.row_id,
        township_id=row.township_id,
        version=int(row.version),
        data=dict(row.data or {}),
        voided=bool(row.voided),
        changed_by=row.changed_by,
        changed_device=row.changed_device,
        changed_hlc=row.changed_hlc,
    )


# Statements built once (a push runs them thousands of times; building and keying a
# statement costs more than SQLite running it).
_LOAD = select(_records).where(_records.c.table_name == bindparam("b_table"), _records.c.row_id == bindparam("b_row"))
_TOWNSHIP = select(_records.c.township_id).where(
    _records.c.table_name == bindparam("b_table"), _records.c.row_id == bindparam("b_row")
)
_INSERT = insert(_records)
_UPDATE = update(_records).where(_records.c.table_name == bindparam("b_table"), _records.c.row_id == bindparam("b_row"))
_TOUCH = _UPDATE.values(version=bindparam("b_version"))


def load(conn: Connection, table: str, row_id: str) -> Doc | None:
    row = conn.execute(_LOAD, {"b_table": table, "b_row": row_id}).one_or_none()
    return None if row is None else _doc(row)


def township_of(conn: Connection, table: str, row_id: str) -> str | None:
    """The township of a record (None: no such record). A record never changes township."""
    return conn.execute(_TOWNSHIP, {"b_table": table, "b_row": row_id}).scalar_one_or_none()


def where_value(conn: Connection, township_id: str, table: str, column: str, value: str) -> list[Doc]:
    """The township's records of ``table`` whose (string) ``column`` holds ``value``."""
    field = _records.c.data[column].as_string()
    rows = conn.execute(
        select(_records)
        .where(_records.c.township_id == township_id, _records.c.table_name == table, field == value)
        .order_by(_records.c.version)
    )
    return [_doc(r) for r in rows]


# No ORDER BY in SQL: without table statistics SQLite would walk ix_records_pull (the
# township's records in version order) to avoid a sort instead of using
# ix_records_identity, reading the whole township for every pushed resident. The matches
# are a handful; they are put in order here.
_BY_IDENTITY = select(_records).where(
    _records.c.township_id == bindparam("b_township"),
    _records.c.table_name == bindparam("b_table"),
    _records.c.identity_key == bindparam("b_key"),
)


def by_identity(conn: Connection, township_id: str, table: str, key: str) -> list[Doc]:
    """The township's records of ``table`` with identity ``key`` (residents: the ID
    number), oldest change first."""
    rows = conn.execute(_BY_IDENTITY, {"b_township": township_id, "b_table": table, "b_key": key})
    return sorted((_doc(r) for r in rows), key=lambda d: d.version)


_BY_NUMBER = select(_records.c.row_id).where(
    _records.c.township_id == bindparam("b_township"),
    _records.c.table_name == bindparam("b_table"),
    _records.c.number_key == bindparam("b_number"),
)


def by_number(conn: Connection, township_id: str, table: str, number: str) -> list[str]:
    """Ids of the township's records of ``table`` holding ``number``."""
    found = conn.execute(_BY_NUMBER, {"b_township": township_id, "b_table": table, "b_number": number})
    return list(found.scalars())


def number_key(table: str, data: Mapping[str, Any]) -> str | None:
    column = NUMBER_COLUMN.get(table)
    value = data.get(column) if column else None
    return str(value)[:40] if value else None


def identity_key(table: str, data: Mapping[str, Any]) -> str | None:
    column = IDENTITY_COLUMN.get(table)
    value = data.get(column) if column else None
    return str(value)[:40] if value else None


def write(conn: Connection, author: Author, table: str, row_id: str, data: Mapping[str, Any], *, exists: bool) -> int:
    """Store ``data`` as the record's new state with the township's next version."""
    version = next_version(conn, author.township_id)
    values = {
        "version": version,
        "data": dict(data),
        "voided": data.get("voided_at") is not None,
        "identity_key": identity_key(table, data),
        "number_key": number_key(table, data),
        "changed_by": author.actor_id,
        "changed_device": author.device_id,
        "changed_hlc": author.hlc,
        "changed_at": author.now,
    }
    if exists:
        conn.execute(_UPDATE, {"b_table": table, "b_row": row_id, **values})
    else:
        conn.execute(_INSERT, {"table_name": table, "row_id": row_id, "township_id": author.township_id, **values})
    return version


def patch(conn: Connection, author: Author, doc: Doc, changes: Mapping[str, Any]) -> Doc:
    """Store ``doc`` with ``changes`` applied (a server-side change: re-pointing, filling)."""
    data = {**doc.data, **changes}
    version = write(conn, author, doc.table, doc.row_id, data, exists=True)
    return Doc(
        doc.table,
        doc.row_id,
        doc.township_id,
        version,
        data,
        data.get("voided_at") is not None,
        author.actor_id,
        author.device_id,
        author.hlc,
    )


def touch(conn: Connection, doc: Doc) -> int:
    """Give ``doc`` a new version without changing it or its last writer (every laptop
    pulls it again: one that pushed a refused value gets the kept one back)."""
    version = next_version(conn, doc.township_id)
    conn.execute(_TOUCH, {"b_table": doc.table, "b_row": doc.row_id, "b_version": version})
    return version
