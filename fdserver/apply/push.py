"""Apply a push request in the caller's write transaction (docs/sync.md "Push").

1. take the township's version counter (``lock_township``): versions are handed out in
   commit order;
2. for each mutation: a known id gets its stored result back; otherwise it is applied in a
   savepoint (a rejected mutation rolls back alone) and its result recorded in the ledger;
3. the device's last answered sequence number and the pushed audit entries (an entry
   already stored is skipped) are stored in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, exc, insert, select, update

from fdclient.sync.protocol import AuditItem, Mutation, MutationResult, Op, PushRequest, PushResponse, Status
from fdclient.text import CHINESE, msg
from fdserver.apply import authority, changes, decisions, rejection
from fdserver.apply.context import DeviceContext
from fdserver.apply.outcome import Outcome
from fdserver.apply.records import Author
from fdserver.apply.rejection import Rejected
from fdserver.db import lock_township
from fdserver.models import AuditEvent, Device, MutationLedger, table_of

_ledger = table_of(MutationLedger)
_devices = table_of(Device)
_audit = table_of(AuditEvent)
_AUDIT_CHUNK = 500
_KNOWN = select(_ledger.c.device_id, _ledger.c.result).where(_ledger.c.id == bindparam("b_id"))
_RECORD = insert(_ledger)


def apply_push(conn: Connection, device: DeviceContext, request: PushRequest, now: datetime) -> PushResponse:
    retried = answered_before(conn, device, request, now)
    if retried is not None:
        return retried
    lock_township(conn, device.township_id)
    results = [_answer(conn, device, m, now) for m in request.mutations]
    acknowledged = _acknowledge(conn, device, max((m.seq for m in request.mutations), default=0))
    store_audit(conn, device, request.audit, now)
    return PushResponse(results=results, acknowledged_seq=acknowledged, server_time=now)


def answered_before(
    conn: Connection, device: DeviceContext, request: PushRequest, now: datetime
) -> PushResponse | None:
    """The stored answer to a request the ledger holds entirely (a retry after a lost
    answer), without waiting behind the township's other pushes; None otherwise."""
    ids = [m.id for m in request.mutations]
    if not ids:
        return None
    rows = conn.execute(select(_ledger.c.id, _ledger.c.device_id, _ledger.c.result).where(_ledger.c.id.in_(ids))).all()
    if len(rows) < len(set(ids)) or any(r.device_id != device.device_id for r in rows):
        return None
    stored = {r.id: r.result for r in rows}
    seq = conn.execute(select(_devices.c.last_seq).where(_devices.c.id == device.device_id)).scalar_one()
    results = [MutationResult.model_validate(stored[m.id]) for m in request.mutations]
    return PushResponse(results=results, acknowledged_seq=int(seq), server_time=now)


def _answer(conn: Connection, device: DeviceContext, m: Mutation, now: datetime) -> MutationResult:
    stored = conn.execute(_KNOWN, {"b_id": m.id}).one_or_none()
    if stored is not None:
        if stored.device_id == device.device_id:
            return MutationResult.model_validate(stored.result)
        text = msg("这条修改的编号已被其他设备使用。", "This change's id was already used by another device.")
        return MutationResult(
            id=m.id, seq=m.seq, status=Status.REJECTED, reason="duplicate_id", message=text.render(CHINESE)
        )
    author = Author(device.township_id, device.device_id, m.actor_id or device.staff_id, m.hlc, now, m.id)
    try:
        with conn.begin_nested():
            outcome = apply_mutation(conn, authority.acting_role(conn, device, m), author, m)
    except Rejected as refused:
        outcome = Outcome(Status.REJECTED, reason=refused.code, message=refused.message)
    except (ValueError, TypeError, LookupError, exc.DataError):
        # A value the rules or the database could not take (never a 500, never the value).
        bad = rejection.malformed(m.table[:60])
        outcome = Outcome(Status.REJECTED, reason=bad.code, message=bad.message)
    result = MutationResult(
        id=m.id,
        seq=m.seq,
        status=outcome.status,
        version=outcome.version,
        conflict_ids=list(outcome.conflict_ids),
        reason=outcome.reason,
        message=outcome.message,
    )
    conn.execute(
        _RECORD,
        {
            "id": m.id,
            "device_id": device.device_id,
            "township_id": device.township_id,
            "seq": m.seq,
            "status": result.status.value,
            "result": result.model_dump(mode="json"),
            "received_at": now,
        },
    )
    return result


def apply_mutation(conn: Connection, device: DeviceContext, author: Author, m: Mutation) -> Outcome:
    if m.op is Op.RESOLVE:
        return decisions.resolve_conflict(conn, device, author, m.row_id, m.data)[0]
    if m.op is Op.MERGE:
        return decisions.decide_merge(conn, device, author, m.row_id, m.data)[0]
    return changes.apply_change(conn, device, author, m)


def _acknowledge(conn: Connection, device: DeviceContext, seq: int) -> int:
    """Move the device's last answered sequence number up to ``seq``; returns it."""
    if seq:
        conn.execute(
            update(_devices).where(_devices.c.id == device.device_id, _devices.c.last_seq < seq).values(last_seq=seq)
        )
    stored = conn.execute(select(_devices.c.last_seq).where(_devices.c.id == device.device_id)).scalar()
    return max(int(stored or 0), seq)


def store_audit(conn: Connection, device: DeviceContext, items: Sequence[AuditItem], now: datetime) -> int:
    """Store the laptop's audit entries not stored yet; returns how many were new."""
    added = 0
    for start in range(0, len(items), _AUDIT_CHUNK):
        chunk = {i.id: i for i in items[start : start + _AUDIT_CHUNK]}
        known = set(conn.execute(select(_audit.c.id).where(_audit.c.id.in_(list(chunk)))).scalars())
        rows = [
            {
                "id": i.id,
                "township_id": device.township_id,
                "device_id": device.device_id,
                "at": i.at[:32],
                "actor_id": i.actor_id,
                "action": i.action[:16],
                "table_name": i.table_name[:40],
                "row_id": i.row_id,
                "subject_id": i.subject_id,
                "changes": i.changes,
                "received_at": now,
            }
            for i in chunk.values()
            if i.id not in known
        ]
        if rows:
            conn.execute(insert(_audit), rows)
            added += len(rows)
    return added
