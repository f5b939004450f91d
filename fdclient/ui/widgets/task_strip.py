"""The strip under a page that shows the long work under way: what it is doing, a progress
bar (a busy bar while the total is unknown) and 取消 / Cancel (Alt+C, Esc), which asks the
work to stop at its next check; and the line that says how the work ended, beside what it
was for (green when done, red when it failed)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from fdclient.ui.tasks import TaskHandle

__all__ = ["MessageLabel", "TaskStrip", "action_button"]


def action_button(parent: QWidget, name: str, slot: Callable[[], object]) -> QPushButton:
    """A panel's button: named (tests find it), never the dialog default (Enter in a field
    must not press it), calling *slot* when pressed."""
    button = QPushButton(parent)
    button.setObjectName(name)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


class MessageLabel(QLabel):
    """How the last work of a panel ended, in plain words."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, text: str, *, error: bool = False) -> None:
        self.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")
        self.setText(text)
        self.setVisible(bool(text))

    def note(self, text: str) -> None:
        """A remark that is neither success nor failure (what the role may not do)."""
        self.setStyleSheet("color: #5f6368;")
        self.setText(text)
        self.setVisible(bool(text))

    def is_error(self) -> bool:
        return "c62828" in self.styleSheet()

    def clear(self) -> None:
        super().clear()
        self.hide()


class TaskStrip(QWidget):
    #: Work began (the page disables the other actions).
    started = Signal()
    #: The work ended (done, failed or cancelled): the strip hid itself.
    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskStrip")
        self._handle: TaskHandle | None = None
        self._cancellable = False
        self.text_label = QLabel(self)
        self.text_label.setObjectName("taskText")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("taskProgress")
        self.bar.setMinimumWidth(240)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        # Esc stops the work, only while there is work (else it is the window's Esc).
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.parentWidget() or self)
        self._escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._escape.activated.connect(self.cancel)
        self._escape.setEnabled(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.cancel_button.setText(QCoreApplication.translate("ReportsPage", "&Cancel"))
        self.cancel_button.setToolTip(QCoreApplication.translate("ReportsPage", "Stop the work under way (Esc)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- the work ------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return not self.isHidden()

    def start(self, text: str, *, cancellable: bool = True) -> None:
        """Show the strip for work about to start (busy until the first report)."""
        self._handle = None
        self._cancellable = cancellable
        self.text_label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.setVisible(cancellable)
        self._escape.setEnabled(cancellable)
        self.show()
        self.started.emit()

    def attach(self, handle: TaskHandle | None) -> None:
        """The handle of the work started (cancel goes to it)."""
        self._handle = handle if self.is_running() else None

    def report(self, done: int, total: int, text: str = "") -> None:
        if not self.is_running():
            return
        if total <= 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.bar.setFormat(f"{done}/{total}")
        if text:
            self.text_label.setText(text)

    def cancel(self) -> None:
        if self._handle is not None and self._cancellable and self.is_running():
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.text_label.setText(QCoreApplication.translate("ReportsPage", "Stopping…"))

    def stop(self) -> None:
        """The work ended: hide the strip."""
        self._handle = None
        self._escape.setEnabled(False)
        self.hide()
        self.finished.emit()
