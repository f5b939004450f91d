"""The resident chooser of the 随访服务 page: a village (or 全部村, every resident of the
township), a search box, and the residents as a lazy list (ids sorted in SQL, rows read a
batch at a time as they are shown), so a township of 100,000 scrolls without loading them.

``chosen`` is emitted when the user picks a resident; :meth:`ResidentChooser.select` shows
one chosen elsewhere (its village and list follow, unless every village is listed).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.services.visits.desk import ResidentRow, VillageChoice
from fdclient.ui.operations import visits as ops
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.visits import ResidentListModel

__all__ = ["ALL_VILLAGES", "ResidentChooser", "index_of", "list_view"]

#: The village combo's data for 全部村 (every resident of the township).
ALL_VILLAGES = "all"


def index_of(combo: QComboBox, value: object) -> int:
    """The item whose data equals ``value`` (findData compares Python objects by identity)."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1


def list_view(parent: QWidget, name: str) -> QTableView:
    """A read-only table of whole rows, one chosen at a time."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the list (↑/↓ move in it)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(0)  # the rows shown only: a lazy list stays lazy
    header.setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


class ResidentChooser(QWidget):
    #: The user chose a resident (a ResidentRow).
    chosen = Signal(object)
    #: A read failed (the exception; the page shows an FdError's message).
    failed = Signal(object)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        #: The resident last chosen or shown.
        self.current: ResidentRow | None = None
        self._pending: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.village_label = QLabel(self)
        self.village_combo = QComboBox(self)
        self.village_combo.setObjectName("villageCombo")
        self.village_label.setBuddy(self.village_combo)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("residentFilter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_label = QLabel(self)
        self.filter_label.setBuddy(self.filter_edit)
        self.resident_model = ResidentListModel(lambda ids: ops.resident_rows_now(session, ids), self)
        self.resident_view = list_view(self, "residentList")
        self.resident_view.setModel(self.resident_model)
        for widget in (self.village_label, self.village_combo, self.filter_label, self.filter_edit):
            layout.addWidget(widget)
        layout.addWidget(self.resident_view, 1)

        self.village_combo.currentIndexChanged.connect(lambda _i: self._village_chosen())
        self.filter_edit.textChanged.connect(lambda _t: self._load_residents())
        self.filter_edit.returnPressed.connect(self.resident_view.setFocus)
        self.resident_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._row_changed())
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.village_label.setText(QCoreApplication.translate("VisitsPage", "&Village"))
        self.filter_label.setText(QCoreApplication.translate("VisitsPage", "Fin&d"))
        all_index = index_of(self.village_combo, ALL_VILLAGES)
        if all_index >= 0:
            self.village_combo.setItemText(all_index, QCoreApplication.translate("VisitsPage", "All villages"))
        if self.all_villages():
            hint = QCoreApplication.translate("VisitsPage", "Find in the township: name, pinyin, initials or number")
        else:
            hint = QCoreApplication.translate("VisitsPage", "Find in the village: name, pinyin, initials or number")
        self.filter_edit.setPlaceholderText(hint)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def all_villages(self) -> bool:
        """Whether every resident of the township is listed."""
        return bool(self.village_combo.currentData() == ALL_VILLAGES)

    def village_id(self) -> uuid.UUID | None:
        """The village listed (None: every village, or none yet)."""
        data = self.village_combo.currentData()
        return data if isinstance(data, uuid.UUID) else None

    # --- villages ----------------------------------------------------------------------------

    def reload_villages(self) -> None:
        """Read the villages again (one may have been added) and keep the one chosen."""
        ops.load_villages(self.session, self._villages_arrived, self.failed.emit)

    def _villages_arrived(self, choices: tuple[VillageChoice, ...]) -> None:
        wanted = self.village_combo.currentData()
        if self._pending is not None and self.current is not None and wanted != ALL_VILLAGES:
            wanted = self.current.village_id
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        if choices:  # no village, no resident
            self.village_combo.addItem(QCoreApplication.translate("VisitsPage", "All villages"), ALL_VILLAGES)
        for choice in choices:
            self.village_combo.addItem(choice.name, choice.id)
        index = index_of(self.village_combo, wanted)
        # The first village until the user lists them all.
        self.village_combo.setCurrentIndex(index if index >= 0 else min(1, self.village_combo.count() - 1))
        self.village_combo.blockSignals(False)
        self._village_chosen()

    def _village_chosen(self) -> None:
        self.retranslate_ui()  # the search box says where it searches
        self._load_residents()

    # --- residents ---------------------------------------------------------------------------

    def _load_residents(self) -> None:
        data = self.village_combo.currentData()
        if data is None:
            self.resident_model.set_ids([])
            return
        ops.load_resident_ids(
            self.session, self.village_id(), self.filter_edit.text(), self._residents_arrived, self.failed.emit
        )

    def _residents_arrived(self, ids: list[uuid.UUID]) -> None:
        self.resident_model.set_ids(ids)
        wanted = self._pending or (self.current.id if self.current else None)
        self._pending = None
        row = self.resident_model.row_of(wanted) if wanted is not None else -1
        if row >= 0:
            index = self.resident_model.index(row, 0)
            self.resident_view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.resident_view.scrollTo(index)

    def _row_changed(self) -> None:
        resident = self.resident_model.resident(self.resident_view.currentIndex().row())
        if resident is not None and (self.current is None or resident.id != self.current.id):
            self.current = resident
            self.chosen.emit(resident)

    def select(self, resident: ResidentRow) -> None:
        """Show ``resident`` (chosen elsewhere) in the list: their village is listed unless
        every village is; the list is read again and the resident selected."""
        self.current = resident
        self._pending = resident.id
        if self.all_villages():
            self._load_residents()
            return
        index = index_of(self.village_combo, resident.village_id)
        if index < 0:
            self.reload_villages()  # a village added since: read them again
        elif index != self.village_combo.currentIndex():
            self.village_combo.setCurrentIndex(index)  # reloads the list, selects the resident
        else:
            self._load_residents()
