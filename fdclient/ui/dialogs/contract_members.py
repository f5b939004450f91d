"""The members' part of the signing form (签约成员与知情同意): one line per registered member of
the household: covered or not (key populations pre-ticked, members already under a contract
greyed out), whose consent (the member, a guardian, the representative), agreed, and the
guardian's name, relationship and ID number where a guardian consents (a child under 14
must have one).

:class:`MembersSection` is a group box the signing dialog (:mod:`.sign_contract`) places
and asks: the covered members, their consents, who has not agreed yet. The texts keep the
dialog's translation context.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ConsentBy, GuardianRelationship
from fdclient.domain.key_populations import KeyPopulation
from fdclient.ui.operations.contracts import GuardianInput, MemberConsent, SigningHousehold, SigningMember

__all__ = [
    "CONSENT_TEXT",
    "GUARDIAN_TEXT",
    "HEADERS",
    "KEY_POPULATION_TEXT",
    "MemberRow",
    "MembersSection",
    "error_label",
    "focus_first",
    "tr",
]

CONTEXT = "SignContractDialog"

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


def tr(text: object) -> str:
    """A text of the signing form (marked with QT_TRANSLATE_NOOP or not), translated."""
    return QCoreApplication.translate("SignContractDialog", str(text))


def error_label(name: str) -> QLabel:
    """A red message line beside a part of the form, hidden until there is something to say."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setVisible(False)
    return label


def focus_first(box: QGroupBox, event: QEvent, first: QWidget | None) -> bool:
    """For a group box's ``event()``: its title's mnemonic puts the cursor on ``first``
    (True when it did)."""
    if event.type() != QEvent.Type.Shortcut or first is None:
        return False
    first.setFocus(Qt.FocusReason.ShortcutFocusReason)
    return True


@dataclass
class MemberRow:
    """The widgets of one member's line: covered, consent by whom, consented, guardian."""

    member: SigningMember
    covered: QCheckBox
    populations: QLabel
    consent_by: QComboBox
    consented: QCheckBox
    guardian_name: QLineEdit
    guardian_relationship: QComboBox
    guardian_id: QLineEdit

    @property
    def member_id(self) -> uuid.UUID:
        return self.member.resident_id

    @property
    def minor(self) -> bool:
        return self.member.minor

    @property
    def guardian_required(self) -> bool:
        return self.member.guardian_required

    @property
    def key_populations(self) -> tuple[KeyPopulation, ...]:
        return self.member.key_populations

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

    def state(self) -> tuple[object, ...]:
        """What the user may have changed on this line (to tell whether the form holds input)."""
        return (
            self.covered.isChecked(),
            self.consent_by.currentData(),
            self.consented.isChecked(),
            self.guardian_name.text(),
            self.guardian_relationship.currentData(),
            self.guardian_id.text(),
        )

    def enable(self) -> None:
        """Consent and guardian fields only for a covered member; the guardian's only when
        a guardian consents."""
        on = self.covered.isChecked()
        by_guardian = self.consent_by.currentData() == ConsentBy.GUARDIAN.value
        self.consent_by.setEnabled(on)
        self.consented.setEnabled(on)
        for w in (self.guardian_name, self.guardian_relationship, self.guardian_id):
            w.setEnabled(on and by_guardian)

    def retranslate_ui(self) -> None:
        m = self.member
        age = QCoreApplication.translate("SignContractDialog", "{age} years").replace("{age}", str(m.age))
        self.covered.setText(f"{m.name}（{m.relationship_label or '—'}，{age}）")
        for index in range(self.consent_by.count()):
            self.consent_by.setItemText(index, tr(CONSENT_TEXT[ConsentBy(self.consent_by.itemData(index))]))
        self.consented.setText(QCoreApplication.translate("SignContractDialog", "Agreed"))
        self.guardian_name.setPlaceholderText(QCoreApplication.translate("SignContractDialog", "Guardian's name"))
        for index, text in enumerate(GUARDIAN_TEXT.values()):
            self.guardian_relationship.setItemText(index, tr(text))
        self.guardian_id.setPlaceholderText(QCoreApplication.translate("SignContractDialog", "Guardian's ID number"))
        if m.contract_no is not None:
            self.covered.setToolTip(
                QCoreApplication.translate("SignContractDialog", "Already covered by contract {number}").replace(
                    "{number}", m.contract_no
                )
            )
            self.populations.setText(
                QCoreApplication.translate("SignContractDialog", "Contract {number} in force").replace(
                    "{number}", m.contract_no
                )
            )
        else:
            self.populations.setText("、".join(tr(KEY_POPULATION_TEXT[k]) for k in m.key_populations) or "—")


def _member_row(line: int, m: SigningMember) -> MemberRow:
    covered = QCheckBox()
    covered.setObjectName(f"member-{line}")
    populations = QLabel()
    populations.setWordWrap(True)
    consent_by = QComboBox()
    consent_by.setObjectName(f"consentBy-{line}")
    choices = [ConsentBy.GUARDIAN] if m.guardian_required else [ConsentBy.SELF, ConsentBy.GUARDIAN]
    if not m.minor:
        choices.append(ConsentBy.REPRESENTATIVE)
    for by in choices:
        consent_by.addItem("", by.value)
    consented = QCheckBox()
    consented.setObjectName(f"consent-{line}")
    guardian_name = QLineEdit()
    guardian_name.setObjectName(f"guardianName-{line}")
    relationship = QComboBox()
    relationship.setObjectName(f"guardianRelationship-{line}")
    for code in GUARDIAN_TEXT:
        relationship.addItem("", code.value)
    guardian_id = QLineEdit()
    guardian_id.setObjectName(f"guardianId-{line}")
    guardian_id.setMaxLength(30)
    row = MemberRow(m, covered, populations, consent_by, consented, guardian_name, relationship, guardian_id)
    row.retranslate_ui()
    if m.contract_no is not None:
        covered.setEnabled(False)
    else:
        covered.setChecked(bool(m.key_populations))
    return row


class MembersSection(QGroupBox):
    """签约成员与知情同意: the household's members, who is covered and who consented."""

    #: The covered members changed (the packages and the fees follow).
    covered_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("membersBox")
        self.rows: list[MemberRow] = []
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        holder = QWidget()
        holder.setObjectName("membersHolder")
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.grid)
        inner.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the lines take the cursor, not the area
        self.scroll_area.setWidget(holder)
        self.error = error_label("membersError")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.scroll_area)
        layout.addWidget(self.error)
        self.header_labels = [QLabel() for _ in HEADERS]
        for column, label in enumerate(self.header_labels):
            label.setStyleSheet("font-weight: bold;")
            self.grid.addWidget(label, 0, column)
        self.grid.setColumnStretch(1, 1)

    def retranslate_ui(self) -> None:
        # The title's mnemonic (Alt+E) moves the cursor to the first member.
        self.setTitle(QCoreApplication.translate("SignContractDialog", "M&embers and their consent"))
        for label, text in zip(self.header_labels, HEADERS, strict=True):
            label.setText(tr(text))
        for row in self.rows:
            row.retranslate_ui()

    def fill(self, household: SigningHousehold) -> None:
        """One line per member; key populations ticked unless already under a contract."""
        for row in self.rows:
            for old in row.widgets():
                self.grid.removeWidget(old)
                old.deleteLater()
        self.rows = []
        for line, m in enumerate(household.members, start=1):
            row = _member_row(line, m)
            for column, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, line, column)
                widget.show()  # at once, not later: the cursor moves to the first line next
            row.covered.toggled.connect(lambda _, r=row: self._member_toggled(r))
            row.consent_by.currentIndexChanged.connect(lambda _, r=row: r.enable())
            row.enable()
            self.rows.append(row)

    def _member_toggled(self, row: MemberRow) -> None:
        row.enable()
        self.covered_changed.emit()

    def keep_draft_members(self, member_ids: tuple[uuid.UUID, ...]) -> None:
        """A draft's members are what it says: ticked as drafted, not to be changed."""
        for row in self.rows:
            row.covered.blockSignals(True)
            row.covered.setChecked(row.member_id in member_ids)
            row.covered.blockSignals(False)
            row.covered.setEnabled(False)
            row.enable()

    def focus_chain(self) -> list[QWidget]:
        """The focusable widgets line by line, in the order of the Tab key."""
        return [w for row in self.rows for w in row.widgets() if w is not row.populations]

    def first_field(self) -> QWidget | None:
        return next((w for w in self.focus_chain() if w.isEnabled()), None)

    def event(self, event: QEvent) -> bool:
        """The title's mnemonic goes to the first line (not back to the last field used)."""
        return focus_first(self, event, self.first_field()) or super().event(event)

    # --- what the dialog asks --------------------------------------------------------------------

    def chosen(self) -> list[uuid.UUID]:
        return [r.member_id for r in self.rows if r.covered.isChecked()]

    def key_populations(self) -> set[KeyPopulation]:
        """The key populations of the covered members."""
        return {k for r in self.rows if r.covered.isChecked() for k in r.key_populations}

    def not_agreed(self) -> list[str]:
        """The covered members who have not agreed yet (as their lines say)."""
        return [r.covered.text() for r in self.rows if r.covered.isChecked() and not r.consented.isChecked()]

    def consents(self) -> tuple[MemberConsent, ...]:
        return tuple(r.consent() for r in self.rows if r.covered.isChecked())

    def state(self) -> tuple[object, ...]:
        return tuple(r.state() for r in self.rows)
