"""残疾·生活环境: the disabilities (multi-choice, with 其他残疾 and its name) and the living
environment of the personal information form — kitchen exhaust, fuel, drinking water,
toilet, livestock pen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from fdclient.domain import codes
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.ui.dialogs.form_parts import CodeChecks, CodeCombo, FormTab, form_layout

__all__ = ["LivingTab"]

#: 无残疾 and 其他残疾 in codes.DISABILITY.
NO_DISABILITY, OTHER_DISABILITY = "1", "8"


class LivingTab(FormTab):
    LABELS = {
        "disabilities": str(QT_TRANSLATE_NOOP("ResidentForm", "&Disabilities:")),
        "kitchen_exhaust": str(QT_TRANSLATE_NOOP("ResidentForm", "&Kitchen exhaust:")),
        "fuel": str(QT_TRANSLATE_NOOP("ResidentForm", "F&uel:")),
        "water": str(QT_TRANSLATE_NOOP("ResidentForm", "Drinking &water:")),
        "toilet": str(QT_TRANSLATE_NOOP("ResidentForm", "&Toilet:")),
        "livestock_pen": str(QT_TRANSLATE_NOOP("ResidentForm", "&Livestock pen:")),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("livingTab")
        self.disability_box = QGroupBox(self)
        disability_form = form_layout(self.disability_box)
        self.disability_checks = CodeChecks(
            codes.DISABILITY, self, name="disability", columns=4, alone=NO_DISABILITY, other=OTHER_DISABILITY
        )
        self.add_row(
            disability_form,
            "disabilities",
            self.disability_checks,
            buddy=self.disability_checks.first(),
            also=("disability_other",),
        )

        self.environment_box = QGroupBox(self)
        environment = form_layout(self.environment_box)
        self.combos = {
            "kitchen_exhaust": CodeCombo(codes.KITCHEN_EXHAUST, self, name="kitchenExhaust"),
            "fuel": CodeCombo(codes.FUEL, self, name="fuel"),
            "water": CodeCombo(codes.WATER, self, name="water"),
            "toilet": CodeCombo(codes.TOILET, self, name="toilet"),
            "livestock_pen": CodeCombo(codes.LIVESTOCK_PEN, self, name="livestockPen"),
        }
        for field, combo in self.combos.items():
            combo.setMinimumWidth(260)
            combo.setMaximumWidth(420)
            self.add_row(environment, field, combo)
            combo.currentIndexChanged.connect(self.touched)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(self.disability_box)
        layout.addWidget(self.environment_box)
        layout.addStretch(1)
        self.disability_checks.changed.connect(self.touched)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.disability_box.setTitle(QCoreApplication.translate("ResidentForm", "Disability"))
        self.environment_box.setTitle(QCoreApplication.translate("ResidentForm", "Living environment"))
        for combo in self.combos.values():
            combo.retranslate_ui()

    def focus_chain(self) -> list[QWidget]:
        return [*self.disability_checks.focus_chain(), *self.combos.values()]

    def has_disability(self) -> bool:
        return any(code != NO_DISABILITY for code in self.disability_checks.values())

    def load(self, data: ResidentInput) -> None:
        self.disability_checks.set_values(data.disabilities, data.disability_other)
        for field, combo in self.combos.items():
            combo.set_value(getattr(data, field))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {field: combo.value() for field, combo in self.combos.items()}
        values["disabilities"] = self.disability_checks.values()
        values["disability_other"] = self.disability_checks.other_text()
        return values
