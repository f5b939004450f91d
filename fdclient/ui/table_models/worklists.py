"""The rows of a work list, loaded lazily: the model keeps the keys of the whole list (in
the order the database sorted them) and reads rows a page at a time when the view needs
them. Sorting asks the page to read the keys again, sorted in SQL (:attr:`sort_requested`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from fdclient.domain.key_populations import age_on
from fdclient.services.worklists import SortColumn, WorklistRow

__all__ = ["COLUMNS", "PAGE", "WorklistModel"]

#: Rows read at once when the view reaches a row not read yet.
PAGE = 100

#: (header, the database sort of the column).
COLUMNS: tuple[tuple[str, SortColumn], ...] = (
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Name")), SortColumn.NAME),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Age")), SortColumn.AGE),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Village")), SortColumn.VILLAGE),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Phone")), SortColumn.PHONE),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "To do")), SortColumn.SUBJECT),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Due")), SortColumn.DUE),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Days")), SortColumn.DUE),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Team")), SortColumn.TEAM),
    (str(QT_TRANSLATE_NOOP("WorklistModel", "Family doctor")), SortColumn.DOCTOR),
)
NAME, AGE, VILLAGE, PHONE, SUBJECT, DUE, DAYS, TEAM, DOCTOR = range(len(COLUMNS))

OVERDUE_COLOUR = QColor("#c62828")

Fetch = Callable[[Sequence[str]], Mapping[str, WorklistRow]]
Index = QModelIndex | QPersistentModelIndex


def _no_rows(keys: Sequence[str]) -> Mapping[str, WorklistRow]:
    return {}


class WorklistModel(QAbstractTableModel):
    """Keys of a list, rows read lazily through ``fetch``."""

    #: The user asked for another order (:attr:`sort_column`, :attr:`descending`).
    sort_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: tuple[str, ...] = ()
        self._rows: dict[str, WorklistRow] = {}
        self._fetch: Fetch = _no_rows
        self._asked: set[int] = set()
        self._today = date.min  # set by reset()
        self.sort_column = SortColumn.DUE
        self.descending = False

    # --- contents ---------------------------------------------------------------------------

    def reset(self, keys: Sequence[str], first_rows: Mapping[str, WorklistRow], fetch: Fetch, today: date) -> None:
        """Show a new list: its keys in order, the rows already read, how to read more."""
        self.beginResetModel()
        self._keys = tuple(keys)
        self._rows = dict(first_rows)
        self._fetch = fetch
        self._asked = set()
        self._today = today
        self.endResetModel()

    def key_at(self, row: int) -> str | None:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_at(self, row: int) -> WorklistRow | None:
        """The row's data, read now if it was not yet (None when it is gone)."""
        key = self.key_at(row)
        if key is None:
            return None
        if key not in self._rows:
            self._load_page(row)
        return self._rows.get(key)

    def resident_id_at(self, row: int) -> uuid.UUID | None:
        found = self.row_at(row)
        return found.resident_id if found else None

    def _load_page(self, row: int) -> None:
        page = row // PAGE
        if page in self._asked:
            return
        self._asked.add(page)
        keys = [k for k in self._keys[page * PAGE : (page + 1) * PAGE] if k not in self._rows]
        if keys:
            self._rows.update(self._fetch(keys))

    # --- the model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt override)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(COLUMNS):
                return QCoreApplication.translate("WorklistModel", COLUMNS[section][0])
            return None
        return section + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._keys)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        row = self.row_at(index.row())
        column = index.column()
        if row is None:
            return "—" if role == Qt.ItemDataRole.DisplayRole and column == NAME else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (AGE, DAYS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in (DUE, DAYS) and (row.due or self._today) < self._today:
                return QBrush(OVERDUE_COLOUR)
            return None
        return self._text(row, column)

    def _text(self, row: WorklistRow, column: int) -> str:
        if column == NAME:
            return row.name
        if column == AGE:
            return str(age_on(row.birth_date, self._today))
        if column == VILLAGE:
            return row.village_name
        if column == PHONE:
            return row.phone or ""
        if column == SUBJECT:
            if row.last_visit is not None:
                text = QCoreApplication.translate("WorklistModel", "{subject} (last {date})")
                return text.format(subject=row.subject, date=row.last_visit.isoformat())
            return row.subject
        if column == DUE:
            return row.due.isoformat() if row.due else ""
        if column == DAYS:
            if row.never_followed_up:
                return QCoreApplication.translate("WorklistModel", "never followed up")
            return self._days(row.due)
        if column == TEAM:
            return row.team_name or ""
        return row.doctor_name or ""

    def _days(self, due: date | None) -> str:
        if due is None:
            return ""
        days = (due - self._today).days
        if days < 0:
            return QCoreApplication.translate("WorklistModel", "{days} days overdue").format(days=-days)
        if days == 0:
            return QCoreApplication.translate("WorklistModel", "today")
        return QCoreApplication.translate("WorklistModel", "in {days} days").format(days=days)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask for the list in another order (read again, sorted by the database)."""
        if not 0 <= column < len(COLUMNS):
            return
        sort_column = COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        if (sort_column, descending) == (self.sort_column, self.descending):
            return
        self.sort_column, self.descending = sort_column, descending
        self.sort_requested.emit()
