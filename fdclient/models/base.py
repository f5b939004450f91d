"""Declarative base, column types and mixins shared by every mapped class.

Conventions (ARCHITECTURE.md §3):

* primary keys of synced tables are client-generated UUIDv7 (time ordered, so SQLite
  B-trees stay append-mostly);
* every timestamp is stored in UTC and comes back as an aware ``datetime``;
* nothing medical is hard-deleted: rows are voided with who, when and why;
* multi-choice answers of the national forms are stored as a sorted, comma-separated code
  string (``"1,4"``), which is how the paper form is coded and queries stay portable.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    MetaData,
    String,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator
from uuid6 import uuid7

from fdclient.domain.time import Clock, SystemClock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A new time-ordered primary key (UUIDv7)."""
    return uuid7()


#: Where a unit of work leaves its clock on the connection it uses (fdclient.store).
CLOCK_KEY = "fdclient.clock"


def clock_now(context: Any) -> datetime:
    """A column default: the time by the clock of the unit of work running the insert."""
    clock: Clock = context.connection.info.get(CLOCK_KEY) or SystemClock()
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC, returned as an aware UTC ``datetime``.

    Naive values are refused: a naive time on a laptop with a wrong clock or time zone is
    exactly the ambiguity this type exists to prevent.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class CodeSet(TypeDecorator[tuple[str, ...]]):
    """A multi-choice answer: a tuple of code strings stored as ``"1,4,7"`` (sorted, unique).

    The empty answer is the empty string, so "has any" is the portable ``col != ''``.
    """

    impl = String(120)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return ""
        if isinstance(value, str):
            value = value.split(",") if value else ()
        codes = sorted({str(v).strip() for v in value if str(v).strip()}, key=_code_key)
        for code in codes:
            if "," in code:
                raise ValueError(f"code {code!r} contains a comma")
        return ",".join(codes)

    def process_result_value(self, value: str | None, dialect: Any) -> tuple[str, ...]:
        if not value:
            return ()
        return tuple(value.split(","))


def _code_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (1 << 30, code)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime,
        tuple[str, ...]: CodeSet,
    }


class Synced:
    """Columns of every table the county server reconciles (ARCHITECTURE.md §4).

    ``server_version`` is the server-wide counter value of the last change the laptop has
    seen for this row (``None`` until the row has been pushed or pulled): it is the base a
    later edit is merged against.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # Stamped by the unit of work's clock: by its flush hook for ORM rows, by this default
    # for Core inserts that give none (bulk loads usually give their own).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    server_version: Mapped[int | None] = mapped_column(BigInteger, default=None)


class Voidable:
    """Soft delete for anything medical: a voided row stays, with who, when and why."""

    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    void_reason: Mapped[str | None] = mapped_column(String(200), default=None)

    @declared_attr
    def voided_by_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(Uuid, ForeignKey("staff.id"), default=None)

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


def voidable_args(*extra: Any) -> tuple[Any, ...]:
    """``__table_args__`` for a Voidable table: its void check plus the table's own."""
    return (
        CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name="void_has_reason"),
        *extra,
    )


def digits_check(column: str, length: int, *, nullable: bool = False) -> str:
    """A portable CHECK (SQLite and PostgreSQL both have two-argument ``ltrim``) that
    ``column`` holds exactly ``length`` ASCII digits."""
    expr = f"length({column}) = {length} AND ltrim({column}, '0123456789') = ''"
    return f"({column} IS NULL OR ({expr}))" if nullable else f"({expr})"
