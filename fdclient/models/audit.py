"""The audit trail: who changed what, when (DOMAIN.md §8).

Entries are written in the same transaction as the change by a session hook
(:func:`install_audit`) for every ORM insert, update and void of a synced table. The actor
is the signed-in staff member put in ``session.info["actor_id"]``. Bulk Core writes (demo
data, imports, applied sync pages) write one summary entry themselves.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Uuid, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, UTCDateTime, new_id, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(codes.sql_in("action", codes.AUDIT_ACTION), name="action_code"),
        Index("ix_audit_log_row", "table_name", "row_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    action: Mapped[str] = mapped_column(String(8))
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    #: ``{field: [old, new]}`` for updates, ``{field: new}`` for inserts, or a summary.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


_SKIPPED = frozenset({"created_at", "updated_at", "server_version"})


def _plain(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, date, datetime)):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, tuple):
        return list(value)
    return value


def _changes(obj: Synced, inserted: bool) -> dict[str, Any]:
    state = inspect(obj)
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


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    actor = session.info.get("actor_id")
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
        action = "insert" if inserted else "void" if "voided_at" in changes else "update"
        entries.append(
            AuditEntry(
                actor_id=actor,
                action=action,
                # Joined-inheritance rows (follow-up forms) are logged under their base
                # table, so one row id has one audit history.
                table_name=inspect(obj).mapper.base_mapper.local_table.name,
                row_id=obj.id,
                changes=json.loads(json.dumps(changes, ensure_ascii=False, default=str)),
            )
        )
    session.add_all(entries)


def install_audit(factory: sessionmaker[Session]) -> None:
    """Record every ORM change made through sessions of ``factory`` in the audit log."""
    if not event.contains(factory, "before_flush", _before_flush):
        event.listen(factory, "before_flush", _before_flush)
