"""The township's contracts as a lazy table: the model keeps the ids the list service gives
(filtered and sorted in SQL) and loads the rows a page at a time when they are shown."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from fdclient.domain.codes import ContractStatus
from fdclient.ui.operations import contracts as ops
from fdclient.ui.operations.contracts import ContractFilter, ContractRow, ContractSort
from fdclient.ui.session import UiSession

__all__ = ["COLUMNS", "ContractsTableModel", "status_text"]

#: (header, sort key) of each column, in order.
COLUMNS: tuple[tuple[object, ContractSort], ...] = (
    (QT_TRANSLATE_NOOP("Contracts", "Contract no."), ContractSort.NUMBER),
    (QT_TRANSLATE_NOOP("Contracts", "Representative"), ContractSort.REPRESENTATIVE),
    (QT_TRANSLATE_NOOP("Contracts", "Village"), ContractSort.VILLAGE),
    (QT_TRANSLATE_NOOP("Contracts", "Family doctor"), ContractSort.DOCTOR),
    (QT_TRANSLATE_NOOP("Contracts", "Members"), ContractSort.MEMBERS),
    (QT_TRANSLATE_NOOP("Contracts", "Start"), ContractSort.START),
    (QT_TRANSLATE_NOOP("Contracts", "End"), ContractSort.END),
    (QT_TRANSLATE_NOOP("Contracts", "Status"), ContractSort.STATUS),
)
_MEMBERS, _START, _END, _STATUS = 4, 5, 6, 7

_STATUS_TEXT = {
    ContractStatus.DRAFT: QT_TRANSLATE_NOOP("Contracts", "Draft"),
    ContractStatus.ACTIVE: QT_TRANSLATE_NOOP("Contracts", "In force"),
    ContractStatus.EXPIRED: QT_TRANSLATE_NOOP("Contracts", "Expired"),
    ContractStatus.RENEWED: QT_TRANSLATE_NOOP("Contracts", "Renewed"),
    ContractStatus.TERMINATED: QT_TRANSLATE_NOOP("Contracts", "Terminated"),
}
#: Rows loaded at once.
PAGE = 100


def status_text(row: ContractRow) -> str:
    if row.voided:
        return QCoreApplication.translate("Contracts", "Voided")
    return QCoreApplication.translate("Contracts", str(_STATUS_TEXT[row.status]))


class ContractsTableModel(QAbstractTableModel):
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._ids: list[uuid.UUID] = []
        self._rows: dict[uuid.UUID, ContractRow] = {}
        self.which = ContractFilter.ACTIVE
        self.village_id: uuid.UUID | None = None
        self.text = ""
        self.sort_column = 6
        self.descending = False

    # --- what the page asks -----------------------------------------------------------------

    def set_query(self, which: ContractFilter, village_id: uuid.UUID | None = None, text: str = "") -> None:
        self.which, self.village_id, self.text = which, village_id, text
        self.refresh()

    def refresh(self) -> None:
        """Ask the ids again (the rows are loaded again when shown)."""
        ops.list_ids(
            self._session,
            self.which,
            village_id=self.village_id,
            text=self.text,
            sort=COLUMNS[self.sort_column][1],
            descending=self.descending,
            done=self._show_ids,
            owner=self,
        )

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_at(self, row: int) -> ContractRow | None:
        contract_id = self.id_at(row)
        return self._load(row) if contract_id is not None else None

    def row_of(self, contract_id: uuid.UUID) -> int:
        try:
            return self._ids.index(contract_id)
        except ValueError:
            return -1

    def _show_ids(self, ids: list[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self.endResetModel()

    def _load(self, row: int) -> ContractRow | None:
        contract_id = self._ids[row]
        if contract_id not in self._rows:
            first = row - row % PAGE
            for loaded in ops.load_rows(self._session, self._ids[first : first + PAGE]):
                self._rows[loaded.id] = loaded
        return self._rows.get(contract_id)

    # --- the model ---------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt override)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(COLUMNS):
                return QCoreApplication.translate("Contracts", str(COLUMNS[section][0]))
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() in (_MEMBERS, _START, _END):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._load(index.row())
        if row is None:
            return None
        return (
            row.contract_no,
            row.representative,
            row.village,
            row.doctor,
            str(row.members),
            row.start_date.isoformat(),
            row.end_date.isoformat(),
            status_text(row),
        )[index.column()]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_column, self.descending = column, order == Qt.SortOrder.DescendingOrder
        self.refresh()
