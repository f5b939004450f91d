"""Who the resident is, with the inline checks: typing an ID number fills birth date, sex and
age and flags a mismatch with what was typed; another file with the same ID number, or a
similar name and the same birth date, is named in a warning before saving.

:class:`IdentityFields` holds the rows of relationship, name, sex, birth date, document type
and number in a form layout its subclass places (:class:`~.resident_basic.BasicTab`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from fdclient.domain import codes
from fdclient.domain.identity import IdNumber, Mismatch, check_consistency, normalise_id_number, parse_id_number
from fdclient.domain.key_populations import age_on
from fdclient.errors import ValidationError
from fdclient.services.registry.duplicates import DuplicateCandidate
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.ui.dialogs.form_parts import ERROR_STYLE, WARNING_STYLE, FormTab, form_layout, parse_date
from fdclient.ui.operations import registry as ops
from fdclient.ui.session import UiSession

__all__ = ["IdentityFields"]

_SEXES = ((1, "男"), (2, "女"), (0, "未知的性别"), (9, "未说明的性别"))
IDENTITY_LABELS: dict[str, str] = {
    "relationship": str(QT_TRANSLATE_NOOP("ResidentForm", "&Relationship to the head:")),
    "name": str(QT_TRANSLATE_NOOP("ResidentForm", "&Name:")),
    "sex": str(QT_TRANSLATE_NOOP("ResidentForm", "Se&x:")),
    "birth_date": str(QT_TRANSLATE_NOOP("ResidentForm", "&Birth date:")),
    "id_type": str(QT_TRANSLATE_NOOP("ResidentForm", "Document &type:")),
    "id_number": str(QT_TRANSLATE_NOOP("ResidentForm", "&ID number:")),
}


class IdentityFields(FormTab):
    """Relationship (for a new member), name, sex, birth date with the age, document type and
    number, the confirmation of a mismatch, and the duplicate warning."""

    #: The birth date as typed changed (a date, or None while it is none).
    birth_changed = Signal(object)

    def __init__(self, session: UiSession, *, with_relationship: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.resident_id: uuid.UUID | None = None
        self._sex_auto = self._birth_auto = False
        self.duplicates: list[DuplicateCandidate] = []
        self.identity_form = form = form_layout()

        self.relationship_combo = QComboBox(self)
        self.relationship_combo.setObjectName("relationship")
        for code, label in codes.RELATIONSHIP.items():
            if code != codes.HEAD_OF_HOUSEHOLD:
                self.relationship_combo.addItem(f"{code} {label}", code)
        if with_relationship:
            self.add_row(form, "relationship", self.relationship_combo)
        else:
            self.relationship_combo.setVisible(False)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name")
        self.name_edit.setMaxLength(50)
        self.add_row(form, "name", self.name_edit)

        self.sex_combo = QComboBox(self)
        self.sex_combo.setObjectName("sex")
        self.sex_combo.addItem("", None)
        for sex_code, sex_label in _SEXES:
            self.sex_combo.addItem(sex_label, sex_code)
        self.add_row(form, "sex", self.sex_combo)

        birth_row = QWidget(self)
        birth_layout = QHBoxLayout(birth_row)
        birth_layout.setContentsMargins(0, 0, 0, 0)
        self.birth_edit = QLineEdit(birth_row)
        self.birth_edit.setObjectName("birthDate")
        self.age_label = QLabel(birth_row)
        self.age_label.setObjectName("age")
        birth_layout.addWidget(self.birth_edit, 1)
        birth_layout.addWidget(self.age_label)
        self.add_row(form, "birth_date", birth_row, buddy=self.birth_edit)

        self.id_type_combo = QComboBox(self)
        self.id_type_combo.setObjectName("idType")
        for code, label in codes.ID_TYPE.items():
            self.id_type_combo.addItem(f"{code} {label}", code)
        self.add_row(form, "id_type", self.id_type_combo)

        self.id_edit = QLineEdit(self)
        self.id_edit.setObjectName("idNumber")
        self.id_edit.setMaxLength(40)
        self.add_row(form, "id_number", self.id_edit)

        self.confirm_check = QCheckBox(self)
        self.confirm_check.setObjectName("confirmMismatch")
        self.confirm_check.setVisible(False)
        form.addRow("", self.confirm_check)

        self.duplicate_label = QLabel(self)
        self.duplicate_label.setObjectName("duplicateWarning")
        self.duplicate_label.setStyleSheet(WARNING_STYLE)
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setVisible(False)

        self.id_edit.textChanged.connect(self._id_changed)
        self.id_edit.editingFinished.connect(self._id_finished)
        self.id_type_combo.currentIndexChanged.connect(lambda _: self._id_changed(self.id_edit.text()))
        self.sex_combo.currentIndexChanged.connect(self._sex_changed)
        self.birth_edit.textChanged.connect(self._birth_changed)
        self.name_edit.editingFinished.connect(self._check_duplicates)
        self.name_edit.textChanged.connect(self.touched)
        self.relationship_combo.currentIndexChanged.connect(self.touched)
        self.confirm_check.toggled.connect(self.touched)

    def retranslate_identity(self) -> None:
        self.sex_combo.setItemText(0, QCoreApplication.translate("ResidentForm", "(from the ID number)"))
        self.birth_edit.setPlaceholderText(
            QCoreApplication.translate("ResidentForm", "YYYY-MM-DD (from the ID number)")
        )
        self.id_edit.setPlaceholderText(
            QCoreApplication.translate("ResidentForm", "18 characters; birth date and sex are filled in")
        )
        self.confirm_check.setText(
            QCoreApplication.translate("ResidentForm", "&Confirm the mismatch with the ID number")
        )
        self._show_age(parse_date(self.birth_edit.text()))
        if self.duplicates:
            self.show_duplicates(self.duplicates)

    # --- loading and collecting ----------------------------------------------------------------

    def load_identity(self, data: ResidentInput, resident_id: uuid.UUID | None) -> None:
        self.resident_id = resident_id
        self.name_edit.setText(data.name)
        self._set_combo(self.id_type_combo, data.id_type)
        self.id_edit.setText(data.id_number or "")
        self._set_combo(self.sex_combo, data.sex)
        self.birth_edit.setText(data.birth_date.isoformat() if data.birth_date else "")
        self.confirm_check.setChecked(data.confirm_mismatch)
        self._sex_auto = self._birth_auto = False
        self._compare_with_id()
        self.duplicate_label.setVisible(False)

    def relationship(self) -> str:
        return str(self.relationship_combo.currentData())

    def identity_values(self) -> dict[str, Any] | None:
        """The identity as ResidentInput fields, or None after marking a birth date that is
        no date."""
        birth_text = self.birth_edit.text().strip()
        birth = parse_date(birth_text) if birth_text else None
        if birth_text and birth is None:
            self.show_error(
                "birth_date",
                QCoreApplication.translate("ResidentForm", "The birth date is not a date: write it as 1960-05-01."),
            )
            return None
        return {
            "name": self.name_edit.text(),
            "id_type": str(self.id_type_combo.currentData()),
            "id_number": self.id_edit.text().strip() or None,
            "sex": self.sex_combo.currentData(),
            "birth_date": birth,
            "confirm_mismatch": not self.confirm_check.isHidden() and self.confirm_check.isChecked(),
        }

    # --- live checks ---------------------------------------------------------------------------

    def _parsed_id(self, *, complete_only: bool) -> IdNumber | None:
        """The ID number typed, when its type follows GB 11643 and it can be read."""
        if self.id_type_combo.currentData() not in codes.GB11643_ID_TYPES:
            return None
        number = normalise_id_number(self.id_edit.text())
        if complete_only and len(number) not in (15, 18):
            return None
        try:
            return parse_id_number(number, today=self.session.today())
        except ValidationError as exc:
            if not complete_only or len(number) == 18:
                self.show_error("id_number", exc.message)
            return None

    def _id_changed(self, _text: str) -> None:
        self.touched()
        self.clear_error("id_number")
        if self.filling:
            return
        parsed = self._parsed_id(complete_only=True)
        if parsed is None:
            if self.duplicates:  # the number that matched is gone
                self._check_duplicates()
            return
        self._filling_from_id(parsed)
        self._check_duplicates()

    def _id_finished(self) -> None:
        if self.id_edit.text().strip():
            self._parsed_id(complete_only=False)

    def _filling_from_id(self, parsed: IdNumber) -> None:
        was_filling, self.filling = self.filling, True
        try:
            if self.sex_combo.currentData() is None or self._sex_auto:
                self._set_combo(self.sex_combo, parsed.sex)
                self._sex_auto = True
            if not self.birth_edit.text().strip() or self._birth_auto:
                self.birth_edit.setText(parsed.birth_date.isoformat())
                self._birth_auto = True
        finally:
            self.filling = was_filling
        self._compare_with_id()

    def _sex_changed(self, _index: int) -> None:
        if not self.filling:
            self._sex_auto = False
        self.touched()
        self._compare_with_id()

    def _birth_changed(self, text: str) -> None:
        if not self.filling:
            self._birth_auto = False
        self.touched()
        self.clear_error("birth_date")
        self._compare_with_id()
        birth = parse_date(text)
        self._show_age(birth)
        self.birth_changed.emit(birth)

    def _show_age(self, birth: date | None) -> None:
        today = self.session.today()
        if birth is not None and birth <= today:
            self.age_label.setText(
                QCoreApplication.translate("ResidentForm", "{age} years").format(age=age_on(birth, today))
            )
        else:
            self.age_label.clear()

    def _compare_with_id(self) -> None:
        """Flag a sex or birth date that disagrees with the ID number."""
        for field in ("sex", "birth_date"):
            if self.errors[field].styleSheet() == WARNING_STYLE:
                self.clear_error(field)
                self.errors[field].setStyleSheet(ERROR_STYLE)
        number = normalise_id_number(self.id_edit.text())
        parsed = None
        if self.id_type_combo.currentData() in codes.GB11643_ID_TYPES and len(number) in (15, 18):
            try:
                parsed = parse_id_number(number, today=self.session.today())
            except ValidationError:
                parsed = None
        mismatches: tuple[Mismatch, ...] = ()
        if parsed is not None:
            birth = parse_date(self.birth_edit.text())
            mismatches = check_consistency(parsed, birth_date=birth, sex=self.sex_combo.currentData())
        for m in mismatches:
            label = self.errors[m.field]
            label.setStyleSheet(WARNING_STYLE)
            label.setText(m.message.render())
            label.setVisible(True)
        self.confirm_check.setVisible(bool(mismatches))

    def _check_duplicates(self) -> None:
        name = self.name_edit.text().strip() or None
        number = self.id_edit.text().strip() or None
        if number and self.id_type_combo.currentData() in codes.GB11643_ID_TYPES:
            number = number if len(normalise_id_number(number)) in (15, 18) else None
        birth = parse_date(self.birth_edit.text())
        if number is None and (name is None or birth is None):
            self.show_duplicates([])
            return
        ops.find_duplicates(
            self.session,
            id_type=str(self.id_type_combo.currentData()),
            id_number=number,
            name=name,
            birth_date=birth,
            exclude_id=self.resident_id,
            done=self.show_duplicates,
            owner=self,
        )

    def show_duplicates(self, found: list[DuplicateCandidate]) -> None:
        self.duplicates = list(found)
        if not found:
            self.duplicate_label.setVisible(False)
            return
        lines = [QCoreApplication.translate("ResidentForm", "This person may already have a file:")]
        for d in found:
            why = (
                QCoreApplication.translate("ResidentForm", "the same ID number")
                if d.reason == "id_number"
                else QCoreApplication.translate("ResidentForm", "a similar name and the same birth date")
            )
            lines.append(
                QCoreApplication.translate(
                    "ResidentForm", "{name}, born {birth}, {village}, record {record} ({why})"
                ).format(
                    name=d.name,
                    birth=d.birth_date.isoformat(),
                    village=d.village_name,
                    record=d.health_record_no or "—",
                    why=why,
                )
            )
        self.duplicate_label.setText("\n".join(lines))
        self.duplicate_label.setVisible(True)

    @staticmethod
    def _set_combo(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))
