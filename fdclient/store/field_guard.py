"""The last guard before a row is written: no text longer than its column, no control
characters. SQLite does not enforce ``VARCHAR(n)``; a 40,000-character name or one with a
control character would be stored, printed and synced. The services check what they know
(names, phones, ID numbers); this hook catches every text column the same way, naming the
field and its limit. Multi-line free text (notes, comments, summaries) may hold line
breaks and tabs; nothing may hold other control characters.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from fdclient.errors import ValidationError
from fdclient.text import msg

#: Columns whose text may span lines.
MULTILINE = frozenset(
    {
        "notes",
        "comments",
        "summary",
        "description",
        "abnormal_findings",
        "health_guidance",
        "termination_note",
        "address",
        "outcome",
        "reason",
        "correction_reason",
        "void_reason",
    }
)
#: Chinese names of the fields a user types, for messages (others show the column name).
LABELS = {
    "name": "姓名/名称",
    "address": "地址",
    "phone": "电话",
    "contact_name": "联系人",
    "contact_phone": "联系人电话",
    "workplace": "工作单位",
    "notes": "备注",
    "comments": "意见",
    "summary": "服务记录",
    "description": "说明",
    "title": "职称",
    "institution": "机构",
    "institution_name": "机构名称",
    "county_name": "区县名称",
    "reason": "原因",
    "void_reason": "作废原因",
    "correction_reason": "更正原因",
    "termination_note": "解约说明",
    "service_hours": "服务时间",
    "username": "登录名",
    "dose": "剂量",
    "department": "科室",
}


def _bad_character(text: str, multiline: bool) -> bool:
    allowed = "\n\r\t" if multiline else ""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def check_text_fields(obj: Any) -> None:
    """Refuse a value of ``obj`` longer than its column or holding control characters."""
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column.type, String) or column.type.length is None:
            continue
        history = state.attrs[attr.key].history
        if not history.added:
            continue
        value = history.added[0]
        if not isinstance(value, str):
            continue
        label = LABELS.get(column.name, column.name)
        if len(value) > column.type.length:
            raise ValidationError(
                msg(
                    "“{field}”太长：最多 {limit} 个字符，实际为 {length} 个。",
                    "“{field}” is too long: at most {limit} characters, got {length}.",
                    field=label,
                    limit=column.type.length,
                    length=len(value),
                ),
                field=attr.key,
            )
        if _bad_character(value, column.name in MULTILINE):
            raise ValidationError(
                msg(
                    "“{field}”含有控制字符（不可见的特殊字符），请删除后重新输入。",
                    "“{field}” holds control characters (invisible special characters); remove them.",
                    field=label,
                ),
                field=attr.key,
            )


def before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        check_text_fields(obj)
