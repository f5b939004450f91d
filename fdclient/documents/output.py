"""Writing a document to a file never leaves half of one: it is written beside the target
under a partial name, flushed to disk, then renamed over the target. A failure (a full
disk, a cancelled batch, a bug) removes the partial file and leaves any old file as it was.

Renderers take a path or an open binary stream (the GUI previews and prints from memory):
:func:`write_document` handles both.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from fdclient.errors import OperationFailed
from fdclient.store.files import FILE_MODE, fsync_folder, partial_path
from fdclient.text import msg

__all__ = ["Progress", "Target", "check_target", "write_document"]

#: Where a document goes: a file path or a writable binary stream.
Target = Path | str | BinaryIO
#: Told ``(done, total)`` as a batch is drawn; it may raise to cancel (nothing is written).
Progress = Callable[[int, int], None]


def _failure(path: Path, exc: OSError) -> OperationFailed:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return OperationFailed(
            msg(
                "磁盘空间已满，无法写入 {path}：没有生成文件。请清理磁盘或换一个位置后重试。",
                "The disk is full: {path} was not written. Free some space or choose another place and try again.",
                path=str(path),
            )
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return OperationFailed(
            msg(
                "无法写入 {path}：位置只读或没有权限。请换一个位置保存。",
                "Cannot write {path}: the place is read-only or not permitted. Save it somewhere else.",
                path=str(path),
            )
        )
    return OperationFailed(
        msg(
            "写入 {path} 时出错（{reason}）：没有生成文件。",
            "Error writing {path} ({reason}): the file was not written.",
            path=str(path),
            reason=exc.strerror or type(exc).__name__,
        )
    )


def check_target(path: Path) -> None:
    """Refuse, before any work, a target whose folder is missing or that is a folder."""
    if path.is_dir():
        raise OperationFailed(
            msg(
                "{path} 是一个文件夹：请给出要保存的文件名，例如 {example}。",
                "{path} is a folder: give the name of the file to write, e.g. {example}.",
                path=str(path),
                example=str(path / "output.pdf"),
            )
        )
    if not path.parent.is_dir():
        raise OperationFailed(
            msg(
                "文件夹 {folder} 不存在：请先建立它，或换一个位置保存。",
                "The folder {folder} does not exist: create it or save somewhere else.",
                folder=str(path.parent),
            )
        )


def write_document(target: Target, render: Callable[[BinaryIO], object]) -> Path | None:
    """Run *render* on a stream that ends up at *target*; return the path written (None
    for a stream, which is written as it is)."""
    if not isinstance(target, (str, Path)):
        render(target)
        return None
    path = Path(target).expanduser()
    check_target(path)
    partial = partial_path(path)
    try:
        try:
            fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), FILE_MODE)
            with os.fdopen(fd, "wb") as fh:
                render(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, path)
            fsync_folder(path.parent)
        except OSError as exc:
            raise _failure(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return path
