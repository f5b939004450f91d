"""The visit forms as on paper (DOMAIN.md §5): the hypertension and type 2 diabetes follow-up
tables with every field, the elderly annual check, the home visit and the generic service
record.

A form is built from the tables of :mod:`fdclient.ui.dialogs.visit_layouts` (sections and
rows, by :mod:`fdclient.ui.dialogs.visit_form_builder`), with a message line under each row
where an error about one of its fields is shown; it relabels itself when the language
changes. The fields are those of the form dataclasses of
:mod:`fdclient.services.visits.forms`; :meth:`VisitForm.value` builds one (a number that is
not a number is refused here, beside its field; ranges and codes are checked by the
service), :meth:`VisitForm.load` shows a stored one (to correct it), and
:meth:`VisitForm.carry_over` fills a new follow-up with the targets and medicines of the
last one.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import fields
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.errors import ValidationError
from fdclient.services.visits.carryover import CarriedOver
from fdclient.services.visits.forms import (
    FORM_OF_KIND,
    MedicationInput,
    ServiceRecordInput,
    VisitInput,
)
from fdclient.text import plain
from fdclient.ui.dialogs.visit_form_builder import build_form
from fdclient.ui.dialogs.visit_layouts import LAYOUTS, Row

__all__ = ["VisitForm"]


_DANGER_STYLE = "QLineEdit { background: #ffd6d6; border: 2px solid #b00020; }"
_CARRIED_STYLE = "QLabel { background: #f1f8e9; border: 1px solid #9c9; padding: 6px; }"


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
        self._dirty = False
        self._loading = False
        #: The user set the next visit date: proposals no longer replace it.
        self.next_visit_touched = False
        #: The field whose message is shown (the last one marked).
        self.error_field: str | None = None
        #: The follow-up whose targets and medicines were carried over (None: none).
        self.carried_from: CarriedOver | None = None
        parts = build_form(
            kind, self, edited=self._edited, chosen=self._chosen, program_changed=self._changed_by_program
        )
        self.editors: dict[str, QWidget] = parts.editors
        self.displays: dict[str, QLabel] = parts.displays
        self.checks: dict[str, dict[str, QCheckBox]] = parts.checks
        self.medicine_edits: list[tuple[QLineEdit, QLineEdit, QLineEdit]] = parts.medicine_edits
        self.error_labels: dict[str, QLabel] = parts.error_labels
        self.sections: list[QGroupBox] = parts.sections
        self.bmi_label: QLabel | None = parts.bmi_label
        self._relabels = parts.relabels
        self.carried_label = QLabel(self)
        self.carried_label.setObjectName("carriedLabel")
        self.carried_label.setWordWrap(True)
        self.carried_label.setStyleSheet(_CARRIED_STYLE)
        self.carried_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.carried_label)
        for box in self.sections:
            layout.addWidget(box)
        layout.addStretch(1)
        self.reset()

    # --- language ------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Every label, title and code in the current language; the choices and what was
        typed stay (messages beside fields are those of the last save: they stay too)."""
        for relabel in self._relabels:
            relabel()
        self._update_bmi()
        self._show_carried()

    def _show_carried(self) -> None:
        carried = self.carried_from
        self.carried_label.setVisible(carried is not None)
        if carried is not None:
            self.carried_label.setText(
                QCoreApplication.translate(
                    "VisitForms",
                    "Targets, medicines and height are those of the follow-up of {day}: check them with the "
                    "patient. Readings and symptoms are taken again.",
                ).format(day=carried.visit_date.isoformat())
            )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

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
        self.carried_from = None
        self._show_carried()
        self.clear_errors()
        self._update_bmi()

    def carry_over(self, carried: CarriedOver) -> None:
        """Fill in what a new follow-up takes from the last one (targets, medicines, height):
        into empty fields only, and the form stays unchanged (nothing was typed)."""
        self._loading = True
        try:
            for name, value in carried.values().items():
                editor = self.editors.get(name)
                if isinstance(editor, QLineEdit) and not editor.text():
                    editor.setText(_shown(value))
                elif isinstance(editor, QComboBox) and editor.currentData() is None:
                    editor.setCurrentIndex(max(0, editor.findData(str(value))))
            if not any(edit.text() for row in self.medicine_edits for edit in row):
                self._show_medicines(carried.medications)
        finally:
            self._loading = False
        self.carried_from = carried
        self._show_carried()
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
                    editor.setText(_shown(value))
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(None if value is None else str(value))))
                elif isinstance(editor, QDateEdit):
                    editor.setDate(_qdate(value) if value is not None else editor.minimumDate())
            for name, boxes in self.checks.items():
                chosen = set(getattr(form, name, ()))
                for code, check in boxes.items():
                    check.setChecked(code in chosen)
            self._show_medicines(getattr(form, "medications", ()))
        finally:
            self._loading = False
        self.next_visit_touched = getattr(form, "next_visit_date", None) is not None
        self._dirty = False
        self.carried_from = None
        self._show_carried()
        self.clear_errors()
        self._update_bmi()

    def _show_medicines(self, medicines: tuple[MedicationInput, ...]) -> None:
        for index, row in enumerate(self.medicine_edits):
            med = medicines[index] if index < len(medicines) else None
            row[0].setText(med.name if med else "")
            row[1].setText(str(med.times_per_day) if med and med.times_per_day is not None else "")
            row[2].setText(med.dose or "" if med else "")

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


def _shown(value: object) -> str:
    """A stored value as typed in a text field."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
