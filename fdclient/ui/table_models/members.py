"""The members of one household (a handful of rows: kept in memory), with age, masked ID
number, status and key-population tags."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from fdclient.domain.codes import ResidentStatus
from fdclient.domain.identity import mask_id_number
from fdclient.domain.key_populations import KeyPopulation
from fdclient.services.registry.village_lists import MemberRow
from fdclient.ui.table_models.base import Index, TranslatedTableModel

__all__ = ["MembersTableModel", "key_population_text", "resident_status_text"]

_HEADERS = (
    str(QT_TRANSLATE_NOOP("MembersTable", "Name")),
    str(QT_TRANSLATE_NOOP("MembersTable", "Relationship")),
    str(QT_TRANSLATE_NOOP("MembersTable", "Sex")),
    str(QT_TRANSLATE_NOOP("MembersTable", "Birth date")),
    str(QT_TRANSLATE_NOOP("MembersTable", "Age")),
    str(QT_TRANSLATE_NOOP("MembersTable", "ID number")),
    str(QT_TRANSLATE_NOOP("MembersTable", "Status")),
    str(QT_TRANSLATE_NOOP("MembersTable", "Key populations")),
)
_KEY_POPULATION = {
    KeyPopulation.ELDERLY: str(QT_TRANSLATE_NOOP("KeyPopulations", "Elderly 65+")),
    KeyPopulation.CHILD: str(QT_TRANSLATE_NOOP("KeyPopulations", "Child 0-6")),
    KeyPopulation.MATERNAL: str(QT_TRANSLATE_NOOP("KeyPopulations", "Pregnant or postpartum")),
    KeyPopulation.DISABLED: str(QT_TRANSLATE_NOOP("KeyPopulations", "Disabled")),
    KeyPopulation.POVERTY: str(QT_TRANSLATE_NOOP("KeyPopulations", "Poverty relief")),
    KeyPopulation.FAMILY_PLANNING_SPECIAL: str(QT_TRANSLATE_NOOP("KeyPopulations", "Family-planning special family")),
    KeyPopulation.HYPERTENSION: str(QT_TRANSLATE_NOOP("KeyPopulations", "Hypertension")),
    KeyPopulation.DIABETES: str(QT_TRANSLATE_NOOP("KeyPopulations", "Type 2 diabetes")),
    KeyPopulation.TUBERCULOSIS: str(QT_TRANSLATE_NOOP("KeyPopulations", "Tuberculosis")),
    KeyPopulation.SEVERE_MENTAL: str(QT_TRANSLATE_NOOP("KeyPopulations", "Severe mental disorder")),
}
_STATUS = {
    ResidentStatus.ACTIVE: str(QT_TRANSLATE_NOOP("MembersTable", "Registered")),
    ResidentStatus.MOVED_OUT: str(QT_TRANSLATE_NOOP("MembersTable", "Moved out")),
    ResidentStatus.DECEASED: str(QT_TRANSLATE_NOOP("MembersTable", "Deceased")),
}


def key_population_text(tag: KeyPopulation) -> str:
    return QCoreApplication.translate("KeyPopulations", _KEY_POPULATION[tag])


def key_populations_text(tags: frozenset[KeyPopulation]) -> str:
    separator = QCoreApplication.translate("KeyPopulations", ", ")
    return separator.join(key_population_text(t) for t in KeyPopulation if t in tags)


def resident_status_text(status: ResidentStatus, since: Any = None) -> str:
    text = QCoreApplication.translate("MembersTable", _STATUS[status])
    return f"{text} {since.isoformat()}" if since is not None else text


class MembersTableModel(TranslatedTableModel):
    """A household's members (a handful: kept whole)."""

    HEADERS = _HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._members: list[MemberRow] = []

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("MembersTable", text)

    def set_members(self, members: Sequence[MemberRow]) -> None:
        self.beginResetModel()
        self._members = list(members)
        self.endResetModel()

    def member_at(self, row: int) -> MemberRow | None:
        return self._members[row] if 0 <= row < len(self._members) else None

    def row_of(self, resident_id: uuid.UUID) -> int | None:
        return next((i for i, m in enumerate(self._members) if m.id == resident_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._members)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        m = self._members[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return str(m.id)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#757575")) if m.status != ResidentStatus.ACTIVE else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            m.name,
            m.relationship_label,
            m.sex_label,
            m.birth_date.isoformat(),
            str(m.age),
            mask_id_number(m.id_number),
            resident_status_text(m.status, m.status_changed_on),
            key_populations_text(m.key_populations),
        )
        return values[index.column()]
