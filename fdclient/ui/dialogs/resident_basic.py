"""基本信息: the first part of the personal information form (个人基本信息表), in the paper
form's order — name, sex, birth date, ID number, workplace, phones and contact person in the
left column; residence type, ethnicity, blood group, education, occupation and marital
status in the right one; the payment of medical costs below."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from fdclient.domain import codes
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.ui.dialogs.form_parts import CodeChecks, CodeCombo, form_layout
from fdclient.ui.dialogs.resident_identity import IDENTITY_LABELS, IdentityFields
from fdclient.ui.session import UiSession

__all__ = ["BasicTab"]

#: Code of 其他 in the payment methods.
PAYMENT_OTHER = "8"


class BasicTab(IdentityFields):
    LABELS = {
        **IDENTITY_LABELS,
        "workplace": str(QT_TRANSLATE_NOOP("ResidentForm", "&Workplace:")),
        "phone": str(QT_TRANSLATE_NOOP("ResidentForm", "&Phone:")),
        "contact_name": str(QT_TRANSLATE_NOOP("ResidentForm", "C&ontact person:")),
        "contact_phone": str(QT_TRANSLATE_NOOP("ResidentForm", "Contact's phon&e:")),
        "resident_type": str(QT_TRANSLATE_NOOP("ResidentForm", "Resident t&ype:")),
        "ethnicity": str(QT_TRANSLATE_NOOP("ResidentForm", "Ethnic &group:")),
        "blood_abo": str(QT_TRANSLATE_NOOP("ResidentForm", "B&lood group (ABO / Rh):")),
        "education": str(QT_TRANSLATE_NOOP("ResidentForm", "E&ducation:")),
        "occupation": str(QT_TRANSLATE_NOOP("ResidentForm", "Occ&upation:")),
        "marital_status": str(QT_TRANSLATE_NOOP("ResidentForm", "&Marital status:")),
        "payment_methods": str(QT_TRANSLATE_NOOP("ResidentForm", "Payment of medical &fees:")),
    }

    def __init__(self, session: UiSession, *, with_relationship: bool, parent: QWidget | None = None) -> None:
        super().__init__(session, with_relationship=with_relationship, parent=parent)
        self.setObjectName("basicTab")
        left = self.identity_form
        self.workplace_edit = self._line("workplace", 100)
        self.add_row(left, "workplace", self.workplace_edit)
        self.phone_edit = self._line("phone", 30)
        self.add_row(left, "phone", self.phone_edit)
        self.contact_name_edit = self._line("contactName", 50)
        self.add_row(left, "contact_name", self.contact_name_edit)
        self.contact_phone_edit = self._line("contactPhone", 30)
        self.add_row(left, "contact_phone", self.contact_phone_edit)

        right = form_layout()
        self.resident_type_combo = CodeCombo(codes.RESIDENT_TYPE, self, name="residentType")
        self.add_row(right, "resident_type", self.resident_type_combo)
        self.ethnicity_combo = CodeCombo(codes.ETHNICITY, self, name="ethnicity")
        self.ethnicity_combo.setMaxVisibleItems(20)
        self.add_row(right, "ethnicity", self.ethnicity_combo)
        blood = QWidget(self)
        blood_layout = QHBoxLayout(blood)
        blood_layout.setContentsMargins(0, 0, 0, 0)
        self.blood_abo_combo = CodeCombo(codes.BLOOD_ABO, blood, name="bloodAbo")
        self.blood_rh_combo = CodeCombo(codes.BLOOD_RH, blood, name="bloodRh")
        self.blood_rh_combo.setAccessibleName("Rh")
        blood_layout.addWidget(self.blood_abo_combo, 1)
        blood_layout.addWidget(self.blood_rh_combo, 1)
        self.add_row(right, "blood_abo", blood, buddy=self.blood_abo_combo, also=("blood_rh",))
        self.education_combo = CodeCombo(codes.EDUCATION, self, name="education")
        self.add_row(right, "education", self.education_combo)
        self.occupation_combo = CodeCombo(codes.OCCUPATION, self, name="occupation")
        self.add_row(right, "occupation", self.occupation_combo)
        self.marital_combo = CodeCombo(codes.MARITAL_STATUS, self, name="maritalStatus")
        self.add_row(right, "marital_status", self.marital_combo)

        bottom = form_layout()
        self.payment_checks = CodeChecks(
            codes.PAYMENT_METHOD, self, name="payment", columns=4, other=PAYMENT_OTHER, other_length=50
        )
        self.add_row(
            bottom, "payment_methods", self.payment_checks, buddy=self.payment_checks.first(), also=("payment_other",)
        )

        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 5)
        columns.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(columns)
        layout.addWidget(self.duplicate_label)
        layout.addLayout(bottom)
        layout.addStretch(1)

        for edit in (self.workplace_edit, self.phone_edit, self.contact_name_edit, self.contact_phone_edit):
            edit.textChanged.connect(self.touched)
        for combo in self._combos().values():
            combo.currentIndexChanged.connect(self.touched)
        self.payment_checks.changed.connect(self.touched)
        self.retranslate_ui()

    def _line(self, name: str, length: int) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setMaxLength(length)
        return edit

    def _combos(self) -> dict[str, CodeCombo]:
        return {
            "resident_type": self.resident_type_combo,
            "ethnicity": self.ethnicity_combo,
            "blood_abo": self.blood_abo_combo,
            "blood_rh": self.blood_rh_combo,
            "education": self.education_combo,
            "occupation": self.occupation_combo,
            "marital_status": self.marital_combo,
        }

    def focus_chain(self) -> list[QWidget]:
        """The fields in the paper form's order."""
        first: list[QWidget] = [self.relationship_combo] if "relationship" in self.labels else []
        return [
            *first,
            self.name_edit,
            self.sex_combo,
            self.birth_edit,
            self.id_type_combo,
            self.id_edit,
            self.confirm_check,
            self.workplace_edit,
            self.phone_edit,
            self.contact_name_edit,
            self.contact_phone_edit,
            *self._combos().values(),
            *self.payment_checks.focus_chain(),
        ]

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.retranslate_identity()
        for combo in self._combos().values():
            combo.retranslate_ui()

    def load(self, data: ResidentInput) -> None:
        self.workplace_edit.setText(data.workplace or "")
        self.phone_edit.setText(data.phone or "")
        self.contact_name_edit.setText(data.contact_name or "")
        self.contact_phone_edit.setText(data.contact_phone or "")
        for field, combo in self._combos().items():
            combo.set_value(getattr(data, field))
        self.payment_checks.set_values(data.payment_methods, data.payment_other)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {field: combo.value() for field, combo in self._combos().items()}
        values.update(
            workplace=self.workplace_edit.text().strip() or None,
            phone=self.phone_edit.text().strip() or None,
            contact_name=self.contact_name_edit.text().strip() or None,
            contact_phone=self.contact_phone_edit.text().strip() or None,
            payment_methods=self.payment_checks.values(),
            payment_other=self.payment_checks.other_text(),
        )
        return values
