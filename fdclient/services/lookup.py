"""Fetching a row the user picked, with one plain message when it is gone (another
laptop's change arrived, a stale list): "找不到……，请刷新后重试。"."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy.orm import Session

from fdclient.errors import ValidationError
from fdclient.text import Text, msg

T = TypeVar("T")


def fetch(session: Session, model: type[T], row_id: uuid.UUID | None, what: Text, field: str) -> T:
    """The ``model`` row ``row_id``, or a ValidationError saying ``what`` (e.g.
    ``msg("该家庭", "the household")``) was not found."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise ValidationError(
            msg("找不到{what}，请刷新后重试。", "Could not find {what}: refresh and try again.", what=what),
            field=field,
        )
    return row
