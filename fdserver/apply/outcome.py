"""What applying one mutation came to (protocol.MutationResult without id and seq)."""

from __future__ import annotations

from dataclasses import dataclass

from fdclient.sync.protocol import Status
from fdclient.text import CHINESE, Text, msg


@dataclass(frozen=True)
class Outcome:
    status: Status
    version: int | None = None
    conflict_ids: tuple[str, ...] = ()
    reason: str | None = None
    message: str | None = None


#: Why a mutation was ``merged`` (applied with a server-side adjustment), for people.
MERGED_TEXTS: dict[str, Text] = {
    "concurrent_fields": msg(
        "已合并：这条记录的其他字段在别的设备上也有修改，两边的修改都已保留。",
        "Merged: other fields of this record were changed on another device; both changes were kept.",
    ),
    "no_change": msg("服务器上已经是这个值，无需修改。", "The server already had these values."),
    "duplicate_insert": msg("服务器上已有完全相同的记录。", "The server already had the same record."),
    "alias": msg(
        "涉及的居民已合并到同一居民，修改已记到保留的档案上。",
        "The resident named was merged into another record; the change was applied to the kept record.",
    ),
    "renumbered": msg(
        "编号已被其他记录使用，服务器已重新编号，同步后可看到新编号。",
        "The number was already used by another record; the server gave a new one, which arrives with the next sync.",
    ),
    "same_person": msg(
        "该居民已在本乡镇登记过（身份证号、姓名、出生日期和性别一致），已自动合并到原档案。",
        "This resident was already registered in the township (same ID number, name, birth date and sex) and"
        " was merged into that record.",
    ),
    "already_voided": msg("这条记录已在其他设备上作废。", "This record had already been voided on another device."),
    "already_decided": msg("这项已由其他人处理过，结果相同。", "Someone already decided this the same way."),
}


def merged(reasons: list[str], version: int | None, conflict_ids: tuple[str, ...] = ()) -> Outcome:
    """``merged`` with the first reason, or ``applied`` when there is none."""
    if not reasons:
        return Outcome(Status.APPLIED, version, conflict_ids)
    reason = reasons[0]
    text = MERGED_TEXTS.get(reason)
    return Outcome(Status.MERGED, version, conflict_ids, reason, text.render(CHINESE) if text else None)
