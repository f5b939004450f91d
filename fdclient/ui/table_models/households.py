"""A village's households as a lazy table (:class:`~fdclient.ui.table_models.lazy.LazyRowsModel`):
the ordered ids the service returned (filtered and sorted in SQL), the rows of a block of ids
read when the view first asks for one of them. Sorting by a column asks the page to re-run
the query (:attr:`HouseholdTableModel.sort_requested`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from fdclient.services.registry.village_lists import HouseholdRow, HouseholdSort, SignStatus
from fdclient.ui.table_models.lazy import LazyRowsModel, by_id

__all__ = ["COLUMNS", "HouseholdTableModel", "sign_status_text"]

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


class HouseholdTableModel(LazyRowsModel[uuid.UUID, HouseholdRow]):
    HEADERS = tuple(header for _, header in COLUMNS)
    #: The user sorted by a column: (sort key, descending).
    sort_requested = Signal(str, bool)

    def __init__(
        self, fetch_rows: Callable[[Sequence[uuid.UUID]], list[HouseholdRow]], parent: QObject | None = None
    ) -> None:
        super().__init__(by_id(fetch_rows), parent)

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("HouseholdTable", text)

    def household_at(self, row: int) -> HouseholdRow | None:
        return self.row_at(row)

    def cell(self, row: HouseholdRow | None, column: int, role: int) -> Any:
        if row is None:
            return None
        key = COLUMNS[column][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_STATUS_COLOUR[row.status]) if key == HouseholdSort.STATUS else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.phone if key == HouseholdSort.ADDRESS and row.phone else None
        if key == HouseholdSort.ADDRESS:
            return row.address
        if key == HouseholdSort.HEAD:
            return row.head_name or ""
        if key == HouseholdSort.MEMBERS:
            return str(row.members)
        if key == HouseholdSort.STATUS:
            return sign_status_text(row.status)
        if key == HouseholdSort.CONTRACT_END:
            return row.contract_end.isoformat() if row.contract_end else ""
        return QCoreApplication.translate("HouseholdTable", "Due") if row.followup_due else ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.sort_requested.emit(str(COLUMNS[column][0]), order == Qt.SortOrder.DescendingOrder)
