"""What the lock screen asks: the signed-in account's password.

A panel (not a window of its own): :mod:`fdclient.ui.lock` shows it in the middle of the
screen that covers the window, so the forms behind stay exactly as they were. The check is
the caller's: :attr:`UnlockPanel.submitted` carries the password, and the caller answers
with :meth:`UnlockPanel.refuse` (the message stays beside the field) or hides the lock.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["UnlockPanel"]


class UnlockPanel(QFrame):
    #: The password typed (Enter or the Unlock button).
    submitted = Signal(str)

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setMinimumWidth(420)
        self.setMaximumWidth(520)
        self._who = who

        self.heading = QLabel(self)
        self.heading.setObjectName("lockHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("lockExplanation")
        self.explanation.setWordWrap(True)
        self.password = QLineEdit(self)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._submit)
        self.password_label = QLabel(self)
        self.password_label.setBuddy(self.password)
        self.error = QLabel(self)
        self.error.setObjectName("unlockError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)

        form = QFormLayout()
        form.addRow(self.password_label, self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.heading.setText(QCoreApplication.translate("UnlockPanel", "The screen is locked"))
        self.explanation.setText(
            QCoreApplication.translate(
                "UnlockPanel", "{who} is signed in. Enter the password to continue where you left off."
            ).format(who=self._who)
        )
        self.password_label.setText(QCoreApplication.translate("UnlockPanel", "&Password:"))
        self.unlock_button.setText(QCoreApplication.translate("UnlockPanel", "&Unlock"))
        self.unlock_button.setToolTip(QCoreApplication.translate("UnlockPanel", "Unlock (Enter)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def focus_password(self) -> None:
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        """While the password is being checked, a second Enter does nothing."""
        self.unlock_button.setEnabled(not busy)
        self.password.setReadOnly(busy)

    def refuse(self, message: str) -> None:
        """Show why the password was refused; the field is cleared for another try."""
        self.set_busy(False)
        self.error.setText(message)
        self.error.setVisible(True)
        self.password.clear()
        self.focus_password()

    def _submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        if not self.password.text():
            self.refuse(QCoreApplication.translate("UnlockPanel", "Enter the password."))
            return
        self.set_busy(True)
        self.submitted.emit(self.password.text())
