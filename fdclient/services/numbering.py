"""Numbers from blocks reserved from the county server (docs/sync.md "Numbers that never
collide").

An enrolled laptop (the local setting ``sync.enrolment`` exists) numbers new health records
and contracts from blocks of numbers the server reserved for it: each sync asks for what
:func:`wanted_blocks` says is missing and stores what comes back with :func:`add_block`;
:func:`take_number` hands out the next unused number of a series. A standalone store (never
enrolled) numbers by its own maximum + 1, as before.

Series: ``health_record:<township code><village segment>`` (12 digits; the number is the
5-digit sequence) and ``contract:<prefix>-<township code>-<year>`` (the 6-digit sequence).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.models import LocalSetting, NumberBlockRow, Village, local
from fdclient.services.township import store_township
from fdclient.settings import CONTRACT_NUMBER_PREFIX, get_setting
from fdclient.store.context import today

__all__ = [
    "CONTRACT_BLOCK",
    "RECORD_BLOCK",
    "add_block",
    "contract_series",
    "health_record_series",
    "is_enrolled",
    "remaining",
    "take_number",
    "wanted_blocks",
]

#: Numbers a laptop keeps in reserve: per village (health records) and per contract year.
RECORD_BLOCK = 200
CONTRACT_BLOCK = 500


def is_enrolled(session: Session) -> bool:
    """Whether the store is enrolled with a county server (numbers then come from blocks)."""
    return session.get(LocalSetting, local.SYNC_ENROLMENT) is not None


def health_record_series(township_code: str, record_segment: str) -> str:
    return f"health_record:{township_code}{record_segment}"


def contract_series(prefix: str, township_code: str, year: int) -> str:
    return f"contract:{prefix}-{township_code}-{year:04d}"


def take_number(session: Session, series: str) -> int | None:
    """The next unused number of ``series`` from its blocks, marked used (None: none left).
    Call it in a write unit of work: it holds the write lock until it commits."""
    block = session.scalars(
        select(NumberBlockRow)
        .where(NumberBlockRow.series == series, NumberBlockRow.next <= NumberBlockRow.last)
        .order_by(NumberBlockRow.first)
        .limit(1)
    ).first()
    if block is None:
        return None
    number = block.next
    block.next = number + 1
    session.flush()
    return number


def add_block(session: Session, series: str, first: int, last: int) -> None:
    """Keep the numbers ``first..last`` of ``series`` reserved for this laptop (a block
    received twice, e.g. after a retried request, is kept once)."""
    if first > last:
        raise ValueError(f"empty block {first}..{last} of {series}")
    known = session.scalar(
        select(NumberBlockRow.id).where(
            NumberBlockRow.series == series, NumberBlockRow.first <= last, NumberBlockRow.last >= first
        )
    )
    if known is not None:
        return
    session.add(NumberBlockRow(series=series, first=first, last=last, next=first))
    session.flush()


def remaining(session: Session, series: str) -> int:
    """How many numbers of ``series`` are left unused in this laptop's blocks."""
    left = session.scalar(
        select(func.coalesce(func.sum(NumberBlockRow.last - NumberBlockRow.next + 1), 0)).where(
            NumberBlockRow.series == series, NumberBlockRow.next <= NumberBlockRow.last
        )
    )
    return int(left or 0)


def _top_up(session: Session, series: Iterable[str], target: int) -> list[tuple[str, int]]:
    wanted = []
    for name in series:
        left = remaining(session, name)
        if left < target / 2:
            wanted.append((name, target - left))
    return wanted


def wanted_blocks(session: Session) -> list[tuple[str, int]]:
    """``(series, count)`` to ask the server for: every series of the township (each
    village's health records, this year's and next year's contracts) with fewer than half
    its target left, topped up to the target."""
    township = store_township(session)
    segments = session.scalars(
        select(Village.record_segment).where(Village.township_id == township.id).order_by(Village.record_segment)
    ).all()
    prefix = get_setting(session, CONTRACT_NUMBER_PREFIX).strip().upper()
    year = today(session).year
    return [
        *_top_up(session, (health_record_series(township.code, s) for s in dict.fromkeys(segments)), RECORD_BLOCK),
        *_top_up(session, (contract_series(prefix, township.code, y) for y in (year, year + 1)), CONTRACT_BLOCK),
    ]
