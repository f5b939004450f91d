"""The resident's part of the registration forms, with inline checks: typing an ID number fills
birth date, sex and age and flags a mismatch with what was typed; key-population tags are
shown (those derived from the birth date and the record read-only, the others editable);
another file with the same ID number, or a similar name and the same birth date, is named
in a warning before saving.

:class:`ResidentFields` is the block of fields (used by the household form for the head);
:class:`ResidentDialog` adds or edits one member; :class:`StatusDialog` records a move out,
a death, or voids a file with a reason. Ctrl+S or Enter saves, Esc cancels; a failed save
keeps the form and shows the message beside the field it names.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import date

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain import codes
from fdclient.domain.identity import IdNumber, Mismatch, check_consistency, normalise_id_number, parse_id_number
from fdclient.domain.key_populations import AGE_BASED, KeyPopulation, PersonFacts, age_on, compute_tags
from fdclient.errors import ValidationError
from fdclient.services.registry.duplicates import DuplicateCandidate
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.services.registry.village_lists import MemberRow
from fdclient.ui.operations import registry as ops
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.members import key_population_text

__all__ = ["ResidentDialog", "ResidentFields", "StatusDialog", "error_label", "parse_date"]

ERROR_STYLE = "color: #b71c1c;"
WARNING_STYLE = "color: #8a4b00; background: #fff3e0; padding: 4px;"
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?\s*$")
#: Tags the form edits; the others are derived (age, diagnoses, pregnancies, disabilities).
EDITABLE_TAGS = (KeyPopulation.TUBERCULOSIS, KeyPopulation.SEVERE_MENTAL, KeyPopulation.FAMILY_PLANNING_SPECIAL)
_SEXES = ((1, "男"), (2, "女"), (0, "未知的性别"), (9, "未说明的性别"))


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


def error_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(f"{name}Error")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class ResidentFields(QWidget):
    """The fields of one resident, in the order of the personal information form."""

    changed = Signal()

    def __init__(
        self,
        session: UiSession,
        village_id: uuid.UUID,
        *,
        with_relationship: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("residentFields")
        self.session = session
        self.village_id = village_id
        self.resident_id: uuid.UUID | None = None
        self._base: ResidentInput | None = None
        self._stored_tags: frozenset[KeyPopulation] = frozenset()
        self._sex_auto = self._birth_auto = False
        self._filling = False
        self.dirty = False
        self.duplicates: list[DuplicateCandidate] = []
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.relationship_combo = QComboBox(self)
        self.relationship_combo.setObjectName("relationship")
        for code, label in codes.RELATIONSHIP.items():
            if code != codes.HEAD_OF_HOUSEHOLD:
                self.relationship_combo.addItem(f"{code} {label}", code)
        self.relationship_label = QLabel(QCoreApplication.translate("ResidentForm", "&Relationship to the head:"), self)
        if with_relationship:
            self._row(self.relationship_label, self.relationship_combo, "relationship")
        else:
            self.relationship_combo.setVisible(False)
            self.relationship_label.setVisible(False)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name")
        self.name_edit.setMaxLength(50)
        self._row(QLabel(QCoreApplication.translate("ResidentForm", "&Name:"), self), self.name_edit, "name")

        self.sex_combo = QComboBox(self)
        self.sex_combo.setObjectName("sex")
        self.sex_combo.addItem(QCoreApplication.translate("ResidentForm", "(from the ID number)"), None)
        for sex_code, sex_label in _SEXES:
            self.sex_combo.addItem(sex_label, sex_code)
        self._row(QLabel(QCoreApplication.translate("ResidentForm", "Se&x:"), self), self.sex_combo, "sex")

        birth_row = QWidget(self)
        birth_layout = QHBoxLayout(birth_row)
        birth_layout.setContentsMargins(0, 0, 0, 0)
        self.birth_edit = QLineEdit(birth_row)
        self.birth_edit.setObjectName("birthDate")
        self.birth_edit.setPlaceholderText(
            QCoreApplication.translate("ResidentForm", "YYYY-MM-DD (from the ID number)")
        )
        self.age_label = QLabel(birth_row)
        self.age_label.setObjectName("age")
        birth_layout.addWidget(self.birth_edit, 1)
        birth_layout.addWidget(self.age_label)
        birth_label = QLabel(QCoreApplication.translate("ResidentForm", "&Birth date:"), self)
        birth_label.setBuddy(self.birth_edit)
        self._row(birth_label, birth_row, "birth_date")

        self.id_type_combo = QComboBox(self)
        self.id_type_combo.setObjectName("idType")
        for code, label in codes.ID_TYPE.items():
            self.id_type_combo.addItem(f"{code} {label}", code)
        self._row(
            QLabel(QCoreApplication.translate("ResidentForm", "Document &type:"), self), self.id_type_combo, "id_type"
        )

        self.id_edit = QLineEdit(self)
        self.id_edit.setObjectName("idNumber")
        self.id_edit.setMaxLength(40)
        self.id_edit.setPlaceholderText(
            QCoreApplication.translate("ResidentForm", "18 characters; birth date and sex are filled in")
        )
        self._row(QLabel(QCoreApplication.translate("ResidentForm", "&ID number:"), self), self.id_edit, "id_number")

        self.confirm_check = QCheckBox(
            QCoreApplication.translate("ResidentForm", "&Confirm the mismatch with the ID number"), self
        )
        self.confirm_check.setObjectName("confirmMismatch")
        self.confirm_check.setVisible(False)
        form.addRow("", self.confirm_check)

        self.phone_edit = QLineEdit(self)
        self.phone_edit.setObjectName("phone")
        self._row(QLabel(QCoreApplication.translate("ResidentForm", "&Phone:"), self), self.phone_edit, "phone")

        self.contact_name_edit = QLineEdit(self)
        self.contact_name_edit.setObjectName("contactName")
        self._row(
            QLabel(QCoreApplication.translate("ResidentForm", "C&ontact person:"), self),
            self.contact_name_edit,
            "contact_name",
        )
        self.contact_phone_edit = QLineEdit(self)
        self.contact_phone_edit.setObjectName("contactPhone")
        self._row(
            QLabel(QCoreApplication.translate("ResidentForm", "Contact's phon&e:"), self),
            self.contact_phone_edit,
            "contact_phone",
        )

        self.resident_type_combo = QComboBox(self)
        self.resident_type_combo.setObjectName("residentType")
        for code, label in codes.RESIDENT_TYPE.items():
            self.resident_type_combo.addItem(label, code)
        self._row(
            QLabel(QCoreApplication.translate("ResidentForm", "Resident t&ype:"), self),
            self.resident_type_combo,
            "resident_type",
        )

        # Key populations: derived ones read-only, the others ticked by hand.
        self.derived_tags_label = QLabel(self)
        self.derived_tags_label.setObjectName("derivedTags")
        self.derived_tags_label.setWordWrap(True)
        form.addRow(
            QLabel(QCoreApplication.translate("ResidentForm", "Key populations:"), self), self.derived_tags_label
        )
        tags_row = QWidget(self)
        tags_layout = QHBoxLayout(tags_row)
        tags_layout.setContentsMargins(0, 0, 0, 0)
        self.tag_checks: dict[KeyPopulation, QCheckBox] = {}
        for tag in EDITABLE_TAGS:
            check = QCheckBox(key_population_text(tag), tags_row)
            check.setObjectName(f"tag_{tag.value}")
            self.tag_checks[tag] = check
            tags_layout.addWidget(check)
        tags_layout.addStretch(1)
        form.addRow("", tags_row)
        relief_row = QWidget(self)
        relief_layout = QHBoxLayout(relief_row)
        relief_layout.setContentsMargins(0, 0, 0, 0)
        self.relief_checks: dict[str, QCheckBox] = {}
        for code, label in codes.RELIEF_STATUS.items():
            check = QCheckBox(label, relief_row)
            check.setObjectName(f"relief_{code}")
            self.relief_checks[code] = check
            relief_layout.addWidget(check)
        relief_layout.addStretch(1)
        self._row(
            QLabel(QCoreApplication.translate("ResidentForm", "Assistance:"), self), relief_row, "relief_statuses"
        )

        self.duplicate_label = QLabel(self)
        self.duplicate_label.setObjectName("duplicateWarning")
        self.duplicate_label.setStyleSheet(WARNING_STYLE)
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setVisible(False)
        form.addRow(self.duplicate_label)

        self.id_edit.textChanged.connect(self._id_changed)
        self.id_edit.editingFinished.connect(self._id_finished)
        self.id_type_combo.currentIndexChanged.connect(lambda _: self._id_changed(self.id_edit.text()))
        self.sex_combo.currentIndexChanged.connect(self._sex_changed)
        self.birth_edit.textChanged.connect(self._birth_changed)
        self.name_edit.editingFinished.connect(self._check_duplicates)
        for edit in (self.name_edit, self.phone_edit, self.contact_name_edit, self.contact_phone_edit):
            edit.textChanged.connect(self._touched)
        for combo in (self.relationship_combo, self.resident_type_combo):
            combo.currentIndexChanged.connect(self._touched)
        for check in (*self.tag_checks.values(), *self.relief_checks.values(), self.confirm_check):
            check.toggled.connect(self._touched)
        self._update_tags()

    # --- layout helpers ------------------------------------------------------------------------

    def _row(self, label: QLabel, widget: QWidget, field: str) -> None:
        if label.buddy() is None:
            label.setBuddy(widget)
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        self.errors[field] = error_label(holder, field)
        layout.addWidget(self.errors[field])
        self.form.addRow(label, holder)

    # --- loading and collecting ----------------------------------------------------------------

    def load(self, data: ResidentInput, *, resident_id: uuid.UUID, tags: frozenset[KeyPopulation]) -> None:
        """Show a stored resident (edited with :meth:`collect`)."""
        self._filling = True
        try:
            self.resident_id = resident_id
            self._base = data
            self._stored_tags = tags
            self.name_edit.setText(data.name)
            self._set_combo(self.id_type_combo, data.id_type)
            self.id_edit.setText(data.id_number or "")
            self._set_combo(self.sex_combo, data.sex)
            self.birth_edit.setText(data.birth_date.isoformat() if data.birth_date else "")
            self.confirm_check.setChecked(data.confirm_mismatch)
            self.phone_edit.setText(data.phone or "")
            self.contact_name_edit.setText(data.contact_name or "")
            self.contact_phone_edit.setText(data.contact_phone or "")
            self._set_combo(self.resident_type_combo, data.resident_type)
            self.tag_checks[KeyPopulation.TUBERCULOSIS].setChecked(data.has_tuberculosis)
            self.tag_checks[KeyPopulation.SEVERE_MENTAL].setChecked(data.has_severe_mental_disorder)
            self.tag_checks[KeyPopulation.FAMILY_PLANNING_SPECIAL].setChecked(data.family_planning_special)
            for code, check in self.relief_checks.items():
                check.setChecked(code in data.relief_statuses)
            self._sex_auto = self._birth_auto = False
            self._compare_with_id()
        finally:
            self._filling = False
        self.dirty = False
        self.duplicate_label.setVisible(False)
        self._update_tags()

    def relationship(self) -> str:
        return str(self.relationship_combo.currentData())

    def collect(self) -> ResidentInput | None:
        """The form as service input, or None after marking a field the form itself can judge
        (a birth date that is no date)."""
        birth_text = self.birth_edit.text().strip()
        birth = parse_date(birth_text) if birth_text else None
        if birth_text and birth is None:
            self.show_error(
                "birth_date",
                QCoreApplication.translate("ResidentForm", "The birth date is not a date: write it as 1960-05-01."),
            )
            return None
        base = self._base or ResidentInput(village_id=self.village_id, name="")
        return dataclasses.replace(
            base,
            village_id=base.village_id if self._base else self.village_id,
            name=self.name_edit.text(),
            id_type=str(self.id_type_combo.currentData()),
            id_number=self.id_edit.text().strip() or None,
            sex=self.sex_combo.currentData(),
            birth_date=birth,
            confirm_mismatch=not self.confirm_check.isHidden() and self.confirm_check.isChecked(),
            phone=self.phone_edit.text().strip() or None,
            contact_name=self.contact_name_edit.text().strip() or None,
            contact_phone=self.contact_phone_edit.text().strip() or None,
            resident_type=self.resident_type_combo.currentData(),
            has_tuberculosis=self.tag_checks[KeyPopulation.TUBERCULOSIS].isChecked(),
            has_severe_mental_disorder=self.tag_checks[KeyPopulation.SEVERE_MENTAL].isChecked(),
            family_planning_special=self.tag_checks[KeyPopulation.FAMILY_PLANNING_SPECIAL].isChecked(),
            relief_statuses=tuple(code for code, check in self.relief_checks.items() if check.isChecked()),
        )

    # --- messages ------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, field: str | None, message: str) -> bool:
        """Show ``message`` beside ``field``; False when the field is not one of these."""
        label = self.errors.get(field or "")
        if label is None:
            return False
        label.setStyleSheet(ERROR_STYLE)
        label.setText(message)
        label.setVisible(True)
        return True

    def _clear(self, field: str) -> None:
        self.errors[field].clear()
        self.errors[field].setVisible(False)

    # --- live checks ---------------------------------------------------------------------------

    def _touched(self, *_: object) -> None:
        if not self._filling:
            self.dirty = True
            self.changed.emit()

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
        self._touched()
        self._clear("id_number")
        if self._filling:
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
        was_filling, self._filling = self._filling, True
        try:
            if self.sex_combo.currentData() is None or self._sex_auto:
                self._set_combo(self.sex_combo, parsed.sex)
                self._sex_auto = True
            if not self.birth_edit.text().strip() or self._birth_auto:
                self.birth_edit.setText(parsed.birth_date.isoformat())
                self._birth_auto = True
        finally:
            self._filling = was_filling
        self._compare_with_id()

    def _sex_changed(self, _index: int) -> None:
        if not self._filling:
            self._sex_auto = False
        self._touched()
        self._compare_with_id()

    def _birth_changed(self, text: str) -> None:
        if not self._filling:
            self._birth_auto = False
        self._touched()
        self._clear("birth_date")
        self._compare_with_id()
        self._update_tags()
        birth = parse_date(text)
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
                self._clear(field)
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

    def _update_tags(self) -> None:
        birth = parse_date(self.birth_edit.text())
        today = self.session.today()
        derived = {t for t in self._stored_tags if t not in EDITABLE_TAGS and t not in AGE_BASED}
        derived.discard(KeyPopulation.POVERTY)  # follows the assistance boxes
        if birth is not None and birth <= today:
            derived |= compute_tags(PersonFacts(birth_date=birth), today) & AGE_BASED
        if any(check.isChecked() for check in self.relief_checks.values()):
            derived.add(KeyPopulation.POVERTY)
        text = QCoreApplication.translate("ResidentForm", ", ").join(
            key_population_text(t) for t in KeyPopulation if t in derived
        )
        self.derived_tags_label.setText(
            text or QCoreApplication.translate("ResidentForm", "none derived from the birth date or the record")
        )
        self.derived_tags = frozenset(derived)

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


class _FormDialog(QDialog):
    """What the registry dialogs share: a general message line, Save (Enter, Ctrl+S) and
    Cancel (Esc)."""

    saved = Signal(object)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.message_label = error_label(self, "form")
        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(QCoreApplication.translate("RegistryDialog", "&Save (Ctrl+S)"), self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(QCoreApplication.translate("RegistryDialog", "Cancel (Esc)"))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        shortcut.activated.connect(self.save)
        self.saving = False

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


class ResidentDialog(_FormDialog):
    """Add a member to a household, or edit a resident's basic information."""

    def __init__(
        self,
        session: UiSession,
        village_id: uuid.UUID,
        *,
        household_id: uuid.UUID | None = None,
        resident_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("residentDialog")
        self.session = session
        self.household_id = household_id
        self.resident_id = resident_id
        self.fields = ResidentFields(session, village_id, with_relationship=resident_id is None, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addWidget(self.fields)
        layout.addWidget(self.buttons)
        self.setWindowTitle(
            QCoreApplication.translate("ResidentForm", "Add a member")
            if resident_id is None
            else QCoreApplication.translate("ResidentForm", "Edit a resident")
        )
        self.setMinimumWidth(660)
        if resident_id is not None:
            ops.load_resident_form(session, resident_id, self._loaded, self._load_failed, owner=self)
        self.fields.relationship_combo.setFocus() if resident_id is None else self.fields.name_edit.setFocus()

    def _loaded(self, found: ops.ResidentFormData) -> None:
        assert self.resident_id is not None
        self.fields.load(found.data, resident_id=self.resident_id, tags=found.info.key_populations)

    def _load_failed(self, exc: BaseException) -> None:
        self.show_error(None, str(exc))
        self.save_button.setEnabled(False)

    def has_unsaved_changes(self) -> bool:
        return self.fields.dirty

    def clear_errors(self) -> None:
        self.clear_general()
        self.fields.clear_errors()

    def show_error(self, field: str | None, message: str) -> None:
        self.failed_save()
        if not self.fields.show_error(field, message):
            self.show_general(message)

    def save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        data = self.fields.collect()
        if data is None:
            return
        self.saving = True
        if self.resident_id is not None:
            ops.update_resident(self.session, self.resident_id, data, done=self.finish, form=self)
        else:
            assert self.household_id is not None
            ops.add_member(
                self.session, self.household_id, data, self.fields.relationship(), done=self.finish, form=self
            )


class StatusDialog(_FormDialog):
    """Move out, record a death (with the date) or void a file (with the reason)."""

    MOVE_OUT, DEATH, VOID = "move_out", "death", "void"

    def __init__(self, session: UiSession, member: MemberRow, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusDialog")
        self.session = session
        self.member = member
        self.kind = kind
        titles = {
            self.MOVE_OUT: QCoreApplication.translate("StatusDialog", "Moved out: {name}"),
            self.DEATH: QCoreApplication.translate("StatusDialog", "Record a death: {name}"),
            self.VOID: QCoreApplication.translate("StatusDialog", "Void the file of {name}"),
        }
        self.setWindowTitle(titles[kind].format(name=member.name))
        layout = QVBoxLayout(self)
        explain = QLabel(self)
        explain.setWordWrap(True)
        explain.setText(
            {
                self.MOVE_OUT: QCoreApplication.translate(
                    "StatusDialog", "The file stays; a contract goes on until it is terminated or expires."
                ),
                self.DEATH: QCoreApplication.translate(
                    "StatusDialog", "The resident leaves their contract on that day; an emptied contract is terminated."
                ),
                self.VOID: QCoreApplication.translate(
                    "StatusDialog", "Only for a file registered by mistake or twice. The file is kept, marked void."
                ),
            }[kind]
        )
        layout.addWidget(explain)
        layout.addWidget(self.message_label)
        form = QFormLayout()
        self.date_edit = QLineEdit(self)
        self.date_edit.setObjectName("onDate")
        self.date_edit.setText(session.today().isoformat())
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setMaxLength(200)
        self.field_errors = {"on_date": error_label(self, "on_date"), "reason": error_label(self, "reason")}
        if kind == self.VOID:
            label = QLabel(QCoreApplication.translate("StatusDialog", "&Reason:"), self)
            label.setBuddy(self.reason_edit)
            form.addRow(label, self.reason_edit)
            form.addRow("", self.field_errors["reason"])
            self.date_edit.setVisible(False)
            self.reason_edit.setFocus()
        else:
            label = QLabel(QCoreApplication.translate("StatusDialog", "&Date:"), self)
            label.setBuddy(self.date_edit)
            form.addRow(label, self.date_edit)
            form.addRow("", self.field_errors["on_date"])
            self.reason_edit.setVisible(False)
            self.date_edit.setFocus()
            self.date_edit.selectAll()
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._initial = (self.date_edit.text(), self.reason_edit.text())

    def has_unsaved_changes(self) -> bool:
        return (self.date_edit.text(), self.reason_edit.text()) != self._initial

    def show_error(self, field: str | None, message: str) -> None:
        self.failed_save()
        label = self.field_errors.get(field or "")
        if label is None or not label.parent() or (field == "reason") != (self.kind == self.VOID):
            self.show_general(message)
            return
        label.setText(message)
        label.setVisible(True)

    def save(self) -> None:
        if self.saving:
            return
        self.clear_general()
        for label in self.field_errors.values():
            label.setVisible(False)
        if self.kind == self.VOID:
            self.saving = True
            ops.void_resident(self.session, self.member.id, self.reason_edit.text(), done=self.finish, form=self)
            return
        day = parse_date(self.date_edit.text())
        if day is None:
            self.show_error("on_date", QCoreApplication.translate("StatusDialog", "Write the date as 2026-06-01."))
            return
        self.saving = True
        operation = ops.move_out if self.kind == self.MOVE_OUT else ops.record_death
        operation(self.session, self.member.id, day, done=self.finish, form=self)
