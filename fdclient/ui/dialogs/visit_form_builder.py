"""Building a visit form's widgets from the tables of :mod:`fdclient.ui.dialogs.visit_layouts`:
a group box per section, a grid row per row (label, one or two editors, unit) with a message
line under it, the ticked code lists and the medicines table.

Every text shown is kept with the way to show it again (:attr:`FormParts.relabels`), so the
form relabels itself when the language changes; combo boxes are relabelled item by item, so
their choice stays, and no editor is rebuilt, so what was typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from fdclient.domain.codes import VisitKind
from fdclient.text import Text
from fdclient.ui.dialogs.visit_layouts import (
    LAYOUTS,
    Choices,
    Codes,
    Field,
    Medicines,
    Row,
    Section,
    form_text,
    text_field,
)
from fdclient.ui.texts import code_text

__all__ = ["FormParts", "build_form"]

_MEDICINE_ROW = ("name", "times_per_day", "dose")
_ERROR_STYLE = "color: #b00020;"


@dataclass
class FormParts:
    """The widgets of one form, by field name."""

    editors: dict[str, QWidget] = field(default_factory=dict)
    #: Shown, not typed (the visiting doctor).
    displays: dict[str, QLabel] = field(default_factory=dict)
    checks: dict[str, dict[str, QCheckBox]] = field(default_factory=dict)
    medicine_edits: list[tuple[QLineEdit, QLineEdit, QLineEdit]] = field(default_factory=list)
    #: The message line of each field (shared by the fields of a row).
    error_labels: dict[str, QLabel] = field(default_factory=dict)
    sections: list[QGroupBox] = field(default_factory=list)
    bmi_label: QLabel | None = None
    #: Set every text again in the current language.
    relabels: list[Callable[[], None]] = field(default_factory=list)


def _item_text(code: str, label: Text) -> str:
    """A code as listed: its number and label (a named code: its label only)."""
    text = code_text(label)
    return f"{code} {text}" if code.isdigit() else text


class _Builder:
    def __init__(
        self,
        kind: VisitKind,
        edited: Callable[[str], None],
        chosen: Callable[[str], None],
        program_changed: Callable[[], None],
    ) -> None:
        self.kind = kind
        self.parts = FormParts()
        self._edited = edited
        self._chosen = chosen
        self._program_changed = program_changed

    def keep(self, setter: Callable[[str], None], text: Callable[[], str]) -> None:
        """Show ``text()`` with ``setter`` now and on every language change."""
        setter(text())
        self.parts.relabels.append(lambda: setter(text()))

    def label(self, parent: QWidget, source: str) -> QLabel:
        """A label of the layout tables (translated in the "VisitForms" context)."""
        label = QLabel(parent)
        self.keep(label.setText, lambda: form_text(source))
        return label

    def section(self, owner: QWidget, section: Section) -> QGroupBox:
        box = QGroupBox(owner)
        self.keep(box.setTitle, lambda: form_text(section.title))
        self.parts.sections.append(box)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(5, 1)
        line = 0
        heads_due = section.targets
        for item in section.items:
            if heads_due and isinstance(item, Row) and len(item.fields) == 2 and item.pair == "target":
                heads_due = False
                this_visit, target = QLabel(box), QLabel(box)
                self.keep(this_visit.setText, lambda: QCoreApplication.translate("VisitForms", "This visit"))
                self.keep(target.setText, lambda: QCoreApplication.translate("VisitForms", "Target"))
                for column, head in ((1, this_visit), (3, target)):
                    head.setStyleSheet("color: palette(mid);")
                    grid.addWidget(head, line, column)
                line += 1
            if isinstance(item, Row):
                line = self.row(grid, box, item, line)
            elif isinstance(item, Choices):
                line = self.choices(grid, box, item, line)
            else:
                line = self.medicines(grid, box, item, line)
        return box

    def error_label(self, parent: QWidget, names: list[str]) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(f"error_{names[0]}")
        label.setWordWrap(True)
        label.setStyleSheet(_ERROR_STYLE)
        label.hide()
        for name in names:
            self.parts.error_labels[name] = label
        return label

    def row(self, grid: QGridLayout, box: QWidget, row: Row, line: int) -> int:
        label = self.label(box, row.label)
        grid.addWidget(label, line, 0)
        editors = [self.editor(box, f) for f in row.fields]
        label.setBuddy(editors[0])
        if len(editors) == 1 and row.fields[0].width == 0:
            grid.addWidget(editors[0], line, 1, 1, 5)
        else:
            grid.addWidget(editors[0], line, 1)
            if len(editors) == 2:
                grid.addWidget(QLabel("/" if row.pair == "slash" else "→", box), line, 2, Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(editors[1], line, 3)
            if row.unit:
                grid.addWidget(self.label(box, row.unit), line, 4)
        if row.fields[0].name == "height_cm" and self.kind in (VisitKind.HYPERTENSION, VisitKind.DIABETES):
            self.parts.bmi_label = QLabel(box)
            self.parts.bmi_label.setObjectName("bmiLabel")
            grid.addWidget(self.parts.bmi_label, line, 5)
        grid.addWidget(self.error_label(box, [f.name for f in row.fields]), line + 1, 1, 1, 5)
        return line + 2

    def editor(self, parent: QWidget, spec: Field) -> QWidget:
        editor: QWidget
        if spec.kind == "display":
            editor = QLabel(parent)
            editor.setObjectName(spec.name)
            self.parts.displays[spec.name] = editor
            return editor
        if spec.kind in ("date", "optional_date"):
            edit = QDateEdit(parent)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumWidth(spec.width)
            if spec.kind == "optional_date":
                edit.setMinimumDate(QDate(1900, 1, 1))
                edit.setSpecialValueText(" ")
            edit.dateChanged.connect(lambda _d, name=spec.name: self._edited(name))
            editor = edit
        elif spec.kind == "code":
            editor = self.combo(parent, spec.name, spec.codes)
        else:
            line = QLineEdit(parent)
            if spec.width:
                line.setFixedWidth(spec.width)
            line.textEdited.connect(lambda _t, name=spec.name: self._edited(name))
            line.textChanged.connect(lambda _t: self._program_changed())
            editor = line
        editor.setObjectName(spec.name)
        self.parts.editors[spec.name] = editor
        return editor

    def combo(self, parent: QWidget, name: str, codes: Codes) -> QComboBox:
        combo = QComboBox(parent)
        combo.setMaximumWidth(280)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # as wide as in either language
        combo.addItem("", None)
        for code, _label in codes:
            combo.addItem("", code)

        def relabel() -> None:  # item by item: the choice stays
            for index, (code, label) in enumerate(codes, 1):
                combo.setItemText(index, _item_text(code, label))

        relabel()
        self.parts.relabels.append(relabel)
        combo.currentIndexChanged.connect(lambda _i: self._chosen(name))
        return combo

    def choices(self, grid: QGridLayout, box: QWidget, item: Choices, line: int) -> int:
        holder = QWidget(box)
        inner = QGridLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setVerticalSpacing(2)
        boxes: dict[str, QCheckBox] = {}
        for index, (code, label) in enumerate(item.codes):
            check = QCheckBox(holder)
            self.keep(check.setText, partial(_item_text, code, label))
            check.setObjectName(f"{item.name}_{code}")
            check.toggled.connect(lambda _on, name=item.name: self._edited(name))
            boxes[code] = check
            inner.addWidget(check, index // item.columns, index % item.columns)
        self.parts.checks[item.name] = boxes
        grid.addWidget(holder, line, 0, 1, 6)
        names = [item.name]
        line += 1
        if item.other:
            other_label = QLabel(box)
            self.keep(other_label.setText, lambda: QCoreApplication.translate("VisitForms", "Other:"))
            grid.addWidget(other_label, line, 0)
            other = self.editor(box, text_field(item.other))
            other_label.setBuddy(other)
            grid.addWidget(other, line, 1, 1, 5)
            names.append(item.other)
            line += 1
        grid.addWidget(self.error_label(box, names), line, 0, 1, 6)
        return line + 1

    def medicines(self, grid: QGridLayout, box: QWidget, item: Medicines, line: int) -> int:
        heads = (QLabel(box), QLabel(box), QLabel(box))
        self.keep(heads[0].setText, lambda: QCoreApplication.translate("VisitForms", "Medicine"))
        self.keep(heads[1].setText, lambda: QCoreApplication.translate("VisitForms", "Times a day"))
        self.keep(heads[2].setText, lambda: QCoreApplication.translate("VisitForms", "Dose each time"))
        for column, head in zip((0, 1, 3), heads, strict=True):
            grid.addWidget(head, line, column)
        line += 1
        for index in range(item.rows):
            edits = []
            for part in _MEDICINE_ROW:
                edit = QLineEdit(box)
                edit.setObjectName(f"medicine_{index}_{part}")
                edit.textEdited.connect(lambda _t: self._edited("medications"))
                edits.append(edit)
            edits[1].setFixedWidth(72)
            grid.addWidget(edits[0], line, 0)
            grid.addWidget(edits[1], line, 1)
            grid.addWidget(edits[2], line, 3, 1, 3)
            self.parts.medicine_edits.append((edits[0], edits[1], edits[2]))
            line += 1
        grid.addWidget(self.error_label(box, ["medications"]), line, 0, 1, 6)
        return line + 1


def build_form(
    kind: VisitKind,
    owner: QWidget,
    *,
    edited: Callable[[str], None],
    chosen: Callable[[str], None],
    program_changed: Callable[[], None],
) -> FormParts:
    """The sections of the form of ``kind`` as group boxes of ``owner`` (not yet laid out:
    ``parts.sections``). ``edited(name)`` is called on every edit of a field, ``chosen(name)``
    when a single-choice code is chosen, ``program_changed()`` when a text changes by
    program too (to update the BMI)."""
    builder = _Builder(kind, edited, chosen, program_changed)
    for section in LAYOUTS[kind]:
        builder.section(owner, section)
    return builder.parts
