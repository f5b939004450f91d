"""Number series and the blocks a laptop reserves for offline use (docs/sync.md "Numbers").

A series is ``health_record:<township code><village segment>`` (12 digits; the numbers
are 5-digit sequences) or ``contract:<prefix>-<township code>-<year>`` (6-digit
sequences). ``number_series.next`` is the first number never handed out: a block is
``[next, next + count - 1]`` (cut at the series' last number) and ``next`` moves past it.
A pushed number above ``next`` moves it too (:func:`move_past`), so numbers made before a
laptop was enrolled are never handed out again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, insert, select, update

from fdclient.sync.protocol import NumberBlock
from fdserver.models import NumberSeries, table_of

_series = table_of(NumberSeries)
_HEALTH_RECORD = re.compile(r"health_record:([0-9]{9})([0-9]{3})", re.ASCII)
_CONTRACT = re.compile(r"contract:([A-Z0-9]{1,8})-([0-9]{9})-([0-9]{4})", re.ASCII)
HEALTH_RECORD_LAST = 99_999
CONTRACT_LAST = 999_999


@dataclass(frozen=True)
class Series:
    name: str
    township_code: str
    last: int


def parse_series(series: str) -> Series | None:
    """The series named, or None when the name is malformed."""
    match = _HEALTH_RECORD.fullmatch(series)
    if match is not None:
        return Series(series, match.group(1), HEALTH_RECORD_LAST)
    match = _CONTRACT.fullmatch(series)
    if match is not None and 1900 <= int(match.group(3)) <= 2999:
        return Series(series, match.group(2), CONTRACT_LAST)
    return None


def series_of_township(series: str, township_code: str) -> Series | None:
    """The series if it is well formed and belongs to the township, else None."""
    parsed = parse_series(series)
    if parsed is None or parsed.township_code != township_code:
        return None
    return parsed


# Built once: a push runs these for every numbered record.
_NEXT = select(_series.c.next).where(
    _series.c.township_id == bindparam("b_township"), _series.c.series == bindparam("b_series")
)
_MOVE_PAST = (
    update(_series)
    .where(
        _series.c.township_id == bindparam("b_township"),
        _series.c.series == bindparam("b_series"),
        _series.c.next <= bindparam("b_number"),
    )
    .values(next=bindparam("b_number") + 1)
)


def _next(conn: Connection, township_id: str, series: str) -> int | None:
    return conn.execute(_NEXT, {"b_township": township_id, "b_series": series}).scalar_one_or_none()


def allocate(conn: Connection, township_id: str, series: Series, count: int) -> NumberBlock | None:
    """Reserve up to ``count`` numbers of the series (None: the series is used up). Call
    it with the township locked (fdserver.db.lock_township)."""
    current = _next(conn, township_id, series.name)
    first = 1 if current is None else current
    if first > series.last:
        return None
    last = min(first + count - 1, series.last)
    if current is None:
        conn.execute(insert(_series).values(township_id=township_id, series=series.name, next=last + 1))
    else:
        conn.execute(
            update(_series)
            .where(_series.c.township_id == township_id, _series.c.series == series.name)
            .values(next=last + 1)
        )
    return NumberBlock(series=series.name, first=first, last=last)


def move_past(conn: Connection, township_id: str, series: str, number: int) -> None:
    """Never hand out ``number`` or anything below it again (a pushed number)."""
    moved = conn.execute(_MOVE_PAST, {"b_township": township_id, "b_series": series, "b_number": number})
    if moved.rowcount == 0 and _next(conn, township_id, series) is None:
        conn.execute(insert(_series).values(township_id=township_id, series=series, next=number + 1))
