"""Soft delete shared by the use cases: a medical row is voided with who, when and why.

Nothing medical is hard-deleted (DOMAIN.md §8). Voiding sets ``voided_at``, ``void_reason``
and ``voided_by_id`` on a :class:`~fdclient.models.base.Voidable` row, by the unit of work's
actor and clock; the audit hook records it as a ``void`` entry. The database refuses a
void without a reason.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from fdclient.domain.time import china_date
from fdclient.domain.validation import required_text
from fdclient.errors import RuleError
from fdclient.models.base import Voidable
from fdclient.store.context import actor_id, now
from fdclient.text import Text, msg

#: Longest reason the database keeps (``void_reason`` is String(200)).
MAX_REASON = 200
#: What is being done, in messages about the reason.
VOIDING = msg("作废", "voiding")


def clean_reason(reason: str | None, *, what: Text = VOIDING) -> str:
    """The reason, trimmed; a ValidationError when it is empty, too long or holds control
    characters other than line breaks and tabs. ``what`` names the action
    (``msg("更正", "correcting")``)."""
    return required_text(
        reason,
        label=msg("{what}原因", "reason for {what}", what=what),
        field="reason",
        max_length=MAX_REASON,
        multiline=True,
    )


def void_row(session: Session, row: Voidable, reason: str | None, *, label: Text, by: uuid.UUID | None = None) -> None:
    """Void ``row``, described in messages as ``label`` (which starts the English sentence:
    ``msg("居民 {name} 的档案", "The file of {name}", name=...)``).

    ``by`` defaults to the unit of work's actor. A row already voided is refused.
    """
    text = clean_reason(reason)
    if row.voided_at is not None:
        raise RuleError(
            msg(
                "{label}已于 {day} 作废（原因：{reason}），不能再次作废。",
                "{label} was already voided on {day} (reason: {reason}) and cannot be voided again.",
                label=label,
                day=china_date(row.voided_at).isoformat(),
                reason=row.void_reason,
            )
        )
    row.voided_at = now(session)
    row.void_reason = text
    row.voided_by_id = by if by is not None else actor_id(session)
