"""SQLite failures as typed errors with a plain message, classified by SQLite's result
code (never by the English text of the message), and never carrying SQL parameters.

=================  ===============================================================
result code        error
=================  ===============================================================
BUSY, LOCKED       :class:`StoreBusyError` "另一个 fdclient 正在写入，请稍后再试"
FULL               :class:`DiskFullError`
READONLY, PERM,    :class:`StoreReadOnlyError`
CANTOPEN
CORRUPT, NOTADB    :class:`StoreDamagedError`, naming the restore command to run
IOERR              :class:`DiskFullError` when the disk has no room, else an I/O error
CONSTRAINT         :class:`RuleError` naming the rule (a check the services missed)
=================  ===============================================================
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import exc as sa_exc

from fdclient.errors import (
    DiskFullError,
    FdError,
    OperationFailed,
    RuleError,
    StoreBusyError,
    StoreDamagedError,
    StoreReadOnlyError,
)
from fdclient.paths import StorePaths
from fdclient.text import Text, msg

SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_CONSTRAINT, SQLITE_NOTADB = 19, 26
#: Free space below which an I/O error is reported as a full disk.
LOW_SPACE_BYTES = 16 * 1024 * 1024

BUSY = msg(
    "另一个 fdclient 正在写入，请稍后再试。",
    "Another fdclient is writing; try again in a moment.",
)


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's extended result code of a driver error (sqlite3 or sqlcipher3), if any."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    code = getattr(original, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def damaged_message(paths: StorePaths, detail: Text | None = None) -> Text:
    """What to say about a damaged store: what happened and the command that restores it."""
    from fdclient.store.backups import newest_backup  # the backups module imports this one

    newest = newest_backup(paths)
    head = msg(
        "数据库文件 {path} 已损坏或被截断，无法读取。",
        "The store {path} is damaged or truncated and cannot be read.",
        path=str(paths.database),
    )
    if detail is not None:
        head = head + detail
    if newest is None:
        return head + msg(
            "数据目录中没有备份：请用 U 盘上的备份运行 “fdclient --data-dir {folder} restore 备份文件”，"
            "或联系县级信息科。",
            "There is no backup in the data folder: run “fdclient --data-dir {folder} restore BACKUP-FILE” with "
            "a backup from elsewhere, or call the county IT office.",
            folder=str(paths.folder),
        )
    return head + msg(
        "请运行：fdclient --data-dir {folder} restore {backup}",
        "Run: fdclient --data-dir {folder} restore {backup}",
        folder=str(paths.folder),
        backup=str(newest),
    )


def classify(error: BaseException, paths: StorePaths) -> FdError | None:
    """The typed error for a database failure, or None when it is not one we know."""
    code = sqlite_code(error)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreBusyError(BUSY)
    if primary == SQLITE_FULL or (primary == SQLITE_IOERR and _low_on_space(paths.folder)):
        return DiskFullError(
            msg(
                "磁盘空间已满：刚才的操作没有保存。请清理磁盘（{folder} 所在的磁盘）后重试。",
                "The disk is full: the last operation was not saved. Free space on the disk of {folder} and try again.",
                folder=str(paths.folder),
            )
        )
    if primary in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN):
        return StoreReadOnlyError(
            msg(
                "无法写入数据库 {path}：文件或目录只读、没有权限或已被移走。请检查数据目录的位置和权限。",
                "Cannot write the store {path}: the file or folder is read-only, not permitted, or gone. Check "
                "the data folder and its permissions.",
                path=str(paths.database),
            )
        )
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return StoreDamagedError(damaged_message(paths))
    if primary == SQLITE_IOERR:
        return OperationFailed(
            msg(
                "读写数据库时磁盘出错：刚才的操作没有保存。请检查磁盘或 U 盘后重试。",
                "The disk failed while reading or writing the store: the last operation was not saved. Check "
                "the disk and try again.",
            )
        )
    if primary == SQLITE_CONSTRAINT:
        refusal = _trigger_refusal(error)
        if refusal is not None:
            return RuleError(refusal)
        return RuleError(
            msg(
                "数据不符合数据库的规则（{rule}），没有保存。",
                "The data breaks a rule of the store ({rule}) and was not saved.",
                rule=_constraint_name(error),
            )
        )
    return None


#: What the store's triggers say when they refuse (migrations 0001 and 0004), in plain words.
TRIGGER_REFUSALS = {
    "visit records are immutable": msg(
        "服务记录保存后不能修改：请用“更正”记录一个新版本（原记录保留）。",
        "A saved visit record cannot be changed: record a correction (the original is kept).",
    ),
    "visit records are never deleted": msg(
        "服务记录不能删除：请填写原因作废它。", "A visit record is never deleted: void it with a reason."
    ),
    "the audit trail is append-only": msg(
        "操作日志只能追加，不能修改或删除。", "The audit trail can only be added to, never changed or deleted."
    ),
}


def _trigger_refusal(error: BaseException) -> Text | None:
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    args = getattr(original, "args", None)
    text = str(args[0]) if args else ""
    return next((message for words, message in TRIGGER_REFUSALS.items() if words in text), None)


def _constraint_name(error: BaseException) -> str:
    """The constraint's name from SQLite's message (names only: SQLite never puts values
    in it), e.g. ``CHECK constraint failed: ck_residents_name_length``."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    args = getattr(original, "args", None)
    text = str(args[0]) if args else ""
    found = re.search(r"constraint failed: ([\w.]+(?:, [\w.]+)*)", text)
    return found.group(1) if found else "constraint"


def _low_on_space(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


@contextlib.contextmanager
def database_errors(paths: StorePaths) -> Iterator[None]:
    """Re-raise database failures inside the block as typed errors (without the driver's
    message or parameters attached)."""
    try:
        yield
    except DATABASE_ERRORS as exc:
        typed = classify(exc, paths)
        if typed is None:
            raise
        raise typed from None


def _driver_errors() -> tuple[type[Exception], ...]:
    import sqlite3

    errors: list[type[Exception]] = [sqlite3.Error]
    with contextlib.suppress(ImportError):
        from sqlcipher3 import dbapi2

        errors.append(dbapi2.Error)
    return tuple(errors)


#: The database drivers' own error classes (for code that uses a driver directly).
DRIVER_ERRORS = _driver_errors()
DATABASE_ERRORS: tuple[type[Exception], ...] = (sa_exc.DBAPIError, *DRIVER_ERRORS)
