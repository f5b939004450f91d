"""How the GUI runs work against the store without freezing (after Anki's ``taskman``).

* **Writes** go to one background writer thread, one after another, in the order asked:
  two saves never race for SQLite's write lock, and the GUI thread never waits for a disk.
* **Reads** run on a small thread pool, each in its own unit of work.
* **Long work** (dashboard figures, exports, printing a batch, sync) runs on the pool with
  a :class:`Progress` it reports to and checks for a cancellation.

Whatever the work returns, or raises, comes back to the GUI thread by a queued signal and
is handed to the ``done`` / ``failed`` callbacks there; nothing calls ``processEvents()``.
Callbacks of a widget that was deleted meanwhile are skipped (pass ``owner``).

The runner is passed to the pages and operations that need it, never reached through a
global. Tests use :class:`InlineRunner`: the same interface, run at once in the calling
thread, so a test reads the result on the next line.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from shiboken6 import isValid

__all__ = [
    "Cancelled",
    "Failed",
    "InlineRunner",
    "Progress",
    "Runner",
    "TaskHandle",
    "TaskRunner",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

Done = Callable[[T], None]
#: Receives the exception the work raised (an FdError carries the Chinese message).
Failed = Callable[[BaseException], None]


class Cancelled(Exception):
    """Raised inside long work by :meth:`Progress.check` once the user cancelled."""


@dataclass
class Progress:
    """What long work reports (``step(done, total, text)``) and checks (``check()``).
    ``on_report`` is called in the worker thread; the runner relays it to the GUI."""

    on_report: Callable[[int, int, str], None] = field(default=lambda done, total, text: None)
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def step(self, done: int, total: int, text: str = "") -> None:
        self.check()
        self.on_report(done, total, text)

    def check(self) -> None:
        """Raise :class:`Cancelled` when the user cancelled."""
        if self._cancelled.is_set():
            raise Cancelled

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()


@dataclass(frozen=True)
class TaskHandle:
    """Long work under way: :meth:`cancel` asks it to stop at its next check."""

    progress: Progress

    def cancel(self) -> None:
        self.progress.cancel()


class Runner(Protocol):
    """What pages and operations are given (a :class:`TaskRunner`, or an
    :class:`InlineRunner` in tests)."""

    def write(
        self, work: Callable[[], T], done: Done[T], failed: Failed | None = None, *, owner: QObject | None = None
    ) -> None: ...

    def read(
        self, work: Callable[[], T], done: Done[T], failed: Failed | None = None, *, owner: QObject | None = None
    ) -> None: ...

    def long(
        self,
        work: Callable[[Progress], T],
        done: Done[T],
        failed: Failed | None = None,
        *,
        progress: Callable[[int, int, str], None] | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle: ...

    def shutdown(self) -> None: ...


def _alive(owner: QObject | None) -> bool:
    return owner is None or isValid(owner)


def _report_unhandled(exc: BaseException) -> None:
    log.error("background task failed: %s", type(exc).__name__, exc_info=exc)


class _Relay(QObject):
    """Carries callables from worker threads to the GUI thread (queued connection)."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, fn: Callable[[], None]) -> None:
        fn()


_STOP = object()


class TaskRunner:
    """One writer thread, a pool for reads and long work, results back on the GUI thread.
    Create it on the GUI thread; :meth:`shutdown` finishes the queued writes first."""

    def __init__(self, readers: int = 2) -> None:
        self._relay = _Relay()
        self._writes: queue.Queue[Any] = queue.Queue()
        self._writer = threading.Thread(target=self._write_loop, name="fdclient-writer", daemon=True)
        self._writer.start()
        self._pool = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="fdclient-reader")
        self._closed = False

    # --- the three kinds of work -------------------------------------------------------------

    def write(
        self, work: Callable[[], T], done: Done[T], failed: Failed | None = None, *, owner: QObject | None = None
    ) -> None:
        self._check_open()
        self._writes.put(lambda: self._execute(work, done, failed, owner))

    def read(
        self, work: Callable[[], T], done: Done[T], failed: Failed | None = None, *, owner: QObject | None = None
    ) -> None:
        self._check_open()
        self._pool.submit(self._execute, work, done, failed, owner)

    def long(
        self,
        work: Callable[[Progress], T],
        done: Done[T],
        failed: Failed | None = None,
        *,
        progress: Callable[[int, int, str], None] | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle:
        self._check_open()

        def relay_report(step: int, total: int, text: str) -> None:
            if progress is not None:
                self._relay.call.emit(lambda: progress(step, total, text) if _alive(owner) else None)

        state = Progress(on_report=relay_report)
        self._pool.submit(self._execute, lambda: work(state), done, failed, owner)
        return TaskHandle(state)

    def shutdown(self) -> None:
        """Finish the queued writes (a save asked before closing is not lost), stop the
        threads. Results that arrive afterwards are dropped."""
        if self._closed:
            return
        self._closed = True
        self._writes.put(_STOP)
        self._writer.join()
        self._pool.shutdown(wait=True, cancel_futures=True)

    # --- inside the threads -------------------------------------------------------------------

    def _write_loop(self) -> None:
        while (item := self._writes.get()) is not _STOP:
            item()

    def _execute(self, work: Callable[[], T], done: Done[T], failed: Failed | None, owner: QObject | None) -> None:
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            handler = failed or _report_unhandled
            # Bound now: Python unbinds ``exc`` when the except block ends.
            self._relay.call.emit(lambda error=exc: handler(error) if self._delivers(owner) else None)
            return
        self._relay.call.emit(lambda: done(result) if self._delivers(owner) else None)

    def _delivers(self, owner: QObject | None) -> bool:
        """A result reaching the GUI thread is handed over unless its owner was deleted or
        the runner shut down meanwhile (the session it belongs to has ended)."""
        return not self._closed and _alive(owner)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the task runner was shut down")


class InlineRunner:
    """The same interface, run at once in the calling thread (tests)."""

    def write(
        self, work: Callable[[], T], done: Done[T], failed: Failed | None = None, *, owner: QObject | None = None
    ) -> None:
        self._execute(work, done, failed)

    def read(
        self, work: Callable[[], T], done: Done[T], failed: Failed | None = None, *, owner: QObject | None = None
    ) -> None:
        self._execute(work, done, failed)

    def long(
        self,
        work: Callable[[Progress], T],
        done: Done[T],
        failed: Failed | None = None,
        *,
        progress: Callable[[int, int, str], None] | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle:
        state = Progress(on_report=progress or (lambda step, total, text: None))
        self._execute(lambda: work(state), done, failed)
        return TaskHandle(state)

    def shutdown(self) -> None:
        pass

    @staticmethod
    def _execute(work: Callable[[], T], done: Done[T], failed: Failed | None) -> None:
        try:
            result = work()
        except Exception as exc:
            if failed is None:
                raise
            failed(exc)
            return
        done(result)
