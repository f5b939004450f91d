"""Sign a household contract in one short flow (签约): choose the household (village and
household number, or a name; or passed in), tick the members (key populations pre-ticked),
record each member's consent (a guardian's for a child), choose team, family doctor,
packages and term while the fee total follows, let the representative sign on the pad,
then sign (Ctrl+S or Enter). A draft opened here keeps what it says: only the consents and
the signature are asked.

Every refusal of the services appears beside the field it is about; the form keeps what
was typed. A role that may not sign sees the form with signing disabled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ConsentBy, GuardianRelationship
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.roles import Permission
from fdclient.services.contracts.fees import ContractFees
from fdclient.services.contracts.info import ContractInfo
from fdclient.services.contracts.packages import fen_to_yuan
from fdclient.ui.operations import contracts as ops
from fdclient.ui.operations.contracts import (
    DraftForSigning,
    GuardianInput,
    HouseholdChoice,
    MemberConsent,
    SigningHousehold,
    SigningOptions,
    SignRequest,
)
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.signature_pad import SignaturePad

__all__ = ["SignContractDialog"]


KEY_POPULATION_TEXT = {
    KeyPopulation.ELDERLY: QT_TRANSLATE_NOOP("SignContractDialog", "Elderly 65+"),
    KeyPopulation.CHILD: QT_TRANSLATE_NOOP("SignContractDialog", "Child 0-6"),
    KeyPopulation.MATERNAL: QT_TRANSLATE_NOOP("SignContractDialog", "Pregnant / postpartum"),
    KeyPopulation.DISABLED: QT_TRANSLATE_NOOP("SignContractDialog", "Disabled"),
    KeyPopulation.POVERTY: QT_TRANSLATE_NOOP("SignContractDialog", "Poverty relief"),
    KeyPopulation.FAMILY_PLANNING_SPECIAL: QT_TRANSLATE_NOOP("SignContractDialog", "Family-planning special"),
    KeyPopulation.HYPERTENSION: QT_TRANSLATE_NOOP("SignContractDialog", "Hypertension"),
    KeyPopulation.DIABETES: QT_TRANSLATE_NOOP("SignContractDialog", "Diabetes"),
    KeyPopulation.TUBERCULOSIS: QT_TRANSLATE_NOOP("SignContractDialog", "Tuberculosis"),
    KeyPopulation.SEVERE_MENTAL: QT_TRANSLATE_NOOP("SignContractDialog", "Severe mental disorder"),
}
CONSENT_TEXT = {
    ConsentBy.SELF: QT_TRANSLATE_NOOP("SignContractDialog", "Self"),
    ConsentBy.GUARDIAN: QT_TRANSLATE_NOOP("SignContractDialog", "Guardian"),
    ConsentBy.REPRESENTATIVE: QT_TRANSLATE_NOOP("SignContractDialog", "Representative"),
}
GUARDIAN_TEXT = {
    GuardianRelationship.FATHER: QT_TRANSLATE_NOOP("SignContractDialog", "Father"),
    GuardianRelationship.MOTHER: QT_TRANSLATE_NOOP("SignContractDialog", "Mother"),
    GuardianRelationship.GRANDPARENT: QT_TRANSLATE_NOOP("SignContractDialog", "Grandparent"),
    GuardianRelationship.SIBLING: QT_TRANSLATE_NOOP("SignContractDialog", "Elder sibling"),
    GuardianRelationship.SPOUSE: QT_TRANSLATE_NOOP("SignContractDialog", "Spouse"),
    GuardianRelationship.CHILD: QT_TRANSLATE_NOOP("SignContractDialog", "Adult child"),
    GuardianRelationship.OTHER_RELATIVE: QT_TRANSLATE_NOOP("SignContractDialog", "Other close relative"),
    GuardianRelationship.OTHER: QT_TRANSLATE_NOOP("SignContractDialog", "Other person or organisation"),
}
#: The columns of the members' lines.
HEADERS = (
    QT_TRANSLATE_NOOP("SignContractDialog", "Covered"),
    QT_TRANSLATE_NOOP("SignContractDialog", "Key populations"),
    QT_TRANSLATE_NOOP("SignContractDialog", "Consent by"),
    QT_TRANSLATE_NOOP("SignContractDialog", "Consented"),
    QT_TRANSLATE_NOOP("SignContractDialog", "Guardian"),
    QT_TRANSLATE_NOOP("SignContractDialog", "Relationship"),
    QT_TRANSLATE_NOOP("SignContractDialog", "ID number"),
)
#: Which error label shows a refusal about each field the services name.
_FIELD_PLACE = {
    "household_id": "household",
    "member_ids": "members",
    "consents": "members",
    "scope": "members",
    "resident_id": "members",
    "guardian_name": "members",
    "guardian_relationship": "members",
    "guardian_id_type": "members",
    "guardian_id_number": "members",
    "guardian_phone": "members",
    "birth_date": "members",
    "representative_id": "terms",
    "team_id": "terms",
    "doctor_id": "terms",
    "term_years": "terms",
    "start_date": "terms",
    "package_ids": "packages",
    "signature": "signature",
}


def _tr(text: object) -> str:
    """A text marked with QT_TRANSLATE_NOOP in this context, translated."""
    return QCoreApplication.translate("SignContractDialog", str(text))


def index_of(combo: QComboBox, value: object) -> int:
    """The index of the item whose data is ``value`` (findData cannot compare Python
    objects such as UUIDs), or -1."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setVisible(False)
    return label


@dataclass
class MemberRow:
    """The widgets of one member's line: covered, consent by whom, consented, guardian."""

    member_id: uuid.UUID
    minor: bool
    guardian_required: bool
    key_populations: tuple[KeyPopulation, ...]
    covered: QCheckBox
    populations: QLabel
    consent_by: QComboBox
    consented: QCheckBox
    guardian_name: QLineEdit
    guardian_relationship: QComboBox
    guardian_id: QLineEdit

    def widgets(self) -> tuple[QWidget, ...]:
        """In the order of the columns (and of the Tab key)."""
        return (
            self.covered,
            self.populations,
            self.consent_by,
            self.consented,
            self.guardian_name,
            self.guardian_relationship,
            self.guardian_id,
        )

    def consent(self) -> MemberConsent:
        by = ConsentBy(self.consent_by.currentData())
        if by != ConsentBy.GUARDIAN:
            return MemberConsent(self.member_id, by)
        guardian = GuardianInput(
            name=self.guardian_name.text(),
            relationship=str(self.guardian_relationship.currentData()),
            id_number=self.guardian_id.text(),
        )
        return MemberConsent(self.member_id, by, guardian)


class SignContractDialog(QDialog):
    #: A contract was signed (the dialog then closes).
    signed = Signal(object)
    #: A draft was saved (the dialog then closes).
    drafted = Signal(object)

    def __init__(
        self,
        session: UiSession,
        *,
        household_id: uuid.UUID | None = None,
        contract_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("signContractDialog")
        self.setModal(True)
        self.options: SigningOptions | None = None
        self.household: SigningHousehold | None = None
        self.draft: DraftForSigning | None = None
        self.fees: ContractFees | None = None
        self.result_info: ContractInfo | None = None
        self.member_rows: list[MemberRow] = []
        self.package_boxes: dict[uuid.UUID, QCheckBox] = {}
        self._touched_packages: set[uuid.UUID] = set()
        self._household_given = household_id is not None or contract_id is not None
        self._may_sign = session.may(Permission.MANAGE_CONTRACTS)

        self._build()
        self.retranslate_ui()
        available = self.screen().availableGeometry()
        self.resize(min(1240, available.width() - 20), min(690, available.height() - 40))
        ops.load_options(
            session,
            lambda options: self._show_options(options, household_id, contract_id),
            self._failed_load,
            owner=self,
        )

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        # The household.
        self.village = QComboBox()
        self.village.setObjectName("village")
        self.village.setMinimumWidth(140)
        self.village_label = QLabel()
        self.village_label.setBuddy(self.village)
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("findHousehold")
        self.find_edit.setClearButtonEnabled(True)
        self.find_label = QLabel()
        self.find_label.setBuddy(self.find_edit)
        self.results = QListWidget()
        self.results.setObjectName("households")
        self.results.setMaximumHeight(62)
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenHousehold")
        self.chosen.setWordWrap(True)
        self.household_error = _error_label("householdError")
        self.village.currentIndexChanged.connect(lambda _: self._search())
        self.find_edit.textChanged.connect(lambda _: self._search())
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)

        self.household_box = QGroupBox()
        finder = QGridLayout(self.household_box)
        finder.setContentsMargins(10, 6, 10, 6)
        finder.setVerticalSpacing(2)
        finder.addWidget(self.village_label, 0, 0)
        finder.addWidget(self.village, 0, 1)
        finder.addWidget(self.find_label, 0, 2)
        finder.addWidget(self.find_edit, 0, 3)
        finder.addWidget(self.results, 0, 4, 2, 1)
        finder.addWidget(self.chosen, 1, 0, 1, 4)
        finder.addWidget(self.household_error, 2, 0, 1, 5)
        finder.setColumnStretch(3, 2)
        finder.setColumnStretch(4, 3)

        # The members and their consents.
        self.members_box = QGroupBox()
        self.members_grid = QGridLayout()
        self.members_grid.setHorizontalSpacing(10)
        self.members_grid.setVerticalSpacing(4)
        holder = QWidget()
        holder.setObjectName("membersHolder")
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.members_grid)
        inner.addStretch(1)
        self.members_scroll = QScrollArea()
        self.members_scroll.setWidgetResizable(True)
        self.members_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.members_scroll.setWidget(holder)
        self.members_error = _error_label("membersError")
        members_layout = QVBoxLayout(self.members_box)
        members_layout.setContentsMargins(10, 6, 10, 6)
        members_layout.addWidget(self.members_scroll)
        members_layout.addWidget(self.members_error)
        self.header_labels = [QLabel() for _ in range(7)]
        for column, label in enumerate(self.header_labels):
            label.setStyleSheet("font-weight: bold;")
            self.members_grid.addWidget(label, 0, column)

        # Representative, team, doctor, term.
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
        self.terms_error = _error_label("termsError")
        self.team.currentIndexChanged.connect(lambda _: self._fill_doctors())
        self.term.valueChanged.connect(lambda _: self._quote())
        self.terms_box = QGroupBox()
        terms = QFormLayout(self.terms_box)
        terms.setContentsMargins(10, 6, 10, 6)
        terms.addRow(self.representative_label, self.representative)
        terms.addRow(self.team_label, self.team)
        terms.addRow(self.doctor_label, self.doctor)
        terms.addRow(self.term_label, self.term)
        terms.addRow(self.terms_error)

        # Packages and fees.
        self.packages_box = QGroupBox()
        packages_holder = QWidget()
        packages_holder.setObjectName("packagesHolder")
        self.packages_layout = QVBoxLayout(packages_holder)
        self.packages_layout.setContentsMargins(0, 0, 0, 0)
        self.packages_layout.setSpacing(2)
        self.packages_scroll = QScrollArea()
        self.packages_scroll.setWidgetResizable(True)
        self.packages_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.packages_scroll.setWidget(packages_holder)
        packages_box_layout = QVBoxLayout(self.packages_box)
        packages_box_layout.setContentsMargins(10, 6, 10, 6)
        packages_box_layout.addWidget(self.packages_scroll, 1)
        self.fee_total = QLabel()
        self.fee_total.setObjectName("feeTotal")
        self.fee_total.setWordWrap(True)
        self.fee_total.setTextFormat(Qt.TextFormat.PlainText)
        self.fee_total.setStyleSheet("font-weight: bold;")
        self.packages_error = _error_label("packagesError")

        # Signature.
        self.pad = SignaturePad()
        self.clear_pad = QPushButton()
        self.clear_pad.setObjectName("clearSignature")
        self.clear_pad.setAutoDefault(False)
        self.clear_pad.clicked.connect(self.pad.clear)
        self.signature_hint = QLabel()
        self.signature_hint.setWordWrap(True)
        self.signature_error = _error_label("signatureError")
        self.pad.changed.connect(lambda: self.signature_error.setVisible(False))
        self.signature_box = QGroupBox()
        sig = QVBoxLayout(self.signature_box)
        sig.setContentsMargins(10, 6, 10, 6)
        sig.addWidget(self.signature_hint)
        sig.addWidget(self.pad, 1)
        sig_row = QHBoxLayout()
        sig_row.addWidget(self.signature_error, 1)
        sig_row.addWidget(self.clear_pad)
        sig.addLayout(sig_row)

        # Buttons.
        self.error = _error_label("error")
        self.sign_button = QPushButton()
        self.sign_button.setObjectName("sign")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.submit)
        self.draft_button = QPushButton()
        self.draft_button.setObjectName("saveDraft")
        self.draft_button.setAutoDefault(False)
        self.draft_button.clicked.connect(self.save_as_draft)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.sign_button.setEnabled(self._may_sign)
        self.draft_button.setEnabled(self._may_sign)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.activated.connect(self.submit)

        packages_box_layout.addWidget(self.fee_total)
        bottom = QHBoxLayout()
        bottom.addWidget(self.terms_box, 3)
        bottom.addWidget(self.packages_box, 6)
        bottom.addWidget(self.signature_box, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(self.household_box)
        layout.addWidget(self.members_box, 3)
        layout.addLayout(bottom, 4)
        layout.addLayout(buttons)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("SignContractDialog", "Sign a family doctor contract"))
        self.household_box.setTitle(QCoreApplication.translate("SignContractDialog", "Household"))
        self.village_label.setText(QCoreApplication.translate("SignContractDialog", "&Village:"))
        self.find_label.setText(QCoreApplication.translate("SignContractDialog", "&Household:"))
        self.find_edit.setPlaceholderText(
            QCoreApplication.translate("SignContractDialog", "Household number, head's name or address")
        )
        self.members_box.setTitle(QCoreApplication.translate("SignContractDialog", "Members and their consent"))
        for label, text in zip(self.header_labels, HEADERS, strict=True):
            label.setText(_tr(text))
        self.terms_box.setTitle(QCoreApplication.translate("SignContractDialog", "Contract"))
        self.representative_label.setText(QCoreApplication.translate("SignContractDialog", "&Representative:"))
        self.team_label.setText(QCoreApplication.translate("SignContractDialog", "&Team:"))
        self.doctor_label.setText(QCoreApplication.translate("SignContractDialog", "Family d&octor:"))
        self.term_label.setText(QCoreApplication.translate("SignContractDialog", "Ter&m:"))
        self.term.setSuffix(QCoreApplication.translate("SignContractDialog", " years"))
        self.packages_box.setTitle(QCoreApplication.translate("SignContractDialog", "Service packages and fees"))
        self.signature_box.setTitle(QCoreApplication.translate("SignContractDialog", "Signature of the representative"))
        self.signature_hint.setText(
            QCoreApplication.translate(
                "SignContractDialog", "The representative (or guardian) signs below with the mouse or a pen."
            )
        )
        self.clear_pad.setText(QCoreApplication.translate("SignContractDialog", "C&lear"))
        self.clear_pad.setToolTip(
            QCoreApplication.translate("SignContractDialog", "Clear the signature (Delete on the pad)")
        )
        self.sign_button.setText(QCoreApplication.translate("SignContractDialog", "&Sign"))
        self.sign_button.setToolTip(
            QCoreApplication.translate("SignContractDialog", "Sign the contract (Ctrl+S or Enter)")
        )
        self.draft_button.setText(QCoreApplication.translate("SignContractDialog", "Save as &draft"))
        self.draft_button.setToolTip(
            QCoreApplication.translate("SignContractDialog", "Keep the contract as a draft to sign later")
        )
        self.cancel_button.setText(QCoreApplication.translate("SignContractDialog", "Cancel"))
        self.cancel_button.setToolTip(QCoreApplication.translate("SignContractDialog", "Close without signing (Esc)"))
        if not self._may_sign:
            self.show_error(None, QCoreApplication.translate("SignContractDialog", "Your role may not sign contracts."))
        self._show_fees()

    # --- loading ------------------------------------------------------------------------------

    def _failed_load(self, exc: BaseException) -> None:
        ops.reporting(self)(exc)

    def _show_options(
        self, options: SigningOptions, household_id: uuid.UUID | None, contract_id: uuid.UUID | None
    ) -> None:
        self.options = options
        self.term.setValue(options.default_term_years)
        self.village.blockSignals(True)
        for v in options.villages:
            self.village.addItem(v.name, v.id)
        self.village.blockSignals(False)
        for t in options.teams:
            self.team.addItem(t.name, t.id)
        basic = next((p.id for p in options.packages if p.target_population is None and p.kind.value == "basic"), None)
        for p in options.packages:
            box = QCheckBox()
            box.setObjectName(f"package-{len(self.package_boxes) + 1}")
            box.setProperty("package_id", str(p.id))
            box.setChecked(p.id == basic)
            box.toggled.connect(lambda _, pid=p.id: self._package_toggled(pid))
            self.packages_layout.addWidget(box)
            self.package_boxes[p.id] = box
        self.packages_layout.addWidget(self.packages_error)
        self.packages_layout.addStretch(1)
        self._label_packages()
        if contract_id is not None:
            ops.load_draft(self.session, contract_id, self._show_draft, self._failed_load, owner=self)
        elif household_id is not None:
            self.choose_household(household_id)
        else:
            self._search()
            self.find_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.household_box.setEnabled(not self._household_given)
        self.results.setVisible(not self._household_given)

    def _label_packages(self) -> None:
        assert self.options is not None
        for p in self.options.packages:
            self.package_boxes[p.id].setText(
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

    def _show_draft(self, draft: DraftForSigning) -> None:
        self.draft = draft
        self.setWindowTitle(
            QCoreApplication.translate("SignContractDialog", "Sign draft {number}").replace(
                "{number}", draft.contract_no
            )
        )
        self.draft_button.setVisible(False)
        self.choose_household(draft.household_id)

    def _search(self) -> None:
        if self._household_given or self.options is None or self.village.currentIndex() < 0:
            return
        ops.find_households(
            self.session, self.village.currentData(), self.find_edit.text(), self._show_results, owner=self
        )

    def _show_results(self, found: tuple[HouseholdChoice, ...]) -> None:
        self.results.clear()
        for h in found:
            number = (h.health_record_no or "")[-5:]
            item = QListWidgetItem(f"{number}  {h.head}  {h.address}")
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    def _choose_item(self, item: QListWidgetItem) -> None:
        self.choose_household(item.data(Qt.ItemDataRole.UserRole))

    def choose_household(self, household_id: uuid.UUID) -> None:
        self.household_error.setVisible(False)
        ops.load_household(self.session, household_id, self._show_household, self._failed_load, owner=self)

    def _show_household(self, household: SigningHousehold) -> None:
        self.household = household
        head = next((m.name for m in household.members if m.resident_id == household.head_id), "")
        self.chosen.setText(
            QCoreApplication.translate("SignContractDialog", "Head {head}, {address}")
            .replace("{head}", head)
            .replace("{address}", household.address)
        )
        self._fill_members()
        self._fill_representatives()
        self._choose_team()
        if self.draft is not None:
            self._apply_draft(self.draft)
        self._quote()
        first = next((r.covered for r in self.member_rows if r.covered.isEnabled()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_members(self) -> None:
        assert self.household is not None
        for row in self.member_rows:
            for old in row.widgets():
                self.members_grid.removeWidget(old)
                old.deleteLater()
        self.member_rows = []
        previous: QWidget = self.find_edit
        for line, m in enumerate(self.household.members, start=1):
            age = QCoreApplication.translate("SignContractDialog", "{age} years").replace("{age}", str(m.age))
            text = f"{m.name}（{m.relationship_label or '—'}，{age}）"
            covered = QCheckBox(text)
            covered.setObjectName(f"member-{line}")
            populations = QLabel(
                "、".join(_tr(KEY_POPULATION_TEXT[k]) for k in m.key_populations) if m.key_populations else "—"
            )
            populations.setWordWrap(True)
            consent_by = QComboBox()
            choices = [ConsentBy.GUARDIAN] if m.guardian_required else [ConsentBy.SELF, ConsentBy.GUARDIAN]
            if not m.minor:
                choices.append(ConsentBy.REPRESENTATIVE)
            for by in choices:
                consent_by.addItem(_tr(CONSENT_TEXT[by]), by.value)
            consented = QCheckBox(QCoreApplication.translate("SignContractDialog", "Agreed"))
            consented.setObjectName(f"consent-{line}")
            guardian_name = QLineEdit()
            guardian_name.setObjectName(f"guardianName-{line}")
            guardian_name.setPlaceholderText(QCoreApplication.translate("SignContractDialog", "Guardian's name"))
            relationship = QComboBox()
            relationship.setObjectName(f"guardianRelationship-{line}")
            for code, text_ in GUARDIAN_TEXT.items():
                relationship.addItem(_tr(text_), code.value)
            guardian_id = QLineEdit()
            guardian_id.setObjectName(f"guardianId-{line}")
            guardian_id.setPlaceholderText(QCoreApplication.translate("SignContractDialog", "Guardian's ID number"))
            guardian_id.setMaxLength(30)
            row = MemberRow(
                m.resident_id,
                m.minor,
                m.guardian_required,
                m.key_populations,
                covered,
                populations,
                consent_by,
                consented,
                guardian_name,
                relationship,
                guardian_id,
            )
            if m.contract_no is not None:
                covered.setEnabled(False)
                covered.setToolTip(
                    QCoreApplication.translate("SignContractDialog", "Already covered by contract {number}").replace(
                        "{number}", m.contract_no
                    )
                )
                populations.setText(
                    QCoreApplication.translate("SignContractDialog", "Contract {number} in force").replace(
                        "{number}", m.contract_no
                    )
                )
            else:
                covered.setChecked(bool(m.key_populations))
            for column, widget in enumerate(row.widgets()):
                self.members_grid.addWidget(widget, line, column)
                QWidget.setTabOrder(previous, widget)
                previous = widget
            covered.toggled.connect(lambda _, r=row: self._member_toggled(r))
            consent_by.currentIndexChanged.connect(lambda _, r=row: self._enable_row(r))
            self.member_rows.append(row)
            self._enable_row(row)
        self.members_grid.setColumnStretch(1, 1)
        self._tick_packages()

    def _enable_row(self, row: MemberRow) -> None:
        on = row.covered.isChecked()
        by_guardian = row.consent_by.currentData() == ConsentBy.GUARDIAN.value
        row.consent_by.setEnabled(on)
        row.consented.setEnabled(on)
        for w in (row.guardian_name, row.guardian_relationship, row.guardian_id):
            w.setEnabled(on and by_guardian)

    def _member_toggled(self, row: MemberRow) -> None:
        self._enable_row(row)
        self._tick_packages()
        self._quote()

    def _fill_representatives(self) -> None:
        assert self.household is not None
        self.representative.clear()
        for m in self.household.members:
            self.representative.addItem(m.name, m.resident_id)
        index = index_of(self.representative, self.household.head_id)
        self.representative.setCurrentIndex(max(index, 0))

    def _choose_team(self) -> None:
        assert self.options is not None and self.household is not None
        village = self.household.village_id
        me = self.options.staff_id
        serving = [t for t in self.options.teams if village in t.village_ids]
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

    def _apply_draft(self, draft: DraftForSigning) -> None:
        for row in self.member_rows:
            row.covered.setChecked(row.member_id in draft.member_ids)
            row.covered.setEnabled(False)
            self._enable_row(row)
        self.representative.setCurrentIndex(index_of(self.representative, draft.representative_id))
        self.team.setCurrentIndex(index_of(self.team, draft.team_id))
        self._fill_doctors()
        self.doctor.setCurrentIndex(index_of(self.doctor, draft.doctor_id))
        self.term.setValue(draft.term_years)
        for pid, box in self.package_boxes.items():
            box.setChecked(pid in draft.package_ids)
            box.setEnabled(False)
        for w in (self.representative, self.team, self.doctor, self.term):
            w.setEnabled(False)

    # --- packages and fees -------------------------------------------------------------------

    def _package_toggled(self, package_id: uuid.UUID) -> None:
        self._touched_packages.add(package_id)
        self._quote()

    def _tick_packages(self) -> None:
        """Tick a personalised package when a covered member belongs to its population
        (unless the user changed that package by hand)."""
        if self.options is None:
            return
        populations = {k for r in self.member_rows if r.covered.isChecked() for k in r.key_populations}
        for p in self.options.packages:
            if p.target_population is None or p.id in self._touched_packages:
                continue
            box = self.package_boxes[p.id]
            box.blockSignals(True)
            box.setChecked(p.target_population in populations)
            box.blockSignals(False)

    def chosen_members(self) -> list[uuid.UUID]:
        return [r.member_id for r in self.member_rows if r.covered.isChecked()]

    def chosen_packages(self) -> list[uuid.UUID]:
        return [pid for pid, box in self.package_boxes.items() if box.isChecked()]

    def _quote(self) -> None:
        members, packages = self.chosen_members(), self.chosen_packages()
        if not members or not packages:
            self.fees = None
            self._show_fees()
            return
        ops.quote(
            self.session,
            package_ids=packages,
            member_ids=members,
            term_years=self.term.value(),
            done=self._show_quote,
            failed=self._failed_load,
            owner=self,
        )

    def _show_quote(self, fees: ContractFees) -> None:
        self.fees = fees
        self._show_fees()

    def _show_fees(self) -> None:
        if self.fees is None:
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
            for p in self.fees.packages
        ]
        total = self.fees.total
        persons = max(1, len(self.chosen_members()) * self.term.value())
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
            .replace("{each}", fen_to_yuan(round(total.total_fen / persons)))
        )

    # --- signing ------------------------------------------------------------------------------

    def show_error(self, field: str | None, message: str) -> None:
        place = _FIELD_PLACE.get(field or "")
        label = {
            "household": self.household_error,
            "members": self.members_error,
            "terms": self.terms_error,
            "packages": self.packages_error,
            "signature": self.signature_error,
        }.get(place or "", self.error)
        label.setText(message)
        label.setVisible(True)

    def _clear_errors(self) -> None:
        for label in (
            self.household_error,
            self.members_error,
            self.terms_error,
            self.packages_error,
            self.signature_error,
            self.error,
        ):
            label.setVisible(False)

    def _request(self, *, signing: bool) -> SignRequest | None:
        self._clear_errors()
        if self.household is None:
            self.show_error(
                "household_id", QCoreApplication.translate("SignContractDialog", "Choose the household first.")
            )
            return None
        members = self.chosen_members()
        if not members:
            self.show_error("member_ids", QCoreApplication.translate("SignContractDialog", "Tick at least one member."))
            return None
        consents: list[MemberConsent] = []
        if signing:
            missing = [
                r.covered.text() for r in self.member_rows if r.covered.isChecked() and not r.consented.isChecked()
            ]
            if missing:
                self.show_error(
                    "consents",
                    QCoreApplication.translate(
                        "SignContractDialog", "Each member must agree before signing; not yet agreed: {names}"
                    ).replace("{names}", "、".join(missing)),
                )
                return None
            consents = [r.consent() for r in self.member_rows if r.covered.isChecked()]
            if self.pad.is_empty():
                self.show_error(
                    "signature",
                    QCoreApplication.translate(
                        "SignContractDialog", "The representative has not signed on the pad yet."
                    ),
                )
                self.pad.setFocus(Qt.FocusReason.OtherFocusReason)
                return None
        if self.doctor.currentIndex() < 0:
            self.show_error(
                "doctor_id", QCoreApplication.translate("SignContractDialog", "Choose a team with a family doctor.")
            )
            return None
        return SignRequest(
            household_id=self.household.id,
            member_ids=tuple(members),
            representative_id=self.representative.currentData(),
            team_id=self.team.currentData(),
            doctor_id=self.doctor.currentData(),
            package_ids=tuple(self.chosen_packages()),
            term_years=self.term.value(),
            consents=tuple(consents),
            signature_png=self.pad.png() if signing else b"",
            contract_id=self.draft.contract_id if self.draft is not None else None,
        )

    def submit(self) -> None:
        """Sign (Ctrl+S, Enter or the Sign button)."""
        if not self._may_sign:
            return
        request = self._request(signing=True)
        if request is not None:
            ops.sign(self.session, request, self._signed, self, owner=self)

    def save_as_draft(self) -> None:
        if not self._may_sign or self.draft is not None:
            return
        request = self._request(signing=False)
        if request is not None:
            ops.save_draft(self.session, request, self._drafted, self, owner=self)

    def _signed(self, info: ContractInfo) -> None:
        self.result_info = info
        self.signed.emit(info)
        self.accept()

    def _drafted(self, info: ContractInfo) -> None:
        self.result_info = info
        self.drafted.emit(info)
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Enter in the household finder chooses the household instead of signing."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if focus is self.find_edit or focus is self.results:
                item = self.results.currentItem()
                if item is not None:
                    self._choose_item(item)
                return
        super().keyPressEvent(event)
