"""``POST /push``: a batch of mutations and audit entries → one result per mutation
(docs/sync.md "Push"), applied in one write transaction by :func:`fdserver.apply.apply_push`.

The same push sent several times at once is answered from the ledger: the transactions
serialise on the township's lock; should one still fail on a serialisation error or a
duplicate ledger id, the whole transaction is retried (up to :data:`ATTEMPTS` times) and
then finds the stored results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter
from sqlalchemy import Engine, exc

from fdclient.sync.protocol import ErrorBody, PushRequest, PushResponse
from fdserver.apply import DeviceContext, apply_push
from fdserver.auth import CurrentDevice, EngineDep
from fdserver.db import transaction, utcnow
from fdserver.errors import BUSY, ApiError

router = APIRouter(tags=["sync"])
ATTEMPTS = 3
_ERRORS: dict[int | str, dict[str, object]] = {status: {"model": ErrorBody} for status in (401, 403, 413, 422, 503)}
_PG_RETRY = frozenset({"40001", "40P01", "23505"})  # serialization failure, deadlock, unique violation
_PG_LOCK_TIMEOUT = "55P03"  # lock_not_available: lock_timeout ran out
T = TypeVar("T")


def context_of(device: CurrentDevice) -> DeviceContext:
    """The apply layer's view of the authenticated device."""
    return DeviceContext(
        device_id=device.id, township_id=device.township_id, staff_id=device.staff_id, role=device.role
    )


def _lock_timed_out(error: exc.DBAPIError) -> bool:
    return (getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)) == _PG_LOCK_TIMEOUT


def _retryable(error: exc.DBAPIError) -> bool:
    if isinstance(error, exc.IntegrityError):
        return True
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in _PG_RETRY:
        return True
    return isinstance(error, exc.OperationalError) and "locked" in str(error.orig).lower()


def in_write_transaction(engine: Engine, work: Callable[..., T]) -> T:
    """Run ``work(conn)`` in a write transaction, retried on serialisation failures."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction(engine) as conn:
                return work(conn)
        except exc.DBAPIError as error:
            if _lock_timed_out(error):  # the township's queue is long: come back later
                raise ApiError(503, "busy", BUSY, headers={"Retry-After": "5"}) from None
            if not _retryable(error):
                raise
            if attempt == ATTEMPTS:
                raise ApiError(503, "busy", BUSY, headers={"Retry-After": "1"}) from None
    raise AssertionError("unreachable")


@router.post("/push", response_model=PushResponse, responses=_ERRORS)
def push(body: PushRequest, device: CurrentDevice, engine: EngineDep) -> PushResponse:
    ctx = context_of(device)
    return in_write_transaction(engine, lambda conn: apply_push(conn, ctx, body, utcnow()))
