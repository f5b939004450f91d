"""既往史 in the resident dialog: the diseases with their date of diagnosis (确诊时间) and
the surgery, trauma and transfusion events, stored and pending.

Rows are added with the line under the table (Enter in the name or date adds) and voided
with a reason (Delete or the void button); nothing is written until the dialog is saved,
then in the same unit of work as the form (:mod:`fdclient.ui.operations.medical_history`).
A row added by mistake before saving is simply taken out again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain import codes
from fdclient.domain.codes import HistoryEventKind
from fdclient.services.registry.medical_history import DIAGNOSABLE, MAX_DETAIL, PastHistory
from fdclient.ui.dialogs.form_parts import ERROR_STYLE, EnterLineEdit, error_label, parse_day_or_month
from fdclient.ui.operations.medical_history import (
    HISTORY_FIELDS,
    DiagnosisDraft,
    EventDraft,
    HistoryChanges,
    load_past_history,
)
from fdclient.ui.session import UiSession

__all__ = ["PastHistoryPanel", "VoidReasonDialog"]

PENDING_COLOUR = QColor("#1565c0")
MUTED_COLOUR = QColor("#757575")
_PLACEHOLDERS: dict[object, str] = {
    "detail": str(QT_TRANSLATE_NOOP("PastHistory", "name of the disease")),
    "none": str(QT_TRANSLATE_NOOP("PastHistory", "(no name needed)")),
    HistoryEventKind.SURGERY: str(QT_TRANSLATE_NOOP("PastHistory", "name of the operation")),
    HistoryEventKind.TRAUMA: str(QT_TRANSLATE_NOOP("PastHistory", "name of the injury")),
    HistoryEventKind.TRANSFUSION: str(QT_TRANSLATE_NOOP("PastHistory", "reason for the transfusion")),
}


@dataclass(frozen=True)
class _Row:
    kind: str
    name: str
    day: date | None
    #: "stored", "pending", "voiding" or "voided".
    state: str
    #: A stored row's id, or a pending row's index in its list.
    ref: uuid.UUID | int
    is_diagnosis: bool


class VoidReasonDialog(QDialog):
    """Asks why a stored row is voided (window-modal, answered through ``reason_given``)."""

    reason_given = Signal(str)

    def __init__(self, what: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("voidReasonDialog")
        self.setWindowTitle(QCoreApplication.translate("PastHistory", "Void a past-history record"))
        layout = QVBoxLayout(self)
        explain = QLabel(
            QCoreApplication.translate(
                "PastHistory", "“{what}” stays in the file, marked void. Why is it voided?"
            ).format(what=what),
            self,
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        label = QLabel(QCoreApplication.translate("PastHistory", "&Reason:"), self)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("voidReason")
        self.reason_edit.setMaxLength(200)
        label.setBuddy(self.reason_edit)
        layout.addWidget(label)
        layout.addWidget(self.reason_edit)
        self.error = error_label(self, "voidReason")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("PastHistory", "Void (Enter)")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("PastHistory", "Cancel (Esc)")
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _accept(self) -> None:
        reason = self.reason_edit.text().strip()
        if not reason:
            self.error.setText(QCoreApplication.translate("PastHistory", "Write why the record is voided."))
            self.error.setVisible(True)
            return
        self.reason_given.emit(reason)
        self.accept()


class PastHistoryPanel(QWidget):
    changed = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pastHistory")
        self.session = session
        self.resident_id: uuid.UUID | None = None
        self.stored = PastHistory((), ())
        self.pending_diagnoses: list[DiagnosisDraft] = []
        self.pending_events: list[EventDraft] = []
        #: Stored rows to void when saving, with the reason.
        self.voids: dict[uuid.UUID, str] = {}
        self.rows: list[_Row] = []
        self.void_dialog: VoidReasonDialog | None = None

        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("pastHistoryTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.fontMetrics().height() * 6)
        self.table.itemSelectionChanged.connect(self._update_void_button)

        self.item_label = QLabel(self)
        self.item_combo = QComboBox(self)
        self.item_combo.setObjectName("historyItem")
        for code, label in DIAGNOSABLE.items():
            self.item_combo.addItem(f"{code} {label}", f"disease:{code}")
        self.item_combo.insertSeparator(self.item_combo.count())
        for kind in HistoryEventKind:
            self.item_combo.addItem(kind.label, f"event:{kind.value}")
        self.item_label.setBuddy(self.item_combo)
        self.name_label = QLabel(self)
        self.name_edit = EnterLineEdit(self)
        self.name_edit.setObjectName("historyName")
        self.name_edit.setMaxLength(MAX_DETAIL)
        self.name_label.setBuddy(self.name_edit)
        self.date_label = QLabel(self)
        self.date_edit = EnterLineEdit(self)
        self.date_edit.setObjectName("historyDate")
        self.date_edit.setMinimumWidth(170)
        self.date_edit.setMaximumWidth(190)
        self.date_label.setBuddy(self.date_edit)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addHistoryButton")
        self.add_button.setAutoDefault(False)
        self.void_button = QPushButton(self)
        self.void_button.setObjectName("voidHistoryButton")
        self.void_button.setAutoDefault(False)
        self.error = error_label(self, "pastHistory")

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.table, 0, 0, 1, 8)
        grid.addWidget(self.item_label, 1, 0)
        grid.addWidget(self.item_combo, 1, 1)
        grid.addWidget(self.name_label, 1, 2)
        grid.addWidget(self.name_edit, 1, 3)
        grid.addWidget(self.date_label, 1, 4)
        grid.addWidget(self.date_edit, 1, 5)
        grid.addWidget(self.add_button, 1, 6)
        grid.addWidget(self.void_button, 1, 7)
        grid.addWidget(self.error, 2, 0, 1, 8)
        grid.setColumnStretch(3, 1)

        self.item_combo.currentIndexChanged.connect(lambda _: self._item_changed())
        self.name_edit.entered.connect(self.add_row)
        self.date_edit.entered.connect(self.add_row)
        self.add_button.clicked.connect(self.add_row)
        self.void_button.clicked.connect(self.void_selected)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.void_selected)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("PastHistory", "Kind"),
                QCoreApplication.translate("PastHistory", "Disease or event"),
                QCoreApplication.translate("PastHistory", "Date"),
                QCoreApplication.translate("PastHistory", "State"),
            ]
        )
        self.item_label.setText(QCoreApplication.translate("PastHistory", "Past histor&y:"))
        self.name_label.setText(QCoreApplication.translate("PastHistory", "Na&me:"))
        self.date_label.setText(QCoreApplication.translate("PastHistory", "Da&te:"))
        self.date_edit.setPlaceholderText(QCoreApplication.translate("PastHistory", "YYYY-MM or YYYY-MM-DD"))
        self.add_button.setText(QCoreApplication.translate("PastHistory", "A&dd (Enter)"))
        self.add_button.setToolTip(
            QCoreApplication.translate("PastHistory", "Add the row; it is saved with the form (Ctrl+S)")
        )
        self._item_changed()
        self._render()

    # --- loading and what is saved -------------------------------------------------------------

    def load(self, resident_id: uuid.UUID) -> None:
        self.resident_id = resident_id
        load_past_history(self.session, resident_id, self._loaded, self._load_failed, owner=self)

    def _loaded(self, history: PastHistory) -> None:
        self.stored = history
        self._render()

    def _load_failed(self, exc: BaseException) -> None:
        self.show_error(None, str(exc))

    def changes(self) -> HistoryChanges:
        diagnosis_ids = {d.id for d in self.stored.diagnoses}
        return HistoryChanges(
            add_diagnoses=tuple(self.pending_diagnoses),
            add_events=tuple(self.pending_events),
            void_diagnoses=tuple((i, r) for i, r in self.voids.items() if i in diagnosis_ids),
            void_events=tuple((i, r) for i, r in self.voids.items() if i not in diagnosis_ids),
        )

    def diseases(self) -> set[str]:
        """The diseases the past history will hold once saved."""
        kept = {d.disease for d in self.stored.diagnoses if not d.voided and d.id not in self.voids}
        return kept | {d.disease for d in self.pending_diagnoses}

    # --- adding and voiding --------------------------------------------------------------------

    def _item_changed(self) -> None:
        item = self.item_combo.currentData()
        if item is None:
            return
        what, code = str(item).split(":")
        if what == "disease":
            needs_name = code in codes.PAST_DISEASE_WITH_DETAIL
            key = "detail" if needs_name else "none"
        else:
            needs_name, key = True, HistoryEventKind(code)
        self.name_edit.setEnabled(needs_name)
        if not needs_name:
            self.name_edit.clear()
        self.name_edit.setPlaceholderText(QCoreApplication.translate("PastHistory", _PLACEHOLDERS[key]))

    def add_row(self) -> None:
        self.clear_errors()
        what, code = str(self.item_combo.currentData()).split(":")
        name = self.name_edit.text().strip() or None
        day = parse_day_or_month(self.date_edit.text())
        if day is None:
            self._refuse(
                self.date_edit, QCoreApplication.translate("PastHistory", "Write the date as 2015-03 or 2015-03-20.")
            )
            return
        if day > self.session.today():
            self._refuse(self.date_edit, QCoreApplication.translate("PastHistory", "The date is in the future."))
            return
        if what == "disease":
            if name is None and code in codes.PAST_DISEASE_WITH_DETAIL:
                self._refuse(
                    self.name_edit, QCoreApplication.translate("PastHistory", "Write the name of the disease.")
                )
                return
            if self._already_recorded(code, name):
                self._refuse(
                    self.item_combo,
                    QCoreApplication.translate("PastHistory", "“{disease}” is already in the past history.").format(
                        disease=DIAGNOSABLE[code] if name is None else f"{DIAGNOSABLE[code]}：{name}"
                    ),
                )
                return
            self.pending_diagnoses.append(DiagnosisDraft(code, name, day))
        else:
            if name is None:
                self._refuse(self.name_edit, QCoreApplication.translate("PastHistory", "Write what it was."))
                return
            self.pending_events.append(EventDraft(HistoryEventKind(code), name, day))
        self.name_edit.clear()
        self.date_edit.clear()
        self._render()
        self.changed.emit()
        self.item_combo.setFocus()

    def _already_recorded(self, disease: str, name: str | None) -> bool:
        wanted = (name or "").casefold()
        stored = [d for d in self.stored.diagnoses if not d.voided and d.id not in self.voids and d.disease == disease]
        same = [(d.detail or "").casefold() for d in stored] + [
            (d.detail or "").casefold() for d in self.pending_diagnoses if d.disease == disease
        ]
        return wanted in same

    def _refuse(self, widget: QWidget, message: str) -> None:
        self.show_error(None, message)
        widget.setFocus()

    def selected_row(self) -> _Row | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) and self.table.selectedItems() else None

    def void_selected(self) -> None:
        """Take out a pending row, undo a pending void, or ask why a stored row is voided."""
        row = self.selected_row()
        if row is None or row.state == "voided":
            return
        if row.state == "pending":
            pending: list[DiagnosisDraft] | list[EventDraft] = (
                self.pending_diagnoses if row.is_diagnosis else self.pending_events
            )
            assert isinstance(row.ref, int)
            del pending[row.ref]
        elif row.state == "voiding":
            assert isinstance(row.ref, uuid.UUID)
            del self.voids[row.ref]
        else:
            self._ask_reason(row)
            return
        self._render()
        self.changed.emit()

    def _ask_reason(self, row: _Row) -> None:
        assert isinstance(row.ref, uuid.UUID)
        ref = row.ref
        dialog = VoidReasonDialog(row.name, self)
        self.void_dialog = dialog

        def given(reason: str) -> None:
            self.voids[ref] = reason
            self._render()
            self.changed.emit()

        def closed() -> None:
            self.void_dialog = None
            dialog.deleteLater()
            self.window().activateWindow()  # the keys come back (with no window manager too)
            self.table.setFocus()

        dialog.reason_given.connect(given)
        dialog.finished.connect(closed)
        dialog.open()

    # --- the table -----------------------------------------------------------------------------

    def _collect_rows(self) -> list[_Row]:
        disease = QCoreApplication.translate("PastHistory", "Disease")
        rows: list[_Row] = []
        for d in self.stored.diagnoses:
            name = d.disease_label if d.detail is None else f"{d.disease_label}：{d.detail}"
            state = "voided" if d.voided else "voiding" if d.id in self.voids else "stored"
            rows.append(_Row(disease, name, d.diagnosed_on, state, d.id, True))
        for e in self.stored.events:
            state = "voided" if e.voided else "voiding" if e.id in self.voids else "stored"
            rows.append(_Row(e.kind.label, e.description, e.occurred_on, state, e.id, False))
        for i, p in enumerate(self.pending_diagnoses):
            label = codes.PAST_DISEASE[p.disease]
            rows.append(
                _Row(disease, label if p.detail is None else f"{label}：{p.detail}", p.diagnosed_on, "pending", i, True)
            )
        for i, ev in enumerate(self.pending_events):
            rows.append(_Row(ev.kind.label, ev.description, ev.occurred_on, "pending", i, False))
        return rows

    def _state_text(self, row: _Row) -> str:
        if row.state == "pending":
            return QCoreApplication.translate("PastHistory", "New: saved with the form")
        if row.state == "voiding":
            assert isinstance(row.ref, uuid.UUID)
            return QCoreApplication.translate("PastHistory", "Voided when saved ({reason})").format(
                reason=self.voids[row.ref]
            )
        if row.state == "voided":
            return QCoreApplication.translate("PastHistory", "Voided")
        return QCoreApplication.translate("PastHistory", "Recorded")

    def _render(self) -> None:
        current = self.table.currentRow()
        self.rows = self._collect_rows()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            texts = (row.kind, row.name, row.day.isoformat() if row.day else "", self._state_text(row))
            colour = PENDING_COLOUR if row.state == "pending" else MUTED_COLOUR if row.state != "stored" else None
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if colour is not None:
                    item.setForeground(QBrush(colour))
                font = item.font()
                font.setStrikeOut(row.state in ("voided", "voiding") and c < 3)
                item.setFont(font)
                self.table.setItem(r, c, item)
        if self.rows:
            self.table.selectRow(min(max(current, 0), len(self.rows) - 1))
        self._update_void_button()

    def _update_void_button(self) -> None:
        row = self.selected_row()
        texts = {
            "pending": QCoreApplication.translate("PastHistory", "Ta&ke out"),
            "voiding": QCoreApplication.translate("PastHistory", "Undo &void"),
        }
        state = row.state if row is not None else "stored"
        self.void_button.setText(texts.get(state, QCoreApplication.translate("PastHistory", "&Void…")))
        self.void_button.setEnabled(row is not None and row.state != "voided")
        self.void_button.setToolTip(QCoreApplication.translate("PastHistory", "Void the selected row (Delete)"))

    # --- messages ------------------------------------------------------------------------------

    def show_error(self, field: str | None, message: str) -> bool:
        if field is not None and field not in HISTORY_FIELDS:
            return False
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setText(message)
        self.error.setVisible(True)
        return True

    def clear_errors(self) -> None:
        self.error.clear()
        self.error.setVisible(False)
