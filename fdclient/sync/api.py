"""Sync for the command line and the GUI: frozen views and the few actions.

* :func:`sync_status`, :func:`sync_history`, :func:`rejected_entries`: the 数据同步 page;
* :func:`run_sync`: one run (push, then pull or the first download);
* :func:`list_conflicts` / :func:`resolve_conflict`, :func:`list_merge_tasks` /
  :func:`decide_merge`: decisions by a person (:mod:`fdclient.sync.decisions`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from fdclient.models import ConflictRow, MergeTaskRow, OutboxEntry, SyncRun
from fdclient.store import Store
from fdclient.sync import state, tables
from fdclient.sync.decisions import (
    ConflictItem,
    MergeTaskItem,
    decide_merge,
    list_conflicts,
    list_merge_tasks,
    permission_for_table,
    record_label,
    resolve_conflict,
)
from fdclient.sync.engine import NotEnrolled, SyncEngine, SyncProgress, SyncReport, not_enrolled
from fdclient.sync.transport import Transport

__all__ = [
    "ConflictItem",
    "MergeTaskItem",
    "NotEnrolled",
    "OutboxView",
    "SyncProgress",
    "SyncReport",
    "SyncRunView",
    "SyncStatus",
    "decide_merge",
    "list_conflicts",
    "list_merge_tasks",
    "permission_for_table",
    "rejected_entries",
    "resolve_conflict",
    "run_sync",
    "sync_history",
    "sync_status",
]


# --- status and history ------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    township: str | None
    device_id: str | None
    last_sync_at: str | None
    last_error: str | None
    pending: int
    rejected: int
    open_conflicts: int
    open_merge_tasks: int
    clock_warning: str | None
    revoked: bool
    cursor: int = 0
    enrolled_user: str | None = None


def sync_status(store: Store) -> SyncStatus:
    with store.read() as session:
        current = state.load(session)
        counts = dict(
            session.execute(select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)).tuples().all()
        )
        conflicts = session.scalar(select(func.count()).where(ConflictRow.status == "open")) or 0
        merges = session.scalar(select(func.count()).where(MergeTaskRow.status == "open")) or 0
    enrolment = current.enrolment
    return SyncStatus(
        enrolled=enrolment is not None,
        server_url=enrolment.server_url if enrolment else None,
        township=f"{store.info.township_name}（{store.info.township_code}）",
        device_id=enrolment.device_id if enrolment else None,
        last_sync_at=current.last_sync_at,
        last_error=current.last_error,
        pending=int(counts.get("pending", 0)),
        rejected=int(counts.get("rejected", 0)),
        open_conflicts=int(conflicts),
        open_merge_tasks=int(merges),
        clock_warning=current.clock_warning,
        revoked=current.revoked,
        cursor=current.cursor,
        enrolled_user=enrolment.enrolled_user if enrolment else None,
    )


@dataclass(frozen=True)
class SyncRunView:
    id: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    pushed: int
    pulled: int
    conflicts: int
    rejected: int
    cursor: int | None
    error: str | None


def sync_history(store: Store, limit: int = 50) -> list[SyncRunView]:
    with store.read() as session:
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).all()
        return [
            SyncRunView(
                r.id,
                r.started_at,
                r.finished_at,
                r.outcome,
                r.pushed,
                r.pulled,
                r.conflicts,
                r.rejected,
                r.cursor,
                r.error,
            )
            for r in runs
        ]


@dataclass(frozen=True)
class OutboxView:
    seq: int
    mutation_id: str
    created_at: datetime
    op: str
    table: str
    row_id: str
    label: str
    fields: tuple[str, ...]
    status: str
    reason: str | None
    message: str | None
    answered_at: datetime | None
    data: dict[str, Any]


def rejected_entries(store: Store) -> list[OutboxView]:
    """Entries the server refused (kept on the laptop, with the reason)."""
    with store.read() as session:
        entries = session.scalars(
            select(OutboxEntry).where(OutboxEntry.status == "rejected").order_by(OutboxEntry.seq)
        ).all()
        return [
            OutboxView(
                e.seq,
                e.mutation_id.hex,
                e.created_at,
                e.op,
                e.table_name,
                e.row_id.hex,
                record_label(session, e.table_name, e.row_id.hex),
                tuple(sorted(k for k in e.data if k not in tables.BOOKKEEPING)) if e.op == "update" else (),
                e.status,
                e.reason,
                e.message,
                e.answered_at,
                dict(e.data),
            )
            for e in entries
        ]


# --- a run -------------------------------------------------------------------------------


def run_sync(
    store: Store,
    *,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    transport: Transport | None = None,
) -> SyncReport:
    with store.read() as session:
        enrolment = state.enrolment(session)
    if enrolment is None:
        raise not_enrolled()
    if transport is not None:
        return SyncEngine(store, transport).run(progress, cancel)
    with Transport(enrolment.server_url) as own:
        return SyncEngine(store, own).run(progress, cancel)
