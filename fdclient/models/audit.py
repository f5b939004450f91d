"""The audit trail: who did what, when, on which device (DOMAIN.md §8).

Rows are written in the same transaction as the change they record, by the unit of
work's flush hook (:mod:`fdclient.store.audit_trail`) for every ORM insert, update and void,
and by :func:`fdclient.store.audit_trail.record_event` for sign-ins, prints, exports,
imports, backups and restores. The application never changes or deletes them: triggers
refuse UPDATE and DELETE (migration 0004).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fdclient.domain import codes
from fdclient.models.base import Base, UTCDateTime, clock_now, new_id


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(codes.sql_in("action", codes.AUDIT_ACTION), name="action_code"),
        Index("ix_audit_log_row", "table_name", "row_id"),
        Index("ix_audit_log_subject", "subject_id", "at"),
        Index("ix_audit_log_actor", "actor_id", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now, index=True)
    #: The signed-in staff member (None: the system, or a failed sign-in by an unknown name).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    action: Mapped[str] = mapped_column(String(16))
    #: The table of the changed row, or what an event was about ("store", "contract_form" ...).
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    #: The resident the entry concerns, when there is one (``fdclient audit --resident``).
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    #: ``{field: [old, new]}`` for updates, ``{field: new}`` for inserts, or an event's details.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
