"""A village's households as a lazy table: the model keeps the ordered ids the service
returned (filtered and sorted in SQL) and loads the rows of a block of ids when the view
first asks for one of them (after Anki's browser table). Sorting by a column asks the page
to re-run the query (:attr:`HouseholdTableModel.sort_requested`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from fdclient.services.registry.village_lists import HouseholdRow, HouseholdSort, SignStatus

__all__ = ["COLUMNS", "HouseholdTableModel", "sign_status_text"]

Index = QModelIndex | QPersistentModelIndex

#: (sort key, header) of each column, in order.
COLUMNS: tuple[tuple[HouseholdSort, str], ...] = (
    (HouseholdSort.ADDRESS, str(QT_TRANSLATE_NOOP("HouseholdTable", "Address"))),
    (HouseholdSort.HEAD, str(QT_TRANSLATE_NOOP("HouseholdTable", "Head of household"))),
    (HouseholdSort.MEMBERS, str(QT_TRANSLATE_NOOP("HouseholdTable", "Members"))),
    (HouseholdSort.STATUS, str(QT_TRANSLATE_NOOP("HouseholdTable", "Contract"))),
    (HouseholdSort.CONTRACT_END, str(QT_TRANSLATE_NOOP("HouseholdTable", "Contract ends"))),
    (HouseholdSort.FOLLOWUP, str(QT_TRANSLATE_NOOP("HouseholdTable", "Follow-up"))),
)
_STATUS_TEXT = {
    SignStatus.SIGNED: str(QT_TRANSLATE_NOOP("HouseholdTable", "Signed")),
    SignStatus.NOT_SIGNED: str(QT_TRANSLATE_NOOP("HouseholdTable", "Not signed")),
    SignStatus.EXPIRING: str(QT_TRANSLATE_NOOP("HouseholdTable", "Expiring within 30 days")),
}
_STATUS_COLOUR = {
    SignStatus.SIGNED: QColor("#1b5e20"),
    SignStatus.NOT_SIGNED: QColor("#b71c1c"),
    SignStatus.EXPIRING: QColor("#e65100"),
}


def sign_status_text(status: SignStatus) -> str:
    return QCoreApplication.translate("HouseholdTable", _STATUS_TEXT[status])


class HouseholdTableModel(QAbstractTableModel):
    #: A block of rows read at once.
    BLOCK = 100
    #: The user sorted by a column: (sort key, descending).
    sort_requested = Signal(str, bool)

    def __init__(self, fetch_rows: Callable[[Sequence[uuid.UUID]], list[HouseholdRow]], parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._ids: list[uuid.UUID] = []
        self._rows: dict[uuid.UUID, HouseholdRow] = {}
        #: How many times a block was read (for tests and benchmarks).
        self.blocks_read = 0

    # --- the ids -----------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {}
        self.endResetModel()

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, household_id: uuid.UUID) -> int | None:
        try:
            return self._ids.index(household_id)
        except ValueError:
            return None

    def household_at(self, row: int) -> HouseholdRow | None:
        return self._row(row)

    def forget(self, household_id: uuid.UUID) -> None:
        """The household changed: read its row again when next shown."""
        self._rows.pop(household_id, None)
        row = self.row_of(household_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _row(self, row: int) -> HouseholdRow | None:
        household_id = self.id_at(row)
        if household_id is None:
            return None
        if household_id not in self._rows:
            start = row - row % self.BLOCK
            block = [i for i in self._ids[start : start + self.BLOCK] if i not in self._rows]
            self.blocks_read += 1
            for r in self._fetch_rows(block):
                self._rows[r.id] = r
        return self._rows.get(household_id)

    # --- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids) or index.column() >= len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return str(self._ids[index.row()])
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            return None
        h = self._row(index.row())
        if h is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_STATUS_COLOUR[h.status]) if key == HouseholdSort.STATUS else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return h.phone if key == HouseholdSort.ADDRESS and h.phone else None
        if key == HouseholdSort.ADDRESS:
            return h.address
        if key == HouseholdSort.HEAD:
            return h.head_name or ""
        if key == HouseholdSort.MEMBERS:
            return str(h.members)
        if key == HouseholdSort.STATUS:
            return sign_status_text(h.status)
        if key == HouseholdSort.CONTRACT_END:
            return h.contract_end.isoformat() if h.contract_end else ""
        return QCoreApplication.translate("HouseholdTable", "Due") if h.followup_due else ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return (
                QCoreApplication.translate("HouseholdTable", COLUMNS[section][1])
                if 0 <= section < len(COLUMNS)
                else None
            )
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.sort_requested.emit(str(COLUMNS[column][0]), order == Qt.SortOrder.DescendingOrder)
