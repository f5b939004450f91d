"""居民档案: village → household → resident.

Choose a village and a status (signed, not signed, expiring within 30 days, follow-up due);
its households come in a lazy table (ids sorted and filtered in SQL, rows read in blocks as
they are shown). Enter or a double-click opens a household: its members with age, status
and key populations. Enter on a member opens their record; Esc, Alt+Left or the back
button goes back one level. Ctrl+N registers a new household in the chosen village; the
household's and members' buttons edit, add a member, change the head (户主), record a move
out or a death, or void a file; the record's buttons edit the whole personal information form
(Ctrl+E) or its past history and diagnoses (Ctrl+H). Roles without ``REGISTER_RESIDENTS`` see
no registration buttons.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.roles import Permission
from fdclient.services.registry.residents import ResidentInfo
from fdclient.services.registry.village_lists import HouseholdFilter, HouseholdSort, MemberRow, VillageChoice
from fdclient.ui.dialogs.form_parts import FormDialog
from fdclient.ui.dialogs.personal_form import PersonalInformationForm
from fdclient.ui.dialogs.resident_form import StatusDialog
from fdclient.ui.operations import registry as ops
from fdclient.ui.pages.residents_editing import RegistryEditingPage
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.households import HouseholdTableModel, sign_status_text
from fdclient.ui.table_models.members import MembersTableModel
from fdclient.ui.widgets.resident_record import ResidentRecordView

__all__ = ["ResidentsPage"]

_COMING = str(
    QT_TRANSLATE_NOOP("Pages", "Households and residents by village: register, edit, move out, record a death.")
)
_FILTERS = (
    (HouseholdFilter.ALL, str(QT_TRANSLATE_NOOP("ResidentsPage", "All households"))),
    (HouseholdFilter.SIGNED, str(QT_TRANSLATE_NOOP("ResidentsPage", "Signed"))),
    (HouseholdFilter.NOT_SIGNED, str(QT_TRANSLATE_NOOP("ResidentsPage", "Not signed"))),
    (HouseholdFilter.EXPIRING, str(QT_TRANSLATE_NOOP("ResidentsPage", "Expiring within 30 days"))),
    (HouseholdFilter.FOLLOWUP_DUE, str(QT_TRANSLATE_NOOP("ResidentsPage", "Follow-up due"))),
)
_WARNING_STYLE = "color: #8a4b00;"


class ResidentsPage(RegistryEditingPage):
    NAME = "residents"
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Residents"))

    #: The levels of the stacked area.
    LIST, HOUSEHOLD, RECORD = 0, 1, 2

    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: FormDialog | None = None
        self.villages: list[VillageChoice] = []
        self.household: ops.HouseholdDetails | None = None
        self.sort_key = HouseholdSort.ADDRESS
        self.sort_descending = False
        self._select_after_load: uuid.UUID | None = None
        self._member_after_load: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.placeholder: QLabel | None = None
        if session is None or not session.may(Permission.VIEW_RECORDS):
            self.placeholder = QLabel(self)
            self.placeholder.setObjectName("residentsPlaceholder")
            self.placeholder.setWordWrap(True)
            layout.addWidget(self.placeholder)
            layout.addStretch(1)
            self.can_register = False
            self.retranslate_ui()
            return
        self.can_register = session.may(Permission.REGISTER_RESIDENTS)
        self._build(layout, session)
        self.retranslate_ui()
        ops.load_villages(session, self._villages_loaded, self._show_failure, owner=self)

    # --- building ---------------------------------------------------------------------------------

    def _build(self, layout: QVBoxLayout, session: UiSession) -> None:
        bar = QHBoxLayout()
        self.village_label = QLabel(self)
        self.village_combo = QComboBox(self)
        self.village_combo.setObjectName("villageCombo")
        self.village_combo.setMinimumWidth(180)
        self.village_label.setBuddy(self.village_combo)
        self.status_label = QLabel(self)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("statusCombo")
        for value, _ in _FILTERS:
            self.status_combo.addItem("", str(value))
        self.status_label.setBuddy(self.status_combo)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("householdCount")
        self.new_action = QAction(self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        # The whole window while the page is shown (a hidden page's shortcuts never fire),
        # so Ctrl+N works with the cursor still in the search box.
        self.new_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.new_action.triggered.connect(self.start_new_household)
        self.addAction(self.new_action)
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newHouseholdButton")
        self.new_button.clicked.connect(self.start_new_household)
        self.new_action.setEnabled(self.can_register)
        self.new_button.setVisible(self.can_register)
        for w in (self.village_label, self.village_combo, self.status_label, self.status_combo):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.new_button)
        layout.addLayout(bar)

        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack, 1)

        # Level 1: the village's households.
        self.households_model = HouseholdTableModel(lambda ids: ops.fetch_household_rows(session, ids), self)
        self.households_model.sort_requested.connect(self._sort)
        self.households_view = QTableView(self)
        self.households_view.setObjectName("householdsView")
        self._table(self.households_view)
        self.households_view.setModel(self.households_model)
        self.households_view.setSortingEnabled(True)
        self.households_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header = self.households_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 140), (2, 70), (3, 200), (4, 130), (5, 90)):
            header.resizeSection(column, width)
        self.households_view.activated.connect(self._household_activated)
        self.stack.addWidget(self.households_view)

        # Level 2: one household and its members.
        household = QWidget(self)
        household.setObjectName("householdLevel")
        h_layout = QVBoxLayout(household)
        h_layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.back_button = QPushButton(household)
        self.back_button.setObjectName("backToList")
        self.back_button.clicked.connect(self.back)
        top.addWidget(self.back_button)
        self.household_title = QLabel(household)
        self.household_title.setObjectName("householdTitle")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.household_title.setFont(font)
        top.addWidget(self.household_title, 1)
        h_layout.addLayout(top)
        self.household_facts = QLabel(household)
        self.household_facts.setObjectName("householdFacts")
        h_layout.addWidget(self.household_facts)
        self.members_model = MembersTableModel(self)
        self.members_view = QTableView(household)
        self.members_view.setObjectName("membersView")
        self._table(self.members_view)
        self.members_view.setModel(self.members_model)
        m_header = self.members_view.horizontalHeader()
        m_header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 110), (1, 110), (2, 60), (3, 110), (4, 50), (5, 190), (6, 130)):
            m_header.resizeSection(column, width)
        self.members_view.activated.connect(self._member_activated)
        h_layout.addWidget(self.members_view, 1)
        self.household_message = QLabel(household)
        self.household_message.setObjectName("householdMessage")
        self.household_message.setWordWrap(True)
        self.household_message.setStyleSheet(_WARNING_STYLE)
        self.household_message.setVisible(False)
        h_layout.addWidget(self.household_message)
        buttons = QHBoxLayout()
        self.edit_household_button = QPushButton(household)
        self.edit_household_button.clicked.connect(self.edit_household)
        self.add_member_button = QPushButton(household)
        self.add_member_button.setObjectName("addMemberButton")
        self.add_member_button.clicked.connect(self.add_member)
        self.edit_member_button = QPushButton(household)
        self.edit_member_button.clicked.connect(self.edit_member)
        self.change_head_button = QPushButton(household)
        self.change_head_button.setObjectName("changeHeadButton")
        self.change_head_button.clicked.connect(self.change_head)
        self.move_out_button = QPushButton(household)
        self.move_out_button.clicked.connect(lambda: self.change_status(StatusDialog.MOVE_OUT))
        self.death_button = QPushButton(household)
        self.death_button.clicked.connect(lambda: self.change_status(StatusDialog.DEATH))
        self.void_button = QPushButton(household)
        self.void_button.clicked.connect(lambda: self.change_status(StatusDialog.VOID))
        self.open_record_button = QPushButton(household)
        self.open_record_button.clicked.connect(self._open_current_member)
        self.register_buttons = (
            self.edit_household_button,
            self.add_member_button,
            self.edit_member_button,
            self.change_head_button,
            self.move_out_button,
            self.death_button,
            self.void_button,
        )
        for b in self.register_buttons:
            b.setVisible(self.can_register)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.open_record_button)
        h_layout.addLayout(buttons)
        self.stack.addWidget(household)

        # Level 3: a resident's record.
        record = QWidget(self)
        record.setObjectName("recordLevel")
        r_layout = QVBoxLayout(record)
        r_layout.setContentsMargins(0, 8, 0, 0)
        r_top = QHBoxLayout()
        self.record_back_button = QPushButton(record)
        self.record_back_button.setObjectName("backToHousehold")
        self.record_back_button.clicked.connect(self.back)
        r_top.addWidget(self.record_back_button)
        r_top.addStretch(1)
        self.edit_record_button = QPushButton(record)
        self.edit_record_button.setObjectName("editRecordButton")
        self.edit_record_button.clicked.connect(lambda: self.edit_record(PersonalInformationForm.BASIC))
        self.history_button = QPushButton(record)
        self.history_button.setObjectName("pastHistoryButton")
        self.history_button.clicked.connect(lambda: self.edit_record(PersonalInformationForm.HISTORY))
        for button, shortcut_keys, tab in (
            (self.edit_record_button, "Ctrl+E", PersonalInformationForm.BASIC),
            (self.history_button, "Ctrl+H", PersonalInformationForm.HISTORY),
        ):
            button.setVisible(self.can_register)
            r_top.addWidget(button)
            if self.can_register:
                shortcut = QShortcut(QKeySequence(shortcut_keys), record)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(lambda tab=tab: self.edit_record(tab))
        r_layout.addLayout(r_top)
        self.record_view = ResidentRecordView(session, record)
        r_layout.addWidget(self.record_view, 1)
        self.stack.addWidget(record)

        for level in (household, record):
            for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Alt+Left")):
                shortcut = QShortcut(keys, level)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(self.back)

        self.village_combo.currentIndexChanged.connect(lambda _: self.reload())
        self.status_combo.currentIndexChanged.connect(lambda _: self.reload())

    @staticmethod
    def _table(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)

    # --- Page --------------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        if self.placeholder is not None:
            if self.session is None:
                self.placeholder.setText(QCoreApplication.translate("Pages", _COMING))
            else:
                self.placeholder.setText(
                    QCoreApplication.translate("ResidentsPage", "Your role may not view residents' files.")
                )
            return
        self.village_label.setText(QCoreApplication.translate("ResidentsPage", "&Village:"))
        self.status_label.setText(QCoreApplication.translate("ResidentsPage", "Stat&us:"))
        for i, (_, text) in enumerate(_FILTERS):
            self.status_combo.setItemText(i, QCoreApplication.translate("ResidentsPage", text))
        self.new_action.setText(QCoreApplication.translate("ResidentsPage", "New household"))
        self.new_button.setText(QCoreApplication.translate("ResidentsPage", "&New household (Ctrl+N)"))
        self.new_button.setToolTip(
            QCoreApplication.translate("ResidentsPage", "Register a new household in the chosen village (Ctrl+N)")
        )
        self.back_button.setText(QCoreApplication.translate("ResidentsPage", "← &Back to the list (Esc)"))
        self.back_button.setToolTip(
            QCoreApplication.translate("ResidentsPage", "Back to the village's households (Esc, Alt+Left)")
        )
        self.record_back_button.setText(QCoreApplication.translate("ResidentsPage", "← &Back to the household (Esc)"))
        self.record_back_button.setToolTip(
            QCoreApplication.translate("ResidentsPage", "Back to the household (Esc, Alt+Left)")
        )
        self.edit_household_button.setText(QCoreApplication.translate("ResidentsPage", "&Edit household"))
        self.add_member_button.setText(QCoreApplication.translate("ResidentsPage", "&Add member"))
        self.edit_member_button.setText(QCoreApplication.translate("ResidentsPage", "Edit &member"))
        self.change_head_button.setText(QCoreApplication.translate("ResidentsPage", "Change &head"))
        self.change_head_button.setToolTip(
            QCoreApplication.translate("ResidentsPage", "Make the selected member the head of the household")
        )
        self.edit_record_button.setText(
            QCoreApplication.translate("ResidentsPage", "&Edit personal information (Ctrl+E)")
        )
        self.edit_record_button.setToolTip(
            QCoreApplication.translate("ResidentsPage", "The whole personal information form (Ctrl+E)")
        )
        self.history_button.setText(QCoreApplication.translate("ResidentsPage", "Past &history and diagnoses (Ctrl+H)"))
        self.history_button.setToolTip(
            QCoreApplication.translate(
                "ResidentsPage", "Add a diagnosis (hypertension, diabetes …), surgery, trauma or transfusion (Ctrl+H)"
            )
        )
        self.move_out_button.setText(QCoreApplication.translate("ResidentsPage", "Moved &out"))
        self.death_button.setText(QCoreApplication.translate("ResidentsPage", "Record &death"))
        self.void_button.setText(QCoreApplication.translate("ResidentsPage", "Vo&id file"))
        self.open_record_button.setText(QCoreApplication.translate("ResidentsPage", "Open &record (Enter)"))
        self._show_count()
        if self.household is not None:
            self._show_household_facts(self.household)

    def activated(self) -> None:
        if self.placeholder is None and self.stack.currentIndex() == self.LIST and self.village_combo.count():
            self.reload()

    def has_unsaved_changes(self) -> bool:
        return self.dialog is not None and self.dialog.has_unsaved_changes()

    def discard_changes(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    # --- the village's households -----------------------------------------------------------------

    def current_village(self) -> VillageChoice | None:
        index = self.village_combo.currentIndex()
        return self.villages[index] if 0 <= index < len(self.villages) else None

    def _villages_loaded(self, villages: list[VillageChoice]) -> None:
        self.villages = villages
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        for v in villages:
            self.village_combo.addItem(v.name, str(v.id))
        self.village_combo.blockSignals(False)
        self.reload()

    def select_village(self, village_id: uuid.UUID) -> None:
        index = self.village_combo.findData(str(village_id))
        if index >= 0 and index != self.village_combo.currentIndex():
            self.village_combo.setCurrentIndex(index)  # reloads

    def reload(self) -> None:
        """Read the ids of the chosen village's households again (keeps the selection)."""
        village = self.current_village()
        if village is None or self.session is None:
            self.households_model.set_ids([])
            self._show_count()
            return
        if self._select_after_load is None:
            current = self.households_model.id_at(self.households_view.currentIndex().row())
            self._select_after_load = current
        status = HouseholdFilter(self.status_combo.currentData())
        ops.load_household_ids(
            self.session,
            village.id,
            status,
            self.sort_key,
            self.sort_descending,
            self._ids_loaded,
            self._show_failure,
            owner=self,
        )

    def _sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.sort_descending = HouseholdSort(key), descending
        self.reload()

    def _ids_loaded(self, ids: list[uuid.UUID]) -> None:
        self.households_model.set_ids(ids)
        self._show_count()
        wanted, self._select_after_load = self._select_after_load, None
        row = self.households_model.row_of(wanted) if wanted is not None else None
        if row is None and ids:
            row = 0
        if row is not None:
            self.households_view.setCurrentIndex(self.households_model.index(row, 0))

    def _show_count(self) -> None:
        if self.placeholder is None:
            self.count_label.setText(
                QCoreApplication.translate("ResidentsPage", "{count} households").format(
                    count=self.households_model.rowCount()
                )
            )

    def _show_failure(self, exc: BaseException) -> None:
        self.count_label.setText(str(exc))

    # --- one household ------------------------------------------------------------------------------

    def _household_activated(self, index: QModelIndex) -> None:
        household_id = self.households_model.id_at(index.row())
        if household_id is not None:
            self.open_household(household_id)

    def open_household(self, household_id: uuid.UUID, *, member: uuid.UUID | None = None, switch: bool = True) -> None:
        assert self.session is not None
        self._member_after_load = member

        def loaded(details: ops.HouseholdDetails) -> None:
            self._show_household(details, switch=switch)

        ops.load_household(self.session, household_id, loaded, self._show_failure, owner=self)

    def _show_household(self, details: ops.HouseholdDetails, *, switch: bool) -> None:
        previous = self.household
        self.household = details
        if previous is None or previous.info.id != details.info.id:
            self.household_message.setVisible(False)
        self.household_title.setText(details.info.address)
        self._show_household_facts(details)
        current = self.members_model.member_at(self.members_view.currentIndex().row())
        self.members_model.set_members(details.members)
        wanted = self._member_after_load or (current.id if current else None)
        self._member_after_load = None
        row = self.members_model.row_of(wanted) if wanted is not None else None
        if row is None and details.members:
            row = 0
        if row is not None:
            self.members_view.setCurrentIndex(self.members_model.index(row, 0))
        self.households_model.forget(details.info.id)
        if switch:
            self.stack.setCurrentIndex(self.HOUSEHOLD)
            self.members_view.setFocus()

    def _show_household_facts(self, details: ops.HouseholdDetails) -> None:
        parts = [QCoreApplication.translate("ResidentsPage", "Phone: {phone}").format(phone=details.info.phone or "—")]
        if details.row is not None:
            parts.append(sign_status_text(details.row.status))
            if details.row.contract_end is not None:
                parts.append(
                    QCoreApplication.translate("ResidentsPage", "contract ends {date}").format(
                        date=details.row.contract_end.isoformat()
                    )
                )
            if details.row.followup_due:
                parts.append(QCoreApplication.translate("ResidentsPage", "follow-up due"))
        parts.append(QCoreApplication.translate("ResidentsPage", "{count} members").format(count=len(details.members)))
        self.household_facts.setText(" · ".join(parts))

    def current_member(self) -> MemberRow | None:
        return self.members_model.member_at(self.members_view.currentIndex().row())

    def _member_activated(self, index: QModelIndex) -> None:
        member = self.members_model.member_at(index.row())
        if member is not None:
            self.show_record(member.id)

    def _open_current_member(self) -> None:
        member = self.current_member()
        if member is not None:
            self.show_record(member.id)

    # --- a resident's record ------------------------------------------------------------------------

    def show_record(self, resident_id: uuid.UUID) -> None:
        self.record_view.show_resident(resident_id)
        self.stack.setCurrentIndex(self.RECORD)
        self.record_back_button.setFocus()

    def open_resident(self, resident_id: uuid.UUID) -> None:
        """Show the resident's record, with their village and household behind it (Esc goes
        back to the household)."""
        if self.session is None or self.placeholder is not None:
            return
        self.household = None
        self.show_record(resident_id)
        ops.load_resident(self.session, resident_id, self._resident_located, self._show_failure, owner=self)

    def _resident_located(self, info: ResidentInfo) -> None:
        self._select_after_load = info.household_id
        self.select_village(info.village_id)
        if info.household_id is not None:
            self.open_household(info.household_id, member=info.id, switch=False)

    def back(self) -> None:
        level = self.stack.currentIndex()
        if level == self.RECORD and self.household is not None:
            self.stack.setCurrentIndex(self.HOUSEHOLD)
            self.members_view.setFocus()
        elif level != self.LIST:
            self.stack.setCurrentIndex(self.LIST)
            if self.household is not None:
                row = self.households_model.row_of(self.household.info.id)
                if row is not None:
                    self.households_view.setCurrentIndex(self.households_model.index(row, 0))
            self.households_view.setFocus()
