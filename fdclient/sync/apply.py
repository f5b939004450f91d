"""Applying what the server sent: a pull or snapshot page in one store transaction.

Rows are upserted with ``executemany`` of their storage values exactly as received
(``INSERT … ON CONFLICT(id) DO UPDATE``), with foreign keys off for the transaction
(:meth:`fdclient.store.Store.apply`: pages name rows in cycles) and nothing captured.
In the same transaction:

* fields with a pending local edit (a pending outbox insert or update of the row) keep
  their local value: they go up with the next push and are merged on the server;
* conflicts and merge tasks of the township go to ``sync_conflicts`` / ``sync_merge_tasks``;
* a resident arriving with ``merged_into_id`` (an alias) re-points local rows and pending
  outbox entries that name it to the survivor;
* the new cursor (or the snapshot's position) is stored.

Visit records are immutable (triggers refuse updates of their clinical columns): an
upsert of a visit that is already here updates only what may change (void, re-pointing).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from fdclient.sync import protocol, state, tables
from fdclient.sync.capture import read_rows

# Kept in step with the triggers of migration 0001 (visit records are never edited).
VISIT_CLINICAL_COLUMNS = frozenset(
    {
        "record_id",
        "revision",
        "supersedes_id",
        "correction_reason",
        "contract_id",
        "kind",
        "visit_date",
        "mode",
        "doctor_id",
        "next_visit_date",
        "notes",
    }
)
MEDICATION_COLUMNS = frozenset({"visit_id", "position", "name", "times_per_day", "dose"})
#: Tables whose rows are never updated once written: an upsert leaves them alone.
IMMUTABLE_TABLES = frozenset({"hypertension_followups", "diabetes_followups", "elderly_checks", "home_visits"})
_FROZEN_COLUMNS = {"visits": VISIT_CLINICAL_COLUMNS, "medications": MEDICATION_COLUMNS}
#: Names a page may give the leading version value of each row.
_VERSION_NAMES = frozenset({"version", "_version", "server_version"})
_BATCH = 5000


@dataclass(frozen=True)
class Applied:
    rows: int = 0
    conflicts: int = 0
    merge_tasks: int = 0
    aliases: int = 0
    kept_fields: int = 0


# --- one group of rows -------------------------------------------------------------------


def _shape(group: protocol.RowGroup) -> tuple[list[str], bool]:
    """The group's column names and whether each row starts with its version."""
    columns = list(group.columns)
    sample = group.rows[0] if group.rows else None
    if columns and columns[0] in _VERSION_NAMES:
        return columns[1:], True
    if sample is not None and len(sample) == len(columns) + 1:
        return columns, True
    return columns, False


@functools.cache
def _upsert_sql(name: str, columns: tuple[str, ...], with_version: bool) -> str:
    written = [*columns, "server_version"] if with_version else list(columns)
    marks = ", ".join("?" * len(written))
    head = f"INSERT INTO {name} ({', '.join(written)}) VALUES ({marks}) ON CONFLICT(id) DO "
    if name in IMMUTABLE_TABLES:
        return head + "NOTHING"
    frozen = _FROZEN_COLUMNS.get(name, frozenset())
    sets = [f"{c} = excluded.{c}" for c in written if c != "id" and c not in frozen]
    return head + ("UPDATE SET " + ", ".join(sets) if sets else "NOTHING")


def pending_fields(conn: Connection) -> dict[tuple[str, str], set[str] | None]:
    """``(table, row id)`` → the fields with a pending local edit (None: every field, a row
    made here whose insert is not answered yet)."""
    out: dict[tuple[str, str], set[str] | None] = {}
    result = conn.exec_driver_sql(
        "SELECT table_name, row_id, op, data FROM sync_outbox WHERE status = 'pending' AND op IN ('insert', 'update')"
    )
    for table_name, row_id, op, data in result:
        key = (table_name, row_id)
        if op == "insert":
            out[key] = None
            continue
        fields = out.setdefault(key, set())
        if fields is not None:
            fields.update(json.loads(data) if isinstance(data, str) else data)
    return out


def apply_group(
    conn: Connection,
    group: protocol.RowGroup,
    pending: dict[tuple[str, str], set[str] | None],
) -> tuple[int, int, list[tuple[str, str]]]:
    """Upsert one table's rows; returns (rows, fields kept local, aliases seen)."""
    table = tables.table_named(group.table)
    if table is None or not group.rows:
        return 0, 0, []
    columns, versioned = _shape(group)
    known = set(table.c.keys())
    keep = [i for i, c in enumerate(columns) if c in known and c != "server_version"]
    names = tuple(columns[i] for i in keep)
    offset = 1 if versioned else 0
    with_version = versioned and tables.has_version(group.table)
    id_at = names.index("id")
    values: list[list[Any]] = []
    for raw in group.rows:
        row = [raw[i + offset] for i in keep]
        if with_version:
            row.append(raw[0])
        values.append(row)
    kept = _keep_local(conn, group.table, names, id_at, values, pending) if pending else 0
    sql = _upsert_sql(group.table, names, with_version)
    for start in range(0, len(values), _BATCH):
        conn.exec_driver_sql(sql, [tuple(v) for v in values[start : start + _BATCH]])
    aliases: list[tuple[str, str]] = []
    if group.table == "residents" and "merged_into_id" in names:
        at = names.index("merged_into_id")
        aliases = [(row[id_at], row[at]) for row in values if row[at]]
    return len(values), kept, aliases


def _keep_local(
    conn: Connection,
    name: str,
    names: Sequence[str],
    id_at: int,
    values: list[list[Any]],
    pending: dict[tuple[str, str], set[str] | None],
) -> int:
    touched = {row[id_at]: pending[(name, row[id_at])] for row in values if (name, row[id_at]) in pending}
    if not touched:
        return 0
    local = read_rows(conn, name, touched)
    kept = 0
    for row in values:
        fields = touched.get(row[id_at], set())
        mine = local.get(row[id_at])
        if mine is None:
            continue
        for i, column in enumerate(names):
            if column == "id" or (fields is not None and column not in fields):
                continue
            if column in mine and row[i] != mine[column]:
                row[i] = mine[column]
                kept += 1
    return kept


# --- conflicts and merge tasks ---------------------------------------------------------


def _views(group: protocol.RowGroup) -> Iterable[tuple[int, dict[str, Any]]]:
    columns, versioned = _shape(group)
    for raw in group.rows:
        values = raw[1:] if versioned else raw
        body = dict(zip(columns, values, strict=False))
        if isinstance(body.get("body"), dict):  # columns ``version, body``
            body = dict(body["body"])
        version = raw[0] if versioned else int(body.get("version") or 0)
        yield int(version or 0), body


def _apply_conflicts(conn: Connection, group: protocol.RowGroup) -> int:
    rows = []
    for version, body in _views(group):
        view = protocol.ConflictView.model_validate({k: v for k, v in body.items() if k != "version"})
        rows.append(
            (view.id, version, view.table, view.row_id, view.field, view.kind, view.status, view.model_dump_json())
        )
    conn.exec_driver_sql(
        "INSERT INTO sync_conflicts (id, version, table_name, row_id, field, kind, status, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version,"
        " status = excluded.status, body = excluded.body, kind = excluded.kind",
        rows,
    )
    return len(rows)


def _apply_merge_tasks(conn: Connection, group: protocol.RowGroup) -> int:
    rows = []
    for version, body in _views(group):
        view = protocol.MergeTaskView.model_validate({k: v for k, v in body.items() if k != "version"})
        rows.append((view.id, version, view.kind, view.status, view.model_dump_json()))
    conn.exec_driver_sql(
        "INSERT INTO sync_merge_tasks (id, version, kind, status, body) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status, body = excluded.body",
        rows,
    )
    return len(rows)


# --- aliases -----------------------------------------------------------------------------


def repoint(conn: Connection, alias: str, survivor: str) -> None:
    """Every local row and pending outbox entry naming ``alias`` (a merged-away resident)
    names ``survivor`` instead."""
    referring = [(t, c) for t, c in tables.referring("residents") if not (t == "residents" and c == "merged_into_id")]
    for table_name, column in referring:
        conn.exec_driver_sql(f"UPDATE {table_name} SET {column} = ? WHERE {column} = ?", (survivor, alias))
    columns_of: dict[str, set[str]] = {}
    for table_name, column in referring:
        columns_of.setdefault(table_name, set()).add(column)
    result = conn.exec_driver_sql(
        "SELECT seq, op, table_name, row_id, data FROM sync_outbox WHERE status = 'pending'"
        " AND (row_id = ? OR data LIKE ?)",
        (alias, f"%{alias}%"),
    ).all()
    for seq, op, table_name, row_id, data in result:
        body = json.loads(data) if isinstance(data, str) else dict(data)
        for column in columns_of.get(table_name, ()):
            if column not in body:
                continue
            if op == "insert" and body[column] == alias:
                body[column] = survivor
            elif op == "update" and isinstance(body[column], list):
                body[column] = [survivor if v == alias else v for v in body[column]]
        new_row = survivor if (row_id == alias and table_name == "residents" and op == "update") else row_id
        conn.exec_driver_sql(
            "UPDATE sync_outbox SET data = ?, row_id = ? WHERE seq = ?",
            (json.dumps(body, ensure_ascii=False), new_row, seq),
        )


# --- pages -------------------------------------------------------------------------------


def apply_groups(conn: Connection, groups: Sequence[protocol.RowGroup]) -> Applied:
    """Upsert every group (parents first), then conflicts, merge tasks and aliases."""
    order = {name: i for i, name in enumerate(tables.synced_table_names())}
    pending = pending_fields(conn)
    rows = kept = conflicts = merges = 0
    aliases: list[tuple[str, str]] = []
    for group in sorted(groups, key=lambda g: order.get(g.table, len(order))):
        if group.table == protocol.CONFLICTS:
            conflicts += _apply_conflicts(conn, group) if group.rows else 0
        elif group.table == protocol.MERGE_TASKS:
            merges += _apply_merge_tasks(conn, group) if group.rows else 0
        else:
            n, k, found = apply_group(conn, group, pending)
            rows, kept = rows + n, kept + k
            aliases.extend(found)
    for alias, survivor in aliases:
        repoint(conn, alias, survivor)
    return Applied(rows, conflicts, merges, len(aliases), kept)


def apply_pull(conn: Connection, page: protocol.PullResponse) -> Applied:
    """A pull page and its cursor, on the connection of :meth:`Store.apply`."""
    applied = apply_groups(conn, page.groups)
    state.put(conn, state.CURSOR, page.next)
    return applied


SEARCH_DEFERRED = "SELECT 1 FROM resident_search_deferred LIMIT 1"


def apply_snapshot(conn: Connection, page: protocol.SnapshotResponse) -> Applied:
    """A snapshot page and its position. The residents' search index is left for the end
    of the whole snapshot (rebuilt once, by :func:`finish_snapshot`)."""
    if conn.exec_driver_sql(SEARCH_DEFERRED).first() is None:
        conn.exec_driver_sql("INSERT INTO resident_search_deferred (since) VALUES (datetime('now'))")
    applied = apply_groups(conn, page.groups)
    if page.after_table is None:
        finish_snapshot(conn, page.as_of)
    else:
        state.set_snapshot_progress(conn, state.SnapshotProgress(page.as_of, page.after_table, page.after_id))
    return applied


_MAP_COLUMNS = "resident_id, village_id, chars, pinyin, initials, id_number, phone, health_record_no"


def finish_snapshot(conn: Connection, as_of: int) -> None:
    """The snapshot is complete: index the residents for search, pull from ``as_of``."""
    from fdclient.services.registry.search import rebuild_search_index

    if conn.exec_driver_sql(SEARCH_DEFERRED).first() is not None:
        conn.exec_driver_sql(
            f"INSERT INTO resident_search_map ({_MAP_COLUMNS}) SELECT {_MAP_COLUMNS}"
            " FROM resident_search_source s"
            " WHERE NOT EXISTS (SELECT 1 FROM resident_search_map m WHERE m.resident_id = s.resident_id)"
        )
        conn.exec_driver_sql("DELETE FROM resident_search_deferred")
        rebuild_search_index(conn)
    state.set_snapshot_progress(conn, None)
    state.put(conn, state.SNAPSHOT_DONE, True)
    state.put(conn, state.CURSOR, as_of)
