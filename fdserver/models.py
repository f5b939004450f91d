"""The server's tables (its own metadata and Alembic history, fdserver/migrations).

Synced records are kept as documents (docs/sync.md "Why the server stores documents"):
one ``records`` row per client row, its fields as JSON, with the township it belongs to
and the version of its last change. The version counter is per township
(``township_versions``), taken under a row lock so versions become visible in order.
Every other table is the server's own state: devices, enrolment codes, the mutation
ledger (exactly-once), conflicts, merges, number series, the laptops' audit trail and
refused requests. Ids are 32 lower-case hex digits, as on the wire.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSONB on PostgreSQL, JSON text on SQLite.
Document = JSON().with_variant(JSONB(), "postgresql")
Id = String(32)


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ServerMeta(ServerBase):
    """``epoch``: a random id given by ``fdserver init`` and renewed by ``new-epoch``."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class TownshipVersion(ServerBase):
    """The township's version counter: the last version handed out."""

    __tablename__ = "township_versions"

    township_id: Mapped[str] = mapped_column(Id, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class Record(ServerBase):
    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_pull", "township_id", "version"),
        # The key first: its equality is what makes these lookups cheap, whatever the
        # planner's statistics say about townships and tables (stale right after a
        # township's first large push, PostgreSQL would otherwise walk all its residents).
        Index("ix_records_identity", "identity_key", "township_id", "table_name"),
        Index("ix_records_snapshot", "township_id", "table_name", "row_id"),
        Index("ix_records_number", "number_key", "township_id", "table_name"),
    )

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    row_id: Mapped[str] = mapped_column(Id, primary_key=True)
    township_id: Mapped[str] = mapped_column(Id)
    version: Mapped[int] = mapped_column(BigInteger)
    #: The row's columns as storage values (bookkeeping columns included, server_version not).
    data: Mapped[dict[str, Any]] = mapped_column(Document)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Residents: the ID number (same-person detection); None elsewhere.
    identity_key: Mapped[str | None] = mapped_column(String(40), default=None)
    #: Residents and contracts: the health-record or contract number (kept unique per township).
    number_key: Mapped[str | None] = mapped_column(String(40), default=None)
    #: Who changed it last (conflicts show who and when on both sides).
    changed_by: Mapped[str | None] = mapped_column(Id, default=None)
    changed_device: Mapped[str | None] = mapped_column(Id, default=None)
    changed_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Device(ServerBase):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    township_id: Mapped[str] = mapped_column(Id, index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    #: SHA-256 of the token (the token itself is shown to the laptop once, never stored).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[str] = mapped_column(Id)
    username: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: The highest device sequence number answered for.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class EnrolmentCode(ServerBase):
    __tablename__ = "enrolment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    township_id: Mapped[str] = mapped_column(Id)
    staff_id: Mapped[str] = mapped_column(Id)
    username: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    used_by_device: Mapped[str | None] = mapped_column(Id, default=None)


class MutationLedger(ServerBase):
    """Every mutation answered, with its result: a repeated push gets it back unchanged."""

    __tablename__ = "mutations"
    __table_args__ = (Index("ix_mutations_device_seq", "device_id", "seq"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    device_id: Mapped[str] = mapped_column(Id)
    township_id: Mapped[str] = mapped_column(Id)
    seq: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    #: The protocol.MutationResult as JSON.
    result: Mapped[dict[str, Any]] = mapped_column(Document)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Conflict(ServerBase):
    __tablename__ = "conflicts"
    __table_args__ = (
        Index("ix_conflicts_pull", "township_id", "version"),
        Index("ix_conflicts_row", "table_name", "row_id", "field", "status"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    township_id: Mapped[str] = mapped_column(Id)
    version: Mapped[int] = mapped_column(BigInteger)
    #: The protocol.ConflictView fields (status and resolution included).
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(Id)
    field: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")
    body: Mapped[dict[str, Any]] = mapped_column(Document)
    mutation_id: Mapped[str | None] = mapped_column(Id, default=None)


class Merge(ServerBase):
    """A same-person merge (automatic or a task for a person) or another merge task."""

    __tablename__ = "merges"
    __table_args__ = (Index("ix_merges_pull", "township_id", "version"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    township_id: Mapped[str] = mapped_column(Id)
    version: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))
    survivor_id: Mapped[str] = mapped_column(Id)
    other_id: Mapped[str] = mapped_column(Id)
    #: The protocol.MergeTaskView fields.
    body: Mapped[dict[str, Any]] = mapped_column(Document)
    #: What a merge changed, to undo it: ``[[table, row_id, column], ...]`` and the
    #: survivor's fields it filled.
    undo: Mapped[dict[str, Any]] = mapped_column(Document, default=dict)


class NumberSeries(ServerBase):
    """The next number of a series never handed out (docs/sync.md "Numbers")."""

    __tablename__ = "number_series"

    township_id: Mapped[str] = mapped_column(Id, primary_key=True)
    series: Mapped[str] = mapped_column(String(60), primary_key=True)
    next: Mapped[int] = mapped_column(BigInteger)


class AuditEvent(ServerBase):
    """The laptops' audit trail, as pushed (ids are the laptops' audit entry ids)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_township", "township_id", "at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    township_id: Mapped[str] = mapped_column(Id)
    device_id: Mapped[str] = mapped_column(Id)
    at: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(Id, default=None)
    action: Mapped[str] = mapped_column(String(16))
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str | None] = mapped_column(Id, default=None)
    subject_id: Mapped[str | None] = mapped_column(Id, default=None)
    changes: Mapped[dict[str, Any]] = mapped_column(Document, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refusal(ServerBase):
    """A refused request (bad token, revoked device, replayed code, another township's
    ids, too large ...): counted by ``fdserver status``. Never the token itself."""

    __tablename__ = "refusals"
    __table_args__ = (Index("ix_refusals_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: "sign_in" for failed authentication (token, enrolment code), "request" otherwise.
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(Id, default=None)
    path: Mapped[str] = mapped_column(String(100), default="")


def table_of(model: type[ServerBase]) -> Table:
    """The Core table of a model, typed as a ``Table`` (``Model.__table__`` is a
    ``FromClause`` to mypy): ``insert(table_of(Record))``, ``table_of(Record).c.version``."""
    return ServerBase.metadata.tables[model.__tablename__]
