"""Health-record and contract numbers pushed by laptops (docs/sync.md "Numbers").

A series' counter (``number_series.next``) only moves forward: past every number handed
out in blocks and past every pushed number, so numbers a laptop made before it was enrolled
are never handed out again. A pushed number already held by another record of the
township is replaced by the next number of its series (the mutation is then ``merged``).

Series names (protocol.NumberBlockRequest): ``health_record:<township code + village
segment>`` (12 digits; the number adds a 5-digit sequence) and
``contract:<prefix>-<township code>-<year>`` (the number adds ``-`` and a 6-digit sequence).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from fdclient.text import msg
from fdserver.apply import records
from fdserver.apply.rejection import Rejected
from fdserver.numbers import allocate, move_past, parse_series

#: The numbered column of each numbered table.
NUMBERED: Mapping[str, str] = records.NUMBER_COLUMN

_HEALTH_RECORD = re.compile(r"([0-9]{12})([0-9]{5})", re.ASCII)
_CONTRACT = re.compile(r"([A-Z0-9]{1,8}-[0-9]{9}-[0-9]{4})-([0-9]{6})", re.ASCII)


@dataclass(frozen=True)
class Numbered:
    series: str
    sequence: int


def parse(table: str, number: str) -> Numbered | None:
    """The series and sequence of a well-formed number (None: not one of ours)."""
    if table == "residents" and (m := _HEALTH_RECORD.fullmatch(number)):
        return Numbered(f"health_record:{m.group(1)}", int(m.group(2)))
    if table == "contracts" and (m := _CONTRACT.fullmatch(number)):
        return Numbered(f"contract:{m.group(1)}", int(m.group(2)))
    return None


def format_number(series: str, sequence: int) -> str:
    kind, _, stem = series.partition(":")
    if kind == "health_record":
        return f"{stem}{sequence:05d}"
    return f"{stem}-{sequence:06d}"


def take(conn: Connection, township_id: str, series: str) -> int:
    """The series' next number, now used (``numbers_used_up`` when there is none left)."""
    parsed = parse_series(series)
    block = allocate(conn, township_id, parsed, 1) if parsed is not None else None
    if block is None:
        raise Rejected(
            "numbers_used_up",
            msg(
                "编号已用完（{series}），请联系县级信息科。",
                "The numbers of {series} are used up; contact the county IT office.",
                series=series,
            ),
        )
    return block.first


def _held_elsewhere(conn: Connection, township_id: str, table: str, row_id: str, number: str) -> bool:
    return any(other != row_id for other in records.by_number(conn, township_id, table, number))


def settle(conn: Connection, township_id: str, table: str, row_id: str, data: Mapping[str, Any]) -> str | None:
    """Check the number of a row about to be stored: advance its series past it and, when
    another record of the township holds it, return a new number (else None)."""
    column = NUMBERED.get(table)
    number = data.get(column) if column else None
    if not column or not isinstance(number, str) or not number:
        return None
    parsed = parse(table, number)
    if parsed is not None:
        move_past(conn, township_id, parsed.series, parsed.sequence)
    if not _held_elsewhere(conn, township_id, table, row_id, number):
        return None
    if parsed is None:
        return None  # not one of ours: no series to renumber from (kept as pushed)
    while True:
        candidate = format_number(parsed.series, take(conn, township_id, parsed.series))
        if not _held_elsewhere(conn, township_id, table, row_id, candidate):
            return candidate
