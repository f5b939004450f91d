"""A resident's record: a header with who they are, their contract and what is due, then
four tabs — the timeline of visits and services under the blood pressure and glucose
chart (:mod:`fdclient.ui.widgets.vitals_chart`), the personal information form (read
only), the contracts and the planned services with what is due.

The record is read in one unit of work on a reader thread
(:mod:`fdclient.ui.operations.records`); when another resident is asked for before the
answer comes, the older answer is dropped. The widget keeps the :class:`ResidentRecord` it
shows and draws it again in the other language on a language change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ContractStatus, ResidentStatus
from fdclient.errors import FdError
from fdclient.services.registry.resident_record import ContractLine, Due, PlannedLine, TimelineEntry
from fdclient.ui.operations.records import ResidentRecord, load_record
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.vitals_chart import VitalsChart

__all__ = ["PERSONAL_LABELS", "ResidentRecordView", "RowsModel"]


#: The labels of the personal information form, by field (RecordField.key).
PERSONAL_LABELS: dict[str, str] = {
    "name": str(QT_TRANSLATE_NOOP("ResidentRecord", "Name")),
    "health_record_no": str(QT_TRANSLATE_NOOP("ResidentRecord", "Health record number")),
    "sex": str(QT_TRANSLATE_NOOP("ResidentRecord", "Sex")),
    "birth_date": str(QT_TRANSLATE_NOOP("ResidentRecord", "Date of birth")),
    "age": str(QT_TRANSLATE_NOOP("ResidentRecord", "Age")),
    "id_type": str(QT_TRANSLATE_NOOP("ResidentRecord", "Document type")),
    "id_number": str(QT_TRANSLATE_NOOP("ResidentRecord", "Document number")),
    "village": str(QT_TRANSLATE_NOOP("ResidentRecord", "Village")),
    "address": str(QT_TRANSLATE_NOOP("ResidentRecord", "Address")),
    "relationship_to_head": str(QT_TRANSLATE_NOOP("ResidentRecord", "Relationship to head")),
    "phone": str(QT_TRANSLATE_NOOP("ResidentRecord", "Phone")),
    "workplace": str(QT_TRANSLATE_NOOP("ResidentRecord", "Workplace")),
    "contact": str(QT_TRANSLATE_NOOP("ResidentRecord", "Contact person")),
    "resident_type": str(QT_TRANSLATE_NOOP("ResidentRecord", "Residence type")),
    "ethnicity": str(QT_TRANSLATE_NOOP("ResidentRecord", "Ethnicity")),
    "blood_type": str(QT_TRANSLATE_NOOP("ResidentRecord", "Blood type")),
    "education": str(QT_TRANSLATE_NOOP("ResidentRecord", "Education")),
    "occupation": str(QT_TRANSLATE_NOOP("ResidentRecord", "Occupation")),
    "marital_status": str(QT_TRANSLATE_NOOP("ResidentRecord", "Marital status")),
    "payment_methods": str(QT_TRANSLATE_NOOP("ResidentRecord", "Medical payment")),
    "drug_allergies": str(QT_TRANSLATE_NOOP("ResidentRecord", "Drug allergies")),
    "exposures": str(QT_TRANSLATE_NOOP("ResidentRecord", "Exposures")),
    "past_diseases": str(QT_TRANSLATE_NOOP("ResidentRecord", "Past diseases")),
    "past_events": str(QT_TRANSLATE_NOOP("ResidentRecord", "Surgery, trauma, transfusion")),
    "family_history_father": str(QT_TRANSLATE_NOOP("ResidentRecord", "Family history: father")),
    "family_history_mother": str(QT_TRANSLATE_NOOP("ResidentRecord", "Family history: mother")),
    "family_history_siblings": str(QT_TRANSLATE_NOOP("ResidentRecord", "Family history: siblings")),
    "family_history_children": str(QT_TRANSLATE_NOOP("ResidentRecord", "Family history: children")),
    "genetic_disease": str(QT_TRANSLATE_NOOP("ResidentRecord", "Genetic disease")),
    "disabilities": str(QT_TRANSLATE_NOOP("ResidentRecord", "Disabilities")),
    "kitchen_exhaust": str(QT_TRANSLATE_NOOP("ResidentRecord", "Kitchen exhaust")),
    "fuel": str(QT_TRANSLATE_NOOP("ResidentRecord", "Fuel")),
    "water": str(QT_TRANSLATE_NOOP("ResidentRecord", "Drinking water")),
    "toilet": str(QT_TRANSLATE_NOOP("ResidentRecord", "Toilet")),
    "livestock_pen": str(QT_TRANSLATE_NOOP("ResidentRecord", "Livestock pen")),
    "key_populations": str(QT_TRANSLATE_NOOP("ResidentRecord", "Key populations")),
    "status": str(QT_TRANSLATE_NOOP("ResidentRecord", "Record status")),
    "registered_on": str(QT_TRANSLATE_NOOP("ResidentRecord", "Registered on")),
    "registered_by": str(QT_TRANSLATE_NOOP("ResidentRecord", "Registered by")),
    "responsible_doctor": str(QT_TRANSLATE_NOOP("ResidentRecord", "Responsible doctor")),
}

OVERDUE_COLOUR = QColor("#c62828")
DUE_COLOUR = QColor("#e65100")
MUTED_COLOUR = QColor("#757575")


class RowsModel(QAbstractTableModel):
    """A short read-only table (one resident's visits, contracts or services): rows of texts
    with an optional colour each. The headers are a function, called in the current language."""

    def __init__(self, headers: Callable[[], Sequence[str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._columns = len(headers())
        self._rows: list[tuple[str, ...]] = []
        self._colours: list[QColor | None] = []

    def set_rows(self, rows: Sequence[tuple[str, ...]], colours: Sequence[QColor | None] | None = None) -> None:
        self.beginResetModel()
        self._rows = [tuple(row) + ("",) * (self._columns - len(row)) for row in rows]
        self._colours = list(colours) if colours is not None else [None] * len(rows)
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self._columns - 1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._columns

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < self._columns:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colours[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        headers = self._headers()
        return headers[section] if 0 <= section < len(headers) else None

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table (↑/↓ move in it)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _timeline_headers() -> list[str]:
    return [
        QCoreApplication.translate("ResidentRecord", "Date"),
        QCoreApplication.translate("ResidentRecord", "Record"),
        QCoreApplication.translate("ResidentRecord", "Mode"),
        QCoreApplication.translate("ResidentRecord", "Doctor"),
        QCoreApplication.translate("ResidentRecord", "Blood pressure"),
        QCoreApplication.translate("ResidentRecord", "Fasting glucose"),
        QCoreApplication.translate("ResidentRecord", "Assessment"),
        QCoreApplication.translate("ResidentRecord", "Next visit"),
        QCoreApplication.translate("ResidentRecord", "Notes"),
    ]


def _contract_headers() -> list[str]:
    return [
        QCoreApplication.translate("ResidentRecord", "Contract number"),
        QCoreApplication.translate("ResidentRecord", "Status"),
        QCoreApplication.translate("ResidentRecord", "Term"),
        QCoreApplication.translate("ResidentRecord", "Team"),
        QCoreApplication.translate("ResidentRecord", "Family doctor"),
        QCoreApplication.translate("ResidentRecord", "Packages"),
        QCoreApplication.translate("ResidentRecord", "Coverage"),
    ]


def _planned_headers() -> list[str]:
    return [
        QCoreApplication.translate("ResidentRecord", "Service"),
        QCoreApplication.translate("ResidentRecord", "Round"),
        QCoreApplication.translate("ResidentRecord", "Due period"),
        QCoreApplication.translate("ResidentRecord", "Status"),
    ]


class ResidentRecordView(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("residentRecord")
        self.session = session
        self.resident_id: uuid.UUID | None = None
        #: The record shown (None before the first one arrives).
        self.record: ResidentRecord | None = None
        self._serial = 0

        self.title = QLabel(self)
        self.title.setObjectName("recordName")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel(self)
        self.facts.setObjectName("recordFacts")
        self.facts.setWordWrap(True)
        self.contract_line = QLabel(self)
        self.contract_line.setObjectName("recordContract")
        self.contract_line.setWordWrap(True)
        self.due_line = QLabel(self)
        self.due_line.setObjectName("recordDue")
        self.due_line.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("recordMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("recordTabs")

        # Timeline and chart.
        self.chart = VitalsChart(self)
        self.timeline_model = RowsModel(_timeline_headers, self)
        self.timeline = _table(self.timeline_model, self)
        self.timeline.setObjectName("recordTimeline")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.timeline)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.tabs.addTab(splitter, "")

        # Personal information (read only).
        self.personal = QWidget(self)
        self.personal.setObjectName("recordPersonal")
        self.personal_grid = QGridLayout(self.personal)
        self.personal_grid.setHorizontalSpacing(16)
        self.personal_grid.setVerticalSpacing(6)
        self.personal_labels: dict[str, tuple[QLabel, QLabel]] = {}
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.personal)
        self.tabs.addTab(scroll, "")

        # Contracts.
        self.contracts_model = RowsModel(_contract_headers, self)
        self.contracts = _table(self.contracts_model, self)
        self.contracts.setObjectName("recordContracts")
        self.tabs.addTab(self.contracts, "")

        # Planned services.
        self.planned_model = RowsModel(_planned_headers, self)
        self.planned = _table(self.planned_model, self)
        self.planned.setObjectName("recordPlanned")
        self.tabs.addTab(self.planned, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.contract_line)
        layout.addWidget(self.due_line)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.retranslate_ui()

    # --- loading --------------------------------------------------------------------------------

    def show_resident(self, resident_id: uuid.UUID) -> None:
        """Read and show the record of ``resident_id`` (an older request still running is dropped)."""
        self.resident_id = resident_id
        self._serial += 1
        serial = self._serial
        self._say(QCoreApplication.translate("ResidentRecord", "Loading the record…"))
        load_record(
            self.session,
            resident_id,
            lambda record: self._loaded(serial, record),
            lambda exc: self._failed(serial, exc),
            owner=self,
        )

    def _loaded(self, serial: int, record: ResidentRecord) -> None:
        if serial != self._serial:
            return
        self.record = record
        self._say("")
        self._render()

    def _failed(self, serial: int, exc: BaseException) -> None:
        if serial != self._serial:
            return
        self._say(
            exc.message
            if isinstance(exc, FdError)
            else QCoreApplication.translate("ResidentRecord", "The record could not be read: {error}").format(
                error=type(exc).__name__
            )
        )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- drawing the record ---------------------------------------------------------------------

    def _render(self) -> None:
        record = self.record
        if record is None:
            return
        info = record.info
        self.title.setText(info.name)
        facts = [
            info.sex_label,
            QCoreApplication.translate("ResidentRecord", "{age} years").format(age=record.age),
            record.village_name,
            QCoreApplication.translate("ResidentRecord", "Record number {number}").format(
                number=info.health_record_no or "—"
            ),
        ]
        tags = next((f.value for f in record.personal if f.key == "key_populations"), "")
        if tags:
            facts.append(tags)
        if info.status != ResidentStatus.ACTIVE:
            facts.append(info.status.label)
        if info.voided:
            facts.append(QCoreApplication.translate("ResidentRecord", "Voided"))
        self.facts.setText(" · ".join(f for f in facts if f))
        self.contract_line.setText(self._contract_summary(record.contracts))
        self.due_line.setText(self._due_summary(record.planned))

        self.chart.set_data(record.vitals, record.targets)
        self.timeline_model.set_rows([self._timeline_row(e) for e in record.timeline])
        self.contracts_model.set_rows(
            [self._contract_row(c) for c in record.contracts],
            [None if c.status == ContractStatus.ACTIVE else MUTED_COLOUR for c in record.contracts],
        )
        self.planned_model.set_rows(
            [self._planned_row(p) for p in record.planned], [self._planned_colour(p) for p in record.planned]
        )
        self._render_personal(record)

    def _render_personal(self, record: ResidentRecord) -> None:
        for index, field in enumerate(record.personal):
            pair = self.personal_labels.get(field.key)
            if pair is None:
                label, value = QLabel(self.personal), QLabel(self.personal)
                label.setObjectName(f"label_{field.key}")
                value.setObjectName(f"value_{field.key}")
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                row, column = divmod(index, 2)
                self.personal_grid.addWidget(label, row, column * 2)
                self.personal_grid.addWidget(value, row, column * 2 + 1)
                pair = self.personal_labels[field.key] = (label, value)
            label_text = PERSONAL_LABELS.get(field.key, field.key)
            pair[0].setText(
                QCoreApplication.translate("ResidentRecord", "{label}:").format(
                    label=QCoreApplication.translate("ResidentRecord", label_text)
                )
            )
            pair[1].setText(field.value or "—")
        self.personal_grid.setColumnStretch(1, 1)
        self.personal_grid.setColumnStretch(3, 1)
        self.personal_grid.setRowStretch(self.personal_grid.rowCount(), 1)

    @staticmethod
    def _contract_summary(contracts: Sequence[ContractLine]) -> str:
        current = next((c for c in contracts if c.member_active and c.status == ContractStatus.ACTIVE), None)
        if current is None:
            return QCoreApplication.translate("ResidentRecord", "Contract: not signed")
        return QCoreApplication.translate(
            "ResidentRecord", "Contract: {number} {status}, {start} to {end} · {team} · {doctor}"
        ).format(
            number=current.contract_no,
            status=current.status.label,
            start=current.start_date.isoformat(),
            end=current.end_date.isoformat(),
            team=current.team_name,
            doctor=current.doctor_name,
        )

    @staticmethod
    def _due_summary(planned: Sequence[PlannedLine]) -> str:
        overdue = sum(p.due == Due.OVERDUE for p in planned)
        due = sum(p.due == Due.DUE for p in planned)
        if not overdue and not due:
            return QCoreApplication.translate("ResidentRecord", "Nothing due now.")
        names = "、".join(dict.fromkeys(p.service_kind.label for p in planned if p.due in (Due.OVERDUE, Due.DUE)))
        return QCoreApplication.translate("ResidentRecord", "Due now: {due}, overdue: {overdue} ({services})").format(
            due=due, overdue=overdue, services=names
        )

    @staticmethod
    def _timeline_row(e: TimelineEntry) -> tuple[str, ...]:
        bp = f"{e.systolic}/{e.diastolic} mmHg" if e.systolic is not None and e.diastolic is not None else ""
        glucose = f"{e.fasting_glucose:g} mmol/L" if e.fasting_glucose is not None else ""
        title = e.title
        if e.revision > 1:
            title += QCoreApplication.translate("ResidentRecord", " (revision {revision})").format(revision=e.revision)
        return (
            e.visit_date.isoformat(),
            title,
            e.mode_label,
            e.doctor_name,
            bp,
            glucose,
            e.classification_label or "",
            e.next_visit_date.isoformat() if e.next_visit_date else "",
            (e.summary or "").replace("\n", " "),
        )

    @staticmethod
    def _contract_row(c: ContractLine) -> tuple[str, ...]:
        if c.member_active:
            coverage = QCoreApplication.translate("ResidentRecord", "Covered")
        elif c.member_ended_on is not None:
            coverage = QCoreApplication.translate("ResidentRecord", "Left on {day}").format(
                day=c.member_ended_on.isoformat()
            )
        else:
            coverage = QCoreApplication.translate("ResidentRecord", "Not covered")
        return (
            c.contract_no,
            c.status.label,
            QCoreApplication.translate("ResidentRecord", "{start} to {end}").format(
                start=c.start_date.isoformat(), end=c.end_date.isoformat()
            ),
            c.team_name,
            c.doctor_name,
            "、".join(c.package_names),
            coverage,
        )

    @staticmethod
    def _planned_row(p: PlannedLine) -> tuple[str, ...]:
        status = {
            Due.DONE: QCoreApplication.translate("ResidentRecord", "Done on {day}").format(
                day=p.fulfilled_on.isoformat() if p.fulfilled_on else ""
            ),
            Due.OVERDUE: QCoreApplication.translate("ResidentRecord", "Overdue"),
            Due.DUE: QCoreApplication.translate("ResidentRecord", "Due now"),
            Due.UPCOMING: QCoreApplication.translate("ResidentRecord", "Upcoming"),
            Due.CANCELLED: QCoreApplication.translate("ResidentRecord", "Cancelled"),
        }[p.due]
        return (
            p.service_kind.label,
            QCoreApplication.translate("ResidentRecord", "No. {n}").format(n=p.sequence),
            QCoreApplication.translate("ResidentRecord", "{start} to {end}").format(
                start=p.window_start.isoformat(), end=p.window_end.isoformat()
            ),
            status,
        )

    @staticmethod
    def _planned_colour(p: PlannedLine) -> QColor | None:
        return {
            Due.OVERDUE: OVERDUE_COLOUR,
            Due.DUE: DUE_COLOUR,
            Due.DONE: MUTED_COLOUR,
            Due.CANCELLED: MUTED_COLOUR,
        }.get(p.due)

    # --- texts ----------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, QCoreApplication.translate("ResidentRecord", "&Timeline and chart"))
        self.tabs.setTabText(1, QCoreApplication.translate("ResidentRecord", "&Personal information"))
        self.tabs.setTabText(2, QCoreApplication.translate("ResidentRecord", "&Contracts"))
        self.tabs.setTabText(3, QCoreApplication.translate("ResidentRecord", "P&lanned services"))
        for model in (self.timeline_model, self.contracts_model, self.planned_model):
            model.retranslate()
        if self.record is None and self.resident_id is None:
            self.title.setText(QCoreApplication.translate("ResidentRecord", "No resident chosen"))
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
