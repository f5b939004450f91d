"""Why a mutation is refused: a stable code and a message for people (Chinese first).

A :class:`Rejected` raised while a mutation is applied rolls its savepoint back; the push
answers ``rejected`` with the code and the Chinese message (docs/sync.md "Push"). Messages
name tables, columns and ids, never a person's data.
"""

from __future__ import annotations

from fdclient.text import CHINESE, Text, msg


class Rejected(Exception):
    def __init__(self, code: str, text: Text) -> None:
        super().__init__(code)
        self.code = code
        self.text = text

    @property
    def message(self) -> str:
        return self.text.render(CHINESE)


def unknown_table(table: str) -> Rejected:
    return Rejected(
        "unknown_table",
        msg("服务器不同步数据表“{table}”。", "The server does not sync the table “{table}”.", table=table),
    )


def unknown_column(table: str, columns: str) -> Rejected:
    return Rejected(
        "unknown_column",
        msg(
            "数据表“{table}”没有这些字段：{columns}。请更新程序后重试。",
            "The table “{table}” has no columns {columns}; update the program and try again.",
            table=table,
            columns=columns,
        ),
    )


def malformed(detail: str) -> Rejected:
    return Rejected(
        "malformed",
        msg("这条修改的内容格式不对（{detail}）。", "This change is malformed ({detail}).", detail=detail),
    )


def other_township(table: str, row_id: str) -> Rejected:
    return Rejected(
        "other_township",
        msg(
            "这条修改涉及其他乡镇的记录（{table} {row_id}），本设备不能修改。",
            "This change names a record of another township ({table} {row_id}); this device may not change it.",
            table=table,
            row_id=row_id,
        ),
    )


def not_allowed(role: str, table: str) -> Rejected:
    return Rejected(
        "role_not_allowed",
        msg(
            "当前账号的角色（{role}）无权修改“{table}”中的记录。",
            "The account's role ({role}) may not change records of “{table}”.",
            role=role,
            table=table,
        ),
    )


def missing_record(table: str, row_id: str) -> Rejected:
    return Rejected(
        "missing_record",
        msg(
            "服务器上没有要修改的记录（{table} {row_id}），它可能未能上传。",
            "The server has no record {table} {row_id} to change; it may never have been uploaded.",
            table=table,
            row_id=row_id,
        ),
    )


def not_found(what: Text, row_id: str) -> Rejected:
    return Rejected(
        "not_found",
        msg("找不到{what}（{row_id}）。", "No {what} {row_id} was found.", what=what, row_id=row_id),
    )
