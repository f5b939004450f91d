"""Which household signs: the village and the household number (the last digits of the
head's health record number), or the head's name, initials or the address, typed in the
finder; Enter (or a click) chooses the household shown first, ↓ moves through the others.
When the caller gives the household (or a draft), the finder only names it.

:class:`HouseholdFinder` is a group box of the signing dialog (:mod:`.sign_contract`):
it emits :attr:`HouseholdFinder.household_chosen` and the dialog loads the household. The
texts keep the dialog's translation context.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from fdclient.ui.dialogs.contract_members import error_label
from fdclient.ui.operations import contracts as ops
from fdclient.ui.operations.contracts import HouseholdChoice, SigningHousehold, VillageChoice
from fdclient.ui.session import UiSession

__all__ = ["HouseholdFinder"]


class HouseholdFinder(QGroupBox):
    """家庭: village, what to look for, the households found, the one chosen."""

    #: The user chose a household (Enter in the finder, or a click on it).
    household_chosen = Signal(object)

    def __init__(self, session: UiSession, *, given: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("householdBox")
        self.session = session
        #: The caller gave the household: nothing to look for.
        self.given = given
        self._ready = False
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
        self.error = error_label("householdError")
        self.village.currentIndexChanged.connect(lambda _: self.search())
        self.find_edit.textChanged.connect(lambda _: self.search())
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)
        finder = QGridLayout(self)
        finder.setContentsMargins(10, 6, 10, 6)
        finder.setVerticalSpacing(2)
        finder.addWidget(self.village_label, 0, 0)
        finder.addWidget(self.village, 0, 1)
        finder.addWidget(self.find_label, 0, 2)
        finder.addWidget(self.find_edit, 0, 3)
        finder.addWidget(self.results, 0, 4, 2, 1)
        finder.addWidget(self.chosen, 1, 0, 1, 4)
        finder.addWidget(self.error, 2, 0, 1, 5)
        finder.setColumnStretch(3, 2)
        finder.setColumnStretch(4, 3)

    def retranslate_ui(self) -> None:
        self.setTitle(QCoreApplication.translate("SignContractDialog", "Household"))
        self.village_label.setText(QCoreApplication.translate("SignContractDialog", "&Village:"))
        self.find_label.setText(QCoreApplication.translate("SignContractDialog", "&Household:"))
        self.find_edit.setPlaceholderText(
            QCoreApplication.translate("SignContractDialog", "Household number, head's name or address")
        )

    def focus_chain(self) -> list[QWidget]:
        return [self.village, self.find_edit, self.results]

    def set_villages(self, villages: tuple[VillageChoice, ...]) -> None:
        """The villages to choose from; then the finder looks (unless the household is given)."""
        self.village.blockSignals(True)
        for v in villages:
            self.village.addItem(v.name, v.id)
        self.village.blockSignals(False)
        self._ready = True
        self.setEnabled(not self.given)
        self.results.setVisible(not self.given)
        if not self.given:
            self.search()
            self.find_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def search(self) -> None:
        if self.given or not self._ready or self.village.currentIndex() < 0:
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
        self.error.setVisible(False)
        chosen: uuid.UUID = item.data(Qt.ItemDataRole.UserRole)
        self.household_chosen.emit(chosen)

    def show_household(self, household: SigningHousehold) -> None:
        head = next((m.name for m in household.members if m.resident_id == household.head_id), "")
        self.chosen.setText(
            QCoreApplication.translate("SignContractDialog", "Head {head}, {address}")
            .replace("{head}", head)
            .replace("{address}", household.address)
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Enter in the finder chooses the household (it does not sign)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.find_edit:
                item = self.results.currentItem()
                if item is not None:
                    self._choose_item(item)
            event.accept()  # in the list, the item's activation chose it already
            return
        super().keyPressEvent(event)
