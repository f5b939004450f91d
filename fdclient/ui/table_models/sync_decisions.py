"""What waits for a person after a sync: the open conflicts (the same field changed on two
laptops; both values with who and when) and the merge tasks (two records that may be the
same person)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt

from fdclient.ui.table_models.base import Index, TranslatedTableModel
from fdclient.ui.table_models.sync import local_time, text_of

__all__ = ["ConflictsModel", "MergeTasksModel", "field_title", "table_title"]

#: The records a person meets on a conflict, by table (the rest show the table's name).
_TABLES = {
    "residents": str(QT_TRANSLATE_NOOP("SyncTables", "Resident")),
    "households": str(QT_TRANSLATE_NOOP("SyncTables", "Household")),
    "contracts": str(QT_TRANSLATE_NOOP("SyncTables", "Contract")),
    "contract_members": str(QT_TRANSLATE_NOOP("SyncTables", "Contract member")),
    "visits": str(QT_TRANSLATE_NOOP("SyncTables", "Visit")),
    "diagnoses": str(QT_TRANSLATE_NOOP("SyncTables", "Diagnosis")),
    "villages": str(QT_TRANSLATE_NOOP("SyncTables", "Village")),
    "staff": str(QT_TRANSLATE_NOOP("SyncTables", "Staff")),
    "teams": str(QT_TRANSLATE_NOOP("SyncTables", "Team")),
    "referrals": str(QT_TRANSLATE_NOOP("SyncTables", "Referral")),
    "planned_services": str(QT_TRANSLATE_NOOP("SyncTables", "Planned service")),
    "township_settings": str(QT_TRANSLATE_NOOP("SyncTables", "Township setting")),
}
#: Fields a conflict is most often about.
_FIELDS = {
    "name": str(QT_TRANSLATE_NOOP("SyncFields", "Name")),
    "phone": str(QT_TRANSLATE_NOOP("SyncFields", "Phone")),
    "address": str(QT_TRANSLATE_NOOP("SyncFields", "Address")),
    "id_number": str(QT_TRANSLATE_NOOP("SyncFields", "ID number")),
    "birth_date": str(QT_TRANSLATE_NOOP("SyncFields", "Birth date")),
    "sex": str(QT_TRANSLATE_NOOP("SyncFields", "Sex")),
    "status": str(QT_TRANSLATE_NOOP("SyncFields", "Status")),
    "notes": str(QT_TRANSLATE_NOOP("SyncFields", "Notes")),
    "voided": str(QT_TRANSLATE_NOOP("SyncFields", "Voided")),
    "village_id": str(QT_TRANSLATE_NOOP("SyncFields", "Village")),
    "household_id": str(QT_TRANSLATE_NOOP("SyncFields", "Household")),
    "head_id": str(QT_TRANSLATE_NOOP("SyncFields", "Head of household")),
    "team_id": str(QT_TRANSLATE_NOOP("SyncFields", "Team")),
}


def table_title(table: str) -> str:
    title = _TABLES.get(table)
    return QCoreApplication.translate("SyncTables", title) if title else table


def field_title(field: str) -> str:
    title = _FIELDS.get(field)
    return QCoreApplication.translate("SyncFields", title) if title else field


def _side(value: object, who: str | None, when: object) -> str:
    shown = text_of(value) or QCoreApplication.translate("Conflicts", "(empty)")
    by = " · ".join(part for part in (who or "", local_time(when)) if part)  # type: ignore[arg-type]
    return f"{shown}（{by}）" if by else shown


_RECORD, _FIELD, _MINE, _THEIRS = range(4)


class ConflictsModel(TranslatedTableModel):
    HEADERS = (
        str(QT_TRANSLATE_NOOP("Conflicts", "Record")),
        str(QT_TRANSLATE_NOOP("Conflicts", "Field")),
        str(QT_TRANSLATE_NOOP("Conflicts", "This laptop")),
        str(QT_TRANSLATE_NOOP("Conflicts", "Other side")),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[Any, ...] = ()

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("Conflicts", text)

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self._items = tuple(items)
        self.endResetModel()

    def items(self) -> tuple[Any, ...]:
        return self._items

    def item(self, row: int) -> Any:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == _RECORD:
                from fdclient.ui.table_models.sync import record_text

                return record_text(item.table, item.row_id, item.label)
            if column == _FIELD:
                if item.kind == "edit_of_voided":
                    return QCoreApplication.translate("Conflicts", "Edited after it was voided")
                return field_title(item.field)
            if column == _MINE:
                return _side(item.mine, item.mine_by, item.mine_at)
            return _side(item.theirs, item.theirs_by, item.theirs_at)
        return None


_M_KIND, _M_FIRST, _M_SECOND, _M_REASON, _M_STATUS = range(5)
_KINDS = {
    "same_person": str(QT_TRANSLATE_NOOP("MergeTasks", "Same person?")),
    "two_active_contracts": str(QT_TRANSLATE_NOOP("MergeTasks", "Two active contracts")),
}
_STATES = {
    "open": str(QT_TRANSLATE_NOOP("MergeTasks", "To decide")),
    "done": str(QT_TRANSLATE_NOOP("MergeTasks", "Merged")),
    "kept_apart": str(QT_TRANSLATE_NOOP("MergeTasks", "Kept apart")),
    "undone": str(QT_TRANSLATE_NOOP("MergeTasks", "Merge undone")),
}


class MergeTasksModel(TranslatedTableModel):
    HEADERS = (
        str(QT_TRANSLATE_NOOP("MergeTasks", "Kind")),
        str(QT_TRANSLATE_NOOP("MergeTasks", "Record kept")),
        str(QT_TRANSLATE_NOOP("MergeTasks", "Other record")),
        str(QT_TRANSLATE_NOOP("MergeTasks", "Why")),
        str(QT_TRANSLATE_NOOP("MergeTasks", "State")),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[Any, ...] = ()

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("MergeTasks", text)

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self._items = tuple(items)
        self.endResetModel()

    def items(self) -> tuple[Any, ...]:
        return self._items

    def item(self, row: int) -> Any:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        task = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == _M_KIND:
                kind = _KINDS.get(task.kind)
                return self.translated(kind) if kind else task.kind
            if column == _M_FIRST:
                return task.survivor_label
            if column == _M_SECOND:
                return task.other_label
            if column == _M_REASON:
                return task.reason
            state = _STATES.get(task.status)
            return self.translated(state) if state else task.status
        return None
