"""The rejected rows of a roster import's preview: one line per reason (a row can have
several), with the row's number in the file (and its sheet, for a roster written one sheet
per village), the name on it, the column and the reason in the current language.

The reasons are held as the import gave them (a tuple, a county roster can have thousands)
and put into words only when a cell is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt

from fdclient.rosters.import_rows import Problem
from fdclient.rosters.importing import RowOutcome
from fdclient.ui.table_models.base import RIGHT, Index, TranslatedTableModel

__all__ = ["RejectedRowsModel"]

_ROW, _NAME, _COLUMN, _REASON = range(4)


class RejectedRowsModel(TranslatedTableModel):
    HEADERS = (
        str(QT_TRANSLATE_NOOP("RejectedRows", "Row")),
        str(QT_TRANSLATE_NOOP("RejectedRows", "Name")),
        str(QT_TRANSLATE_NOOP("RejectedRows", "Column")),
        str(QT_TRANSLATE_NOOP("RejectedRows", "Reason")),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: tuple[Problem, ...] = ()
        self._names: dict[tuple[str, int], str] = {}

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("RejectedRows", text)

    def set_problems(self, problems: Sequence[Problem], outcomes: Sequence[RowOutcome] = ()) -> None:
        self.beginResetModel()
        self._problems = tuple(problems)
        rows = {(p.sheet, p.row) for p in self._problems}
        self._names = {(o.sheet, o.row): o.name for o in outcomes if (o.sheet, o.row) in rows}
        self.endResetModel()

    def problems(self) -> tuple[Problem, ...]:
        return self._problems

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self._problems)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        problem = self._problems[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == _ROW:
                return f"{problem.sheet} {problem.row}" if problem.sheet else str(problem.row)
            if column == _NAME:
                return self._names.get((problem.sheet, problem.row), "")
            if column == _COLUMN:
                return problem.column
            return problem.message.render()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == _ROW and not problem.sheet:
            return RIGHT
        return None
