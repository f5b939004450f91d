"""A person's decisions: on a conflict (``resolve``) and on a merge task (``merge``), pushed
as outbox mutations or sent online (fdserver.api.decisions); both run these functions.

``resolve`` (``row_id`` = conflict id), ``data = {"keep": ..., "value": ...}``:

* ``"server"``: the value the server kept; ``"incoming"``: the value the pushing laptop
  sent; ``"value"``: ``data["value"]``. The client maps its ``mine``/``theirs`` (the
  ``fdclient resolve --keep`` words) to these, knowing which side was its own; the server
  also accepts ``mine``/``theirs`` relative to the deciding device (mine = incoming when
  the conflict came from that device, else the server's value).
* an ``edit_of_voided`` conflict: ``incoming`` restores the record (void cleared) with the
  refused edit; ``server`` leaves it voided; ``value`` is refused.
* a conflict already resolved: the same value again is ``merged``, another is rejected.

``merge`` (``row_id`` = merge id), ``data = {"decision": "merge"|"keep_apart"|"undo"}``:
merge performs an open same-person task (survivor = the task's ``survivor_id``),
keep_apart closes it, undo reverses a done merge. A decision the task already has is
``merged``; one its state does not allow is rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from fdclient.domain.roles import Permission, may
from fdclient.sync.protocol import ConflictView, MergeTaskView, Status
from fdclient.text import msg
from fdserver.apply import authority, changes, conflicts, merges, persons, records, rejection
from fdserver.apply.context import DeviceContext
from fdserver.apply.outcome import Outcome, merged
from fdserver.apply.records import Author
from fdserver.apply.rejection import Rejected

KEEP_SERVER, KEEP_INCOMING, KEEP_VALUE = "server", "incoming", "value"
DECISIONS = ("merge", "keep_apart", "undo")


def _decided_otherwise() -> Rejected:
    return Rejected(
        "already_decided",
        msg(
            "这项已由其他人作出了不同的处理，请同步后查看。",
            "Someone already decided this differently; sync to see the decision.",
        ),
    )


def _keep(device: DeviceContext, view: ConflictView, data: Mapping[str, Any]) -> str:
    keep = data.get("keep")
    if keep in ("mine", "theirs"):
        mine_is_incoming = view.incoming_device == device.device_id
        keep = KEEP_INCOMING if (keep == "mine") == mine_is_incoming else KEEP_SERVER
    if keep not in (KEEP_SERVER, KEEP_INCOMING, KEEP_VALUE) or (keep == KEEP_VALUE and "value" not in data):
        raise rejection.malformed("keep")
    return str(keep)


def resolve_conflict(
    conn: Connection, device: DeviceContext, author: Author, conflict_id: str, data: Mapping[str, Any]
) -> tuple[Outcome, ConflictView]:
    found = conflicts.load_conflict(conn, conflict_id)
    if found is None:
        raise rejection.not_found(msg("冲突", "conflict"), conflict_id)
    township_id, view = found
    if township_id != device.township_id:
        raise rejection.other_township("sync_conflicts", conflict_id)
    keep = _keep(device, view, data)
    if view.kind == conflicts.EDIT_OF_VOIDED and keep == KEEP_VALUE:
        raise rejection.malformed("keep")
    chosen = {KEEP_SERVER: view.server_value, KEEP_INCOMING: view.incoming_value}.get(keep, data.get("value"))
    if view.status == conflicts.RESOLVED:
        if view.resolved_value == chosen:
            return merged(["already_decided"], None), view
        raise _decided_otherwise()
    doc = records.load(conn, view.table, view.row_id)
    if doc is None:
        raise rejection.missing_record(view.table, view.row_id)
    apply = _resolution(view, keep, chosen)
    after = {**doc.data, **apply}
    if not authority.may_write(device.role, view.table, after, apply.keys() or [view.field]):
        raise rejection.not_allowed(device.role, view.table)
    current = {f: v for f, v in apply.items() if doc.data.get(f) != v}
    if view.table == "contracts" and "status" in current:
        changes.check_status_change(doc.data, doc.data.get("status"), current["status"])
    # Stored even when unchanged: every laptop pulls the record with the decided value.
    version = changes.store_fields(conn, author, doc, current, None, [])
    resolved = conflicts.mark_resolved(conn, author, township_id, view, chosen)
    return Outcome(Status.APPLIED, version), resolved


def _resolution(view: ConflictView, keep: str, chosen: Any) -> dict[str, Any]:
    """The record's fields the decision sets."""
    if view.kind != conflicts.EDIT_OF_VOIDED:
        return {view.field: chosen}
    if keep == KEEP_SERVER:
        return {}
    if not isinstance(chosen, dict):
        raise rejection.malformed("incoming_value")
    return {"voided_at": None, "void_reason": None, "voided_by_id": None, **chosen}


_DONE_BY = {"merge": merges.DONE, "keep_apart": merges.KEPT_APART, "undo": merges.UNDONE}


def decide_merge(
    conn: Connection, device: DeviceContext, author: Author, merge_id: str, data: Mapping[str, Any]
) -> tuple[Outcome, MergeTaskView]:
    decision = data.get("decision")
    if decision not in DECISIONS:
        raise rejection.malformed("decision")
    task = merges.load_merge(conn, merge_id)
    if task is None:
        raise rejection.not_found(msg("合并任务", "merge task"), merge_id)
    if task.township_id != device.township_id:
        raise rejection.other_township("sync_merge_tasks", merge_id)
    needed = Permission.MANAGE_CONTRACTS if task.kind == merges.TWO_ACTIVE_CONTRACTS else Permission.REGISTER_RESIDENTS
    if not may(device.role, needed):
        raise rejection.not_allowed(device.role, "sync_merge_tasks")
    if task.status == _DONE_BY[str(decision)]:
        return merged(["already_decided"], None), task.view
    if decision == "undo":
        if task.status != merges.DONE or task.kind != merges.SAME_PERSON:
            raise _decided_otherwise()
        persons.undo_merge(conn, author, task)
    elif task.status != merges.OPEN:
        raise _decided_otherwise()
    elif decision == "merge" and task.kind == merges.SAME_PERSON:
        _check_mergeable(conn, task)
        persons.merge_residents(conn, author, task.survivor_id, task.other_id, task)
    else:
        merges.decide(conn, author, task, _DONE_BY[str(decision)])
    updated = merges.load_merge(conn, merge_id)
    assert updated is not None
    return Outcome(Status.APPLIED, None), updated.view


def _check_mergeable(conn: Connection, task: merges.MergeRow) -> None:
    for resident_id in (task.survivor_id, task.other_id):
        doc = records.load(conn, "residents", resident_id)
        if doc is None or doc.voided:
            raise Rejected(
                "not_mergeable",
                msg(
                    "要合并的居民档案已作废或不存在（{row_id}），不能合并。",
                    "A resident of this task is voided or missing ({row_id}); they cannot be merged.",
                    row_id=resident_id,
                ),
            )
