"""A hybrid logical clock for outbox entries (display and audit; the server orders by its
version counter, never by a laptop's time).

A timestamp is (physical milliseconds of the store's corrected clock, a counter, the
device): it never goes backwards, even when the laptop's clock is set back or the
correction changes, because the last one is kept in ``local_settings`` and a new one is
always above it. The string form sorts as the timestamps do:
``0001780000000000-0000-0123456789abcdef``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fdclient.sync import state

_MS_DIGITS = 16
_COUNTER_DIGITS = 4
_COUNTER_MAX = 16**_COUNTER_DIGITS - 1


@dataclass(frozen=True, order=True)
class Timestamp:
    ms: int
    counter: int
    device: str = ""

    def __str__(self) -> str:
        return f"{self.ms:0{_MS_DIGITS}d}-{self.counter:0{_COUNTER_DIGITS}x}-{self.device}"

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        ms, counter, device = text.split("-", 2)
        return cls(int(ms), int(counter, 16), device)

    @property
    def moment(self) -> datetime:
        """The (server-corrected) time the timestamp was taken, in UTC."""
        return datetime.fromtimestamp(self.ms / 1000, UTC)


def moment_of(text: str | None) -> datetime | None:
    """When a change was made, from its HLC timestamp (None if there is none or it is not
    one: the server may send other forms in future)."""
    if not text:
        return None
    try:
        return Timestamp.parse(text).moment
    except (ValueError, OverflowError, OSError):
        return None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def after(last: tuple[int, int], now_ms: int) -> tuple[int, int]:
    """The next (ms, counter) after ``last`` at physical time ``now_ms``."""
    ms, counter = last
    if now_ms > ms:
        return now_ms, 0
    if counter >= _COUNTER_MAX:  # more than 65k in one millisecond: borrow the next one
        return ms + 1, 0
    return ms, counter + 1


def ticks(db: state.Db, now: datetime, device_id: uuid.UUID | None, count: int) -> Iterator[str]:
    """``count`` new timestamps (strings, increasing), stored as the last one given."""
    raw = state.get(db, state.HLC)
    last = (int(raw[0]), int(raw[1])) if isinstance(raw, list) and len(raw) == 2 else (0, 0)
    device = device_id.hex[:16] if device_id else ""
    now_ms = _ms(now)
    out = []
    for _ in range(count):
        last = after(last, now_ms)
        out.append(str(Timestamp(last[0], last[1], device)))
    if count:
        state.put(db, state.HLC, [last[0], last[1]])
    return iter(out)


def observe(db: state.Db, remote_ms: int) -> None:
    """Move the clock past a time seen from the server (its ``server_time``)."""
    raw = state.get(db, state.HLC)
    last = (int(raw[0]), int(raw[1])) if isinstance(raw, list) and len(raw) == 2 else (0, 0)
    if remote_ms > last[0]:
        state.put(db, state.HLC, [remote_ms, 0])
