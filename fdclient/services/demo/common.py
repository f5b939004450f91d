"""What every part of the demo generator shares: deterministic ids, dates as day numbers,
the rows of one table, and the values exactly as SQLite stores them.

Rows are built as plain tuples of *stored* values so that inserting them costs no more
than SQLite itself (STACK-NOTES: bind processing is a large share of bulk-insert time):

* ``Uuid`` columns hold the 32-digit lowercase hex SQLAlchemy writes on SQLite;
* dates are ``YYYY-MM-DD`` and ``UTCDateTime`` values naive UTC
  ``YYYY-MM-DD HH:MM:SS.ffffff``, as SQLAlchemy's SQLite types store them;
* booleans are 0/1, multi-choice (CodeSet) answers their sorted ``"1,4"`` string.

Internally dates are proleptic Gregorian ordinals (``date.toordinal()``): adding days is
integer arithmetic and :class:`Days` turns them into stored text through a lookup table.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any, TypeVar

from fdclient.domain.time import CHINA_UTC_OFFSET_HOURS

T = TypeVar("T")
#: A row as it is inserted: the stored values in the order of its table's columns.
Row = tuple[Any, ...]


def stored_datetime(moment: datetime) -> str:
    """An aware datetime as a UTCDateTime column stores it on SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_COUNTER_HEX = tuple(f"7{c:03x}" for c in range(4096))
#: First hex digit of the random half with the RFC 9562 variant bits (10xx) forced.
_VARIANT_HEX = {f"{d:x}": f"{(d & 0x3) | 0x8:x}" for d in range(16)}


def id_maker(rng: random.Random, reference: datetime, offset_ms: int = 0) -> Callable[[], str]:
    """UUIDv7-shaped ids (32 hex digits) from a seeded generator instead of the clock.

    48-bit Unix milliseconds from the demo's reference time (plus ``offset_ms``: each part
    of a demo has a range of its own, so ids of later parts are higher), version 7, a
    12-bit counter (RFC 9562 "fixed-length dedicated counter": 4096 ids per millisecond,
    then the next millisecond), the variant bits and 62 random bits. Ids come out strictly
    increasing, so every table's B-tree is appended to, as with real UUIDv7 keys. The
    random halves are drawn 4096 at a time from their own generator (seeded from ``rng``).
    """
    start = int(reference.timestamp() * 1000) + offset_ms
    return chain.from_iterable(_id_blocks(start, random.Random(rng.getrandbits(64)).randbytes)).__next__


def _id_blocks(ms: int, randbytes: Callable[[int], bytes]) -> Iterator[list[str]]:
    """The ids of one millisecond after another, 4096 at a time."""
    counters, variants = _COUNTER_HEX, _VARIANT_HEX
    while True:
        prefix = f"{ms:012x}"
        pool = randbytes(8 * 4096).hex()
        yield [
            prefix + counters[count] + variants[pool[k]] + pool[k + 1 : k + 16]
            for count, k in zip(range(4096), range(0, 16 * 4096, 16), strict=True)
        ]
        ms += 1


class Days:
    """Stored text of day ordinals from ``first`` to ``last`` (a lookup, not strftime)."""

    __slots__ = ("first", "last", "_text")

    def __init__(self, first: date, last: date) -> None:
        self.first = first.toordinal()
        self.last = last.toordinal()
        self._text = [date.fromordinal(o).isoformat() for o in range(self.first, self.last + 1)]

    def __call__(self, ordinal: int) -> str:
        return self._text[ordinal - self.first]

    def at(self, ordinal: int, hour: int, minute: int) -> str:
        """A China time on that day as a stored UTC datetime (China has no daylight saving:
        the UTC time is always 8 hours earlier)."""
        hour -= CHINA_UTC_OFFSET_HOURS
        if hour >= 0:
            return f"{self._text[ordinal - self.first]} {hour:02d}:{minute:02d}:00.000000"
        return f"{self._text[ordinal - 1 - self.first]} {hour + 24:02d}:{minute:02d}:00.000000"


@dataclass
class TableRows:
    """The rows of one table, in insert order, as tuples in the order of ``columns``."""

    name: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class DemoTownship:
    """The township the demo fills: the store's own township row."""

    id_hex: str
    code: str
    name: str
    county_name: str | None = None

    @property
    def county_code(self) -> str:
        return self.code[:6]

    @property
    def stem(self) -> str:
        """The name without its 镇/乡/街道 suffix (罗家镇 → 罗家)."""
        for suffix in ("街道", "镇", "乡"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name[: -len(suffix)]
        return self.name


@dataclass(frozen=True)
class DemoPart:
    """Rows written together: the organisation, or one village with everything about its
    residents. Tables are in foreign-key order; a village's household heads are set once
    its residents exist (``households.head_id``)."""

    tables: tuple[TableRows, ...]
    #: ``(head_id, household_id)`` for ``UPDATE households SET head_id = ? WHERE id = ?``.
    household_heads: list[tuple[str, str]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables) + len(self.household_heads)

    def table(self, name: str) -> TableRows:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def merged_tables(parts: Iterable[DemoPart]) -> tuple[TableRows, ...]:
    """The rows of ``parts`` per table (copies), tables in the order they first appear."""
    merged: dict[str, TableRows] = {}
    for part in parts:
        for t in part.tables:
            found = merged.get(t.name)
            if found is None:
                merged[t.name] = TableRows(t.name, t.columns, list(t.rows))
            else:
                found.rows.extend(t.rows)
    return tuple(merged.values())


@dataclass(frozen=True)
class DemoData:
    """Everything :func:`write_demo` inserts, part after part (the organisation first)."""

    parts: tuple[DemoPart, ...]
    #: The created_at/updated_at of every row (stored text).
    stamp: str
    #: The reference time of the demo (midnight of as_of in China), aware UTC.
    reference: datetime
    #: Sign-in names of the staff who get an account on this laptop (the first team and
    #: the specialist): the laptop a team shares.
    accounts: tuple[str, ...]
    #: Centre details for the township row where it has none (institution, phone, hours).
    township_details: dict[str, str]

    @property
    def tables(self) -> tuple[TableRows, ...]:
        """Every table with the rows of all parts (copies: change rows in ``parts``)."""
        return merged_tables(self.parts)

    @property
    def household_heads(self) -> list[tuple[str, str]]:
        return [head for part in self.parts for head in part.household_heads]

    def counts(self) -> dict[str, int]:
        return table_counts(self.parts)

    @property
    def row_count(self) -> int:
        return sum(part.row_count for part in self.parts)

    def table(self, name: str) -> TableRows:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def table_counts(parts: Iterable[DemoPart]) -> dict[str, int]:
    """Rows per table over ``parts``."""
    counts: dict[str, int] = {}
    for part in parts:
        for t in part.tables:
            counts[t.name] = counts.get(t.name, 0) + len(t.rows)
    return counts


@dataclass
class Context:
    """State shared by the builders of one demo."""

    rng: random.Random
    ids: Callable[[], str]
    days: Days
    as_of: int
    stamp: str
    township: DemoTownship
    #: ``randint(low, high)``, both ends included (set from ``rng``).
    randint: Callable[[int, int], int] = field(init=False)

    def __post_init__(self) -> None:
        random = self.rng.random

        def randint(low: int, high: int) -> int:
            """Like ``Random.randint`` (both ends included), at a fraction of its cost."""
            return low + int(random() * (high - low + 1))

        self.randint = randint


def weighted(values: Iterable[T], weights: Iterable[float]) -> tuple[T, ...]:
    """A lookup table for cheap weighted draws: each value repeated ``weight`` times (integer
    weights), so ``table[int(random() * len(table))]`` draws with those weights."""
    return tuple(v for v, w in zip(values, weights, strict=False) for _ in range(int(w)))
