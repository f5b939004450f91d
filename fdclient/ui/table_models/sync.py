"""The 数据同步 page's lists: the history of sync runs and the changes the server refused.

Both hold the frozen views of :mod:`fdclient.sync.api` as given and put them into words
only when a cell is shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt

from fdclient.domain.time import CHINA_TIME
from fdclient.ui.table_models.base import RIGHT, Index, TranslatedTableModel

__all__ = ["RejectedEntriesModel", "SyncHistoryModel", "as_datetime", "local_time", "text_of"]


def local_time(moment: datetime | str | None) -> str:
    """A stored moment (UTC) as ``YYYY-MM-DD hh:mm`` in China time."""
    when = as_datetime(moment)
    if when is None:
        return "" if moment is None else str(moment)
    return when.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def as_datetime(moment: datetime | str | None) -> datetime | None:
    """A stored moment (a datetime or ISO text, UTC when naive) as an aware datetime."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def text_of(value: object) -> str:
    """A field's value as a cell shows it (empty for nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


_OUTCOMES = {
    "ok": str(QT_TRANSLATE_NOOP("SyncHistory", "Done")),
    "failed": str(QT_TRANSLATE_NOOP("SyncHistory", "Failed")),
    "cancelled": str(QT_TRANSLATE_NOOP("SyncHistory", "Cancelled")),
    "running": str(QT_TRANSLATE_NOOP("SyncHistory", "Running")),
}
_WHEN, _OUTCOME, _PUSHED, _PULLED, _CONFLICTS, _REJECTED, _ERROR = range(7)


class SyncHistoryModel(TranslatedTableModel):
    HEADERS = (
        str(QT_TRANSLATE_NOOP("SyncHistory", "Time")),
        str(QT_TRANSLATE_NOOP("SyncHistory", "Outcome")),
        str(QT_TRANSLATE_NOOP("SyncHistory", "Sent")),
        str(QT_TRANSLATE_NOOP("SyncHistory", "Received")),
        str(QT_TRANSLATE_NOOP("SyncHistory", "Conflicts")),
        str(QT_TRANSLATE_NOOP("SyncHistory", "Refused")),
        str(QT_TRANSLATE_NOOP("SyncHistory", "Error")),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: tuple[Any, ...] = ()

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("SyncHistory", text)

    def set_runs(self, runs: Sequence[Any]) -> None:
        self.beginResetModel()
        self._runs = tuple(runs)
        self.endResetModel()

    def runs(self) -> tuple[Any, ...]:
        return self._runs

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self._runs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        run = self._runs[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == _WHEN:
                return local_time(run.started_at)
            if column == _OUTCOME:
                outcome = str(run.outcome)
                return self.translated(_OUTCOMES[outcome]) if outcome in _OUTCOMES else outcome
            if column == _ERROR:
                return run.error or ""
            return str(
                {_PUSHED: run.pushed, _PULLED: run.pulled, _CONFLICTS: run.conflicts, _REJECTED: run.rejected}[column]
                or 0
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and _PUSHED <= column <= _REJECTED:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == _OUTCOME:
            from PySide6.QtGui import QColor

            return QColor({"ok": "#2e7d32", "failed": "#c62828"}.get(str(run.outcome), "#5f6368"))
        return None


_R_WHEN, _R_RECORD, _R_CHANGE, _R_REASON = range(4)


class RejectedEntriesModel(TranslatedTableModel):
    """Changes the server refused: kept on this laptop with the server's reason."""

    HEADERS = (
        str(QT_TRANSLATE_NOOP("RejectedEntries", "When")),
        str(QT_TRANSLATE_NOOP("RejectedEntries", "Record")),
        str(QT_TRANSLATE_NOOP("RejectedEntries", "Change")),
        str(QT_TRANSLATE_NOOP("RejectedEntries", "Reason")),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: tuple[Any, ...] = ()

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("RejectedEntries", text)

    def set_entries(self, entries: Sequence[Any]) -> None:
        self.beginResetModel()
        self._entries = tuple(entries)
        self.endResetModel()

    def entries(self) -> tuple[Any, ...]:
        return self._entries

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self._entries)

    def cell(self, row: int, column: int) -> str:
        entry = self._entries[row]
        if column == _R_WHEN:
            return local_time(entry.created_at)
        if column == _R_RECORD:
            return record_text(entry.table, entry.row_id, getattr(entry, "label", ""))
        if column == _R_CHANGE:
            return change_text(entry.op, getattr(entry, "fields", ()))
        return entry.message or entry.reason or ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(index.row(), index.column())
        return None

    def as_text(self, rows: Sequence[int] | None = None) -> str:
        """The entries (all, or the rows given) as tab-separated lines with a header, for
        the clipboard and for a spreadsheet."""
        chosen = range(len(self._entries)) if rows is None else rows
        lines = ["\t".join(self.translated(h) for h in self.HEADERS)]
        for row in chosen:
            lines.append("\t".join(self.cell(row, c).replace("\t", " ") for c in range(len(self.HEADERS))))
        return "\n".join(lines) + "\n"


def record_text(table: str, row_id: object, label: str | None = "") -> str:
    """A record as the lists name it: its label (a resident's name) or the table and id."""
    from fdclient.ui.table_models.sync_decisions import table_title

    ident = row_id.hex if hasattr(row_id, "hex") else str(row_id)
    if label:
        return f"{table_title(table)} · {label}"
    return f"{table_title(table)} · {ident[:8]}"


def change_text(op: str, fields: Sequence[str] = ()) -> str:
    what = {
        "insert": QCoreApplication.translate("RejectedEntries", "New record"),
        "update": QCoreApplication.translate("RejectedEntries", "Changed"),
        "resolve": QCoreApplication.translate("RejectedEntries", "Conflict decision"),
        "merge": QCoreApplication.translate("RejectedEntries", "Merge decision"),
    }.get(op, op)
    if not fields:
        return what
    return QCoreApplication.translate("RejectedEntries", "{what}: {fields}").format(what=what, fields=", ".join(fields))
