"""Reading the audit trail (``fdclient audit``; admins only): who did what, when, on
which device, optionally for one staff member, one resident or since a date."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from fdclient.domain.codes import AuditAction
from fdclient.domain.identity import normalise_id_number
from fdclient.domain.roles import Permission
from fdclient.domain.time import start_of_china_day
from fdclient.errors import ValidationError
from fdclient.models import AuditEntry, Resident, Staff
from fdclient.store.context import require
from fdclient.text import msg


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    username: str | None
    staff_name: str | None
    device_id: uuid.UUID | None
    action: AuditAction
    table: str
    row_id: uuid.UUID | None
    subject_id: uuid.UUID | None
    changes: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "user": self.username,
            "staff_name": self.staff_name,
            "device_id": str(self.device_id) if self.device_id else None,
            "action": self.action.value,
            "table": self.table,
            "row_id": str(self.row_id) if self.row_id else None,
            "subject_id": str(self.subject_id) if self.subject_id else None,
            "changes": self.changes,
        }


def list_audit(
    session: Session,
    *,
    username: str | None = None,
    resident_id_number: str | None = None,
    since: date | None = None,
    limit: int = 1000,
) -> tuple[AuditRecord, ...]:
    """Entries newest first, at most ``limit``."""
    require(session, Permission.VIEW_AUDIT)
    actor = aliased(Staff)
    query = (
        select(AuditEntry, actor.username, actor.name)
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if username:
        name = username.strip().casefold()
        query = query.where(or_(actor.username == name, AuditEntry.changes["username"].as_string() == name))
    if resident_id_number:
        number = normalise_id_number(resident_id_number)
        residents = session.scalars(select(Resident.id).where(Resident.id_number == number)).all()
        if not residents:
            raise ValidationError(
                msg("没有身份证号为该号码的居民。", "No resident has that ID number."), field="resident"
            )
        query = query.where(or_(AuditEntry.subject_id.in_(residents), AuditEntry.row_id.in_(residents)))
    if since:
        query = query.where(AuditEntry.at >= start_of_china_day(since))
    return tuple(
        AuditRecord(
            e.at,
            user,
            name,
            e.device_id,
            AuditAction(e.action),
            e.table_name,
            e.row_id,
            e.subject_id,
            dict(e.changes or {}),
        )
        for e, user, name in session.execute(query)
    )
