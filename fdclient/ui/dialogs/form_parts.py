"""Pieces the registry forms share: the error label beside a field, dates as typed, a combo
of a national code table, the paper form's boxes of a multi-choice answer (with "无" that
excludes the others and an "other" box with its text), a line edit that takes Enter for
itself, and the dialog frame (Save with Enter or Ctrl+S, Cancel with Esc, a failed save
keeps the form)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "ERROR_STYLE",
    "WARNING_STYLE",
    "CodeChecks",
    "CodeCombo",
    "EnterLineEdit",
    "FormDialog",
    "FormTab",
    "error_label",
    "fit_to_screen",
    "form_layout",
    "parse_date",
    "parse_day_or_month",
]

ERROR_STYLE = "color: #b71c1c;"
WARNING_STYLE = "color: #8a4b00; background: #fff3e0; padding: 4px;"
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_date(text: str) -> date | None:
    """``2026-06-01``, ``2026/6/1``, ``20260601`` or ``2026年6月1日``; None when it is none."""
    m = _DATE.match(text)
    if m is None:
        digits = text.strip()
        if len(digits) == 8 and digits.isdigit():
            m = re.match(r"(\d{4})(\d{2})(\d{2})", digits)
        if m is None:
            return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_day_or_month(text: str) -> date | None:
    """A date as :func:`parse_date`, or a month (``2015-03``, ``2015年3月``: the paper form's
    确诊时间 is a year and a month) as its first day."""
    day = parse_date(text)
    if day is not None:
        return day
    m = _MONTH.match(text)
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return None


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    """A form layout with the rows close together (the forms are long: they must fit a
    1366×768 screen)."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(6)
    form.setHorizontalSpacing(10)
    return form


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size ``window`` as asked, but inside the screen's free area (title bar and taskbar
    left out): the forms are used on 1366×768 laptops."""
    screen = window.screen()
    if screen is not None:
        free = screen.availableGeometry()
        width, height = min(width, free.width() - 16), min(height, free.height() - 48)
    window.resize(max(width, window.minimumSizeHint().width()), max(height, window.minimumSizeHint().height()))


def error_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(f"{name}Error")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class EnterLineEdit(QLineEdit):
    """A line edit whose Enter acts on its own row (adds it) instead of saving the dialog."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CodeCombo(QComboBox):
    """A coded answer: “(not filled in)” first, then “code label” for each code of the table."""

    def __init__(self, table: Mapping[str, str], parent: QWidget, *, name: str, blank: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._blank = blank
        if blank:
            self.addItem("", None)
        for code, label in table.items():
            self.addItem(f"{code} {label}", code)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        if self._blank:
            self.setItemText(0, QCoreApplication.translate("ResidentForm", "(not filled in)"))

    def value(self) -> str | None:
        data = self.currentData()
        return None if data is None else str(data)

    def set_value(self, code: str | None) -> None:
        index = self.findData(code) if code is not None else -1
        self.setCurrentIndex(max(index, 0))


class CodeChecks(QWidget):
    """A multi-choice answer as the paper form's boxes, ``columns`` to a row. Ticking
    ``alone`` (无) unticks the others and ticking another unticks it; typing in the text box
    of ``other`` (其他) ticks it."""

    changed = Signal()

    def __init__(
        self,
        table: Mapping[str, str],
        parent: QWidget,
        *,
        name: str,
        columns: int,
        alone: str | None = None,
        other: str | None = None,
        other_length: int = 100,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._alone = alone
        self._other = other
        self._syncing = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        self.checks: dict[str, QCheckBox] = {}
        for index, (code, label) in enumerate(table.items()):
            check = QCheckBox(label, self)
            check.setObjectName(f"{name}_{code}")
            check.toggled.connect(lambda on, c=code: self._toggled(c, on))
            self.checks[code] = check
            grid.addWidget(check, *divmod(index, columns))
        self.other_edit: QLineEdit | None = None
        if other is not None:
            self.other_edit = QLineEdit(self)
            self.other_edit.setObjectName(f"{name}Other")
            self.other_edit.setMaxLength(other_length)
            self.other_edit.setAccessibleName(table[other])
            self.other_edit.textEdited.connect(self._other_typed)
            self.other_edit.textChanged.connect(lambda _: self.changed.emit())
            row, column = divmod(len(table) - 1, columns)
            if column + 1 < columns:
                grid.addWidget(self.other_edit, row, column + 1, 1, columns - column - 1)
            else:
                grid.addWidget(self.other_edit, row + 1, 0, 1, columns)
        for column in range(columns):
            grid.setColumnStretch(column, 1)

    def first(self) -> QWidget:
        """The first box (the buddy of the label)."""
        return next(iter(self.checks.values()))

    def focus_chain(self) -> list[QWidget]:
        widgets: list[QWidget] = list(self.checks.values())
        if self.other_edit is not None:
            widgets.append(self.other_edit)
        return widgets

    def values(self) -> tuple[str, ...]:
        return tuple(code for code, check in self.checks.items() if check.isChecked())

    def set_values(self, codes: Iterable[str], other_text: str | None = None) -> None:
        chosen = set(codes)
        self._syncing = True
        try:
            for code, check in self.checks.items():
                check.setChecked(code in chosen)
            if self.other_edit is not None:
                self.other_edit.setText(other_text or "")
        finally:
            self._syncing = False

    def other_text(self) -> str | None:
        """The text of the "other" box when it is ticked (None otherwise)."""
        if self.other_edit is None or self._other is None or not self.checks[self._other].isChecked():
            return None
        return self.other_edit.text().strip() or None

    def _toggled(self, code: str, on: bool) -> None:
        if on and not self._syncing and self._alone is not None:
            self._syncing = True
            try:
                if code == self._alone:
                    for other, check in self.checks.items():
                        if other != code:
                            check.setChecked(False)
                else:
                    self.checks[self._alone].setChecked(False)
            finally:
                self._syncing = False
        self.changed.emit()

    def _other_typed(self, text: str) -> None:
        if self._other is not None and text.strip():
            self.checks[self._other].setChecked(True)


class FormTab(QWidget):
    """A part of a form: labelled rows with the error beside each field. ``LABELS`` holds the
    label texts by field (marked with ``QT_TRANSLATE_NOOP("ResidentForm", ...)``)."""

    changed = Signal()
    LABELS: Mapping[str, str] = {}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}
        #: The widget to focus for a field's error.
        self.inputs: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.filling = False

    def add_row(
        self,
        form: QFormLayout,
        field: str,
        widget: QWidget,
        *,
        buddy: QWidget | None = None,
        also: Sequence[str] = (),
    ) -> QLabel:
        """A row labelled ``LABELS[field]`` whose error label also shows the errors of the
        fields ``also`` names."""
        label = QLabel(self)
        label.setBuddy(buddy or widget)
        self.labels[field] = label
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        error = error_label(holder, field)
        layout.addWidget(error)
        for name in (field, *also):
            self.errors[name] = error
            self.inputs[name] = buddy or widget
        form.addRow(label, holder)
        return label

    def focus_chain(self) -> list[QWidget]:
        """The fields in the order Tab goes through them."""
        return []

    def retranslate_ui(self) -> None:
        for field, label in self.labels.items():
            text = self.LABELS.get(field)
            if text is not None:
                label.setText(QCoreApplication.translate("ResidentForm", text))

    def touched(self, *_: object) -> None:
        if not self.filling:
            self.changed.emit()

    def show_error(self, field: str | None, message: str) -> bool:
        """Show ``message`` beside ``field``; False when the field is not one of this part."""
        label = self.errors.get(field or "")
        if label is None:
            return False
        label.setStyleSheet(ERROR_STYLE)
        label.setText(message)
        label.setVisible(True)
        return True

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def clear_error(self, field: str) -> None:
        self.errors[field].clear()
        self.errors[field].setVisible(False)


class FormDialog(QDialog):
    """What the registry dialogs share: a general message line, Save (Enter, Ctrl+S) and
    Cancel (Esc); the subclass sets the texts of its own widgets in ``retranslate_ui``."""

    saved = Signal(object)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.message_label = error_label(self, "form")
        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        shortcut.activated.connect(self.save)
        self.saving = False
        self._retranslate_buttons()

    def _retranslate_buttons(self) -> None:
        self.save_button.setText(QCoreApplication.translate("RegistryDialog", "&Save (Ctrl+S)"))
        self.cancel_button.setText(QCoreApplication.translate("RegistryDialog", "Cancel (Esc)"))

    def retranslate_ui(self) -> None:
        """The texts of the dialog's own widgets (the subclass's)."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_buttons()
            self.retranslate_ui()
        super().changeEvent(event)

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def has_unsaved_changes(self) -> bool:
        return False

    def show_general(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.setVisible(True)

    def clear_general(self) -> None:
        self.message_label.clear()
        self.message_label.setVisible(False)

    def finish(self, result: object) -> None:
        self.saving = False
        self.saved.emit(result)
        self.accept()

    def failed_save(self) -> None:
        self.saving = False
