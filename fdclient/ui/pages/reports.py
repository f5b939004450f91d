"""报表导出 / Reports: paper and Excel.

* 打印 (:mod:`fdclient.ui.widgets.print_panel`): contract forms and contact cards of a village
  or one contract, the walking list of a village for a day; preview, print, save as PDF.
* 导出花名册 (:mod:`fdclient.ui.widgets.roster_export_panel`): the roster as an encrypted
  Excel workbook.
* 导入花名册 (:mod:`fdclient.ui.widgets.roster_import_panel`): a township's roster, with a
  preview of what it will do before anything is written.

One piece of work runs at a time, off the GUI thread, shown in the strip at the bottom with
its progress and 取消 (Alt+C, Esc); the other actions wait meanwhile. Each panel is enabled
only for the roles that may do it (打印 PRINT, 导出 EXPORT, 导入 IMPORT_ROSTERS) and says so
otherwise. The villages are read each time the page is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from fdclient.domain.roles import Permission
from fdclient.services.registry.village_lists import VillageChoice
from fdclient.ui.operations import registry
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.print_panel import PrintPanel
from fdclient.ui.widgets.roster_export_panel import ExportPanel
from fdclient.ui.widgets.roster_import_panel import ImportPanel
from fdclient.ui.widgets.task_strip import TaskStrip

__all__ = ["ReportsPage"]


class ReportsPage(Page):
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Reports"))
    NAME = "reports"

    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._villages: list[VillageChoice] | None = None
        self._loading = False

        self.strip = TaskStrip(self)
        self.print_panel = PrintPanel(session, self.strip, self)
        self.export_panel = ExportPanel(session, self.strip, self)
        self.import_panel = ImportPanel(session, self.strip, self)
        self.strip.started.connect(lambda: self._set_busy(True))
        self.strip.finished.connect(lambda: self._set_busy(False))

        # The panels scroll in a small window (the strip stays in view).
        content = QWidget(self)
        content.setObjectName("reportsContent")
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.print_panel, 1)
        top.addWidget(self.export_panel, 1)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(16, 12, 16, 4)
        inner.setSpacing(10)
        inner.addLayout(top)
        inner.addWidget(self.import_panel, 1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("reportsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(4)
        layout.addWidget(self.scroll_area, 1)
        strip_row = QHBoxLayout()
        strip_row.setContentsMargins(16, 0, 16, 0)
        strip_row.addWidget(self.strip)
        layout.addLayout(strip_row)

        self.setTabOrder(self.print_panel.save_button, self.export_panel.village_box)
        self.setTabOrder(self.export_panel.export_button, self.import_panel.open_button)
        self.setTabOrder(self.import_panel.discard_button, self.strip.cancel_button)

    def _set_busy(self, busy: bool) -> None:
        for panel in (self.print_panel, self.export_panel, self.import_panel):
            panel.setEnabled(panel.allowed and not busy)

    def is_busy(self) -> bool:
        return self.session is not None and (self._loading or self.strip.is_running())

    def activated(self) -> None:
        session = self.session
        # Read each time the page is shown: an import may have added villages.
        if session is None or self._loading:
            return
        if not (
            session.may(Permission.VIEW_RECORDS) and (session.may(Permission.PRINT) or session.may(Permission.EXPORT))
        ):
            return
        self._loading = True
        registry.load_villages(session, self._villages_loaded, self._villages_failed, owner=self)

    def _villages_loaded(self, villages: list[VillageChoice]) -> None:
        self._loading = False
        self._villages = villages
        self.print_panel.set_villages(villages)
        self.export_panel.set_villages(villages)

    def _villages_failed(self, error: BaseException) -> None:
        from fdclient.ui.dialogs.pdf_preview import failure_text

        self._loading = False
        self.print_panel.message.say(failure_text(error), error=True)

    def retranslate_ui(self) -> None:
        self.print_panel.retranslate_ui()
        self.export_panel.retranslate_ui()
        self.import_panel.retranslate_ui()
        self.strip.retranslate_ui()
