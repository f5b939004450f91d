"""Outbox capture: every change to a synced table, queued in the change's own transaction.

Once the store is enrolled (``sync.enrolment`` in ``local_settings``), each flush of a
unit of work writes one :class:`~fdclient.models.OutboxEntry` per inserted or updated row
of every synced table (a joined-inheritance object spans two: its ``visits`` row and its
form's row). The entries are made from the rows as SQLite holds them, read back after the
flush, so they carry exactly the storage values a pulled page would write, including
foreign keys the flush filled in from relationships:

* insert: ``data`` = the whole row (``server_version`` left out);
* update: ``data`` = ``{column: [old, new]}`` of the columns that changed (bookkeeping
  left out but ``updated_at``), against ``base_version`` = the row's ``server_version``.

The rows before the flush are read in ``before_flush``; the entries are written in
``after_flush``. Within one flush, inserts come first, parents before children (the order
of :func:`fdclient.sync.tables.synced_tables`), then updates; a foreign key that makes a
cycle (``households.head_id``) is sent as a follow-up update after every insert, so the
server never sees a reference to a row it does not have yet.

Bulk writers (demo, roster import, card numbers) write with Core and call
:func:`capture_rows` themselves (a cheap no-op on a store that is not enrolled).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert, inspect
from sqlalchemy.orm import Session

from fdclient.models import Base, OutboxEntry, new_id
from fdclient.store.context import context_of
from fdclient.sync import hlc, state, tables

_ENROLLED = "fdclient.sync.enrolled"
_BEFORE = "fdclient.sync.before"
_CHUNK = 500
#: Columns never sent in an update (``updated_at`` is, so the server keeps the writer's).
_NOT_DIFFED = frozenset({"id", "created_at", "server_version"})

Rows = dict[str, dict[str, Any]]


def active(session: Session) -> bool:
    """Whether changes in this unit of work are captured: the store is enrolled and the
    unit does not write what the server sent (cached for the session)."""
    context = context_of(session)
    if not context.capture or not context.writable:
        return False
    cached = session.info.get(_ENROLLED)
    if cached is None:
        cached = state.is_enrolled(session.connection())
        session.info[_ENROLLED] = cached
    return bool(cached)


def forget_enrolment_cache(session: Session) -> None:
    session.info.pop(_ENROLLED, None)


@functools.cache
def _synced_of(mapper_class: Any) -> tuple[str, ...]:
    """The synced tables an object of ``mapper_class`` writes (two for a follow-up form)."""
    names = set(tables.synced_table_names())
    mapper: Any = inspect(mapper_class, raiseerr=False)
    if mapper is None:
        return ()
    found = [t.name for t in mapper.tables if isinstance(t, Table) and t.name in names]
    order = {name: i for i, name in enumerate(tables.synced_table_names())}
    return tuple(sorted(found, key=order.__getitem__))


@functools.cache
def _deferred_columns(name: str) -> frozenset[str]:
    """Foreign keys created after both tables (cycles): sent after the inserts."""
    table = Base.metadata.tables[name]
    return frozenset(c.name for c in table.c for fk in c.foreign_keys if fk.use_alter)


@functools.cache
def _version_table(name: str) -> str:
    """Where a row's ``server_version`` lives: the table itself, or for a form's table the
    ``visits`` row it extends."""
    if tables.has_version(name):
        return name
    for fk in Base.metadata.tables[name].c.id.foreign_keys:
        return fk.column.table.name
    return name


def read_rows(conn: Connection, name: str, ids: Iterable[str] | None) -> Rows:
    """Rows of ``name`` as SQLite stores them, by hex id (every row when ``ids`` is None)."""
    out: Rows = {}
    if ids is None:
        result = conn.exec_driver_sql(f"SELECT * FROM {name}")
        keys = list(result.keys())
        for values in result:
            row = dict(zip(keys, values, strict=True))
            out[row["id"]] = row
        return out
    listed = list(dict.fromkeys(ids))
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start : start + _CHUNK]
        result = conn.exec_driver_sql(f"SELECT * FROM {name} WHERE id IN ({', '.join('?' * len(chunk))})", tuple(chunk))
        keys = list(result.keys())
        for values in result:
            row = dict(zip(keys, values, strict=True))
            out[row["id"]] = row
    return out


def _versions(conn: Connection, name: str, ids: Iterable[str]) -> dict[str, int | None]:
    home = _version_table(name)
    if home == name:
        return {}
    return {row_id: row.get("server_version") for row_id, row in read_rows(conn, home, ids).items()}


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value)


# --- the flush hooks ---------------------------------------------------------------------


def _touched(objects: Iterable[object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for obj in objects:
        names = _synced_of(type(obj))  # type: ignore[arg-type]
        obj_id = getattr(obj, "id", None)
        if not names or obj_id is None:
            continue
        for name in names:
            out.setdefault(name, []).append(_hex(obj_id))
    return out


def before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    if not active(session):
        return
    dirty = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    conn = session.connection()
    session.info[_BEFORE] = {name: read_rows(conn, name, ids) for name, ids in _touched(dirty).items()}


def after_flush(session: Session, _flush_context: Any) -> None:
    if not active(session):
        return
    before: dict[str, Rows] = session.info.pop(_BEFORE, {})
    inserted = _touched(session.new)
    write_entries(session, inserted, before)


# --- writing entries ---------------------------------------------------------------------


def write_entries(
    session: Session,
    inserted: Mapping[str, Sequence[str]],
    before: Mapping[str, Rows],
    authors: Mapping[str, uuid.UUID] | None = None,
) -> int:
    """Queue entries for rows ``inserted`` (hex ids per table) and rows updated from
    ``before`` (their storage values before the change). ``authors`` names who made an
    inserted row when it is not the unit of work's actor (rows made before enrolment).
    Returns how many were queued."""
    authors = authors or {}
    conn = session.connection()
    order = {name: i for i, name in enumerate(tables.synced_table_names())}
    entries: list[dict[str, Any]] = []
    deferred: list[dict[str, Any]] = []
    for name in sorted(inserted, key=order.__getitem__):
        now_rows = read_rows(conn, name, inserted[name])
        late = _deferred_columns(name)
        for row_id in dict.fromkeys(inserted[name]):
            row = now_rows.get(row_id)
            if row is None:
                continue
            data = {k: v for k, v in row.items() if k != "server_version"}
            follow = {k: [None, data[k]] for k in late if data.get(k) is not None}
            for k in follow:
                data[k] = None
            author = authors.get(row_id)
            entries.append(
                {"op": "insert", "table_name": name, "row_id": row_id, "data": data, "base": None, "actor": author}
            )
            if follow:
                deferred.append(
                    {
                        "op": "update",
                        "table_name": name,
                        "row_id": row_id,
                        "data": follow,
                        "base": None,
                        "actor": author,
                    }
                )
    for name in sorted(before, key=order.__getitem__):
        olds = before[name]
        if not olds:
            continue
        now_rows = read_rows(conn, name, olds)
        versions = _versions(conn, name, olds)
        for row_id, old in olds.items():
            new = now_rows.get(row_id)
            if new is None:
                continue
            diff = {k: [old.get(k), v] for k, v in new.items() if k not in _NOT_DIFFED and old.get(k) != v}
            if not set(diff) - {"updated_at"}:
                continue
            base = versions[row_id] if row_id in versions else old.get("server_version")
            entries.append({"op": "update", "table_name": name, "row_id": row_id, "data": diff, "base": base})
    entries.extend(deferred)
    return _insert(session, conn, entries)


def _insert(session: Session, conn: Connection, entries: list[dict[str, Any]]) -> int:
    if not entries:
        return 0
    context = context_of(session)
    moment = context.clock.now()
    actor = context.actor.staff_id if context.actor else None
    stamps = hlc.ticks(conn, moment, context.device_id, len(entries))
    rows = [
        {
            "mutation_id": new_id(),
            "op": e["op"],
            "table_name": e["table_name"],
            "row_id": uuid.UUID(e["row_id"]),
            "data": e["data"],
            "base_version": e["base"],
            "hlc": next(stamps),
            "actor_id": e.get("actor") or actor,
            "created_at": moment,
            "status": "pending",
        }
        for e in entries
    ]
    for start in range(0, len(rows), 5000):
        conn.execute(insert(OutboxEntry), rows[start : start + 5000])
    return len(rows)


# --- bulk writers ------------------------------------------------------------------------


def snapshot_rows(session: Session, table_name: str, ids: Iterable[uuid.UUID | str]) -> Rows:
    """The rows as they are now, for :func:`capture_rows` ``before=`` of a bulk update
    (empty when capture is off, so callers pay nothing on a store that is not enrolled)."""
    if not active(session):
        return {}
    return read_rows(session.connection(), table_name, [_hex(i) for i in ids])


def capture_rows(
    session: Session,
    table_name: str,
    ids: Iterable[uuid.UUID | str] | None = None,
    *,
    before: Rows | None = None,
) -> int:
    """Queue the rows a Core writer inserted (``ids``; every row of the table when None)
    and, with ``before`` (from :func:`snapshot_rows`), the rows it updated. A no-op on a
    store that is not enrolled. Call it per table, parents first."""
    if not active(session) or tables.table_named(table_name) is None:
        return 0
    session.flush()
    if ids is None:
        inserted = list(read_rows(session.connection(), table_name, None))
    else:
        inserted = [_hex(i) for i in ids]
    updated = before or {}
    inserted = [i for i in inserted if i not in updated]
    return write_entries(session, {table_name: inserted} if inserted else {}, {table_name: updated} if updated else {})


def capture_many(
    session: Session,
    inserted: Mapping[str, Iterable[uuid.UUID | str]],
    before: Mapping[str, Rows] | None = None,
) -> int:
    """:func:`capture_rows` of several tables at once: the entries of all of them in one
    order (inserts parents first, then updates, then cycle-closing references). A no-op on
    a store that is not enrolled."""
    if not active(session):
        return 0
    session.flush()
    known = set(tables.synced_table_names())
    olds = {name: dict(rows) for name, rows in (before or {}).items() if name in known and rows}
    new = {
        name: [i for i in (_hex(x) for x in ids) if i not in olds.get(name, {})]
        for name, ids in inserted.items()
        if name in known
    }
    return write_entries(session, {k: v for k, v in new.items() if v}, olds)


def capture_tables(session: Session, names: Iterable[str]) -> int:
    """Every row of ``names`` as inserts (a demo written into an enrolled store)."""
    if not active(session):
        return 0
    order = {name: i for i, name in enumerate(tables.synced_table_names())}
    wanted = sorted((n for n in names if n in order), key=order.__getitem__)
    return sum(capture_rows(session, name) for name in wanted)


def queue(session: Session, op: str, table_name: str, row_id: str, data: dict[str, Any]) -> None:
    """Queue a person's decision (``resolve`` / ``merge``) for the server."""
    session.flush()
    _insert(
        session,
        session.connection(),
        [{"op": op, "table_name": table_name, "row_id": row_id, "data": data, "base": None}],
    )
