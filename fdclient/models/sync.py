"""The laptop's side of sync (docs/sync.md): never synced themselves.

* ``sync_outbox``: every captured change, in device-sequence order, until the server has
  answered for it (and afterwards, with the answer, for the history and rejected entries);
* ``sync_conflicts`` / ``sync_merge_tasks``: the township's conflicts and merge tasks as the
  server last sent them (pull pages carry them beside the records);
* ``number_blocks``: numbers reserved from the server for offline use;
* ``sync_runs``: one row per sync attempt, for the 数据同步 page's history.

The sync state (server address, device token, epoch, cursor, clock offset) lives in
``local_settings`` under the keys of :mod:`fdclient.sync.state`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fdclient.models.base import Base, UTCDateTime, new_id

OUTBOX_OPS = ("insert", "update", "resolve", "merge")
#: pending: not yet answered; the others are the server's answer (fdclient.sync.protocol.Status).
OUTBOX_STATES = ("pending", "applied", "merged", "conflict", "rejected")


class OutboxEntry(Base):
    __tablename__ = "sync_outbox"
    __table_args__ = (
        CheckConstraint("op IN ('insert', 'update', 'resolve', 'merge')", name="op_code"),
        CheckConstraint(
            "status IN ('pending', 'applied', 'merged', 'conflict', 'rejected')",
            name="status_code",
        ),
        # The queue: pending entries in sequence order; a row's pending entries.
        Index("ix_sync_outbox_pending", "status", "seq"),
        Index("ix_sync_outbox_row", "row_id", "status"),
    )

    #: The device sequence number: the order changes were made in.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_id)
    op: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: insert: ``{column: storage value}``; update: ``{column: [old, new]}``.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    hlc: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: The server's answer: new version, reason code and message, when.
    version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reason: Mapped[str | None] = mapped_column(String(60), default=None)
    message: Mapped[str | None] = mapped_column(String(400), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ConflictRow(Base):
    """A conflict of the township as the server keeps it (protocol.ConflictView)."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_status", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    #: The whole protocol.ConflictView, as JSON.
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class MergeTaskRow(Base):
    """A merge of the township (protocol.MergeTaskView)."""

    __tablename__ = "sync_merge_tasks"
    __table_args__ = (Index("ix_sync_merge_tasks_status", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class NumberBlockRow(Base):
    """Numbers ``first..last`` of a series reserved for this laptop; ``next`` is the next
    unused one (``next > last``: used up)."""

    __tablename__ = "number_blocks"
    __table_args__ = (
        CheckConstraint("first <= last", name="block_order"),
        Index("ix_number_blocks_series", "series", "first"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    series: Mapped[str] = mapped_column(String(60))
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    next: Mapped[int] = mapped_column(BigInteger)


class SyncRun(Base):
    """One sync attempt (the history on the 数据同步 page)."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: "ok" | "failed" | "cancelled" | "running"
    outcome: Mapped[str] = mapped_column(String(12), default="running")
    pushed: Mapped[int] = mapped_column(Integer, default=0)
    pulled: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    #: The plain (Chinese) message of a failure: never a token or a password.
    error: Mapped[str | None] = mapped_column(String(400), default=None)
