"""Pushing the outbox: pending entries in sequence order, at most 500 per request, with
the audit entries not yet forwarded; each answer stored on its entry.

An entry the server answered ``applied`` or ``merged`` (or ``conflict`` with a version)
also sets its row's ``server_version``, unless a newer local change of the row is still
pending (the row then holds that change, not the server's version of it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fdclient.models import OutboxEntry
from fdclient.store import Store
from fdclient.sync import capture, protocol, state, tables

if TYPE_CHECKING:
    from fdclient.sync.engine import SyncProgress, _Counts
    from fdclient.sync.transport import Transport

AUDIT_BATCH = 2000


def _mutation(entry: OutboxEntry) -> protocol.Mutation:
    return protocol.Mutation(
        id=entry.mutation_id.hex,
        seq=entry.seq,
        op=protocol.Op(entry.op),
        table=entry.table_name,
        row_id=entry.row_id.hex,
        data=entry.data,
        base_version=entry.base_version,
        hlc=entry.hlc,
        actor_id=entry.actor_id.hex if entry.actor_id else None,
    )


def _audit_items(session: Session, mark: str | None) -> list[protocol.AuditItem]:
    sql = "SELECT id, at, actor_id, action, table_name, row_id, subject_id, changes FROM audit_log"
    params: tuple[Any, ...] = ()
    if mark:
        sql += " WHERE id > ?"
        params = (mark,)
    rows = session.connection().exec_driver_sql(sql + f" ORDER BY id LIMIT {AUDIT_BATCH}", params).all()
    items = []
    for row_id, at, actor, action, table_name, subject_row, subject, changes in rows:
        body = json.loads(changes) if isinstance(changes, str) and changes else {}
        items.append(
            protocol.AuditItem(
                id=row_id,
                at=str(at),
                actor_id=actor,
                action=str(action),
                table_name=str(table_name)[:60],
                row_id=subject_row,
                subject_id=subject,
                changes=body if isinstance(body, dict) else {"value": body},
            )
        )
    return items


def push_pending(
    store: Store,
    transport: Transport,
    counts: _Counts,
    tell: Callable[[SyncProgress], None],
    stop: Callable[[], bool],
    *,
    batch: int = protocol.MAX_PUSH_BATCH,
) -> int | None:
    """Push until nothing is pending; returns how many were answered (None: cancelled)."""
    from fdclient.sync.engine import SyncProgress

    with store.read() as session:
        waiting = int(session.scalar(select(func.count()).where(OutboxEntry.status == "pending")) or 0)
    answered = 0
    last_seq = 0
    while True:
        if stop():
            return None
        with store.read() as session:
            entries = session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.status == "pending", OutboxEntry.seq > last_seq)
                .order_by(OutboxEntry.seq)
                .limit(batch)
            ).all()
            audit = _audit_items(session, state.get(session, state.AUDIT_MARK))
        if not entries and not audit:
            return answered
        tell(SyncProgress("push", answered, waiting))
        response = transport.push(protocol.PushRequest(mutations=[_mutation(e) for e in entries], audit=audit))
        by_id = {r.id: r for r in response.results}
        with store.write(capture=False) as session:
            for entry in entries:
                result = by_id.get(entry.mutation_id.hex)
                if result is not None:
                    _store_result(session, entry, result, response)
                    counts.pushed += 1
                    answered += 1
                    if result.status == protocol.Status.CONFLICT:
                        counts.conflicts += 1
                    elif result.status == protocol.Status.REJECTED:
                        counts.rejected += 1
            if audit:
                state.put(session, state.AUDIT_MARK, audit[-1].id)
        if entries:
            last_seq = entries[-1].seq
        missing = [e for e in entries if e.mutation_id.hex not in by_id]
        if missing:  # the server did not answer for them: they stay pending for the next run
            return answered
        if len(entries) < batch and len(audit) < AUDIT_BATCH:
            return answered


def _store_result(
    session: Session, entry: OutboxEntry, result: protocol.MutationResult, response: protocol.PushResponse
) -> None:
    conn = session.connection()
    conn.execute(
        update(OutboxEntry)
        .where(OutboxEntry.seq == entry.seq)
        .values(
            status=result.status.value,
            version=result.version,
            reason=(result.reason or None) and result.reason[:60],
            message=(result.message or None) and result.message[:400],
            answered_at=response.server_time
            if response.server_time.tzinfo
            else response.server_time.replace(tzinfo=UTC),
        )
    )
    if result.version is None or entry.op not in ("insert", "update"):
        return
    if result.status == protocol.Status.REJECTED:
        return
    newer = conn.exec_driver_sql(
        "SELECT 1 FROM sync_outbox WHERE row_id = ? AND status = 'pending' AND seq > ? LIMIT 1",
        (entry.row_id.hex, entry.seq),
    ).first()
    if newer is not None:
        return
    home = capture._version_table(entry.table_name)
    conn.exec_driver_sql(
        f"UPDATE {home} SET server_version = ? WHERE id = ? AND (server_version IS NULL OR server_version < ?)",
        (result.version, entry.row_id.hex, result.version),
    )


def requeue_unknown_rows(session: Session, latest_version: int) -> int:
    """After a server restore: queue as inserts every row whose version the server no
    longer has (above its latest), parents first; their ``server_version`` is cleared."""
    conn = session.connection()
    inserted: dict[str, list[str]] = {}
    lost: dict[str, list[str]] = {}
    for name in tables.synced_table_names():
        home = capture._version_table(name)
        if home == name:
            ids = [
                r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {name} WHERE server_version > ?", (latest_version,))
            ]
        else:
            ids = [
                r[0]
                for r in conn.exec_driver_sql(
                    f"SELECT t.id FROM {name} t JOIN {home} h ON h.id = t.id WHERE h.server_version > ?",
                    (latest_version,),
                )
            ]
        if ids:
            inserted[name] = ids
            if home == name:
                lost[name] = ids
    queued = capture.write_entries(session, inserted, {}) if capture.active(session) else 0
    for name, ids in lost.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.exec_driver_sql(
                f"UPDATE {name} SET server_version = NULL WHERE id IN ({', '.join('?' * len(chunk))})", tuple(chunk)
            )
    return queued


__all__ = ["push_pending", "requeue_unknown_rows"]
