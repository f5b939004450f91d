"""Time for the whole program: one China time zone and the clock a unit of work carries.

China has one time zone, UTC+8, with no daylight saving since 1991, so a fixed offset is
exact (and needs no tz database on Windows). Timestamps are stored in UTC; the dates a
user sees and types (visit dates, contract terms, "today") are dates in China time.

Nothing outside this module asks the operating system for the time: services take it
from the :class:`Clock` of their unit of work, so a test can fix it and the sync issue can
correct a laptop whose clock is wrong by the county server's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Protocol

#: China Standard Time (北京时间), UTC+8 all year.
CHINA_TIME = timezone(timedelta(hours=8), "CST")
#: The offset in hours, for SQL that works on stored UTC timestamps.
CHINA_UTC_OFFSET_HOURS = 8


class Clock(Protocol):
    """Where a unit of work gets the current time."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


# --- calendar arithmetic (terms, age limits, schedules) --------------------------------


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks (31 April) becomes the 1st of
    the month after, as :func:`add_years` does with 29 February."""
    years, month = divmod(day.month - 1 + months, 12)
    try:
        return day.replace(year=day.year + years, month=month + 1)
    except ValueError:
        carry, month = divmod(month + 1, 12)
        return date(day.year + years + carry, month + 1, 1)


def today_in_china(clock: Clock) -> date:
    """The calendar date in China at the clock's current time."""
    return clock.now().astimezone(CHINA_TIME).date()


def china_date(moment: datetime) -> date:
    """The date in China of an aware timestamp."""
    return moment.astimezone(CHINA_TIME).date()


def start_of_china_day(day: date) -> datetime:
    """00:00 China time on ``day``, as an aware UTC timestamp."""
    return datetime.combine(day, time(0), CHINA_TIME).astimezone(UTC)


@dataclass(frozen=True)
class SystemClock:
    """The operating system's clock (what a laptop believes)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class CorrectedClock:
    """``base`` moved by ``offset``: a laptop's clock corrected by the county server's
    time (the offset is the server's time minus the laptop's, measured at the last sync)."""

    base: Clock
    offset: timedelta

    def now(self) -> datetime:
        return self.base.now() + self.offset


@dataclass(frozen=True)
class FixedClock:
    """A clock that always says the same moment (tests, reproducible demos)."""

    moment: datetime

    def __post_init__(self) -> None:
        if self.moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")

    @classmethod
    def on(cls, day: date, hour: int = 10) -> FixedClock:
        """``hour`` o'clock China time on ``day``."""
        return cls(datetime.combine(day, time(hour), CHINA_TIME))

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)
