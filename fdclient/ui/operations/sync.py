"""数据同步 from the GUI: the sync state, a sync run, conflicts and merge tasks.

* Reads (the state, the history, the rejected entries, the open conflicts and merge tasks)
  run on the runner's readers; decisions (resolve a conflict, decide a merge) on its writer,
  after any save already asked.
* A sync run is long work on the pool with progress and cancel: its page transactions are
  short ``BEGIN IMMEDIATE`` units, so a save the user makes meanwhile waits a moment and is
  never lost or interleaved.
* :class:`SyncController` is the one place a run starts, from 立即同步 or from the timer of
  the automatic background sync; it never starts a second run while one is under way, and an
  unreachable server only turns the indicator to 离线 (no dialog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QTimer, Signal

from fdclient.ui.operations.session import failure_message
from fdclient.ui.preferences import Preference
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Cancelled, Failed, Progress, TaskHandle

if TYPE_CHECKING:
    from fdclient.sync.api import (
        ConflictItem,
        MergeTaskItem,
        OutboxView,
        SyncProgress,
        SyncReport,
        SyncRunView,
        SyncStatus,
    )
    from fdclient.sync.transport import Transport

__all__ = [
    "SYNC_INTERVAL_MINUTES",
    "SyncController",
    "SyncDecisions",
    "SyncOverview",
    "decide_merge",
    "is_revoked_error",
    "is_unreachable_error",
    "load_decisions",
    "load_overview",
    "phase_text",
    "resolve_conflict",
]

log = logging.getLogger(__name__)

#: Minutes between two automatic syncs of an enrolled laptop (0: only by hand). A
#: preference of this laptop (``ui.ini``), like the idle lock.
SYNC_INTERVAL_MINUTES = Preference("sync/interval_minutes", 5, bounds=(0, 240))
#: The first automatic sync after sign-in waits this long (the window is drawn first).
FIRST_SYNC_DELAY_MS = 3_000


@dataclass(frozen=True)
class SyncOverview:
    """What the 数据同步 page's state tab shows."""

    status: SyncStatus
    history: tuple[SyncRunView, ...]
    rejected: tuple[OutboxView, ...]


@dataclass(frozen=True)
class SyncDecisions:
    """The open conflicts and merge tasks of the township (the 冲突 / 待合并 tabs)."""

    conflicts: tuple[ConflictItem, ...]
    merges: tuple[MergeTaskItem, ...]


# --- reads and decisions ---------------------------------------------------------------------


def _overview(ui: UiSession) -> SyncOverview:
    from fdclient.sync import api

    status = api.sync_status(ui.store)
    if not status.enrolled:
        return SyncOverview(status, (), ())
    return SyncOverview(status, tuple(api.sync_history(ui.store)), tuple(api.rejected_entries(ui.store)))


def load_overview(
    ui: UiSession, done: Callable[[SyncOverview], None], failed: Failed, *, owner: QObject | None = None
) -> None:
    ui.runner.read(lambda: _overview(ui), done, failed, owner=owner)


def _decisions(ui: UiSession) -> SyncDecisions:
    from fdclient.sync import api

    return SyncDecisions(tuple(api.list_conflicts(ui.store)), tuple(api.list_merge_tasks(ui.store)))


def load_decisions(
    ui: UiSession, done: Callable[[SyncDecisions], None], failed: Failed, *, owner: QObject | None = None
) -> None:
    ui.runner.read(lambda: _decisions(ui), done, failed, owner=owner)


def resolve_conflict(
    ui: UiSession,
    conflict_id: str,
    keep: str,
    done: Callable[[Any], None],
    failed: Failed,
    *,
    owner: QObject | None = None,
) -> None:
    """Keep ``"mine"``, ``"theirs"`` or a new value typed by the user (queued for the server)."""
    from fdclient.sync import api

    ui.runner.write(lambda: api.resolve_conflict(ui.store, conflict_id, keep), done, failed, owner=owner)


def decide_merge(
    ui: UiSession,
    task_id: str,
    decision: str,
    done: Callable[[Any], None],
    failed: Failed,
    *,
    owner: QObject | None = None,
) -> None:
    """``decision``: ``merge``, ``keep_apart`` or ``undo``."""
    from fdclient.sync import api

    ui.runner.write(lambda: api.decide_merge(ui.store, task_id, decision), done, failed, owner=owner)


# --- errors ----------------------------------------------------------------------------------


def is_unreachable_error(error: BaseException) -> bool:
    """The server could not be reached (the laptop is offline): nothing to show but 离线."""
    from fdclient.sync.transport import ServerUnreachable

    return isinstance(error, ServerUnreachable)


def is_revoked_error(error: BaseException) -> bool:
    from fdclient.sync.transport import DeviceRevoked

    return isinstance(error, DeviceRevoked)


# --- the phase of a run ------------------------------------------------------------------------

_PHASES = {
    "hello": str(QT_TRANSLATE_NOOP("SyncPage", "Contacting the server…")),
    "push": str(QT_TRANSLATE_NOOP("SyncPage", "Uploading changes…")),
    "snapshot": str(QT_TRANSLATE_NOOP("SyncPage", "First sync: downloading the township…")),
    "pull": str(QT_TRANSLATE_NOOP("SyncPage", "Downloading changes…")),
    "replace": str(QT_TRANSLATE_NOOP("SyncPage", "The server was restored: syncing everything again…")),
}


def phase_text(phase: str) -> str:
    """What the run is doing, in the current language (推送 / 下载 / 首次同步)."""
    text = _PHASES.get(phase)
    if text is None:
        return QCoreApplication.translate("SyncPage", "Syncing…")
    return QCoreApplication.translate("SyncPage", text)


# --- the one place a run starts ----------------------------------------------------------------


class SyncController(QObject):
    """Runs syncs (by hand or every few minutes), one at a time, and tells whoever listens
    how the state changed: the page, the status bar."""

    #: A fresh :class:`SyncOverview` was read.
    overview_changed = Signal(object)
    #: A run started (True) or ended (False).
    running_changed = Signal(bool)
    #: ``(done, total, text)`` of the run under way (total 0: no count yet).
    progressed = Signal(int, int, str)
    #: A run ended well: its SyncReport.
    synced = Signal(object)
    #: A run ended badly: the error and the message to show (empty for a quiet failure).
    sync_failed = Signal(object, str)
    #: The server could not be reached (True) or was reached (False).
    offline_changed = Signal(bool)

    def __init__(self, ui: UiSession, parent: QObject | None = None, *, transport: Transport | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        #: The connection to the server (None: one to the enrolled server's address per run).
        self.transport = transport
        self.overview: SyncOverview | None = None
        self.offline = False
        self.revoked = False
        self._handle: TaskHandle | None = None
        self._running = False
        self._background = False
        self._loading = False
        self._reload_again = False
        self._sync_when_read = False
        self.timer = QTimer(self)
        self.timer.setObjectName("syncTimer")
        self.timer.timeout.connect(self.sync_in_background)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.timeout.connect(self.sync_in_background)

    # --- state --------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._running

    def enrolled(self) -> bool:
        return self.overview is not None and bool(self.overview.status.enrolled)

    def refresh(self) -> None:
        """Read the state again (after a run, a decision, when the page is shown)."""
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        try:
            load_overview(self.ui, self._loaded, self._load_failed, owner=self)
        except RuntimeError:  # the session ended (the runner shut down)
            self._loading = False

    def _loaded(self, overview: SyncOverview) -> None:
        self._loading = False
        self.overview = overview
        self.revoked = bool(getattr(overview.status, "revoked", False))
        self.overview_changed.emit(overview)
        if self._sync_when_read:
            self._sync_when_read = False
            self.sync_now(background=True)
        if self._reload_again:
            self._reload_again = False
            self.refresh()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        self._reload_again = False
        log.error("reading the sync state failed: %s", type(error).__name__, exc_info=error)

    # --- automatic sync -----------------------------------------------------------------------

    def start_background(self, minutes: int | None = None, *, first_delay_ms: int = FIRST_SYNC_DELAY_MS) -> None:
        """Sync every ``minutes`` (the preference when None; 0: only by hand), and once soon
        after sign-in."""
        self.set_interval(self.ui.preferences.get(SYNC_INTERVAL_MINUTES) if minutes is None else minutes)
        self._first.start(first_delay_ms)

    def set_interval(self, minutes: int) -> None:
        if minutes <= 0:
            self.timer.stop()
            return
        self.timer.start(minutes * 60_000)

    def stop_background(self) -> None:
        self.timer.stop()
        self._first.stop()

    def sync_in_background(self) -> bool:
        """A quiet run: skipped while one runs, when not enrolled or revoked; failures only
        change the indicator."""
        if self.overview is None:
            # Not read yet: read first, then sync.
            self._sync_when_read = True
            self.refresh()
            return False
        return self.sync_now(background=True)

    # --- a run --------------------------------------------------------------------------------

    def sync_now(self, *, background: bool = False) -> bool:
        """Start a run; False when one is under way or the laptop cannot sync."""
        if self._running:
            return False
        if background and (not self.enrolled() or self.revoked):
            return False
        from fdclient.sync import api

        ui = self.ui

        def work(state: Progress) -> SyncReport:
            def report(progress: SyncProgress) -> None:
                state.on_report(
                    int(getattr(progress, "done", 0) or 0),
                    int(getattr(progress, "total", 0) or 0),
                    phase_text(str(getattr(progress, "phase", ""))),
                )

            return api.run_sync(
                ui.store,
                progress=report,
                cancel=lambda: state.cancelled or token.cancelled,
                transport=self.transport,
            )

        # The cancel token exists before the work starts: 取消 works from the first moment.
        token = Progress()
        self._handle = TaskHandle(token)
        self._running = True
        self._background = background
        self.running_changed.emit(True)
        try:
            ui.runner.long(work, self._done, self._failed, progress=self._progress, owner=self)
        except RuntimeError:  # the session ended (the runner shut down): no run
            self._running = False
            self._handle = None
            self.stop_background()
            return False
        return True

    @property
    def handle(self) -> TaskHandle | None:
        """The run under way (its ``cancel()`` asks it to stop between pages)."""
        return self._handle

    def cancel(self) -> None:
        if self._handle is not None and self._running:
            self._handle.cancel()

    def _progress(self, done: int, total: int, text: str) -> None:
        if self._running:
            self.progressed.emit(done, total, text)

    def _finish(self) -> None:
        self._running = False
        self._handle = None
        self.running_changed.emit(False)
        self.refresh()

    def _set_offline(self, offline: bool) -> None:
        if offline != self.offline:
            self.offline = offline
            self.offline_changed.emit(offline)

    def _done(self, report: SyncReport) -> None:
        self._set_offline(False)
        self._finish()
        self.synced.emit(report)

    def _failed(self, error: BaseException) -> None:
        quiet = False
        if is_unreachable_error(error):
            self._set_offline(True)
            quiet = self._background
        elif is_revoked_error(error):
            self._set_offline(False)
            self.revoked = True
        elif not isinstance(error, Cancelled):
            self._set_offline(False)
        message = "" if quiet else _failure_text(error)
        self._finish()
        self.sync_failed.emit(error, message)


def _failure_text(error: BaseException) -> str:
    if isinstance(error, Cancelled):
        return QCoreApplication.translate(
            "SyncPage", "Sync cancelled. What was already sent or received is kept; the rest goes next time."
        )
    return failure_message(error)
