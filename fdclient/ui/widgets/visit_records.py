"""The records panel of the 随访服务 page: the chosen resident's records (the last revision of
each, voided ones marked and struck through), the buttons to correct or void the selected
one, and its history (every revision, with the reasons of corrections and of the void).

Correcting and voiding are the page's (``correct_requested`` / ``void_requested``); the
buttons are disabled for a voided record and for a role that may not change records of its
kind (a nurse and a follow-up: :func:`fdclient.ui.operations.visits.may_amend`). Delete in
the list voids the selected record, Enter corrects it.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QIdentityProxyModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from fdclient.services.visits.records import VisitRecord
from fdclient.ui.operations import visits as ops
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.visits import VisitListModel, kind_title
from fdclient.ui.widgets.visit_residents import list_view

__all__ = ["RecordsPanel", "VoidedMarks"]

#: The columns of VisitListModel that name the kind of record and give its findings.
_KIND_COLUMN = 1
_FINDINGS_COLUMN = 2
_VOIDED_COLOUR = QColor("#8a8a8a")


class VoidedMarks(QIdentityProxyModel):
    """The records as the list model shows them, a voided one greyed, struck through and
    marked (已作废) beside its kind, with the reason as its tooltip."""

    def __init__(self, records: VisitListModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.records = records
        self.setSourceModel(records)

    def record(self, row: int) -> VisitRecord | None:
        return self.records.record(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        record = self.records.record(index.row()) if index.isValid() else None
        if record is None or not record.voided:
            return value
        if role == Qt.ItemDataRole.DisplayRole and index.column() == _KIND_COLUMN:
            return QCoreApplication.translate("VisitsPage", "{kind} (voided)").format(kind=value or "")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()  # the application font
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_VOIDED_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return QCoreApplication.translate("VisitsPage", "Voided: {reason}").format(reason=record.void_reason or "")
        return value


class RecordsPanel(QWidget):
    correct_requested = Signal()
    void_requested = Signal()
    #: A read failed (the exception).
    failed = Signal(object)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._resident_id: uuid.UUID | None = None
        self._select_after_load: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.records_label = QLabel(self)
        self.visit_model = VisitListModel(self)
        self.marks = VoidedMarks(self.visit_model, self)
        self.visit_view = list_view(self, "visitList")
        self.visit_view.setModel(self.marks)
        header = self.visit_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_FINDINGS_COLUMN, QHeaderView.ResizeMode.Stretch)  # elided, no scrolling
        self.records_label.setBuddy(self.visit_view)
        buttons = QHBoxLayout()
        self.correct_button = QPushButton(self)
        self.correct_button.setObjectName("correctButton")
        self.void_button = QPushButton(self)
        self.void_button.setObjectName("voidButton")
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.void_button)
        self.history_label = QLabel(self)
        self.history_label.setObjectName("historyLabel")
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.records_label)
        layout.addWidget(self.visit_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.history_label)

        self.visit_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._row_changed())
        self.visit_view.activated.connect(lambda _i: self.correct_requested.emit())
        self.correct_button.clicked.connect(self.correct_requested.emit)
        self.void_button.clicked.connect(self.void_requested.emit)
        self.void_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.visit_view)
        self.void_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.void_shortcut.activated.connect(self.void_requested.emit)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.records_label.setText(QCoreApplication.translate("VisitsPage", "&Records of this resident"))
        self.correct_button.setText(QCoreApplication.translate("VisitsPage", "&Correct…"))
        self.void_button.setText(QCoreApplication.translate("VisitsPage", "Vo&id…"))
        self._update_buttons()
        record = self.selected()
        if record is not None:
            ops.load_history(self.session, record.record_id, self._show_history, self.failed.emit)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- the list ----------------------------------------------------------------------------

    def show_records(self, resident_id: uuid.UUID | None, select_record: uuid.UUID | None = None) -> None:
        """Read the resident's records (and select the record ``select_record``)."""
        self._resident_id = resident_id
        self._select_after_load = select_record
        if resident_id is None:
            self.visit_model.set_records(())
            self._row_changed()
            return
        ops.load_visits(self.session, resident_id, self._records_arrived, self.failed.emit)

    def _records_arrived(self, found: tuple[VisitRecord, ...]) -> None:
        if found and found[0].resident_id != self._resident_id:
            return  # an answer about a resident no longer shown
        self.visit_model.set_records(found)
        wanted, self._select_after_load = self._select_after_load, None
        row = self.visit_model.row_of_record(wanted) if wanted is not None else -1
        if row >= 0:
            self.visit_view.selectionModel().setCurrentIndex(
                self.marks.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._row_changed()

    def selected(self) -> VisitRecord | None:
        return self.marks.record(self.visit_view.currentIndex().row())

    def select_row(self, row: int) -> None:
        self.visit_view.setCurrentIndex(self.marks.index(row, 0))

    def may_amend(self, record: VisitRecord | None) -> bool:
        """Whether ``record`` may be corrected or voided now (by this role)."""
        return record is not None and not record.voided and ops.may_amend(self.session, record)

    def _row_changed(self) -> None:
        record = self.selected()
        self._update_buttons()
        if record is None:
            self.history_label.clear()
        else:
            ops.load_history(self.session, record.record_id, self._show_history, self.failed.emit)

    def _update_buttons(self) -> None:
        record = self.selected()
        allowed = self.may_amend(record)
        self.correct_button.setEnabled(allowed)
        self.void_button.setEnabled(allowed)
        if record is not None and not record.voided and not allowed:
            why = QCoreApplication.translate("VisitsPage", "Your role may not change records of this kind.")
            self.correct_button.setToolTip(why)
            self.void_button.setToolTip(why)
            return
        self.correct_button.setToolTip(
            QCoreApplication.translate(
                "VisitsPage", "A saved record is not edited: a correction is a new revision (Alt+C, or Enter)"
            )
        )
        self.void_button.setToolTip(
            QCoreApplication.translate(
                "VisitsPage", "Void the selected record with a reason; it stays in the history (Alt+I, or Delete)"
            )
        )

    # --- the history -------------------------------------------------------------------------

    def _show_history(self, revisions: tuple[VisitRecord, ...]) -> None:
        selected = self.selected()
        if selected is None or not revisions or revisions[0].record_id != selected.record_id:
            return
        title = QCoreApplication.translate("VisitsPage", "History of the record")
        lines = [f"<b>{html.escape(title)}</b>"]
        for record in revisions:
            line = QCoreApplication.translate("VisitsPage", "Revision {revision}: {kind} of {day}").format(
                revision=record.revision, kind=kind_title(record.kind), day=record.visit_date.isoformat()
            )
            systolic, diastolic = getattr(record.form, "systolic", None), getattr(record.form, "diastolic", None)
            if systolic is not None and diastolic is not None:
                line += f" · {systolic}/{diastolic} mmHg"
            if record.correction_reason:
                line += " · " + QCoreApplication.translate("VisitsPage", "corrected because: {reason}").format(
                    reason=record.correction_reason
                )
            text = html.escape(line)
            if record.voided:
                voided = QCoreApplication.translate("VisitsPage", "voided: {reason}").format(
                    reason=record.void_reason or ""
                )
                text += ' · <span style="color: #b00020;">' + html.escape(voided) + "</span>"
            lines.append(text)
        self.history_label.setText("<br>".join(lines))
