"""签约管理: the township's contracts (drafts, in force, expiring within 30 / 60 days, ended,
voided), sorted and filtered in SQL; sign a new contract for a household (village and
household number, or a search), sign a draft, renew in one step from the expiring list,
terminate with a reason, discard a draft with a reason. Roles that may not sign (nurses,
public-health staff) see the list only. Enter on a draft signs it; on another contract it
opens the representative's record."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from fdclient.domain.codes import ContractStatus
from fdclient.domain.roles import Permission
from fdclient.services.contracts.info import ContractInfo
from fdclient.ui.dialogs.contract_reasons import ReasonDialog, TerminateDialog, VoidDraftDialog
from fdclient.ui.dialogs.sign_contract import SignContractDialog
from fdclient.ui.operations import contracts as ops
from fdclient.ui.operations.contracts import ContractFilter, ContractRow, SigningOptions
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.contracts import ContractsTableModel

__all__ = ["ContractsPage", "TerminateDialog", "VoidDraftDialog"]

FILTERS = (
    (ContractFilter.ACTIVE, QT_TRANSLATE_NOOP("ContractsPage", "In force")),
    (ContractFilter.EXPIRING_30, QT_TRANSLATE_NOOP("ContractsPage", "Expiring within 30 days")),
    (ContractFilter.EXPIRING_60, QT_TRANSLATE_NOOP("ContractsPage", "Expiring within 60 days")),
    (ContractFilter.DRAFT, QT_TRANSLATE_NOOP("ContractsPage", "Drafts")),
    (ContractFilter.ENDED, QT_TRANSLATE_NOOP("ContractsPage", "Expired, renewed or terminated")),
    (ContractFilter.VOIDED, QT_TRANSLATE_NOOP("ContractsPage", "Discarded drafts")),
    (ContractFilter.ALL, QT_TRANSLATE_NOOP("ContractsPage", "All")),
)


def _tr(text: object) -> str:
    return QCoreApplication.translate("ContractsPage", str(text))


class ContractsPage(Page):
    NAME = "contracts"
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Contracts"))

    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: QDialog | None = None
        #: The contract to choose once the list is read again (the one just signed …).
        self._select_after_reset: uuid.UUID | None = None
        if session is None:
            self.label = QLabel(self)
            self.label.setObjectName("contractsPlaceholder")
            self.label.setWordWrap(True)
            layout = QVBoxLayout(self)
            layout.setContentsMargins(32, 24, 32, 24)
            layout.addWidget(self.label)
            layout.addStretch(1)
            self.retranslate_ui()
            return
        self.may_sign = session.may(Permission.MANAGE_CONTRACTS)
        self.model = ContractsTableModel(session, self)
        self._build()
        self.retranslate_ui()
        ops.load_options(session, self._show_options, self._show_failure, owner=self)

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter = QComboBox()
        self.filter.setObjectName("filter")
        for which, _ in FILTERS:
            self.filter.addItem("", which.value)
        self.filter_label = QLabel()
        self.filter_label.setBuddy(self.filter)
        self.village = QComboBox()
        self.village.setObjectName("village")
        self.village.addItem("", None)
        self.village.setMinimumWidth(140)
        self.village_label = QLabel()
        self.village_label.setBuddy(self.village)
        self.search = QLineEdit()
        self.search.setObjectName("contractSearch")
        self.search.setClearButtonEnabled(True)
        self.search_label = QLabel()
        self.search_label.setBuddy(self.search)
        self.filter.currentIndexChanged.connect(lambda _: self.reload())
        self.village.currentIndexChanged.connect(lambda _: self.reload())
        self.search.textChanged.connect(lambda _: self.reload())

        self.new_button = QPushButton()
        self.new_button.setObjectName("newContract")
        self.sign_button = QPushButton()
        self.sign_button.setObjectName("signDraft")
        self.renew_button = QPushButton()
        self.renew_button.setObjectName("renew")
        self.terminate_button = QPushButton()
        self.terminate_button.setObjectName("terminate")
        self.void_button = QPushButton()
        self.void_button.setObjectName("voidDraft")
        self.new_button.clicked.connect(lambda: self.new_contract())
        self.sign_button.clicked.connect(lambda: self.sign_selected())
        self.renew_button.clicked.connect(lambda: self.renew_selected())
        self.terminate_button.clicked.connect(lambda: self.terminate_selected())
        self.void_button.clicked.connect(lambda: self.void_selected())
        for button in (self.new_button, self.sign_button, self.renew_button, self.terminate_button, self.void_button):
            button.setVisible(self.may_sign)
        self.refresh_shortcut = QShortcut(QKeySequence.StandardKey.Refresh, self)
        self.refresh_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_shortcut.activated.connect(self.reload)

        self.table = QTableView()
        self.table.setObjectName("contracts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (↑/↓ move in it)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.activated.connect(self._open)
        for column, width in enumerate((190, 110, 120, 110, 60, 100, 100)):
            self.table.setColumnWidth(column, width)
        # The whole contract number at the font chosen (it was cut at 12 pt).
        number_width = self.table.fontMetrics().horizontalAdvance("QY-360111101-2026-000000") + 24
        self.table.setColumnWidth(0, max(190, number_width))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable_actions())
        self.model.modelReset.connect(self._after_reset)

        self.count = QLabel()
        self.count.setObjectName("count")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.filter_label)
        filters.addWidget(self.filter)
        filters.addWidget(self.village_label)
        filters.addWidget(self.village)
        filters.addWidget(self.search_label)
        filters.addWidget(self.search, 1)
        actions = QHBoxLayout()
        for button in (self.new_button, self.sign_button, self.renew_button, self.terminate_button, self.void_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self._enable_actions()

    def retranslate_ui(self) -> None:
        if self.session is None:
            self.label.setText(
                QCoreApplication.translate("Pages", "Sign, renew and terminate family-doctor contracts.")
            )
            return
        for index, (_, text) in enumerate(FILTERS):
            self.filter.setItemText(index, _tr(text))
        self.village.setItemText(0, QCoreApplication.translate("ContractsPage", "All villages"))
        self.filter_label.setText(QCoreApplication.translate("ContractsPage", "Sho&w:"))
        self.village_label.setText(QCoreApplication.translate("ContractsPage", "&Village:"))
        self.search_label.setText(QCoreApplication.translate("ContractsPage", "Searc&h:"))
        self.search.setPlaceholderText(QCoreApplication.translate("ContractsPage", "Contract number or name"))
        self.new_button.setText(QCoreApplication.translate("ContractsPage", "&New contract…"))
        self.new_button.setToolTip(
            QCoreApplication.translate("ContractsPage", "Sign a contract for a household (Alt+N)")
        )
        self.sign_button.setText(QCoreApplication.translate("ContractsPage", "&Sign draft…"))
        self.sign_button.setToolTip(
            QCoreApplication.translate("ContractsPage", "Sign the chosen draft (Alt+S, or Enter on it)")
        )
        self.renew_button.setText(QCoreApplication.translate("ContractsPage", "&Renew"))
        self.renew_button.setToolTip(
            QCoreApplication.translate(
                "ContractsPage", "Renew the chosen contract with the same members, packages and doctor (Alt+R)"
            )
        )
        self.terminate_button.setText(QCoreApplication.translate("ContractsPage", "&Terminate…"))
        self.terminate_button.setToolTip(
            QCoreApplication.translate("ContractsPage", "Terminate the chosen contract with a reason (Alt+T)")
        )
        self.void_button.setText(QCoreApplication.translate("ContractsPage", "Dis&card draft…"))
        self.void_button.setToolTip(
            QCoreApplication.translate("ContractsPage", "Discard the chosen draft with a reason (Alt+C)")
        )
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self._show_count()

    # --- the list ----------------------------------------------------------------------------

    def _show_options(self, options: SigningOptions) -> None:
        self.village.blockSignals(True)
        for v in options.villages:
            self.village.addItem(v.name, v.id)
        self.village.blockSignals(False)
        self.reload()

    def activated(self) -> None:
        if self.session is not None:
            self.reload()

    def reload(self) -> None:
        self.model.set_query(
            ContractFilter(self.filter.currentData()), self.village.currentData(), self.search.text().strip()
        )

    def show_filter(self, which: ContractFilter) -> None:
        self.filter.setCurrentIndex(self.filter.findData(which.value))

    def _after_reset(self) -> None:
        self._show_count()
        wanted, self._select_after_reset = self._select_after_reset, None
        if wanted is not None and self.select_contract(wanted):
            self.table.scrollTo(self.table.currentIndex())
        elif self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._enable_actions()

    def _show_count(self) -> None:
        self.count.setText(
            QCoreApplication.translate("ContractsPage", "{count} contracts").replace(
                "{count}", str(self.model.rowCount())
            )
        )

    def select_contract(self, contract_id: uuid.UUID) -> bool:
        row = self.model.row_of(contract_id)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        return row >= 0

    def selected(self) -> ContractRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _enable_actions(self) -> None:
        row = self.selected()
        status = row.status if row is not None and not row.voided else None
        self.sign_button.setEnabled(status == ContractStatus.DRAFT)
        self.void_button.setEnabled(status == ContractStatus.DRAFT)
        self.renew_button.setEnabled(status in (ContractStatus.ACTIVE, ContractStatus.EXPIRED))
        self.terminate_button.setEnabled(status == ContractStatus.ACTIVE)

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is None:
            return
        if row.status == ContractStatus.DRAFT and not row.voided and self.may_sign:
            self.sign_selected()
        elif self.navigator is not None:
            self.navigator.open_resident(row.representative_id)

    # --- input not saved ----------------------------------------------------------------------

    def _open_dialog(self) -> QDialog | None:
        dialog = self.dialog
        return dialog if dialog is not None and isValid(dialog) and dialog.isVisible() else None

    def has_unsaved_changes(self) -> bool:
        """A form opened here (signing, terminating, discarding) holds typed input."""
        dialog = self._open_dialog()
        if isinstance(dialog, SignContractDialog):
            return dialog.has_unsaved_changes()
        return isinstance(dialog, ReasonDialog) and dialog.has_input()

    def discard_changes(self) -> None:
        """Close the open form without asking (the window signs out or the user chose to)."""
        dialog = self._open_dialog()
        if isinstance(dialog, SignContractDialog):
            dialog.discard()
        elif dialog is not None:
            dialog.reject()

    # --- messages ----------------------------------------------------------------------------

    def show_error(self, field: str | None, message: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(message)

    def _show_failure(self, exc: BaseException) -> None:
        ops.reporting(self)(exc)

    def _done(self, text: str, info: ContractInfo) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text.replace("{number}", info.contract_no))
        self._select_after_reset = info.id  # chosen when the ids come back (read off the GUI thread)
        self.model.refresh()

    # --- actions -----------------------------------------------------------------------------

    def _sign_dialog(self, **kwargs: uuid.UUID | None) -> SignContractDialog | None:
        if self.session is None or not self.may_sign:
            return None
        dialog = SignContractDialog(self.session, parent=self, **kwargs)
        dialog.signed.connect(
            lambda info: self._done(QCoreApplication.translate("ContractsPage", "Contract {number} signed."), info)
        )
        dialog.drafted.connect(
            lambda info: self._done(QCoreApplication.translate("ContractsPage", "Draft {number} saved."), info)
        )
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        """A form opened here closed: the keys come back to the list (the window is made
        active again: without a window manager nothing else would)."""
        dialog.deleteLater()
        if self.isVisible():
            self.window().activateWindow()
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def new_contract(self, household_id: uuid.UUID | None = None) -> SignContractDialog | None:
        """Open the signing form (for ``household_id``, or to choose the household)."""
        return self._sign_dialog(household_id=household_id)

    def sign_selected(self) -> SignContractDialog | None:
        row = self.selected()
        if row is None or row.status != ContractStatus.DRAFT or row.voided:
            return None
        return self._sign_dialog(contract_id=row.id)

    def renew_selected(self) -> None:
        """Renew the chosen contract in one step (the members confirm their consent again)."""
        row = self.selected()
        if self.session is None or not self.may_sign or row is None:
            return
        ops.renew(
            self.session,
            row.id,
            lambda info: self._done(
                QCoreApplication.translate("ContractsPage", "Renewed: the new contract is {number}."), info
            ),
            self,
            owner=self,
        )

    def terminate_selected(self) -> TerminateDialog | None:
        row = self.selected()
        if self.session is None or not self.may_sign or row is None or row.status != ContractStatus.ACTIVE:
            return None
        today = self.session.today()
        dialog = TerminateDialog(row.contract_no, QDate(today.year, today.month, today.day), self)
        session, contract_id = self.session, row.id

        def done(info: ContractInfo) -> None:
            dialog.accept()
            self._done(QCoreApplication.translate("ContractsPage", "Contract {number} terminated."), info)

        def submit() -> None:
            when = dialog.on_date.date()
            ops.terminate(
                session,
                contract_id,
                reason=dialog.chosen_reason(),
                on_date=date(when.year(), when.month(), when.day()),
                note=dialog.note.text(),
                done=done,
                target=dialog,
                owner=dialog,
            )

        dialog.on_submit = submit
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def void_selected(self) -> VoidDraftDialog | None:
        row = self.selected()
        if self.session is None or not self.may_sign or row is None or row.status != ContractStatus.DRAFT:
            return None
        dialog = VoidDraftDialog(row.contract_no, self)
        session, contract_id = self.session, row.id

        def done(info: ContractInfo) -> None:
            dialog.accept()
            self._done(QCoreApplication.translate("ContractsPage", "Draft {number} discarded."), info)

        def submit() -> None:
            ops.void_draft(session, contract_id, dialog.reason.text(), done, dialog, owner=dialog)

        dialog.on_submit = submit
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog
