"""Fetching a row the user picked, with one plain message when it is gone (another
laptop's change arrived, a stale list): "找不到……，请刷新后重试。"."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy.orm import Session

from fdclient.errors import ValidationError

T = TypeVar("T")


def fetch(session: Session, model: type[T], row_id: uuid.UUID | None, what: str, field: str) -> T:
    """The ``model`` row ``row_id``, or a ValidationError naming ``what`` is missing."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise ValidationError(f"找不到{what}，请刷新后重试。", field=field)
    return row
