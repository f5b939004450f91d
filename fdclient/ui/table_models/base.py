"""What every table model of the GUI shares: column headers given as a tuple of texts marked
with ``QT_TRANSLATE_NOOP``, shown in the current language, and announced again when the
language changes.

A model whose parent is a widget hears the language change by itself: ``QWidget`` passes the
``LanguageChange`` event on to all its children, QObjects included. A model without a
parent widget is told by whoever shows it (:meth:`TranslatedTableModel.retranslate`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt

__all__ = ["RIGHT", "Index", "TranslatedTableModel"]

Index = QModelIndex | QPersistentModelIndex

#: The alignment of numbers and dates.
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class TranslatedTableModel(QAbstractTableModel):
    """A flat table with translated column headers; subclasses give :attr:`HEADERS`,
    :meth:`translated` (with their literal translation context, which lupdate and the
    catalogue check read), ``rowCount`` and ``data``."""

    #: The column headers in English, each marked with ``QT_TRANSLATE_NOOP(context, ...)``.
    HEADERS: tuple[str, ...] = ()

    def translated(self, text: str) -> str:
        """``text`` (one of :attr:`HEADERS`, or another text of the model's context) in the
        current language: ``QCoreApplication.translate("<context>", text)``."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """The language changed: the views ask the headers and the shown cells again."""
        columns = self.columnCount()
        if columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)
            rows = self.rowCount()
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, columns - 1))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)

    # --- the model ---------------------------------------------------------------------------

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802 (Qt override)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.translated(self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        return str(section + 1) if 0 <= section < self.rowCount() else None

    def in_range(self, index: Index) -> bool:
        """Whether ``index`` is a cell of the table."""
        return index.isValid() and 0 <= index.row() < self.rowCount() and 0 <= index.column() < len(self.HEADERS)
