"""The main window: a thin shell around the pages.

It holds the navigation (工作台, 居民档案, 签约管理, 随访服务, 工作清单, 报表导出, 数据同步,
设置; Ctrl+1 … Ctrl+8), the search box every page shares (Ctrl+F from anywhere), the status
bar (who is signed in, today by the store's clock, connectivity and unsynced changes) and
the window's remembered geometry and page. It holds no business logic: the pages do their
work through the operations and the task runner, and are given plain dataclasses.

Before it closes, or moves to another page, it asks the page whether it holds unsaved
input, and the user whether to discard it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from fdclient.ui.pages.base import Page
from fdclient.ui.preferences import LAST_PAGE, WINDOW_GEOMETRY, Preferences
from fdclient.ui.texts import app_title

__all__ = ["MainWindow", "StatusFacts", "app_title"]

#: The smallest screen the window must work on (old village laptops).
SMALLEST_SCREEN = QSize(1366, 768)


@dataclass(frozen=True)
class StatusFacts:
    """What the status bar says about the session."""

    township_name: str
    staff_name: str = ""
    role_label: str = ""
    team_name: str = ""
    today: date | None = None


class MainWindow(QMainWindow):
    #: The search box's text as the user types (the resident search listens).
    search_requested = Signal(str)
    #: The page now shown (its index).
    page_changed = Signal(int)

    def __init__(
        self,
        pages: Sequence[Page],
        status: StatusFacts,
        *,
        preferences: Preferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.pages = list(pages)
        self.status = status
        self.preferences = preferences

        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(150)
        self.navigation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Room around each row (easier to hit, easier to read); no style sheet, which
        # would stop the navigation from following the font size chosen in 设置.
        self.navigation.setSpacing(6)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pages")
        for page in self.pages:
            self.navigation.addItem(QListWidgetItem())
            self.stack.addWidget(page)
            page.navigator = self
        self.navigation.currentRowChanged.connect(self._navigate)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("globalSearch")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(360)
        self.search_box.textEdited.connect(self.search_requested)
        #: The results under the search box (fdclient.ui.widgets.search_popup.install_search_popup).
        self.search_popup: QWidget | None = None

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        toolbar = self.addToolBar("")
        toolbar.setObjectName("searchBar")
        toolbar.setMovable(False)
        self.search_label = QLabel(self)
        self.search_label.setBuddy(self.search_box)
        toolbar.addWidget(self.search_label)
        toolbar.addWidget(self.search_box)
        self.search_bar = toolbar

        self.find_action = QAction(self)
        self.find_action.setObjectName("findAction")
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.find_action.triggered.connect(self.focus_search)
        self.quit_action = QAction(self)
        self.quit_action.setObjectName("quitAction")
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.quit_action.triggered.connect(self.close)
        # Lock now and Sign out: enabled by whoever runs the session (fdclient.app).
        self.lock_action = QAction(self)
        self.lock_action.setObjectName("lockAction")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.setEnabled(False)
        self.sign_out_action = QAction(self)
        self.sign_out_action.setObjectName("signOutAction")
        self.sign_out_action.setEnabled(False)
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.setObjectName("fileMenu")
        self.file_menu.addAction(self.find_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.lock_action)
        self.file_menu.addAction(self.sign_out_action)
        self.file_menu.addAction(self.quit_action)

        self.go_menu = self.menuBar().addMenu("")
        self.go_menu.setObjectName("goMenu")
        self.page_actions: list[QAction] = []
        for index, page in enumerate(self.pages):
            action = QAction(self)
            action.setObjectName(f"go{page.NAME.capitalize()}Action")
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.triggered.connect(lambda _checked=False, i=index: self.show_page(i))
            self.go_menu.addAction(action)
            self.page_actions.append(action)

        self.staff_label = QLabel(self)
        self.staff_label.setObjectName("staffStatus")
        self.today_label = QLabel(self)
        self.today_label.setObjectName("todayStatus")
        self.connectivity_label = QLabel(self)
        self.connectivity_label.setObjectName("connectivityStatus")
        self.unsynced_label = QLabel(self)
        self.unsynced_label.setObjectName("unsyncedStatus")
        for label in (self.staff_label, self.today_label, self.connectivity_label, self.unsynced_label):
            self.statusBar().addPermanentWidget(label)
        # A page may report to the status bar (数据同步: the sync state and the conflicts
        # badge); it then stands in for the connectivity and unsynced-changes placeholders.
        for page in self.pages:
            indicator = getattr(page, "status_widget", lambda: None)()
            if indicator is not None:
                self.connectivity_label.hide()
                self.unsynced_label.hide()
                self.statusBar().addPermanentWidget(indicator)

        self.resize(SMALLEST_SCREEN)
        self._shown = False
        self._restore()
        self.retranslate_ui()

    # --- pages --------------------------------------------------------------------------------

    def current_page(self) -> Page:
        return self.pages[self.stack.currentIndex()]

    def show_page(self, index: int) -> bool:
        """Show page ``index``; False when the user chose to stay (unsaved input)."""
        if not 0 <= index < len(self.pages):
            return False
        if index == self.stack.currentIndex() and self.navigation.currentRow() == index:
            return True
        if not self._may_leave(self.current_page()):
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(self.stack.currentIndex())
            self.navigation.blockSignals(False)
            return False
        self.stack.setCurrentIndex(index)
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow(index)
        self.navigation.blockSignals(False)
        page = self.pages[index]
        page.activated()
        page.focus_first()  # the keys follow the page chosen (Ctrl+N, Ctrl+S … act on it)
        self.page_changed.emit(index)
        return True

    def page_named(self, name: str) -> Page:
        return next(p for p in self.pages if p.NAME == name)

    def show_page_named(self, name: str) -> bool:
        return self.show_page(self.pages.index(self.page_named(name)))

    def open_resident(self, resident_id: uuid.UUID) -> None:
        """Show a resident's record (from the search, a work list, the dashboard …)."""
        page = self.page_named("residents")
        if self.show_page(self.pages.index(page)):
            opener = getattr(page, "open_resident", None)
            if opener is not None:
                opener(resident_id)

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _navigate(self, row: int) -> None:
        self.show_page(row)

    # --- unsaved input --------------------------------------------------------------------------

    def _may_leave(self, page: Page) -> bool:
        if not page.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self,
            app_title(),
            QCoreApplication.translate(
                "MainWindow", "This page has input that is not saved. Leave it and discard the input?"
            ),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return False
        page.discard_changes()
        return True

    def has_unsaved_input(self) -> bool:
        """Whether a page (or a form it opened) holds input that is not saved."""
        return any(page.has_unsaved_changes() for page in self.pages)

    def discard_unsaved_input(self) -> None:
        """Drop every page's unsaved input without asking (signing out from the lock screen,
        after its warning)."""
        for page in self.pages:
            if page.has_unsaved_changes():
                page.discard_changes()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._shown:
            # The page the window opens on is told it is shown, as a page chosen later is.
            self._shown = True
            QTimer.singleShot(0, self, self.current_page().activated)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not all(self._may_leave(page) for page in self.pages):
            event.ignore()
            return
        self._remember()
        event.accept()

    # --- what the window remembers ---------------------------------------------------------------

    def _restore(self) -> None:
        page = 0
        if self.preferences is not None:
            geometry = self.preferences.get(WINDOW_GEOMETRY)
            if geometry:
                self.restoreGeometry(geometry)
            page = min(self.preferences.get(LAST_PAGE), len(self.pages) - 1)
        self.stack.setCurrentIndex(page)
        self.navigation.setCurrentRow(page)

    def _remember(self) -> None:
        if self.preferences is None:
            return
        self.preferences.set(WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.preferences.set(LAST_PAGE, self.stack.currentIndex())
        self.preferences.sync()

    # --- texts ----------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every user-visible text in the current language."""
        self.setWindowTitle(f"{self.status.township_name} — {app_title()}")
        for index, page in enumerate(self.pages):
            title = page.title()
            self.navigation.item(index).setText(title)
            shortcut = self.page_actions[index].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            self.navigation.item(index).setToolTip(f"{title} ({shortcut})")
            self.page_actions[index].setText(title)
        self.file_menu.setTitle(QCoreApplication.translate("MainWindow", "&File"))
        self.go_menu.setTitle(QCoreApplication.translate("MainWindow", "&Go"))
        self.find_action.setText(QCoreApplication.translate("MainWindow", "&Find a resident"))
        self.quit_action.setText(QCoreApplication.translate("MainWindow", "&Quit"))
        self.lock_action.setText(QCoreApplication.translate("MainWindow", "&Lock now"))
        self.sign_out_action.setText(QCoreApplication.translate("MainWindow", "Sign &out"))
        # Ctrl+F, not a mnemonic: Alt+S is the pages' Save and Sign.
        self.search_label.setText(QCoreApplication.translate("MainWindow", "Search (Ctrl+F):") + " ")
        self.search_box.setPlaceholderText(
            QCoreApplication.translate(
                "MainWindow", "Name, pinyin, initials, ID number, phone or record number (Ctrl+F)"
            )
        )
        s = self.status
        who = " · ".join(part for part in (s.staff_name, s.role_label, s.team_name) if part)
        self.staff_label.setText(who)
        self.today_label.setText(
            QCoreApplication.translate("MainWindow", "Today: {date}").format(date=s.today.isoformat())
            if s.today is not None
            else ""
        )
        self.connectivity_label.setText(QCoreApplication.translate("MainWindow", "Offline"))
        self.unsynced_label.setText(QCoreApplication.translate("MainWindow", "Unsynced changes: —"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
