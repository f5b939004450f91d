"""Reading in a forked child process while this one writes.

An export spends most of its time in the workbook library (pure Python, one core) and the
rest reading the store (SQLCipher and building rows); on a two-core laptop the reading can
happen in a second process at the same time. :func:`items_from_child` runs a generator in a
forked child and hands its items to the parent as they come, pickled through a pipe: the
pipe's buffer holds a few batches (:data:`PIPE_BYTES`), so the child never runs far ahead
and memory stays constant.

Forking follows the rules of :mod:`fdclient.services.indicators.forked` (Linux only, no other
thread, no connection of the engine in use, a small process; the pooled connections are
closed first so that none crosses the fork); where it is not possible the generator simply
runs in this process. The child runs at a lower priority (:data:`HELPER_NICENESS`): it is
the faster side. An exception in the child is raised in the parent; a parent that stops
early (a cancel, an error, Ctrl-C) kills the child.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine

from fdclient.errors import FdError
from fdclient.services.indicators.forked import MAX_PARENT_BYTES
from fdclient.text import CHINESE, ENGLISH, msg

__all__ = ["HELPER_NICENESS", "items_from_child", "lower_priority"]

T = TypeVar("T")

_ITEM, _END, _ERROR = 0, 1, 2


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _can_fork(engine: Engine) -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    checked_out = getattr(engine.pool, "checkedout", lambda: 0)()
    return not checked_out and _resident_bytes() <= MAX_PARENT_BYTES


@contextmanager
def items_from_child(engine: Engine, produce: Callable[[], Iterable[T]]) -> Iterator[Iterator[T]]:
    """The items of ``produce()``, computed in a forked child (reaching the database
    through *engine*) when possible, else here."""
    if not _can_fork(engine):
        yield iter(produce())
        return
    engine.dispose()
    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid == 0:  # the child: short-lived, no collection, leaves without exit handlers
        gc.disable()
        lower_priority()
        os.close(read_end)
        try:
            with os.fdopen(write_end, "wb") as out:
                try:
                    for item in produce():
                        pickle.dump((_ITEM, item), out, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.dump((_END, None), out)
                except BaseException as exc:  # every failure goes back to the parent
                    pickle.dump((_ERROR, _portable(exc)), out)
        finally:
            os._exit(0)
    os.close(write_end)
    # A collection writes to every object's header: each page written is copied from the
    # memory shared with the child.
    collecting = gc.isenabled()
    gc.disable()
    state = {"finished": False}
    pipe = os.fdopen(read_end, "rb")

    def items() -> Iterator[T]:
        while True:
            try:
                kind, value = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError) as exc:
                state["finished"] = True
                raise ChildProcessError("the reading process ended without its data") from exc
            if kind == _ITEM:
                yield value
                continue
            state["finished"] = True
            if kind == _ERROR:
                raise _restored(value)
            return

    try:
        yield items()
    finally:
        if not state["finished"]:
            _kill(pid)
        pipe.close()
        os.waitpid(pid, 0)
        if collecting:
            gc.enable()


#: How much lower the helper processes run than the writer: the writer is the slower side,
#: so on a busy machine the processor should go to it first.
HELPER_NICENESS = 5


def lower_priority() -> None:
    """Run this (helper) process at a lower priority (where the system has priorities)."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(HELPER_NICENESS)


#: The pipe's buffer: room for a few batches, so that the child keeps reading while the
#: parent waits for the processor (on a busy machine the two would otherwise take turns).
PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    """Give the pipe a buffer of PIPE_BYTES where the system allows (Linux; 64 KiB else)."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl  # POSIX only

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _portable(exc: BaseException) -> object:
    """*exc* in a form that survives pickling: itself when it can; a user's error (whose
    bilingual message cannot be pickled) as its class, both renderings and its field;
    anything else as a RuntimeError naming its class (never its message, which could
    hold values)."""
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 - whatever makes it unpicklable
        pass
    if isinstance(exc, FdError):
        return (type(exc), exc.text.render(CHINESE), exc.text.render(ENGLISH), exc.field)
    return RuntimeError(f"{type(exc).__name__} in the reading process")


def _restored(value: object) -> BaseException:
    if isinstance(value, tuple):
        cls, zh, en, field = value
        error: FdError = cls.__new__(cls)
        FdError.__init__(error, msg(zh, en), field=field)
        return error
    assert isinstance(value, BaseException)
    return value


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
