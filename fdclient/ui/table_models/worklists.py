"""The rows of a work list, loaded lazily: the model keeps the keys of the whole list (in
the order the database sorted them) and reads rows a page at a time when the view needs
them. Sorting asks the page to read the keys again, sorted in SQL (:attr:`sort_requested`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from fdclient.domain.key_populations import age_on
from fdclient.services.worklists import SortColumn, WorklistRow
from fdclient.ui.table_models.lazy import LazyRowsModel

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


class WorklistModel(LazyRowsModel[str, WorklistRow]):
    """Keys of a list, rows read lazily through ``fetch``."""

    HEADERS = tuple(header for header, _ in COLUMNS)
    RIGHT_ALIGNED = frozenset({AGE, DAYS})
    BLOCK = PAGE
    #: The user asked for another order (:attr:`sort_column`, :attr:`descending`).
    sort_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(None, parent)
        self._today = date.min  # set by reset()
        self.sort_column = SortColumn.DUE
        self.descending = False

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("WorklistModel", text)

    # --- contents ---------------------------------------------------------------------------

    def reset(self, keys: Sequence[str], first_rows: Mapping[str, WorklistRow], fetch: Fetch, today: date) -> None:
        """Show a new list: its keys in order, the rows already read, how to read more."""
        self.set_fetch(fetch)
        self._today = today
        self.set_ids(keys, first_rows)

    def key_at(self, row: int) -> str | None:
        return self.id_at(row)

    def resident_id_at(self, row: int) -> uuid.UUID | None:
        found = self.row_at(row)
        return found.resident_id if found else None

    # --- the model --------------------------------------------------------------------------

    def cell(self, row: WorklistRow | None, column: int, role: int) -> Any:
        if row is None:
            return "—" if role == Qt.ItemDataRole.DisplayRole and column == NAME else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in (DUE, DAYS) and (row.due or self._today) < self._today:
                return QBrush(OVERDUE_COLOUR)
            return None
        return self._text(row, column)  # shown, and as the tool tip of a cut text

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
