"""Sign a household contract in one short flow (签约): choose the household (or it is given),
tick the members (key populations pre-ticked), record each member's consent (a guardian's
for a child), choose representative, team, family doctor, term and packages while the fee
total follows, let the representative sign on the pad, then sign (Ctrl+S or Enter). A draft
opened here keeps what it says: only the consents and the signature are asked. The parts
are their own widgets (:mod:`.contract_household`, :mod:`.contract_members`,
:mod:`.contract_terms`, :mod:`.contract_signature`); this dialog places them, loads what
they show, and signs or saves a draft.

Keyboard: Tab follows the form from top to bottom (household, members line by line,
representative, team, doctor, term, packages, pad, "sign on paper", buttons); mnemonics:
Alt+V village, Alt+H household, Alt+E members, Alt+R representative, Alt+T team, Alt+O
doctor, Alt+M term, Alt+P packages, Alt+G pad, Alt+I sign on paper, Alt+L clear, Alt+D
draft, Alt+S sign; Ctrl+S signs; Esc closes, asking first when something was entered. Tab
passes over the pad: ticking "sign on paper" signs with no drawing stored, the printed form
keeping blank signature lines to sign by hand (the signing service takes ``None`` for
that); with the pad empty and the box not ticked, signing is refused beside the pad.

Every refusal of the services appears beside the field it is about; the form keeps what
was typed. A role that may not sign sees the form with signing disabled.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.roles import Permission
from fdclient.services.contracts.fees import ContractFees
from fdclient.services.contracts.info import ContractInfo
from fdclient.ui.dialogs.contract_household import HouseholdFinder
from fdclient.ui.dialogs.contract_members import MemberRow, MembersSection, error_label
from fdclient.ui.dialogs.contract_signature import NOT_SIGNED, SignatureSection
from fdclient.ui.dialogs.contract_terms import PackagesSection, TermsSection, index_of
from fdclient.ui.operations import contracts as ops
from fdclient.ui.operations.contracts import DraftForSigning, SigningHousehold, SigningOptions, SignRequest
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.signature_pad import SignaturePad

__all__ = ["SignContractDialog", "index_of"]

#: Which part of the form shows a refusal about each field the services name.
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
        self.result_info: ContractInfo | None = None
        self._household_given = household_id is not None or contract_id is not None
        self._may_sign = session.may(Permission.MANAGE_CONTRACTS)
        #: The form as first shown for a household given by the caller (None: not yet).
        self._baseline: tuple[object, ...] | None = None

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

    # --- the parts, as callers and tests know them -----------------------------------------------

    @property
    def household_box(self) -> HouseholdFinder:
        return self.finder

    @property
    def village(self) -> QComboBox:
        return self.finder.village

    @property
    def find_edit(self) -> QLineEdit:
        return self.finder.find_edit

    @property
    def results(self) -> QListWidget:
        return self.finder.results

    @property
    def member_rows(self) -> list[MemberRow]:
        return self.members.rows

    @property
    def members_error(self) -> QLabel:
        return self.members.error

    @property
    def term(self) -> QSpinBox:
        return self.terms.term

    @property
    def fee_total(self) -> QLabel:
        return self.packages.fee_total

    @property
    def pad(self) -> SignaturePad:
        return self.signature.pad

    @property
    def signature_error(self) -> QLabel:
        return self.signature.error

    def chosen_members(self) -> list[uuid.UUID]:
        return self.members.chosen()

    def chosen_packages(self) -> list[uuid.UUID]:
        return self.packages.chosen()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.finder = HouseholdFinder(self.session, given=self._household_given)
        self.finder.household_chosen.connect(self.choose_household)
        self.members = MembersSection()
        self.members.covered_changed.connect(self._members_changed)
        self.terms = TermsSection()
        self.terms.term.valueChanged.connect(lambda _: self._quote())
        self.packages = PackagesSection()
        self.packages.packages_changed.connect(self._quote)
        self.signature = SignatureSection()

        self.error = error_label("error")
        self.sign_button, self.draft_button, self.cancel_button = QPushButton(), QPushButton(), QPushButton()
        for button, name, act in (
            (self.sign_button, "sign", self.submit),
            (self.draft_button, "saveDraft", self.save_as_draft),
            (self.cancel_button, "cancel", self.reject),
        ):
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(act)
        self.sign_button.setDefault(True)  # Enter signs
        self.sign_button.setEnabled(self._may_sign)
        self.draft_button.setEnabled(self._may_sign)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.activated.connect(self.submit)

        bottom = QHBoxLayout()
        bottom.addWidget(self.terms, 3)
        bottom.addWidget(self.packages, 6)
        bottom.addWidget(self.signature, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(self.finder)
        layout.addWidget(self.members, 3)
        layout.addLayout(bottom, 4)
        layout.addLayout(buttons)
        self._order_tabs()

    def _order_tabs(self) -> None:
        """The Tab key follows the form from top to bottom (disabled and hidden fields are
        passed over)."""
        chain = self.finder.focus_chain() + self.members.focus_chain() + self.terms.focus_chain()
        chain += self.packages.focus_chain() + self.signature.focus_chain()
        chain += [self.draft_button, self.sign_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            QCoreApplication.translate("SignContractDialog", "Sign a family doctor contract")
            if self.draft is None
            else QCoreApplication.translate("SignContractDialog", "Sign draft {number}").replace(
                "{number}", self.draft.contract_no
            )
        )
        for part in (self.finder, self.members, self.terms, self.packages, self.signature):
            part.retranslate_ui()
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

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def _failed_load(self, exc: BaseException) -> None:
        ops.reporting(self)(exc)

    def _show_options(
        self, options: SigningOptions, household_id: uuid.UUID | None, contract_id: uuid.UUID | None
    ) -> None:
        self.options = options
        self.terms.set_options(options)
        self.packages.set_options(options)
        self._order_tabs()
        self.finder.set_villages(options.villages)
        if contract_id is not None:
            ops.load_draft(self.session, contract_id, self._show_draft, self._failed_load, owner=self)
        elif household_id is not None:
            self.choose_household(household_id)

    def _show_draft(self, draft: DraftForSigning) -> None:
        self.draft = draft
        self.retranslate_ui()
        self.draft_button.setVisible(False)
        self.choose_household(draft.household_id)

    def choose_household(self, household_id: uuid.UUID) -> None:
        self.finder.error.setVisible(False)
        ops.load_household(self.session, household_id, self._show_household, self._failed_load, owner=self)

    def _show_household(self, household: SigningHousehold) -> None:
        self.household = household
        self.finder.show_household(household)
        self.members.fill(household)
        self.terms.set_household(household)
        self.packages.tick_for(self.members.key_populations())
        if self.draft is not None:
            self.members.keep_draft_members(self.draft.member_ids)
            self.terms.keep_draft_terms(self.draft)
            self.packages.keep_draft_packages(self.draft.package_ids)
        self._order_tabs()
        self._quote()
        if self._household_given and self._baseline is None:
            self._baseline = self._state()
        first = self.members.first_field()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- members, packages and fees ---------------------------------------------------------------

    def _members_changed(self) -> None:
        self.packages.tick_for(self.members.key_populations())
        self._quote()

    def _quote(self) -> None:
        members, packages = self.chosen_members(), self.chosen_packages()
        if not members or not packages:
            self.packages.show_fees(None, 0)
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
        self.packages.show_fees(fees, len(self.chosen_members()) * self.term.value())

    def _show_fees(self) -> None:
        self.packages.show_fees(self.packages.fees, len(self.chosen_members()) * self.term.value())

    # --- input not saved ----------------------------------------------------------------------------

    def _state(self) -> tuple[object, ...]:
        return (
            self.household.id if self.household is not None else None,
            self.members.state(),
            self.terms.state(),
            self.packages.state(),
            self.signature.state(),
        )

    def has_unsaved_changes(self) -> bool:
        """Whether closing now would lose something entered: a household chosen here, or a
        change to the form as it was first shown for the household given."""
        if self.household is None or self.result_info is not None:
            return False
        return self._baseline is None or self._state() != self._baseline

    def reject(self) -> None:
        """Esc or Cancel: close, asking first when something was entered."""
        if self.has_unsaved_changes():
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                QCoreApplication.translate("SignContractDialog", "Close the form and discard what was entered?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.discard()

    def discard(self) -> None:
        """Close without asking, dropping what was entered."""
        super().reject()

    # --- signing ------------------------------------------------------------------------------

    def _error_labels(self) -> dict[str, QLabel]:
        """The message line of each part of the form ("": the one at the bottom)."""
        return {
            "household": self.finder.error,
            "members": self.members.error,
            "terms": self.terms.error,
            "packages": self.packages.error,
            "signature": self.signature.error,
            "": self.error,
        }

    def show_error(self, field: str | None, message: str) -> None:
        label = self._error_labels()[_FIELD_PLACE.get(field or "", "")]
        label.setText(message)
        label.setVisible(True)

    def _clear_errors(self) -> None:
        for label in self._error_labels().values():
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
        signature: bytes | None = NOT_SIGNED
        if signing:
            missing = self.members.not_agreed()
            if missing:
                self.show_error(
                    "consents",
                    QCoreApplication.translate(
                        "SignContractDialog", "Each member must agree before signing; not yet agreed: {names}"
                    ).replace("{names}", "、".join(missing)),
                )
                return None
            signature = self.signature.signature()
            if signature == NOT_SIGNED:
                self.show_error(
                    "signature",
                    QCoreApplication.translate(
                        "SignContractDialog",
                        "The representative has not signed on the pad yet. Draw the signature, or tick"
                        " “Sign on paper instead” (Alt+I) to sign the printed form by hand.",
                    ),
                )
                self.pad.setFocus(Qt.FocusReason.OtherFocusReason)
                return None
        if self.terms.doctor.currentIndex() < 0:
            self.show_error(
                "doctor_id", QCoreApplication.translate("SignContractDialog", "Choose a team with a family doctor.")
            )
            return None
        assert self.household is not None
        return SignRequest(
            household_id=self.household.id,
            member_ids=tuple(members),
            representative_id=self.terms.representative.currentData(),
            team_id=self.terms.team.currentData(),
            doctor_id=self.terms.doctor.currentData(),
            package_ids=tuple(self.chosen_packages()),
            term_years=self.term.value(),
            consents=self.members.consents() if signing else (),
            signature_png=signature,
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
