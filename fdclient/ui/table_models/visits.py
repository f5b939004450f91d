"""Lists of the 随访服务 page: the residents of a village (ids kept, rows read lazily in
blocks: :class:`~fdclient.ui.table_models.lazy.LazyRowsModel`) and the records of one
resident (their current revisions, kept whole)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt

from fdclient.domain import codes
from fdclient.domain.codes import VisitKind
from fdclient.services.visits.desk import ResidentRow
from fdclient.services.visits.records import VisitRecord
from fdclient.ui.table_models.base import Index, TranslatedTableModel
from fdclient.ui.table_models.lazy import LazyRowsModel, by_id
from fdclient.ui.texts import code_text

__all__ = ["ResidentListModel", "VisitListModel", "kind_title"]

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


class ResidentListModel(LazyRowsModel[uuid.UUID, ResidentRow]):
    """Residents by id; rows are read a block at a time when first shown."""

    HEADERS = _RESIDENT_HEADS

    def __init__(
        self, fetch: Callable[[Sequence[uuid.UUID]], list[ResidentRow]], parent: QObject | None = None
    ) -> None:
        super().__init__(by_id(fetch), parent)

    def translated(self, text: str) -> str:
        return _tr(text)

    def resident_id(self, row: int) -> uuid.UUID | None:
        return self.id_at(row)

    def resident(self, row: int) -> ResidentRow | None:
        return self.row_at(row)

    def row_of(self, key: uuid.UUID) -> int:
        """The position of a resident, -1 when not listed."""
        found = super().row_of(key)
        return -1 if found is None else found

    def cell(self, row: ResidentRow | None, column: int, role: int) -> Any:
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return row.name
        if column == 1:
            if row.sex == 1:
                return QCoreApplication.translate("VisitLists", "Male")
            return QCoreApplication.translate("VisitLists", "Female") if row.sex == 2 else ""
        if column == 2:
            return str(row.age)
        chronic = [
            QCoreApplication.translate("VisitLists", "HT") if row.has_hypertension else "",
            QCoreApplication.translate("VisitLists", "DM") if row.has_diabetes else "",
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
        text = codes.FOLLOWUP_CLASSIFICATION_TEXT.get(classification)
        parts.append(code_text(text) if text is not None else classification)
    service = getattr(form, "service_kind", None)
    if service is not None:
        try:
            parts.append(code_text(codes.ServiceKind(str(service)).text))
        except ValueError:  # a kind this version does not know (from a newer laptop)
            parts.append(str(service))
    return " · ".join(parts)


class VisitListModel(TranslatedTableModel):
    """The current revisions of one resident's records, newest first (a resident has tens,
    not thousands: kept whole)."""

    HEADERS = _VISIT_HEADS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: tuple[VisitRecord, ...] = ()

    def translated(self, text: str) -> str:
        return _tr(text)

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

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not self.in_range(index):
            return None
        record = self._records[index.row()]
        column = index.column()
        if column == 0:
            return record.visit_date.isoformat()
        if column == 1:
            return kind_title(record.kind)
        if column == 2:
            return _findings(record)
        return str(record.revision)
