"""Writing the audit trail from a unit of work.

The flush hook records every ORM insert, update and void of a synced table with the
actor, the device, the clock's time and the changed fields (old and new), and stamps the
rows' ``created_at``/``updated_at`` by the same clock. :func:`record_event` records what
is not a row change: sign-ins, failed sign-ins, prints, exports, imports, backups,
restores. Bulk Core writes (demo data, imports, applied sync pages) record one event.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from fdclient.domain.codes import AuditAction
from fdclient.models import AuditEntry, Resident
from fdclient.models.base import Synced, new_id
from fdclient.store.context import context_of

_SKIPPED = frozenset({"created_at", "updated_at", "server_version"})


def _plain(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, date, datetime)):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, tuple):
        return list(value)
    return value


def _json(value: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return loaded


def _changes(obj: Synced, inserted: bool) -> dict[str, Any]:
    state = instance_state(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIPPED:
            continue
        hist = state.attrs[attr.key].history
        if inserted:
            value = getattr(obj, attr.key) if hist.added else None
            if value not in (None, (), ""):
                out[attr.key] = _plain(value)
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            out[attr.key] = [_plain(old), _plain(new)]
    return out


def _table_of(obj: Synced) -> str:
    state = instance_state(obj)
    table = state.mapper.base_mapper.local_table
    assert isinstance(table, Table)
    return table.name


def _subject(obj: object) -> uuid.UUID | None:
    """The resident a row belongs to, for ``fdclient audit --resident``."""
    if isinstance(obj, Resident):
        return obj.id
    subject = getattr(obj, "resident_id", None)
    return subject if isinstance(subject, uuid.UUID) else None


def before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    context = context_of(session)
    if not context.writable:
        raise RuntimeError("a read() unit of work tried to write; use Store.write()")
    moment = context.clock.now()
    actor = context.actor.staff_id if context.actor else None
    entries: list[AuditEntry] = []
    changed = [(o, True) for o in session.new] + [
        (o, False) for o in session.dirty if session.is_modified(o, include_collections=False)
    ]
    for obj, inserted in changed:
        if not isinstance(obj, Synced):
            continue
        if obj.id is None:
            obj.id = new_id()
        changes = _changes(obj, inserted)
        if not changes:
            continue
        if inserted:
            obj.created_at = obj.created_at or moment
        obj.updated_at = moment
        action = AuditAction.INSERT if inserted else AuditAction.VOID if "voided_at" in changes else AuditAction.UPDATE
        entries.append(
            AuditEntry(
                at=moment,
                actor_id=actor,
                device_id=context.device_id,
                action=action,
                # Joined-inheritance rows (follow-up forms) are logged under their base
                # table, so one row id has one audit history.
                table_name=_table_of(obj),
                row_id=obj.id,
                subject_id=_subject(obj),
                changes=_json(changes),
            )
        )
    session.add_all(entries)


def record_event(
    session: Session,
    action: AuditAction,
    about: str,
    details: dict[str, Any] | None = None,
    *,
    row_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> None:
    """Record an event (not a row change) in the unit of work's transaction.

    ``about`` names what it concerns ("store", "roster", "contract_form" ...); ``details``
    must hold what an auditor needs and nothing more (never a password).
    """
    context = context_of(session)
    session.execute(
        insert(AuditEntry).values(
            id=new_id(),
            at=at or context.clock.now(),
            actor_id=actor_id if actor_id is not None else (context.actor.staff_id if context.actor else None),
            device_id=context.device_id,
            action=action,
            table_name=about,
            row_id=row_id,
            subject_id=subject_id,
            changes=_json(details or {}),
        )
    )
