"""Voiding a saved visit or service record: the reason, asked in a small window.

A record is medical documentation: voiding keeps it (in the history, marked voided with who,
when and why) and reopens the planned service it fulfilled. The dialog only asks; the page
runs the use case on ``submitted`` and answers with :meth:`VoidVisitDialog.refuse` (the
message stays beside the reason) or closes it. Enter or Ctrl+S voids, Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fdclient.services.voiding import MAX_REASON

__all__ = ["VoidVisitDialog"]


class VoidVisitDialog(QDialog):
    #: The reason typed (the OK button, Enter or Ctrl+S).
    submitted = Signal(str)

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        """``what``: the record, as the list shows it (“高血压 2026-05-18”)."""
        super().__init__(parent)
        self.setObjectName("voidVisitDialog")
        self.setModal(True)
        self.setMinimumWidth(480)
        self._what = what
        self.explanation = QLabel(self)
        self.explanation.setObjectName("voidExplanation")
        self.explanation.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("voidReason")
        self.reason.setMaxLength(MAX_REASON)
        self.reason_label = QLabel(self)
        self.reason_label.setBuddy(self.reason)
        self.error = QLabel(self)
        self.error.setObjectName("voidError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.void_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.void_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(self.submit)
        form = QFormLayout()
        form.addRow(self.reason_label, self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.textEdited.connect(lambda _t: self.error.setVisible(False))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("VoidVisitDialog", "Void the record"))
        self.explanation.setText(
            QCoreApplication.translate(
                "VoidVisitDialog",
                "Void {record}? The record stays in the history, marked voided with your name and "
                "the reason; a planned service it fulfilled is open again.",
            ).format(record=self._what)
        )
        self.reason_label.setText(QCoreApplication.translate("VoidVisitDialog", "&Reason for voiding"))
        self.reason.setPlaceholderText(
            QCoreApplication.translate("VoidVisitDialog", "For example: recorded for the wrong resident")
        )
        self.void_button.setText(QCoreApplication.translate("VoidVisitDialog", "&Void the record"))
        self.void_button.setToolTip(QCoreApplication.translate("VoidVisitDialog", "Void (Enter or Ctrl+S)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def submit(self) -> None:
        self.submitted.emit(self.reason.text())

    def refuse(self, message: str) -> None:
        """Keep the dialog open with ``message`` under the reason."""
        self.error.setText(message)
        self.error.setVisible(True)
        self.reason.setFocus()
