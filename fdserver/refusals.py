"""Refused requests and failed sign-ins, kept for ``fdserver status`` (never a token, a code
or a person's data: the reason code, the device if known and the path)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, insert
from sqlalchemy.exc import SQLAlchemyError

from fdserver.db import transaction, utcnow
from fdserver.models import Refusal

log = logging.getLogger("fdserver")

SIGN_IN = "sign_in"
REQUEST = "request"


def record_refusal(engine: Engine, kind: str, reason: str, *, device_id: str | None = None, path: str = "") -> None:
    """Record a refusal in a transaction of its own (the refused request's is rolled back).
    A database failure here is logged and otherwise ignored: the refusal still goes out."""
    try:
        with transaction(engine) as conn:
            conn.execute(
                insert(Refusal).values(at=utcnow(), kind=kind, reason=reason[:40], device_id=device_id, path=path[:100])
            )
    except SQLAlchemyError as exc:
        log.warning("could not record a refusal (%s): %s", reason, type(exc).__name__)
