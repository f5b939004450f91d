"""How far off the laptop's clock is, in words (the warning of a sync)."""

from __future__ import annotations

from fdclient.text import Text, msg

#: Past this the laptop's user is told to set the clock (sync works regardless).
WARN_AFTER_MS = 5 * 60 * 1000
_MINUTE = 60 * 1000
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def _amount(ms: int) -> Text:
    if ms >= 365 * _DAY:
        return msg(
            "约 {n} 年（{days} 天）", "about {n} years ({days} days)", n=round(ms / (365.25 * _DAY), 1), days=ms // _DAY
        )
    if ms >= _DAY:
        return msg("{n} 天", "{n} days", n=ms // _DAY)
    if ms >= _HOUR:
        return msg("{n} 小时", "{n} hours", n=ms // _HOUR)
    return msg("{n} 分钟", "{n} minutes", n=ms // _MINUTE)


def clock_warning(offset_ms: int) -> Text | None:
    """``offset_ms``: the server's time minus the laptop's. None within five minutes."""
    if abs(offset_ms) <= WARN_AFTER_MS:
        return None
    if offset_ms < 0:  # the laptop is ahead
        return msg(
            "本机时钟比服务器快 {amount}，请校正系统时间。同步不受影响，记录的时间已按服务器时间校正。",
            "This laptop's clock is {amount} ahead of the server: set the system time. Sync is not affected; "
            "recorded times are corrected by the server's time.",
            amount=_amount(-offset_ms),
        )
    return msg(
        "本机时钟比服务器慢 {amount}，请校正系统时间。同步不受影响，记录的时间已按服务器时间校正。",
        "This laptop's clock is {amount} behind the server: set the system time. Sync is not affected; "
        "recorded times are corrected by the server's time.",
        amount=_amount(offset_ms),
    )
