"""数据同步 / Sync: this laptop and the county server.

Three tabs: 同步状态 (the server, the township, this device, the last sync, what waits to be
sent, 立即同步 with progress and 取消, the automatic interval, the history and the refused
changes), 冲突 (conflicts to decide) and 待合并 (merge tasks). Above them, when it applies, a
banner says what matters most: the laptop is not enrolled (and how to enrol it), the server
revoked it (and what to do), or its clock is far off.

The page owns the :class:`SyncController` (one run at a time, the automatic sync) and the
status bar's :class:`SyncIndicator`, which the main window shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from fdclient.ui.operations import sync as ops
from fdclient.ui.operations.session import failure_message
from fdclient.ui.operations.sync import SyncController, SyncDecisions, SyncOverview
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.sync_decisions_panel import ConflictsPanel, MergesPanel
from fdclient.ui.widgets.sync_indicator import SyncIndicator
from fdclient.ui.widgets.sync_status_panel import SyncStatusPanel

if TYPE_CHECKING:
    from fdclient.sync.transport import Transport

__all__ = ["SyncPage"]

ENROL_COMMAND = "fdclient enroll --server URL --code CODE"


def _banner(parent: QWidget, name: str, colours: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"QLabel {{ {colours} border-radius: 4px; padding: 8px 12px; }}")
    label.hide()
    return label


class SyncPage(Page):
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Sync"))
    NAME = "sync"

    def __init__(
        self, session: UiSession | None, parent: QWidget | None = None, *, transport: Transport | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._decisions_loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        self.enrol_banner = _banner(self, "enrolBanner", "background: #e8f0fe; color: #1a3e72;")
        self.revoked_banner = _banner(self, "revokedBanner", "background: #fdecea; color: #b71c1c;")
        self.clock_banner = _banner(self, "clockBanner", "background: #fff4e5; color: #8a4b00; font-weight: bold;")
        for banner in (self.revoked_banner, self.clock_banner, self.enrol_banner):
            layout.addWidget(banner)
        self.controller: SyncController | None = None
        self.indicator: SyncIndicator | None = None
        if session is None:
            self.placeholder = QLabel(self)
            self.placeholder.setObjectName("syncPlaceholder")
            self.placeholder.setWordWrap(True)
            layout.addWidget(self.placeholder)
            layout.addStretch(1)
            self.retranslate_ui()
            return

        self.controller = SyncController(session, self, transport=transport)
        self.indicator = SyncIndicator(self.controller)
        self.indicator.open_requested.connect(self.show_decisions)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("syncTabs")
        self.status_panel = SyncStatusPanel(self.controller, self.tabs)
        self.conflicts_panel = ConflictsPanel(session, self.tabs)
        self.merges_panel = MergesPanel(session, self.tabs)
        self.tabs.addTab(self.status_panel, "")
        self.tabs.addTab(self.conflicts_panel, "")
        self.tabs.addTab(self.merges_panel, "")
        layout.addWidget(self.tabs, 1)

        self.controller.overview_changed.connect(self._overview_changed)
        self.controller.synced.connect(lambda _report: self.load_decisions())
        for panel in (self.conflicts_panel, self.merges_panel):
            panel.decided.connect(self._decided)
        self.retranslate_ui()
        self.controller.refresh()

    # --- the status bar ---------------------------------------------------------------------

    def status_widget(self) -> QWidget | None:
        """What the main window shows in its status bar for this page (the sync indicator)."""
        return self.indicator

    # --- reading --------------------------------------------------------------------------------

    def activated(self) -> None:
        if self.controller is None:
            return
        self.controller.refresh()
        self.load_decisions()

    def is_busy(self) -> bool:
        return self.controller is not None and (self.controller.overview is None or self._decisions_loading)

    def load_decisions(self) -> None:
        if self.session is None or self._decisions_loading:
            return
        if self.controller is not None and not self.controller.enrolled():
            return
        self._decisions_loading = True
        ops.load_decisions(self.session, self._decisions_loaded, self._decisions_failed, owner=self)

    def _decisions_loaded(self, decisions: SyncDecisions) -> None:
        self._decisions_loading = False
        self.conflicts_panel.set_items(decisions.conflicts)
        self.merges_panel.set_items(decisions.merges)
        self._retitle_tabs()

    def _decisions_failed(self, error: BaseException) -> None:
        self._decisions_loading = False
        self.conflicts_panel.message.say(failure_message(error), error=True)

    def _decided(self) -> None:
        self.load_decisions()
        if self.controller is not None:
            self.controller.refresh()

    def show_decisions(self) -> None:
        """Show the conflicts (or the merge tasks when only they wait): the status bar's badge."""
        if self.navigator is not None:
            self.navigator.show_page_named(self.NAME)
        if self.controller is None:
            return
        status: Any = self.controller.overview.status if self.controller.overview else None
        conflicts = int(getattr(status, "open_conflicts", 0) or 0)
        self.tabs.setCurrentWidget(self.conflicts_panel if conflicts or status is None else self.merges_panel)
        self.load_decisions()

    # --- the banners ----------------------------------------------------------------------------

    def _overview_changed(self, overview: SyncOverview) -> None:
        self._show_banners(overview)
        self._retitle_tabs()
        if overview.status.enrolled and not self.conflicts_panel.model.rowCount():
            self.load_decisions()

    def _show_banners(self, overview: SyncOverview | None) -> None:
        status = overview.status if overview is not None else None
        enrolled = status is not None and bool(status.enrolled)
        revoked = self.controller is not None and self.controller.revoked
        self.enrol_banner.setVisible(overview is not None and not enrolled)
        self.enrol_banner.setText(
            QCoreApplication.translate(
                "SyncPage",
                "This laptop is not connected to a county server: its data stays here only. To connect "
                "it, ask the county administrator for an enrolment code, then run in a terminal:",
            )
            + f"\n\n    {ENROL_COMMAND}\n\n"
            + QCoreApplication.translate("SyncPage", "Your data is kept and uploaded with the first sync.")
        )
        self.revoked_banner.setVisible(enrolled and revoked)
        self.revoked_banner.setText(
            QCoreApplication.translate(
                "SyncPage",
                "The county server no longer accepts this laptop (authorisation revoked). Nothing here is "
                "lost: the data and the changes not yet uploaded stay on this laptop. Ask the county "
                "administrator for a new enrolment code and enrol again; meanwhile you can export the "
                "roster and make backups.",
            )
        )
        warning = getattr(status, "clock_warning", None) if status is not None else None
        self.clock_banner.setVisible(enrolled and bool(warning))
        self.clock_banner.setText(str(warning or ""))

    def _retitle_tabs(self) -> None:
        if self.controller is None:
            return

        conflicts = self.conflicts_panel.model.rowCount()
        merges = sum(1 for t in self.merges_panel.model.items() if t.status == "open")
        self.tabs.setTabText(0, QCoreApplication.translate("SyncPage", "Sync &state"))
        self.tabs.setTabText(
            1,
            QCoreApplication.translate("SyncPage", "&Conflicts ({n})").format(n=conflicts)
            if conflicts
            else QCoreApplication.translate("SyncPage", "&Conflicts"),
        )
        self.tabs.setTabText(
            2,
            QCoreApplication.translate("SyncPage", "To &merge ({n})").format(n=merges)
            if merges
            else QCoreApplication.translate("SyncPage", "To &merge"),
        )

    # --- texts ----------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        if self.controller is None:
            self.placeholder.setText(
                QCoreApplication.translate("SyncPage", "Sign in to see the sync with the county server.")
            )
            return
        self.status_panel.retranslate_ui()
        self.conflicts_panel.retranslate_ui()
        self.merges_panel.retranslate_ui()
        self._retitle_tabs()
        self._show_banners(self.controller.overview)
