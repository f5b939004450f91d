"""The data folder's files: private modes, atomic writes, swaps that are never half-done,
and the folder lock.

* Modes: the folder is 0700 and every file 0600 whatever the umask (``os.open`` with an
  explicit mode, then ``chmod``). SQLite gives a database's -wal and -shm files the
  database file's own mode, so creating the database file first is enough for those.
* :func:`write_atomically`: a file is written beside its target under a partial name,
  flushed to disk, then renamed over the target, so a reader sees the old or the new
  file, never half of one.
* :func:`swap_into_place`: several files (a new database with its key file) replace the
  current ones together. The plan is written to a journal first; once the journal is on
  disk, :func:`finish_swap` (run by every open) completes it after a crash. Files a crash
  left behind before the journal existed are leftovers: :func:`remove_leftovers`.
* :class:`FolderLock`: every process with the store open holds ``.lock`` shared; creating,
  converting or restoring a store holds it exclusively, so files are never swapped under
  a running fdclient. The operating system releases it when a process dies.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import portalocker

from fdclient.errors import DiskFullError, OperationFailed, StoreBusyError, StoreReadOnlyError
from fdclient.paths import PARTIAL_PREFIX, StorePaths
from fdclient.text import Text, msg

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) and make it 0700."""
    with os_errors(folder):
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(folder))
        if sys.platform != "win32":
            os.chmod(folder, FOLDER_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty file at ``path`` with mode 0600 (it must not exist)."""
    with os_errors(path):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), FILE_MODE)
        try:
            if sys.platform != "win32":
                os.fchmod(fd, FILE_MODE)
        finally:
            os.close(fd)


@contextlib.contextmanager
def open_private(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open ``path`` for writing with mode 0600 (created if missing)."""
    flags = os.O_CREAT | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    with os_errors(path):
        fd = os.open(path, flags, FILE_MODE)
        if sys.platform != "win32":
            os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, mode) as fh:
            yield fh


def partial_path(target: Path, label: str = "") -> Path:
    """A fresh name beside ``target`` for a file being built."""
    tag = f"{label}-" if label else ""
    return target.with_name(f"{PARTIAL_PREFIX}{tag}{secrets.token_hex(6)}-{target.name}")


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op on Windows)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with os_errors(path), open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data``: the old content or the new, never a mixture."""
    partial = partial_path(target)
    try:
        with open_private(partial) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with os_errors(target):
            os.replace(partial, target)
        fsync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def write_json_atomically(target: Path, value: Any) -> None:
    write_atomically(target, json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))


# --- swapping several files into place -------------------------------------------------


def swap_into_place(paths: StorePaths, moves: Sequence[tuple[Path, Path]], removals: Sequence[Path] = ()) -> None:
    """Delete ``removals`` and rename each ``(source, target)`` of ``moves``, as one step.

    The sources must be complete and flushed. After the journal is written the swap will
    finish even if this process dies (the next open runs :func:`finish_swap`).
    """
    for source, _target in moves:
        fsync_file(source)
    fsync_folder(paths.folder)
    plan = {
        "moves": [[source.name, target.name] for source, target in moves],
        "removals": [path.name for path in removals],
    }
    write_json_atomically(paths.swap_journal, plan)
    finish_swap(paths)


def finish_swap(paths: StorePaths) -> bool:
    """Complete a swap a crash interrupted; True when there was one."""
    journal = paths.swap_journal
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except ValueError:  # a torn journal: write_atomically never leaves one, but be safe
        journal.unlink()
        return False
    folder = paths.folder
    with os_errors(folder):
        for name in plan["removals"]:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
        for source, target in plan["moves"]:
            if (folder / source).exists():
                os.replace(folder / source, folder / target)
        fsync_folder(folder)
        journal.unlink()
        fsync_folder(folder)
    return True


def remove_leftovers(paths: StorePaths) -> list[Path]:
    """Delete files a crashed build left in the data folder (call with the folder locked
    exclusively: nobody else is building)."""
    removed = []
    for folder in (paths.folder, paths.backups):
        if not folder.is_dir():
            continue
        for path in folder.glob(f"{PARTIAL_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError), os_errors(path):
                path.unlink()
                removed.append(path)
    return removed


# --- the folder lock --------------------------------------------------------------------


class FolderLock:
    """``.lock`` in the data folder, held shared (a store open) or exclusive (files being
    created or swapped). Never waits: a conflict is a :class:`StoreBusyError`."""

    def __init__(self, paths: StorePaths, *, exclusive: bool) -> None:
        self.paths = paths
        self.exclusive = exclusive
        self._handle: IO[Any] | None = None

    def acquire(self) -> FolderLock:
        make_private_folder(self.paths.folder)
        flags = portalocker.LockFlags.NON_BLOCKING | (
            portalocker.LockFlags.EXCLUSIVE if self.exclusive else portalocker.LockFlags.SHARED
        )
        with os_errors(self.paths.lock):
            fd = os.open(self.paths.lock, os.O_CREAT | os.O_RDWR, FILE_MODE)
            handle = os.fdopen(fd, "r+b")
        try:
            portalocker.lock(handle, flags)
        except portalocker.exceptions.LockException:
            handle.close()
            raise StoreBusyError(_busy_message(self.exclusive)) from None
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(Exception):
                portalocker.unlock(self._handle)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _busy_message(exclusive: bool) -> Text:
    if exclusive:
        return msg(
            "另一个 fdclient 正在使用这个数据目录。请先关闭它（包括图形界面），再重试。",
            "Another fdclient is using this data folder. Close it (the window too) and try again.",
        )
    return msg(
        "另一个 fdclient 正在新建、加密或恢复这个数据目录中的数据库，请稍后再试。",
        "Another fdclient is creating, encrypting or restoring the store in this data folder; try again later.",
    )


# --- operating-system errors as plain messages -------------------------------------------


@contextlib.contextmanager
def os_errors(path: Path | None = None) -> Iterator[None]:
    """Turn a full disk, a read-only or forbidden location into a typed, plain message."""
    try:
        yield
    except OSError as exc:
        raise os_error(exc, path) from None


def os_error(exc: OSError, path: Path | None = None) -> Exception:
    where = str(exc.filename or path or "")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFullError(
            msg(
                "磁盘空间已满（{path}）：刚才的操作没有保存。请清理磁盘或换一个有空间的位置后重试。",
                "The disk is full ({path}): the last operation was not saved. Free some space and try again.",
                path=where,
            )
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreReadOnlyError(
            msg(
                "无法写入 {path}：位置只读或没有权限。请检查数据目录（--data-dir）的位置和权限。",
                "Cannot write {path}: the location is read-only or not permitted. Check the data folder "
                "(--data-dir) and its permissions.",
                path=where,
            )
        )
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, IsADirectoryError, FileExistsError)):
        return OperationFailed(
            msg(
                "无法使用 {path}（{reason}）。请检查数据目录（--data-dir）的位置。",
                "Cannot use {path} ({reason}). Check the data folder (--data-dir).",
                path=where,
                reason=exc.strerror or type(exc).__name__,
            )
        )
    return OperationFailed(
        msg(
            "读写文件 {path} 时出错（{reason}）：刚才的操作没有完成。请检查磁盘后重试。",
            "Error reading or writing {path} ({reason}): the operation was not completed. Check the disk and "
            "try again.",
            path=where,
            reason=exc.strerror or type(exc).__name__,
        )
    )
