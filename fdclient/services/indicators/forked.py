"""Work done in a forked child process, side by side with the parent.

Why a process and not a thread: two SQLite connections in one process contend on the
library's global memory-statistics mutex (taken on every allocation), so two threads
reading side by side finish no sooner than one thread reading both (measured on the 100k
demo store: 430 + 440 ms one after the other, 710-750 ms side by side). Two processes
share nothing and finish in the time of the longer one.

Forking is only safe without open SQLite connections and without other threads (a lock
held by another thread at the fork stays locked in the child), only done on Linux (macOS
system libraries do not support a fork without exec; Windows has none) and only worth it
from a small process: :func:`start_in_child` returns None otherwise and the caller does
the work itself. The child opens connections of its own, sends its result back through a
pipe (pickled) and leaves with ``os._exit``, running none of the parent's exit handlers.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Engine

__all__ = ["MAX_PARENT_BYTES", "ChildWork", "start_in_child"]

T = TypeVar("T")


class ChildWork(Generic[T]):
    """A child process computing a result: wait for it with :meth:`result`, or
    :meth:`abandon` it. Meanwhile the parent makes no garbage collection: a collection
    writes to every object's header, and each page written is copied (the parent's
    memory is shared with the child until one of them writes to it; in a process of a
    few GB that copying took longer than the work)."""

    def __init__(self, pid: int, pipe: int) -> None:
        self._pid, self._pipe = pid, pipe
        self._collecting = gc.isenabled()
        gc.disable()

    def _done(self) -> None:
        os.waitpid(self._pid, 0)
        if self._collecting:
            gc.enable()

    def result(self) -> T:
        """The child's result, or its exception raised here. A child that died without
        answering raises ChildProcessError."""
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        self._done()
        try:
            ok, value = pickle.loads(data)
        except Exception as exc:  # nothing, or a truncated answer
            raise ChildProcessError("the child process ended without a result") from exc
        if not ok:
            raise value
        result: T = value
        return result

    def abandon(self) -> None:
        """Stop the child and forget its result (when the parent's own part failed)."""
        os.kill(self._pid, signal.SIGKILL)
        os.close(self._pipe)
        self._done()


#: No fork from a process larger than this: copying its page tables, and the pages either
#: side writes to, costs more than the work saves (a 3.3 GB process: 1.2 s side by side
#: against 0.9 s in one process; ``fdclient stats`` is about 0.2 GB).
MAX_PARENT_BYTES = 1 << 30


def _resident_bytes() -> int:
    """This process's resident memory (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def start_in_child(engine: Engine, work: Callable[[], T]) -> ChildWork[T] | None:
    """Run *work* in a forked child process (which reaches the database through
    *engine*), or return None when forking is not possible, not safe (another thread, a
    connection of *engine* in use) or not worth it (a large process) here. The pooled
    connections of *engine* are closed first: no SQLite connection crosses the fork."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    if getattr(engine.pool, "checkedout", lambda: 0)() or _resident_bytes() > MAX_PARENT_BYTES:
        return None
    engine.dispose()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child, short-lived: no collection (see ChildWork)
        gc.disable()
        os.close(read_end)
        answer: tuple[bool, object]
        try:
            answer = (True, work())
        except BaseException as exc:  # every failure goes back to the parent
            answer = (False, exc)
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(answer, pipe)
        finally:
            os._exit(0)
    os.close(write_end)
    return ChildWork(pid, read_end)
