"""重点人群·建档: the key populations — those that follow from the birth date and the record
shown read-only, tuberculosis, severe mental disorder and family-planning special families
ticked by hand, the poverty and relief statuses — and the record cover (建档日期, 建档人,
责任医生)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain import codes
from fdclient.domain.key_populations import KeyPopulation
from fdclient.services.registry.record_cover import CoverChoices, StaffChoice
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.ui.dialogs.form_parts import FormTab, form_layout, parse_date
from fdclient.ui.operations import registry as ops
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.members import key_population_text

__all__ = ["EDITABLE_TAGS", "CoverTab"]

#: Tags the form edits; the others are derived (age, diagnoses, pregnancies, disabilities).
EDITABLE_TAGS = (KeyPopulation.TUBERCULOSIS, KeyPopulation.SEVERE_MENTAL, KeyPopulation.FAMILY_PLANNING_SPECIAL)


class CoverTab(FormTab):
    LABELS = {
        "derived": str(QT_TRANSLATE_NOOP("ResidentForm", "Key populations:")),
        "tags": str(QT_TRANSLATE_NOOP("ResidentForm", "&Key population tags:")),
        "relief_statuses": str(QT_TRANSLATE_NOOP("ResidentForm", "Assis&tance:")),
        "registered_on": str(QT_TRANSLATE_NOOP("ResidentForm", "&Registered on:")),
        "registered_by_id": str(QT_TRANSLATE_NOOP("ResidentForm", "Registered &by:")),
        "responsible_doctor_id": str(QT_TRANSLATE_NOOP("ResidentForm", "Responsible &doctor:")),
    }

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coverTab")
        self.session = session
        self.editing = False
        self._wanted: tuple[uuid.UUID | None, uuid.UUID | None] = (None, None)

        self.tags_box = QGroupBox(self)
        tags_form = form_layout(self.tags_box)
        self.derived_tags_label = QLabel(self)
        self.derived_tags_label.setObjectName("derivedTags")
        self.derived_tags_label.setWordWrap(True)
        derived_label = QLabel(self)
        self.labels["derived"] = derived_label
        tags_form.addRow(derived_label, self.derived_tags_label)
        self.tag_checks: dict[KeyPopulation, QCheckBox] = {}
        tags_row = self._boxes_row(
            ((tag, key_population_text(tag), f"tag_{tag.value}") for tag in EDITABLE_TAGS), self.tag_checks
        )
        self.add_row(tags_form, "tags", tags_row, buddy=self.tag_checks[EDITABLE_TAGS[0]])
        self.relief_checks: dict[str, QCheckBox] = {}
        relief_row = self._boxes_row(
            ((code, label, f"relief_{code}") for code, label in codes.RELIEF_STATUS.items()), self.relief_checks
        )
        self.add_row(tags_form, "relief_statuses", relief_row, buddy=next(iter(self.relief_checks.values())))

        self.cover_box = QGroupBox(self)
        cover_form = form_layout(self.cover_box)
        self.registered_on_edit = QLineEdit(self)
        self.registered_on_edit.setObjectName("registeredOn")
        self.registered_on_edit.setMaximumWidth(220)
        self.add_row(cover_form, "registered_on", self.registered_on_edit)
        self.registered_by_combo = QComboBox(self)
        self.registered_by_combo.setObjectName("registeredBy")
        self.registered_by_combo.setMinimumWidth(260)
        self.registered_by_combo.setMaximumWidth(420)
        self.add_row(cover_form, "registered_by_id", self.registered_by_combo)
        self.doctor_combo = QComboBox(self)
        self.doctor_combo.setObjectName("responsibleDoctor")
        self.doctor_combo.setMinimumWidth(260)
        self.doctor_combo.setMaximumWidth(420)
        self.add_row(cover_form, "responsible_doctor_id", self.doctor_combo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(self.tags_box)
        layout.addWidget(self.cover_box)
        layout.addStretch(1)
        for check in (*self.tag_checks.values(), *self.relief_checks.values()):
            check.toggled.connect(self.touched)
        self.registered_on_edit.textChanged.connect(self.touched)
        self.registered_by_combo.currentIndexChanged.connect(self.touched)
        self.doctor_combo.currentIndexChanged.connect(self.touched)
        self.registered_by_combo.addItem("", None)
        self.doctor_combo.addItem("", None)
        self.retranslate_ui()

    def _boxes_row(self, boxes: Iterable[tuple[Any, str, str]], into: dict[Any, QCheckBox]) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for key, text, name in boxes:
            check = QCheckBox(text, row)
            check.setObjectName(name)
            into[key] = check
            layout.addWidget(check)
        layout.addStretch(1)
        return row

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.tags_box.setTitle(QCoreApplication.translate("ResidentForm", "Key populations"))
        self.cover_box.setTitle(QCoreApplication.translate("ResidentForm", "Record cover"))
        for tag, check in self.tag_checks.items():
            check.setText(key_population_text(tag))
        self.registered_on_edit.setPlaceholderText(
            QCoreApplication.translate("ResidentForm", "YYYY-MM-DD (today when empty)")
        )
        self.registered_by_combo.setItemText(
            0,
            QCoreApplication.translate("ResidentForm", "(unchanged)")
            if self.editing
            else QCoreApplication.translate("ResidentForm", "(me, the signed-in user)"),
        )
        self.doctor_combo.setItemText(0, QCoreApplication.translate("ResidentForm", "(none)"))

    def focus_chain(self) -> list[QWidget]:
        return [
            *self.tag_checks.values(),
            *self.relief_checks.values(),
            self.registered_on_edit,
            self.registered_by_combo,
            self.doctor_combo,
        ]

    # --- the staff who may be named ------------------------------------------------------------

    def load_choices(self, resident_id: uuid.UUID | None) -> None:
        ops.load_cover_choices(self.session, resident_id, self._choices_loaded, owner=self)

    def _choices_loaded(self, choices: CoverChoices) -> None:
        was, self.filling = self.filling, True
        try:
            for combo, staff in ((self.registered_by_combo, choices.registrars), (self.doctor_combo, choices.doctors)):
                chosen = combo.currentData()
                while combo.count() > 1:
                    combo.removeItem(1)
                for s in staff:
                    combo.addItem(self._staff_text(s), str(s.id))
                self._choose(combo, chosen)
            self._choose(self.registered_by_combo, self._wanted[0])
            self._choose(self.doctor_combo, self._wanted[1])
        finally:
            self.filling = was

    @staticmethod
    def _staff_text(s: StaffChoice) -> str:
        text = f"{s.name}（{s.role.label}）"
        if not s.active:
            text += QCoreApplication.translate("ResidentForm", " (disabled)")
        return text

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        if value is None:
            return
        index = combo.findData(str(value))
        if index >= 0:
            combo.setCurrentIndex(index)

    # --- loading and collecting ----------------------------------------------------------------

    def load(self, data: ResidentInput, *, editing: bool) -> None:
        self.editing = editing
        self.tag_checks[KeyPopulation.TUBERCULOSIS].setChecked(data.has_tuberculosis)
        self.tag_checks[KeyPopulation.SEVERE_MENTAL].setChecked(data.has_severe_mental_disorder)
        self.tag_checks[KeyPopulation.FAMILY_PLANNING_SPECIAL].setChecked(data.family_planning_special)
        for code, check in self.relief_checks.items():
            check.setChecked(code in data.relief_statuses)
        self.registered_on_edit.setText(data.registered_on.isoformat() if data.registered_on else "")
        self._wanted = (data.registered_by_id, data.responsible_doctor_id)
        self.registered_by_combo.setCurrentIndex(0)
        self.doctor_combo.setCurrentIndex(0)
        self._choose(self.registered_by_combo, data.registered_by_id)
        self._choose(self.doctor_combo, data.responsible_doctor_id)
        self.retranslate_ui()

    def in_relief(self) -> bool:
        return any(check.isChecked() for check in self.relief_checks.values())

    def values(self) -> dict[str, Any] | None:
        """The answers as ResidentInput fields, or None after marking a registration date that
        is no date."""
        text = self.registered_on_edit.text().strip()
        registered_on = parse_date(text) if text else None
        if text and registered_on is None:
            self.show_error(
                "registered_on",
                QCoreApplication.translate(
                    "ResidentForm", "The registration date is not a date: write it as 2026-06-01."
                ),
            )
            return None
        by, doctor = self.registered_by_combo.currentData(), self.doctor_combo.currentData()
        return {
            "has_tuberculosis": self.tag_checks[KeyPopulation.TUBERCULOSIS].isChecked(),
            "has_severe_mental_disorder": self.tag_checks[KeyPopulation.SEVERE_MENTAL].isChecked(),
            "family_planning_special": self.tag_checks[KeyPopulation.FAMILY_PLANNING_SPECIAL].isChecked(),
            "relief_statuses": tuple(code for code, check in self.relief_checks.items() if check.isChecked()),
            "registered_on": registered_on,
            "registered_by_id": uuid.UUID(by) if by else None,
            "responsible_doctor_id": uuid.UUID(doctor) if doctor else None,
        }
