"""Online decisions by a person (docs/sync.md "The exchange"): the same functions as the
``resolve`` and ``merge`` mutations pushed from a laptop's outbox
(:mod:`fdserver.apply.decisions` documents the bodies).

* ``POST /conflicts/{id}/resolve`` ``{"keep": "server"|"incoming"|"value", "value": ...}``
  → the conflict (``ConflictView``);
* ``POST /merges/{id}/decide`` ``{"decision": "merge"|"keep_apart"}`` → the task
  (``MergeTaskView``);
* ``POST /merges/{id}/undo`` → the task.

A refusal is the mutation's rejection as an error: 404 ``not_found``, 403
``other_township`` / ``role_not_allowed``, 409 for a decision the state does not allow,
422 for a malformed body.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from fdclient.sync.protocol import ConflictView, ErrorBody, MergeTaskView
from fdserver.api.push import context_of, in_write_transaction
from fdserver.apply import decisions
from fdserver.apply.records import Author
from fdserver.apply.rejection import Rejected
from fdserver.auth import CurrentDevice, EngineDep
from fdserver.db import lock_township, utcnow
from fdserver.errors import ApiError

router = APIRouter(tags=["decisions"])
_ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ErrorBody} for s in (401, 403, 404, 409, 422)}
HexPath = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
_STATUS = {
    "not_found": 404,
    "missing_record": 404,
    "other_township": 403,
    "role_not_allowed": 403,
    "already_decided": 409,
    "not_mergeable": 409,
    "illegal_transition": 409,
}


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keep: Literal["server", "incoming", "value", "mine", "theirs"]
    value: Any = None


class DecideBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["merge", "keep_apart"]


def _error(r: Rejected) -> ApiError:
    return ApiError(_STATUS.get(r.code, 422), r.code, r.text)


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictView, responses=_ERRORS)
def resolve(conflict_id: HexPath, body: ResolveBody, device: CurrentDevice, engine: EngineDep) -> ConflictView:
    ctx = context_of(device)
    data = body.model_dump(exclude_unset=True)

    def work(conn: Any) -> ConflictView:
        now = utcnow()
        lock_township(conn, ctx.township_id)
        author = Author(ctx.township_id, ctx.device_id, ctx.staff_id, now.isoformat(), now)
        return decisions.resolve_conflict(conn, ctx, author, conflict_id, data)[1]

    try:
        return in_write_transaction(engine, work)
    except Rejected as r:
        raise _error(r) from None


def _decide(merge_id: str, decision: str, device: CurrentDevice, engine: EngineDep) -> MergeTaskView:
    ctx = context_of(device)

    def work(conn: Any) -> MergeTaskView:
        now = utcnow()
        lock_township(conn, ctx.township_id)
        author = Author(ctx.township_id, ctx.device_id, ctx.staff_id, now.isoformat(), now)
        return decisions.decide_merge(conn, ctx, author, merge_id, {"decision": decision})[1]

    try:
        return in_write_transaction(engine, work)
    except Rejected as r:
        raise _error(r) from None


@router.post("/merges/{merge_id}/decide", response_model=MergeTaskView, responses=_ERRORS)
def decide(merge_id: HexPath, body: DecideBody, device: CurrentDevice, engine: EngineDep) -> MergeTaskView:
    return _decide(merge_id, body.decision, device, engine)


@router.post("/merges/{merge_id}/undo", response_model=MergeTaskView, responses=_ERRORS)
def undo(merge_id: HexPath, device: CurrentDevice, engine: EngineDep) -> MergeTaskView:
    return _decide(merge_id, "undo", device, engine)
