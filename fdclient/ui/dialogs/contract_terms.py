"""The contract's terms on the signing form: the family representative, the team and family
doctor, the term in years (:class:`TermsSection`), and the basic and personalised packages
with their fee split and the total per person and year (:class:`PackagesSection`).

The signing dialog (:mod:`.sign_contract`) fills them from the signing options and the
household, and asks them what was chosen. The fees come from the services
(:func:`fdclient.ui.operations.contracts.quote`): the section only shows them. The texts
keep the dialog's translation context.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.key_populations import KeyPopulation
from fdclient.services.contracts.fees import ContractFees
from fdclient.services.contracts.packages import fen_to_yuan
from fdclient.ui.dialogs.contract_members import error_label, focus_first
from fdclient.ui.operations.contracts import DraftForSigning, SigningHousehold, SigningOptions

__all__ = ["PackagesSection", "TermsSection", "index_of"]


def index_of(combo: QComboBox, value: object) -> int:
    """The index of the item whose data is ``value`` (findData cannot compare Python
    objects such as UUIDs), or -1."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


class TermsSection(QGroupBox):
    """签约信息: representative, team, family doctor, term (1-3 years)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("termsBox")
        self.options: SigningOptions | None = None
        self.representative = QComboBox()
        self.representative.setObjectName("representative")
        self.team = QComboBox()
        self.team.setObjectName("team")
        self.doctor = QComboBox()
        self.doctor.setObjectName("doctor")
        self.term = QSpinBox()
        self.term.setObjectName("term")
        self.term.setRange(1, 3)
        self.representative_label, self.team_label, self.doctor_label, self.term_label = (
            QLabel(),
            QLabel(),
            QLabel(),
            QLabel(),
        )
        self.representative_label.setBuddy(self.representative)
        self.team_label.setBuddy(self.team)
        self.doctor_label.setBuddy(self.doctor)
        self.term_label.setBuddy(self.term)
        self.error = error_label("termsError")
        self.team.currentIndexChanged.connect(lambda _: self._fill_doctors())
        form = QFormLayout(self)
        form.setContentsMargins(10, 6, 10, 6)
        form.addRow(self.representative_label, self.representative)
        form.addRow(self.team_label, self.team)
        form.addRow(self.doctor_label, self.doctor)
        form.addRow(self.term_label, self.term)
        form.addRow(self.error)

    def retranslate_ui(self) -> None:
        self.setTitle(QCoreApplication.translate("SignContractDialog", "Contract"))
        self.representative_label.setText(QCoreApplication.translate("SignContractDialog", "&Representative:"))
        self.team_label.setText(QCoreApplication.translate("SignContractDialog", "&Team:"))
        self.doctor_label.setText(QCoreApplication.translate("SignContractDialog", "Family d&octor:"))
        self.term_label.setText(QCoreApplication.translate("SignContractDialog", "Ter&m:"))
        self.term.setSuffix(QCoreApplication.translate("SignContractDialog", " years"))

    def focus_chain(self) -> list[QWidget]:
        return [self.representative, self.team, self.doctor, self.term]

    def set_options(self, options: SigningOptions) -> None:
        self.options = options
        self.term.setValue(options.default_term_years)
        for t in options.teams:
            self.team.addItem(t.name, t.id)

    def set_household(self, household: SigningHousehold) -> None:
        """The head represents by default; the team serving the village (the signed-in
        doctor's when they are in one) and its doctor (the signed-in one, else the leader)."""
        assert self.options is not None
        self.representative.clear()
        for m in household.members:
            self.representative.addItem(m.name, m.resident_id)
        self.representative.setCurrentIndex(max(index_of(self.representative, household.head_id), 0))
        me = self.options.staff_id
        serving = [t for t in self.options.teams if household.village_id in t.village_ids]
        mine = [t for t in serving if any(d.id == me for d in t.doctors)]
        candidates = mine or serving or list(self.options.teams)
        if candidates:
            self.team.setCurrentIndex(index_of(self.team, candidates[0].id))
        self._fill_doctors()

    def _fill_doctors(self) -> None:
        if self.options is None:
            return
        self.doctor.clear()
        team = next((t for t in self.options.teams if t.id == self.team.currentData()), None)
        if team is None:
            return
        for d in team.doctors:
            self.doctor.addItem(d.name, d.id)
        mine = index_of(self.doctor, self.options.staff_id)
        self.doctor.setCurrentIndex(mine if mine >= 0 else 0)

    def keep_draft_terms(self, draft: DraftForSigning) -> None:
        """A draft's terms are what it says, not to be changed."""
        self.representative.setCurrentIndex(index_of(self.representative, draft.representative_id))
        self.team.setCurrentIndex(index_of(self.team, draft.team_id))
        self._fill_doctors()
        self.doctor.setCurrentIndex(index_of(self.doctor, draft.doctor_id))
        self.term.setValue(draft.term_years)
        for w in self.focus_chain():
            w.setEnabled(False)

    def state(self) -> tuple[object, ...]:
        return (
            self.representative.currentData(),
            self.team.currentData(),
            self.doctor.currentData(),
            self.term.value(),
        )


class PackagesSection(QGroupBox):
    """服务包与费用: one tick per active package with its fee split per person and year; the
    basic package ticked, a personalised one ticked while a covered member belongs to its
    population (until the user ticks or unticks it by hand); the total below."""

    #: The chosen packages changed (the fees are quoted again).
    packages_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packagesBox")
        self.options: SigningOptions | None = None
        self.boxes: dict[uuid.UUID, QCheckBox] = {}
        self._touched: set[uuid.UUID] = set()
        self.fees: ContractFees | None = None
        holder = QWidget()
        holder.setObjectName("packagesHolder")
        self.list_layout = QVBoxLayout(holder)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(2)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the lines take the cursor, not the area
        self.scroll_area.setWidget(holder)
        self.fee_total = QLabel()
        self.fee_total.setObjectName("feeTotal")
        self.fee_total.setWordWrap(True)
        self.fee_total.setTextFormat(Qt.TextFormat.PlainText)
        self.fee_total.setStyleSheet("font-weight: bold;")
        self.error = error_label("packagesError")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.fee_total)

    def set_options(self, options: SigningOptions) -> None:
        self.options = options
        basic = next((p.id for p in options.packages if p.target_population is None and p.kind.value == "basic"), None)
        for p in options.packages:
            box = QCheckBox()
            box.setObjectName(f"package-{len(self.boxes) + 1}")
            box.setProperty("package_id", str(p.id))
            box.setChecked(p.id == basic)
            box.toggled.connect(lambda _, pid=p.id: self._toggled(pid))
            self.list_layout.addWidget(box)
            self.boxes[p.id] = box
        self.list_layout.addWidget(self.error)
        self.list_layout.addStretch(1)
        self._label_packages()

    def retranslate_ui(self) -> None:
        # The title's mnemonic (Alt+P) moves the cursor to the packages.
        self.setTitle(QCoreApplication.translate("SignContractDialog", "Service &packages and fees"))
        self._label_packages()

    def _label_packages(self) -> None:
        if self.options is None:
            return
        for p in self.options.packages:
            self.boxes[p.id].setText(
                QCoreApplication.translate(
                    "SignContractDialog",
                    "{name}: {fee} yuan per person and year (insurance {insurance}, public health {health}, resident {own})",
                )
                .replace("{name}", p.name)
                .replace("{fee}", fen_to_yuan(p.fee_total_fen))
                .replace("{insurance}", fen_to_yuan(p.fee_insurance_fen))
                .replace("{health}", fen_to_yuan(p.fee_public_health_fen))
                .replace("{own}", fen_to_yuan(p.fee_resident_fen))
            )

    def focus_chain(self) -> list[QWidget]:
        return list(self.boxes.values())

    def event(self, event: QEvent) -> bool:
        """The title's mnemonic goes to the first package."""
        first = next((box for box in self.boxes.values() if box.isEnabled()), None)
        return focus_first(self, event, first) or super().event(event)

    def _toggled(self, package_id: uuid.UUID) -> None:
        self._touched.add(package_id)
        self.packages_changed.emit()

    def tick_for(self, populations: set[KeyPopulation]) -> None:
        """Tick each personalised package whose population a covered member belongs to (and
        untick the others), except those the user changed by hand."""
        if self.options is None:
            return
        for p in self.options.packages:
            if p.target_population is None or p.id in self._touched:
                continue
            box = self.boxes[p.id]
            box.blockSignals(True)
            box.setChecked(p.target_population in populations)
            box.blockSignals(False)

    def keep_draft_packages(self, package_ids: tuple[uuid.UUID, ...]) -> None:
        for pid, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(pid in package_ids)
            box.blockSignals(False)
            box.setEnabled(False)

    def chosen(self) -> list[uuid.UUID]:
        return [pid for pid, box in self.boxes.items() if box.isChecked()]

    def state(self) -> tuple[object, ...]:
        return tuple(self.chosen())

    def show_fees(self, fees: ContractFees | None, person_years: int) -> None:
        """The quoted total with its split and the amount per person and year (the lines
        per package in the tooltip); ``None``: nothing to quote yet."""
        self.fees = fees
        if fees is None:
            self.fee_total.setToolTip("")
            self.fee_total.setText(
                QCoreApplication.translate("SignContractDialog", "Total: choose members and packages.")
            )
            return
        lines = [
            QCoreApplication.translate("SignContractDialog", "{package}: {fee} × {count} person-years = {total} yuan")
            .replace("{package}", p.name)
            .replace("{fee}", fen_to_yuan(p.per_person_year.total_fen))
            .replace("{count}", str(p.person_years))
            .replace("{total}", fen_to_yuan(p.total.total_fen))
            for p in fees.packages
        ]
        total = fees.total
        self.fee_total.setToolTip("\n".join(lines))
        self.fee_total.setText(
            QCoreApplication.translate(
                "SignContractDialog",
                "Total {total} yuan (insurance {insurance}, public health {health}, resident pays {own});"
                " {each} yuan per person and year",
            )
            .replace("{total}", fen_to_yuan(total.total_fen))
            .replace("{insurance}", fen_to_yuan(total.insurance_fen))
            .replace("{health}", fen_to_yuan(total.public_health_fen))
            .replace("{own}", fen_to_yuan(total.resident_fen))
            .replace("{each}", fen_to_yuan(round(total.total_fen / max(1, person_years))))
        )
