"""既往史·家族史: drug allergies, exposures, the past history (diseases with their date,
surgery, trauma, transfusion: :mod:`past_history`), the family history of father, mother,
siblings and children as the paper form's grid, and hereditary disease."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain import codes
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.ui.dialogs.form_parts import CodeChecks, FormTab, error_label, form_layout
from fdclient.ui.dialogs.past_history import PastHistoryPanel
from fdclient.ui.operations.medical_history import HISTORY_FIELDS
from fdclient.ui.session import UiSession

__all__ = ["FamilyHistoryGrid", "HistoryTab"]

#: 无 in the multi-choice answers.
NONE = "1"
#: The stored answer of 遗传病史 无 (a disease is stored by its name).
GENETIC_NONE = codes.GENETIC_DISEASE["1"]
FAMILY_FIELDS = (
    ("father", "family_history_father"),
    ("mother", "family_history_mother"),
    ("siblings", "family_history_siblings"),
    ("children", "family_history_children"),
)
_FAMILY_LABELS = {
    "father": str(QT_TRANSLATE_NOOP("ResidentForm", "&Father")),
    "mother": str(QT_TRANSLATE_NOOP("ResidentForm", "M&other")),
    "siblings": str(QT_TRANSLATE_NOOP("ResidentForm", "Si&blings")),
    "children": str(QT_TRANSLATE_NOOP("ResidentForm", "&Children")),
}


class FamilyHistoryGrid(QWidget):
    """One row of boxes per family member, one column per disease of the form's list."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("familyHistory")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        for column, disease_name in enumerate(codes.FAMILY_HISTORY.values(), start=1):
            header = QLabel(disease_name, self)
            header.setWordWrap(True)
            header.setAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(header, 0, column)
            grid.setColumnStretch(column, 1)
        self.row_labels: dict[str, QLabel] = {}
        self.checks: dict[str, dict[str, QCheckBox]] = {}
        for row, (member, _) in enumerate(FAMILY_FIELDS, start=1):
            label = QLabel(self)
            self.row_labels[member] = label
            grid.addWidget(label, row, 0)
            boxes: dict[str, QCheckBox] = {}
            for column, (code, disease) in enumerate(codes.FAMILY_HISTORY.items(), start=1):
                box = QCheckBox(self)
                box.setObjectName(f"family_{member}_{code}")
                box.setAccessibleName(f"{codes.FAMILY_MEMBER[member]} {disease}")
                box.setToolTip(f"{codes.FAMILY_MEMBER[member]}：{disease}")
                box.toggled.connect(lambda on, m=member, c=code: self._toggled(m, c, on))
                grid.addWidget(box, row, column, Qt.AlignmentFlag.AlignCenter)
                boxes[code] = box
            label.setBuddy(boxes[NONE])
            self.checks[member] = boxes
        self._syncing = False
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for member, label in self.row_labels.items():
            label.setText(QCoreApplication.translate("ResidentForm", _FAMILY_LABELS[member]))

    def focus_chain(self) -> list[QWidget]:
        return [box for boxes in self.checks.values() for box in boxes.values()]

    def values(self, member: str) -> tuple[str, ...]:
        return tuple(code for code, box in self.checks[member].items() if box.isChecked())

    def set_values(self, member: str, chosen: tuple[str, ...]) -> None:
        self._syncing = True
        try:
            for code, box in self.checks[member].items():
                box.setChecked(code in chosen)
        finally:
            self._syncing = False

    def _toggled(self, member: str, code: str, on: bool) -> None:
        if not on or self._syncing:
            return
        self._syncing = True
        try:
            for other, box in self.checks[member].items():
                if (code == NONE) != (other == NONE):
                    box.setChecked(False)
        finally:
            self._syncing = False


class HistoryTab(FormTab):
    LABELS = {
        "drug_allergies": str(QT_TRANSLATE_NOOP("ResidentForm", "Drug a&llergies:")),
        "exposures": str(QT_TRANSLATE_NOOP("ResidentForm", "E&xposures:")),
        "genetic_disease": str(QT_TRANSLATE_NOOP("ResidentForm", "&Genetic disease:")),
    }

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyTab")
        top = form_layout()
        self.allergy_checks = CodeChecks(codes.DRUG_ALLERGY, self, name="allergy", columns=6, alone=NONE, other="5")
        self.add_row(
            top, "drug_allergies", self.allergy_checks, buddy=self.allergy_checks.first(), also=("drug_allergy_other",)
        )
        self.exposure_checks = CodeChecks(codes.EXPOSURE, self, name="exposure", columns=6, alone=NONE)
        self.add_row(top, "exposures", self.exposure_checks, buddy=self.exposure_checks.first())

        self.past_box = QGroupBox(self)
        past_layout = QVBoxLayout(self.past_box)
        self.past_history = PastHistoryPanel(session, self.past_box)
        past_layout.addWidget(self.past_history)

        self.family_box = QGroupBox(self)
        family_layout = QVBoxLayout(self.family_box)
        self.family = FamilyHistoryGrid(self.family_box)
        family_layout.addWidget(self.family)
        self.family_error = error_label(self.family_box, "familyHistory")
        family_layout.addWidget(self.family_error)
        for _, field in FAMILY_FIELDS:
            self.errors[field] = self.family_error
            self.inputs[field] = self.family.checks["father"][NONE]

        bottom = form_layout()
        genetic = QWidget(self)
        genetic_layout = QHBoxLayout(genetic)
        genetic_layout.setContentsMargins(0, 0, 0, 0)
        self.genetic_combo = QComboBox(genetic)
        self.genetic_combo.setObjectName("geneticDisease")
        self.genetic_combo.addItem("", None)
        for code, label in codes.GENETIC_DISEASE.items():
            self.genetic_combo.addItem(f"{code} {label}", code)
        self.genetic_edit = QLineEdit(genetic)
        self.genetic_edit.setObjectName("geneticDiseaseName")
        self.genetic_edit.setMaxLength(100)
        genetic_layout.addWidget(self.genetic_combo)
        genetic_layout.addWidget(self.genetic_edit, 1)
        self.add_row(bottom, "genetic_disease", genetic, buddy=self.genetic_combo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(top)
        layout.addWidget(self.past_box, 1)
        layout.addWidget(self.family_box)
        layout.addLayout(bottom)

        self.allergy_checks.changed.connect(self.touched)
        self.exposure_checks.changed.connect(self.touched)
        self.past_history.changed.connect(self.touched)
        for boxes in self.family.checks.values():
            for box in boxes.values():
                box.toggled.connect(self.touched)
        self.genetic_combo.currentIndexChanged.connect(self._genetic_changed)
        self.genetic_edit.textChanged.connect(self.touched)
        self.genetic_edit.textEdited.connect(self._genetic_typed)
        self.retranslate_ui()
        self._genetic_changed()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.past_box.setTitle(
            QCoreApplication.translate("ResidentForm", "Past history: diseases, surgery, trauma, transfusion")
        )
        self.family_box.setTitle(QCoreApplication.translate("ResidentForm", "Family history"))
        self.genetic_combo.setItemText(0, QCoreApplication.translate("ResidentForm", "(not filled in)"))
        self.genetic_edit.setPlaceholderText(QCoreApplication.translate("ResidentForm", "name of the disease"))
        self.past_history.retranslate_ui()
        self.family.retranslate_ui()

    def focus_chain(self) -> list[QWidget]:
        panel = self.past_history
        return [
            *self.allergy_checks.focus_chain(),
            *self.exposure_checks.focus_chain(),
            panel.table,
            panel.item_combo,
            panel.name_edit,
            panel.date_edit,
            panel.add_button,
            panel.void_button,
            *self.family.focus_chain(),
            self.genetic_combo,
            self.genetic_edit,
        ]

    def _genetic_changed(self, *_: object) -> None:
        has = self.genetic_combo.currentData() == "2"
        self.genetic_edit.setEnabled(has or self.genetic_combo.currentData() is None)
        if self.genetic_combo.currentData() == "1":
            self.genetic_edit.clear()
        self.touched()

    def _genetic_typed(self, text: str) -> None:
        if text.strip() and self.genetic_combo.currentData() != "2":
            self.genetic_combo.setCurrentIndex(self.genetic_combo.findData("2"))

    def load(self, data: ResidentInput) -> None:
        self.allergy_checks.set_values(data.drug_allergies, data.drug_allergy_other)
        self.exposure_checks.set_values(data.exposures)
        for member, field in FAMILY_FIELDS:
            self.family.set_values(member, getattr(data, field))
        genetic = (data.genetic_disease or "").strip()
        if not genetic:
            self.genetic_combo.setCurrentIndex(0)
            self.genetic_edit.clear()
        elif genetic == GENETIC_NONE:
            self.genetic_combo.setCurrentIndex(self.genetic_combo.findData("1"))
            self.genetic_edit.clear()
        else:
            self.genetic_combo.setCurrentIndex(self.genetic_combo.findData("2"))
            self.genetic_edit.setText(genetic)

    def values(self) -> dict[str, Any] | None:
        """The answers as ResidentInput fields, or None after marking a hereditary disease
        ticked 有 without its name."""
        answer = self.genetic_combo.currentData()
        name = self.genetic_edit.text().strip()
        if answer == "2" and not name:
            self.show_error(
                "genetic_disease",
                QCoreApplication.translate("ResidentForm", "Write the name of the hereditary disease."),
            )
            return None
        values: dict[str, Any] = {
            "drug_allergies": self.allergy_checks.values(),
            "drug_allergy_other": self.allergy_checks.other_text(),
            "exposures": self.exposure_checks.values(),
            "genetic_disease": GENETIC_NONE if answer == "1" else (name or None),
        }
        for member, field in FAMILY_FIELDS:
            values[field] = self.family.values(member)
        return values

    def show_error(self, field: str | None, message: str) -> bool:
        if field in HISTORY_FIELDS:
            return self.past_history.show_error(field, message)
        return super().show_error(field, message)

    def clear_errors(self) -> None:
        super().clear_errors()
        self.past_history.clear_errors()
