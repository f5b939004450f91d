"""The visit forms as on paper (DOMAIN.md §5): the hypertension and type 2 diabetes follow-up
tables with every field, the elderly annual check, the home visit and the generic service
record.

A form is built from the tables of :mod:`fdclient.ui.dialogs.visit_layouts` (sections and
rows), with a message line under each row where an error about one of its fields is shown. The fields are those of the form
dataclasses of :mod:`fdclient.services.visits.forms`; :meth:`VisitForm.value` builds one
(a number that is not a number is refused here, beside its field; ranges and codes are
checked by the service), :meth:`VisitForm.load` shows a stored one (to correct it).
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import fields
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.errors import ValidationError
from fdclient.services.visits.forms import (
    FORM_OF_KIND,
    MedicationInput,
    ServiceRecordInput,
    VisitInput,
)
from fdclient.text import plain
from fdclient.ui.dialogs.visit_layouts import (
    LAYOUTS,
    Choices,
    Field,
    Medicines,
    Row,
    Section,
    code_text,
    form_text,
    text_field,
)

__all__ = ["VisitForm"]


_MEDICINE_ROW = ("name", "times_per_day", "dose")
_ERROR_STYLE = "color: #b00020;"
_DANGER_STYLE = "QLineEdit { background: #ffd6d6; border: 2px solid #b00020; }"


# --- the form widget ----------------------------------------------------------------------


class VisitForm(QWidget):
    """One visit form of ``kind``; ``changed`` is emitted on every edit by the user."""

    changed = Signal()
    #: A single-choice code or the service kind was chosen (field name).
    choice_changed = Signal(str)

    def __init__(self, kind: VisitKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"visitForm_{kind.value}")
        self.form_class = FORM_OF_KIND[kind]
        self._names = {f.name for f in fields(self.form_class)}
        self.editors: dict[str, QWidget] = {}
        #: Shown, not typed (the visiting doctor).
        self.displays: dict[str, QLabel] = {}
        self.checks: dict[str, dict[str, QCheckBox]] = {}
        self.medicine_edits: list[tuple[QLineEdit, QLineEdit, QLineEdit]] = []
        #: The message line of each field (shared by the fields of a row).
        self.error_labels: dict[str, QLabel] = {}
        self._dirty = False
        self._loading = False
        #: The user set the next visit date: proposals no longer replace it.
        self.next_visit_touched = False
        self.bmi_label: QLabel | None = None
        #: The field whose message is shown (the last one marked).
        self.error_field: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.sections: list[QGroupBox] = []
        for section in LAYOUTS[kind]:
            layout.addWidget(self._section(section))
        layout.addStretch(1)
        self.reset()

    # --- building ------------------------------------------------------------------------

    def _section(self, section: Section) -> QGroupBox:
        box = QGroupBox(form_text(section.title), self)
        self.sections.append(box)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(5, 1)
        line = 0
        heads_due = section.targets
        for item in section.items:
            if heads_due and isinstance(item, Row) and len(item.fields) == 2 and item.pair == "target":
                heads_due = False
                for column, head in (
                    (1, QCoreApplication.translate("VisitForms", "This visit")),
                    (3, QCoreApplication.translate("VisitForms", "Target")),
                ):
                    label = QLabel(head, box)
                    label.setStyleSheet("color: palette(mid);")
                    grid.addWidget(label, line, column)
                line += 1
            if isinstance(item, Row):
                line = self._add_row(grid, box, item, line)
            elif isinstance(item, Choices):
                line = self._add_choices(grid, box, item, line)
            else:
                line = self._add_medicines(grid, box, item, line)
        return box

    def _error_label(self, parent: QWidget, names: list[str]) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(f"error_{names[0]}")
        label.setWordWrap(True)
        label.setStyleSheet(_ERROR_STYLE)
        label.hide()
        for name in names:
            self.error_labels[name] = label
        return label

    def _add_row(self, grid: QGridLayout, box: QWidget, row: Row, line: int) -> int:
        label = QLabel(form_text(row.label), box)
        grid.addWidget(label, line, 0)
        editors = [self._editor(box, f) for f in row.fields]
        label.setBuddy(editors[0])
        if len(editors) == 1 and row.fields[0].width == 0:
            grid.addWidget(editors[0], line, 1, 1, 5)
        else:
            grid.addWidget(editors[0], line, 1)
            if len(editors) == 2:
                grid.addWidget(QLabel("/" if row.pair == "slash" else "→", box), line, 2, Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(editors[1], line, 3)
            if row.unit:
                unit = QLabel(form_text(row.unit), box)
                grid.addWidget(unit, line, 4)
        if row.fields[0].name == "height_cm" and self.kind in (VisitKind.HYPERTENSION, VisitKind.DIABETES):
            self.bmi_label = QLabel(box)
            self.bmi_label.setObjectName("bmiLabel")
            grid.addWidget(self.bmi_label, line, 5)
        grid.addWidget(self._error_label(box, [f.name for f in row.fields]), line + 1, 1, 1, 5)
        return line + 2

    def _editor(self, parent: QWidget, spec: Field) -> QWidget:
        editor: QWidget
        if spec.kind == "display":
            editor = QLabel(parent)
            editor.setObjectName(spec.name)
            self.displays[spec.name] = editor
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
            combo = QComboBox(parent)
            combo.setMaximumWidth(280)
            combo.addItem("", None)
            for code, label in spec.codes:
                combo.addItem(f"{code} {code_text(label)}" if code.isdigit() else code_text(label), code)
            combo.currentIndexChanged.connect(lambda _i, name=spec.name: self._chosen(name))
            editor = combo
        else:
            line = QLineEdit(parent)
            if spec.width:
                line.setFixedWidth(spec.width)
            line.textEdited.connect(lambda _t, name=spec.name: self._edited(name))
            line.textChanged.connect(lambda _t: self._changed_by_program())
            editor = line
        editor.setObjectName(spec.name)
        self.editors[spec.name] = editor
        return editor

    def _add_choices(self, grid: QGridLayout, box: QWidget, item: Choices, line: int) -> int:
        holder = QWidget(box)
        inner = QGridLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setVerticalSpacing(2)
        boxes: dict[str, QCheckBox] = {}
        for index, (code, label) in enumerate(item.codes):
            check = QCheckBox(f"{code} {code_text(label)}", holder)
            check.setObjectName(f"{item.name}_{code}")
            check.toggled.connect(lambda _on, name=item.name: self._edited(name))
            boxes[code] = check
            inner.addWidget(check, index // item.columns, index % item.columns)
        self.checks[item.name] = boxes
        grid.addWidget(holder, line, 0, 1, 6)
        names = [item.name]
        line += 1
        if item.other:
            other_label = QLabel(QCoreApplication.translate("VisitForms", "Other:"), box)
            grid.addWidget(other_label, line, 0)
            other = self._editor(box, text_field(item.other))
            other_label.setBuddy(other)
            grid.addWidget(other, line, 1, 1, 5)
            names.append(item.other)
            line += 1
        grid.addWidget(self._error_label(box, names), line, 0, 1, 6)
        return line + 1

    def _add_medicines(self, grid: QGridLayout, box: QWidget, item: Medicines, line: int) -> int:
        for column, head in (
            (0, QCoreApplication.translate("VisitForms", "Medicine")),
            (1, QCoreApplication.translate("VisitForms", "Times a day")),
            (3, QCoreApplication.translate("VisitForms", "Dose each time")),
        ):
            grid.addWidget(QLabel(head, box), line, column)
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
            self.medicine_edits.append((edits[0], edits[1], edits[2]))
            line += 1
        grid.addWidget(self._error_label(box, ["medications"]), line, 0, 1, 6)
        return line + 1

    # --- state ---------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        if self._loading:
            return
        if name == "next_visit_date":
            self.next_visit_touched = True
        self._dirty = True
        self.clear_error(name)
        self.changed.emit()

    def _chosen(self, name: str) -> None:
        self._edited(name)
        if not self._loading:
            self.choice_changed.emit(name)

    def _changed_by_program(self) -> None:
        self._update_bmi()

    def set_doctor(self, name: str) -> None:
        """The visiting doctor (the signed-in staff member) shown on the form."""
        label = self.displays.get("doctor")
        if label is not None:
            label.setText(name)

    def is_dirty(self) -> bool:
        return self._dirty

    def mark_clean(self) -> None:
        self._dirty = False

    def first_editor(self) -> QWidget:
        return self.editors["visit_date"]

    def reset(self, today: date | None = None) -> None:
        """Empty the form (visit date ``today``, mode 2 home)."""
        self._loading = True
        try:
            for name, editor in self.editors.items():
                if isinstance(editor, QLineEdit):
                    editor.clear()
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData("2")) if name == "mode" else 0)
                elif isinstance(editor, QDateEdit):
                    editor.setDate(_qdate(today) if name == "visit_date" and today else editor.minimumDate())
            for boxes in self.checks.values():
                for check in boxes.values():
                    check.setChecked(False)
            for row in self.medicine_edits:
                for edit in row:
                    edit.clear()
        finally:
            self._loading = False
        self.next_visit_touched = False
        self._dirty = False
        self.clear_errors()
        self._update_bmi()

    def set_today(self, today: date) -> None:
        """The visit date may not be after ``today``; an empty form starts on it."""
        edit = self.editors["visit_date"]
        assert isinstance(edit, QDateEdit)
        edit.setMaximumDate(_qdate(today))
        self._loading = True
        try:
            edit.setDate(_qdate(today))
        finally:
            self._loading = False

    def propose_next_visit(self, day: date | None) -> None:
        """Show the rules' next visit date unless the user chose one."""
        edit = self.editors.get("next_visit_date")
        if not isinstance(edit, QDateEdit) or self.next_visit_touched:
            return
        self._loading = True
        try:
            edit.setDate(_qdate(day) if day is not None else edit.minimumDate())
        finally:
            self._loading = False

    def mark_danger(self, names: tuple[str, ...], danger: bool) -> None:
        for name in names:
            editor = self.editors.get(name)
            if editor is not None:
                editor.setStyleSheet(_DANGER_STYLE if danger else "")

    # --- errors --------------------------------------------------------------------------

    def set_error(self, name: str, message: str) -> bool:
        """Show ``message`` under the field ``name`` and put the cursor there; False when
        the form has no such field."""
        label = self.error_labels.get(name)
        if label is None:
            return False
        self.error_field = name
        label.setText(message)
        label.show()
        target = self.editors.get(name)
        if target is None and name in self.checks:
            target = next(iter(self.checks[name].values()))
        if target is None and name == "medications" and self.medicine_edits:
            target = self.medicine_edits[0][0]
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def error_text(self, name: str) -> str:
        label = self.error_labels.get(name)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_error(self, name: str) -> None:
        label = self.error_labels.get(name)
        if label is not None:
            label.hide()
            label.clear()

    def clear_errors(self) -> None:
        self.error_field = None
        for label in set(self.error_labels.values()):
            label.hide()
            label.clear()

    # --- values --------------------------------------------------------------------------

    def text(self, name: str) -> str:
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def set_text(self, name: str, text: str) -> None:
        """Type ``text`` into the field ``name`` (as the user would: marks the form edited)."""
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        editor.setText(text)
        self._edited(name)

    def choose(self, name: str, code: str | None) -> None:
        editor = self.editors[name]
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(code)))

    def code(self, name: str) -> str | None:
        editor = self.editors[name]
        assert isinstance(editor, QComboBox)
        data = editor.currentData()
        return str(data) if data else None

    def date_of(self, name: str) -> date | None:
        editor = self.editors[name]
        assert isinstance(editor, QDateEdit)
        if editor.date() == editor.minimumDate() and editor.specialValueText():
            return None
        return _pydate(editor.date())

    def _number(self, name: str, whole: bool, strict: bool) -> int | float | None:
        text = unicodedata.normalize("NFKC", self.text(name)).strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            if not strict:
                return None
            raise ValidationError(
                plain(QCoreApplication.translate("VisitForms", "Enter a number here.")), field=name
            ) from None
        if whole and number == int(number):
            return int(number)
        return number

    def value(self, resident_id: uuid.UUID, doctor_id: uuid.UUID, *, strict: bool = True) -> VisitInput:
        """The form's dataclass. ``strict``: a field that is not a number is refused
        (ValidationError naming it); otherwise it is left out (for a preview while typing)."""
        values: dict[str, Any] = {"resident_id": resident_id, "doctor_id": doctor_id}
        specs = {
            f.name: f
            for section in LAYOUTS[self.kind]
            for item in section.items
            if isinstance(item, Row)
            for f in item.fields
        }
        for name, spec in specs.items():
            if spec.kind == "int":
                values[name] = self._number(name, True, strict)
            elif spec.kind == "float":
                values[name] = self._number(name, False, strict)
            elif spec.kind == "text":
                values[name] = self.text(name).strip() or None
            elif spec.kind == "code":
                values[name] = self.code(name)
            elif spec.kind != "display":
                values[name] = self.date_of(name)
        for name, boxes in self.checks.items():
            values[name] = tuple(code for code, check in boxes.items() if check.isChecked())
        if "symptom_other" in self._names:
            values["symptom_other"] = self.text("symptom_other").strip() or None
        if self.medicine_edits:
            values["medications"] = self._medicines(strict)
        if self.kind in (VisitKind.HYPERTENSION, VisitKind.DIABETES) and not self.next_visit_touched:
            values["next_visit_date"] = None  # the rules' date
        if self.form_class is ServiceRecordInput:
            code = values.get("service_kind")
            if code is None:
                raise ValidationError(
                    plain(QCoreApplication.translate("VisitForms", "Choose the service.")), field="service_kind"
                )
            values["service_kind"] = ServiceKind(code)
        if values.get("mode") is None:
            values["mode"] = "2"
        if values.get("visit_date") is None:  # pragma: no cover - a required date edit is never empty
            raise ValidationError(
                plain(QCoreApplication.translate("VisitForms", "Enter the visit date.")), field="visit_date"
            )
        return self.form_class(**{k: v for k, v in values.items() if k in self._names})

    def _medicines(self, strict: bool) -> tuple[MedicationInput, ...]:
        found = []
        for name_edit, times_edit, dose_edit in self.medicine_edits:
            name, times, dose = (e.text().strip() for e in (name_edit, times_edit, dose_edit))
            if not (name or times or dose):
                continue
            count: int | None = None
            if times:
                text = unicodedata.normalize("NFKC", times)
                if text.isdigit():
                    count = int(text)
                elif strict:
                    raise ValidationError(
                        plain(QCoreApplication.translate("VisitForms", "Times a day must be a whole number.")),
                        field="medications",
                    )
            found.append(MedicationInput(name, count, dose or None))
        return tuple(found)

    def load(self, form: VisitInput) -> None:
        """Show a stored form (to correct it); the form is then unchanged."""
        self._loading = True
        try:
            for name, editor in self.editors.items():
                value = getattr(form, name, None)
                if isinstance(editor, QLineEdit):
                    editor.setText("" if value is None else f"{value:g}" if isinstance(value, float) else str(value))
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(None if value is None else str(value))))
                elif isinstance(editor, QDateEdit):
                    editor.setDate(_qdate(value) if value is not None else editor.minimumDate())
            for name, boxes in self.checks.items():
                chosen = set(getattr(form, name, ()))
                for code, check in boxes.items():
                    check.setChecked(code in chosen)
            medicines: tuple[MedicationInput, ...] = getattr(form, "medications", ())
            for index, row in enumerate(self.medicine_edits):
                med = medicines[index] if index < len(medicines) else None
                row[0].setText(med.name if med else "")
                row[1].setText(str(med.times_per_day) if med and med.times_per_day is not None else "")
                row[2].setText(med.dose or "" if med else "")
        finally:
            self._loading = False
        self.next_visit_touched = getattr(form, "next_visit_date", None) is not None
        self._dirty = False
        self.clear_errors()
        self._update_bmi()

    def _update_bmi(self) -> None:
        if self.bmi_label is None:
            return
        weight = self._number("weight_kg", False, False)
        height = self._number("height_cm", False, False)
        if weight and height and 30 <= height <= 250 and 0 < weight <= 300:
            self.bmi_label.setText(
                QCoreApplication.translate("VisitForms", "BMI {value} kg/m²").format(
                    value=f"{weight / (height / 100) ** 2:.1f}"
                )
            )
        else:
            self.bmi_label.setText("")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
