"""Soft delete shared by the use cases: a medical row is voided with who, when and why.

Nothing medical is hard-deleted (DOMAIN.md §8). Voiding sets ``voided_at``, ``void_reason``
and ``voided_by_id`` on a :class:`~fdclient.models.base.Voidable` row; the session's audit
hook records it as a ``void`` entry. The database refuses a void without a reason.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from fdclient.errors import RuleError, ValidationError
from fdclient.models.base import Voidable, utcnow

#: Longest reason the database keeps (``void_reason`` is String(200)).
MAX_REASON = 200


def clean_reason(reason: str | None, *, what: str = "作废") -> str:
    """The stripped reason, or a ValidationError when it is empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError(f"{what}必须填写原因。", field="reason")
    if len(text) > MAX_REASON:
        raise ValidationError(f"{what}原因太长：最多 {MAX_REASON} 个字，实际为 {len(text)} 个。", field="reason")
    return text


def actor_of(session: Session) -> uuid.UUID | None:
    """The signed-in staff member the session acts for (``session.info["actor_id"]``)."""
    actor: Any = session.info.get("actor_id")
    if actor is None or isinstance(actor, uuid.UUID):
        return actor
    return uuid.UUID(str(actor))


def void_row(session: Session, row: Voidable, reason: str | None, *, label: str, by: uuid.UUID | None = None) -> None:
    """Void ``row`` (described as ``label`` in messages, e.g. “居民 张三”).

    ``by`` defaults to the session's actor. A row already voided is refused.
    """
    text = clean_reason(reason)
    if row.voided_at is not None:
        raise RuleError(f"{label}已于 {row.voided_at:%Y-%m-%d} 作废（原因：{row.void_reason}），不能再次作废。")
    row.voided_at = utcnow()
    row.void_reason = text
    row.voided_by_id = by if by is not None else actor_of(session)
