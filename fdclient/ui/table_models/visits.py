"""Lists of the 随访服务 page: the residents of a village (ids kept, rows loaded lazily in
batches) and the records of one resident (their current revisions)."""

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
)

from fdclient.domain import codes
from fdclient.domain.codes import VisitKind
from fdclient.services.visits.desk import ResidentRow
from fdclient.services.visits.records import VisitRecord

__all__ = ["ResidentListModel", "VisitListModel", "kind_title"]

Index = QModelIndex | QPersistentModelIndex
_BATCH = 100

_RESIDENT_HEADS = (
    str(QT_TRANSLATE_NOOP("VisitLists", "Name")),
    str(QT_TRANSLATE_NOOP("VisitLists", "Sex")),
    str(QT_TRANSLATE_NOOP("VisitLists", "Age")),
    str(QT_TRANSLATE_NOOP("VisitLists", "Chronic")),
)
_VISIT_HEADS = (
    str(QT_TRANSLATE_NOOP("VisitLists", "Date")),
    str(QT_TRANSLATE_NOOP("VisitLists", "Record")),
    str(QT_TRANSLATE_NOOP("VisitLists", "Findings")),
    str(QT_TRANSLATE_NOOP("VisitLists", "Revision")),
)
_KIND_SHORT = {
    VisitKind.HYPERTENSION: str(QT_TRANSLATE_NOOP("VisitLists", "Hypertension")),
    VisitKind.DIABETES: str(QT_TRANSLATE_NOOP("VisitLists", "Diabetes")),
    VisitKind.ELDERLY_CHECK: str(QT_TRANSLATE_NOOP("VisitLists", "Elderly check")),
    VisitKind.HOME_VISIT: str(QT_TRANSLATE_NOOP("VisitLists", "Home visit")),
    VisitKind.SERVICE: str(QT_TRANSLATE_NOOP("VisitLists", "Service")),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("VisitLists", text)


def kind_title(kind: VisitKind) -> str:
    """The kind of a record, short (高血压 / Hypertension)."""
    return _tr(_KIND_SHORT[kind])


class ResidentListModel(QAbstractTableModel):
    """Residents by id; rows are read ``_BATCH`` at a time when first shown."""

    def __init__(self, fetch: Callable[[Sequence[uuid.UUID]], list[ResidentRow]], parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._ids: list[uuid.UUID] = []
        self._rows: dict[uuid.UUID, ResidentRow] = {}

    def set_ids(self, ids: list[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {}
        self.endResetModel()

    def resident_id(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, resident_id: uuid.UUID) -> int:
        try:
            return self._ids.index(resident_id)
        except ValueError:
            return -1

    def resident(self, row: int) -> ResidentRow | None:
        resident_id = self.resident_id(row)
        if resident_id is None:
            return None
        if resident_id not in self._rows:
            start = row - row % _BATCH
            batch = self._ids[start : start + _BATCH]
            self._rows.update((r.id, r) for r in self._fetch(batch))
        return self._rows.get(resident_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(_RESIDENT_HEADS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(_RESIDENT_HEADS):
                return _tr(_RESIDENT_HEADS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.resident(index.row())
        if r is None:
            return None
        column = index.column()
        if column == 0:
            return r.name
        if column == 1:
            if r.sex == 1:
                return QCoreApplication.translate("VisitLists", "Male")
            return QCoreApplication.translate("VisitLists", "Female") if r.sex == 2 else ""
        if column == 2:
            return str(r.age)
        chronic = [
            QCoreApplication.translate("VisitLists", "HT") if r.has_hypertension else "",
            QCoreApplication.translate("VisitLists", "DM") if r.has_diabetes else "",
        ]
        return " ".join(c for c in chronic if c)


def _findings(record: VisitRecord) -> str:
    form = record.form
    parts: list[str] = []
    systolic, diastolic = getattr(form, "systolic", None), getattr(form, "diastolic", None)
    if systolic is not None and diastolic is not None:
        parts.append(f"{systolic}/{diastolic} mmHg")
    glucose = getattr(form, "fasting_glucose", None)
    if glucose is not None:
        parts.append(f"{glucose:g} mmol/L")
    classification = getattr(form, "classification", None)
    if classification:
        parts.append(codes.FOLLOWUP_CLASSIFICATION.get(classification, classification))
    service = getattr(form, "service_kind", None)
    if service is not None:
        parts.append(codes.SERVICE_KIND.get(str(service), str(service)))
    return " · ".join(parts)


class VisitListModel(QAbstractTableModel):
    """The current revisions of one resident's records, newest first (a resident has tens,
    not thousands: kept whole)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: tuple[VisitRecord, ...] = ()

    def set_records(self, found: tuple[VisitRecord, ...]) -> None:
        self.beginResetModel()
        self._records = found
        self.endResetModel()

    def record(self, row: int) -> VisitRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of_record(self, record_id: uuid.UUID) -> int:
        for row, found in enumerate(self._records):
            if found.record_id == record_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(_VISIT_HEADS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(_VISIT_HEADS):
                return _tr(_VISIT_HEADS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        record = self.record(index.row())
        if record is None:
            return None
        column = index.column()
        if column == 0:
            return record.visit_date.isoformat()
        if column == 1:
            return kind_title(record.kind)
        if column == 2:
            return _findings(record)
        return str(record.revision)
