"""The township's contracts as a lazy table (:class:`~fdclient.ui.table_models.lazy.LazyRowsModel`):
the ids the list service gives (filtered and sorted in SQL), the rows read a block at a time
when they are shown."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt

from fdclient.domain.codes import ContractStatus
from fdclient.ui.operations import contracts as ops
from fdclient.ui.operations.contracts import ContractFilter, ContractRow, ContractSort
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.lazy import LazyRowsModel, by_id

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


class ContractsTableModel(LazyRowsModel[uuid.UUID, ContractRow]):
    HEADERS = tuple(str(header) for header, _ in COLUMNS)
    RIGHT_ALIGNED = frozenset({_MEMBERS, _START, _END})
    BLOCK = PAGE

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(by_id(lambda ids: ops.load_rows(session, ids)), parent)
        self._session = session
        self.which = ContractFilter.ACTIVE
        self.village_id: uuid.UUID | None = None
        self.text = ""
        self.sort_column = 6
        self.descending = False

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("Contracts", text)

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
            done=self.set_ids,
            owner=self,
        )

    def row_of(self, key: uuid.UUID) -> int:
        """The position of a contract, -1 when it is not listed."""
        found = super().row_of(key)
        return -1 if found is None else found

    # --- the model ---------------------------------------------------------------------------

    def cell(self, row: ContractRow | None, column: int, role: int) -> Any:
        if row is None or role != Qt.ItemDataRole.DisplayRole:
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
        )[column]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_column, self.descending = column, order == Qt.SortOrder.DescendingOrder
        self.refresh()
