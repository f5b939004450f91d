"""The status bar's sync indicator: what state the laptop's data is in (已同步 14:05 / 3 项待上传
/ 离线 / 同步中… / 授权已撤销) and a badge of the open conflicts and merge tasks (2 个冲突)
that opens the 数据同步 page on them. It listens to the :class:`SyncController`; the
words are chosen by :func:`state_text` (a plain function, so tests read it directly)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from fdclient.domain.time import CHINA_TIME
from fdclient.ui.operations.sync import SyncController, SyncOverview
from fdclient.ui.table_models.sync import as_datetime

__all__ = ["SyncIndicator", "clock_text", "state_text"]


def clock_text(moment: datetime | str | None, now: datetime) -> str:
    """``hh:mm`` in China time; ``MM-DD hh:mm`` when not the day of ``now``."""
    when = as_datetime(moment)
    if when is None:
        return ""
    local = when.astimezone(CHINA_TIME)
    if local.date() == now.astimezone(CHINA_TIME).date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")


def state_text(
    overview: SyncOverview | None, *, running: bool, offline: bool, revoked: bool, now: datetime
) -> tuple[str, str]:
    """The indicator's words and the colour they are shown in (a CSS colour, "" for
    the default)."""

    if running:
        return QCoreApplication.translate("SyncIndicator", "Syncing…"), "#1565c0"
    status = overview.status if overview is not None else None
    if revoked or (status is not None and getattr(status, "revoked", False)):
        return QCoreApplication.translate("SyncIndicator", "Authorisation revoked"), "#c62828"
    if status is None or not status.enrolled:
        return QCoreApplication.translate("SyncIndicator", "Not connected to a server"), "#5f6368"
    pending = int(status.pending or 0)
    if offline:
        if pending:
            return QCoreApplication.translate("SyncIndicator", "Offline · {n} to upload").format(n=pending), "#ef6c00"
        return QCoreApplication.translate("SyncIndicator", "Offline"), "#ef6c00"
    if pending:
        return QCoreApplication.translate("SyncIndicator", "{n} to upload").format(n=pending), "#ef6c00"
    last = getattr(status, "last_sync_at", None)
    if last is not None:
        return QCoreApplication.translate("SyncIndicator", "Synced {time}").format(
            time=clock_text(last, now)
        ), "#2e7d32"
    return QCoreApplication.translate("SyncIndicator", "Never synced"), "#5f6368"


class SyncIndicator(QWidget):
    #: The user clicked the badge: show the conflicts (or merge tasks) on the sync page.
    open_requested = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self.controller = controller
        self.state_label = QLabel(self)
        self.state_label.setObjectName("syncState")
        self.badge = QPushButton(self)
        self.badge.setObjectName("conflictBadge")
        self.badge.setFlat(True)
        self.badge.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self.badge.setStyleSheet("color: #c62828; font-weight: bold; padding: 0 6px;")
        self.badge.clicked.connect(self.open_requested)
        self.badge.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.badge)
        layout.addWidget(self.state_label)
        for signal in (controller.overview_changed, controller.running_changed, controller.offline_changed):
            signal.connect(self.update_state)
        self.update_state()

    def update_state(self, *_args: object) -> None:
        c = self.controller
        text, colour = state_text(
            c.overview, running=c.is_running(), offline=c.offline, revoked=c.revoked, now=c.ui.store.clock.now()
        )
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.state_label.setToolTip(self._tooltip())
        status = c.overview.status if c.overview is not None else None
        conflicts = int(getattr(status, "open_conflicts", 0) or 0) if status is not None else 0
        merges = int(getattr(status, "open_merge_tasks", 0) or 0) if status is not None else 0
        parts = []
        if conflicts:
            parts.append(QCoreApplication.translate("SyncIndicator", "{n} conflicts").format(n=conflicts))
        if merges:
            parts.append(QCoreApplication.translate("SyncIndicator", "{n} to merge").format(n=merges))
        self.badge.setText(" · ".join(parts))
        self.badge.setToolTip(QCoreApplication.translate("SyncIndicator", "Open the conflicts on the Sync page"))
        self.badge.setVisible(bool(parts))

    def _tooltip(self) -> str:
        c = self.controller
        status = c.overview.status if c.overview is not None else None
        if status is None or not status.enrolled:
            return QCoreApplication.translate(
                "SyncIndicator", "This laptop keeps its data alone. The Sync page says how to connect it."
            )
        if c.revoked:
            return QCoreApplication.translate(
                "SyncIndicator", "The county server no longer accepts this laptop. See the Sync page."
            )
        if c.offline:
            return QCoreApplication.translate(
                "SyncIndicator", "The server cannot be reached. Your data is safe here and syncs when online."
            )
        return QCoreApplication.translate("SyncIndicator", "Sync state with the county server")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.update_state()
        super().changeEvent(event)
