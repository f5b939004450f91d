"""The small forms of 签约管理: terminate a contract with a reason (迁出本辖区, a year unreachable,
a year refusing, at the resident's request, death, other with a note) and a date, and
discard a draft with a reason. Each shows the services' refusal on its error line and keeps
what was typed; the contracts page (:mod:`fdclient.ui.pages.contracts`) runs the operation
on ``on_submit`` (OK, Enter or Ctrl+S)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import TerminationReason

__all__ = ["REASONS", "ReasonDialog", "TerminateDialog", "VoidDraftDialog"]

REASONS = {
    TerminationReason.MOVED_OUT: QT_TRANSLATE_NOOP("ContractsPage", "Moved out of the area"),
    TerminationReason.UNREACHABLE: QT_TRANSLATE_NOOP("ContractsPage", "Unreachable for a year"),
    TerminationReason.REFUSED: QT_TRANSLATE_NOOP("ContractsPage", "Refused service for a year"),
    TerminationReason.VOLUNTARY: QT_TRANSLATE_NOOP("ContractsPage", "At the resident's request"),
    TerminationReason.DEATH: QT_TRANSLATE_NOOP("ContractsPage", "Death"),
    TerminationReason.OTHER: QT_TRANSLATE_NOOP("ContractsPage", "Other (explain)"),
}


def _tr(text: object) -> str:
    return QCoreApplication.translate("ContractsPage", str(text))


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setVisible(False)
    return label


class ReasonDialog(QDialog):
    """A small form with an error line; the page runs the operation on ``submitted``."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(480)
        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.on_submit: Callable[[], None] = lambda: None
        self.buttons.accepted.connect(lambda: self.on_submit())
        self.save_shortcut.activated.connect(lambda: self.on_submit())

    def show_error(self, field: str | None, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)

    def has_input(self) -> bool:
        """Whether something was typed that closing would lose."""
        return False


class TerminateDialog(ReasonDialog):
    def __init__(self, contract_no: str, today: QDate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("terminateDialog")
        self.setWindowTitle(
            QCoreApplication.translate("ContractsPage", "Terminate contract {number}").replace("{number}", contract_no)
        )
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        for code, text in REASONS.items():
            self.reason.addItem(_tr(text), code.value)
        self.on_date = QDateEdit(today)
        self.on_date.setObjectName("onDate")
        self.on_date.setCalendarPopup(True)
        self.on_date.setDisplayFormat("yyyy-MM-dd")
        self.on_date.setMaximumDate(today)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setMaxLength(200)
        form = QFormLayout()
        for text, widget in (
            (QCoreApplication.translate("ContractsPage", "&Reason:"), self.reason),
            (QCoreApplication.translate("ContractsPage", "&Date:"), self.on_date),
            (QCoreApplication.translate("ContractsPage", "&Note:"), self.note),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("ContractsPage", "&Terminate")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def chosen_reason(self) -> TerminationReason:
        return TerminationReason(self.reason.currentData())

    def has_input(self) -> bool:
        return bool(self.note.text().strip())


class VoidDraftDialog(ReasonDialog):
    def __init__(self, contract_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voidDraftDialog")
        self.setWindowTitle(
            QCoreApplication.translate("ContractsPage", "Discard draft {number}").replace("{number}", contract_no)
        )
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(200)
        label = QLabel(QCoreApplication.translate("ContractsPage", "&Reason:"))
        label.setBuddy(self.reason)
        form = QFormLayout()
        form.addRow(label, self.reason)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("ContractsPage", "&Discard draft")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def has_input(self) -> bool:
        return bool(self.reason.text().strip())
