"""随访服务: choose a resident (village and list, or :meth:`VisitsPage.start_visit` from another
page), choose the form, fill it, save (Ctrl+S or Enter), Esc cancels.

* Whether the visit may be recorded is asked as soon as the resident and the form are chosen:
  a refusal is shown in plain words and the form stays disabled.
* While a follow-up is typed the rules classify the readings, propose the next visit date
  and flag danger values with the referral advice (:mod:`fdclient.services.visits.assessment`).
* A saved record is never edited: 更正 opens it as a new revision with a reason, and the
  record's history lists every revision.
* A failed save keeps the form as typed, with the message beside the field.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.followup_rules import ControlStatus
from fdclient.errors import FdError, ValidationError
from fdclient.services.visits.assessment import FollowupAdvice
from fdclient.services.visits.desk import ResidentRow, VillageChoice
from fdclient.services.visits.forms import DiabetesFollowupInput, HypertensionFollowupInput
from fdclient.services.visits.records import VisitRecord
from fdclient.text import Text
from fdclient.ui.dialogs.visit_forms import VisitForm
from fdclient.ui.dialogs.visit_layouts import CLASSIFICATION, KIND_TITLES
from fdclient.ui.operations import visits as ops
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.visits import ResidentListModel, VisitListModel, kind_title

__all__ = ["VisitsPage"]

_REFUSAL_STYLE = "QLabel { background: #fff4e5; border: 1px solid #e0a040; padding: 8px; }"
_DANGER_STYLE = "QLabel { background: #ffe5e5; border: 2px solid #b00020; padding: 6px; }"
_ADVICE_STYLE = "QLabel { background: #eef5ff; border: 1px solid #9ab; padding: 6px; }"
_ERROR_STYLE = "color: #b00020;"
_CHRONIC = (VisitKind.HYPERTENSION, VisitKind.DIABETES)


def _tr(text: str) -> str:
    return QCoreApplication.translate("VisitsPage", text)


def _index_of(combo: QComboBox, value: object) -> int:
    """The item whose data equals ``value`` (findData compares Python objects by identity)."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1


class VisitsPage(Page):
    NAME = "visits"
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Visits"))
    _COMING = str(QT_TRANSLATE_NOOP("Pages", "Follow-ups, elderly health checks and other services."))

    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        if session is None:
            self.label = QLabel(self)
            self.label.setObjectName("visitsPlaceholder")
            self.label.setWordWrap(True)
            layout = QVBoxLayout(self)
            layout.setContentsMargins(32, 24, 32, 24)
            layout.addWidget(self.label)
            layout.addStretch(1)
            self.retranslate_ui()
            return
        self.resident: ResidentRow | None = None
        self.forms: dict[VisitKind, VisitForm] = {}
        #: The visit being corrected (its current revision), if any.
        self.correcting: VisitRecord | None = None
        self._pending_resident: uuid.UUID | None = None
        self._preview_token = 0
        self._start_allowed = False
        self._build(session)
        self.retranslate_ui()
        self._kind_chosen()

    # --- building ----------------------------------------------------------------------------

    def _build(self, session: UiSession) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(splitter)

        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        self.village_label = QLabel(left)
        self.village_combo = QComboBox(left)
        self.village_combo.setObjectName("villageCombo")
        self.village_label.setBuddy(self.village_combo)
        self.filter_edit = QLineEdit(left)
        self.filter_edit.setObjectName("residentFilter")
        self.filter_edit.setClearButtonEnabled(True)
        self.resident_model = ResidentListModel(lambda ids: ops.resident_rows_now(session, ids), self)
        self.resident_view = self._table(left, self.resident_model, "residentList")
        self.records_label = QLabel(left)
        self.visit_model = VisitListModel(self)
        self.visit_view = self._table(left, self.visit_model, "visitList")
        self.records_label.setBuddy(self.visit_view)
        self.correct_button = QPushButton(left)
        self.correct_button.setObjectName("correctButton")
        self.correct_button.setEnabled(False)
        self.history_label = QLabel(left)
        self.history_label.setObjectName("historyLabel")
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.RichText)
        for widget in (self.village_label, self.village_combo, self.filter_edit):
            left_layout.addWidget(widget)
        left_layout.addWidget(self.resident_view, 3)
        left_layout.addWidget(self.records_label)
        left_layout.addWidget(self.visit_view, 2)
        left_layout.addWidget(self.correct_button)
        left_layout.addWidget(self.history_label)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        head = QHBoxLayout()
        self.resident_label = QLabel(right)
        self.resident_label.setObjectName("residentLabel")
        font = self.resident_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.resident_label.setFont(font)
        self.kind_label = QLabel(right)
        self.kind_combo = QComboBox(right)
        self.kind_combo.setObjectName("kindCombo")
        for kind, _title in KIND_TITLES:
            self.kind_combo.addItem("", kind)
        self.kind_label.setBuddy(self.kind_combo)
        head.addWidget(self.resident_label, 1)
        head.addWidget(self.kind_label)
        head.addWidget(self.kind_combo)
        right_layout.addLayout(head)
        self.refusal_label = QLabel(right)
        self.refusal_label.setObjectName("refusalLabel")
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet(_REFUSAL_STYLE)
        self.refusal_label.hide()
        right_layout.addWidget(self.refusal_label)
        self.correction_bar = QWidget(right)
        bar = QHBoxLayout(self.correction_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.correction_title = QLabel(self.correction_bar)
        self.reason_label = QLabel(self.correction_bar)
        self.reason_edit = QLineEdit(self.correction_bar)
        self.reason_edit.setObjectName("correctionReason")
        self.reason_label.setBuddy(self.reason_edit)
        self.reason_error = QLabel(self.correction_bar)
        self.reason_error.setObjectName("correctionReasonError")
        self.reason_error.setStyleSheet(_ERROR_STYLE)
        for widget in (self.correction_title, self.reason_label, self.reason_edit, self.reason_error):
            bar.addWidget(widget)
        self.correction_bar.hide()
        right_layout.addWidget(self.correction_bar)
        self.stack = QStackedWidget(right)
        self.form_scroll = QScrollArea(right)
        self.form_scroll.setObjectName("formScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setWidget(self.stack)
        right_layout.addWidget(self.form_scroll, 1)
        self.advice_label = QLabel(right)
        self.advice_label.setObjectName("adviceLabel")
        self.advice_label.setWordWrap(True)
        self.advice_label.setTextFormat(Qt.TextFormat.RichText)
        self.advice_label.hide()
        right_layout.addWidget(self.advice_label)
        self.message_label = QLabel(right)
        self.message_label.setObjectName("messageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        right_layout.addWidget(self.message_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(right)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(right)
        self.cancel_button.setObjectName("cancelButton")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        right_layout.addLayout(buttons)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 900])
        left.setMinimumWidth(260)

        self.village_combo.currentIndexChanged.connect(lambda _i: self._load_residents())
        self.filter_edit.textChanged.connect(lambda _t: self._load_residents())
        self.filter_edit.returnPressed.connect(self.resident_view.setFocus)
        self.resident_view.selectionModel().currentRowChanged.connect(self._resident_row_changed)
        self.resident_view.activated.connect(lambda _i: self.kind_combo.setFocus())
        self.visit_view.selectionModel().currentRowChanged.connect(self._visit_row_changed)
        self.visit_view.activated.connect(lambda _i: self.correct_selected())
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_chosen())
        self.correct_button.clicked.connect(self.correct_selected)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.reason_edit.returnPressed.connect(self.save)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)
        self.cancel_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), right)
        self.cancel_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_shortcut.activated.connect(self.cancel)
        self.correct_shortcut = QShortcut(QKeySequence("Alt+C"), self)
        self.correct_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.correct_shortcut.activated.connect(self.correct_selected)

    def _table(self, parent: QWidget, model: ResidentListModel | VisitListModel, name: str) -> QTableView:
        view = QTableView(parent)
        view.setObjectName(name)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.setAlternatingRowColors(True)
        return view

    def retranslate_ui(self) -> None:
        if self.session is None:
            self.label.setText(QCoreApplication.translate("Pages", self._COMING))
            return
        self.village_label.setText(QCoreApplication.translate("VisitsPage", "&Village"))
        self.filter_edit.setPlaceholderText(
            QCoreApplication.translate("VisitsPage", "Find in the village: name, pinyin, initials or number")
        )
        self.records_label.setText(QCoreApplication.translate("VisitsPage", "&Records of this resident"))
        self.correct_button.setText(QCoreApplication.translate("VisitsPage", "&Correct the selected record…"))
        self.correct_button.setToolTip(
            QCoreApplication.translate(
                "VisitsPage", "A saved record is not edited: a correction is a new revision (Alt+C)"
            )
        )
        self.kind_label.setText(QCoreApplication.translate("VisitsPage", "&Form"))
        for index, (_kind, title) in enumerate(KIND_TITLES):
            self.kind_combo.setItemText(index, QCoreApplication.translate("VisitForms", title))
        self.correction_title.setText(QCoreApplication.translate("VisitsPage", "Correcting a saved record."))
        self.reason_label.setText(QCoreApplication.translate("VisitsPage", "Correction &reason"))
        self.save_button.setText(QCoreApplication.translate("VisitsPage", "&Save"))
        self.save_button.setToolTip(QCoreApplication.translate("VisitsPage", "Save the record (Ctrl+S or Enter)"))
        self.cancel_button.setText(QCoreApplication.translate("VisitsPage", "Cancel"))
        self.cancel_button.setToolTip(QCoreApplication.translate("VisitsPage", "Discard the typed form (Esc)"))
        self._show_resident()
        for kind, form in list(self.forms.items()):
            if not form.is_dirty() and form is not self.stack.currentWidget():
                self.stack.removeWidget(form)
                form.deleteLater()
                del self.forms[kind]

    # --- the page ----------------------------------------------------------------------------

    def activated(self) -> None:
        """Read the villages again (one may have been added) and keep the one chosen."""
        if self.session is None:
            return
        ops.load_villages(self.session, self._villages_arrived, self._show_failure)

    def _villages_arrived(self, choices: tuple[VillageChoice, ...]) -> None:
        wanted = self.resident.village_id if self._pending_resident and self.resident else None
        wanted = wanted or self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        for choice in choices:
            self.village_combo.addItem(choice.name, choice.id)
        self.village_combo.setCurrentIndex(max(0, _index_of(self.village_combo, wanted)))
        self.village_combo.blockSignals(False)
        self._load_residents()

    def _load_residents(self) -> None:
        assert self.session is not None
        village_id = self.village_combo.currentData()
        if village_id is None:
            self.resident_model.set_ids([])
            return
        ops.load_resident_ids(
            self.session, village_id, self.filter_edit.text(), self._residents_arrived, self._show_failure
        )

    def _residents_arrived(self, ids: list[uuid.UUID]) -> None:
        self.resident_model.set_ids(ids)
        wanted = self._pending_resident or (self.resident.id if self.resident else None)
        row = self.resident_model.row_of(wanted) if wanted is not None else -1
        if row >= 0:
            self.resident_view.blockSignals(True)
            self.resident_view.selectionModel().setCurrentIndex(
                self.resident_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.resident_view.blockSignals(False)
            self.resident_view.scrollTo(self.resident_model.index(row, 0))
        self._pending_resident = None

    def _resident_row_changed(self, current: object, _previous: object) -> None:
        row = self.resident_view.currentIndex().row()
        resident = self.resident_model.resident(row)
        if resident is not None and (self.resident is None or resident.id != self.resident.id):
            self._choose_resident(resident)

    def select_resident(self, resident_id: uuid.UUID) -> None:
        """Choose a resident by id (their village and list follow)."""
        assert self.session is not None
        rows = ops.resident_rows_now(self.session, [resident_id])
        if not rows:
            return
        resident = rows[0]
        self._choose_resident(resident)
        self._pending_resident = resident.id
        index = _index_of(self.village_combo, resident.village_id)
        if index < 0:
            self.activated()  # a village added since: read them again
        elif index != self.village_combo.currentIndex():
            self.village_combo.setCurrentIndex(index)  # reloads the list, selects the resident
        else:
            self._load_residents()

    def start_visit(self, resident_id: uuid.UUID, kind: VisitKind = VisitKind.HYPERTENSION) -> None:
        """Open the form of ``kind`` for the resident (other pages call this)."""
        self.select_resident(resident_id)
        self.choose_kind(kind)

    def choose_kind(self, kind: VisitKind) -> None:
        index = _index_of(self.kind_combo, kind)
        if index != self.kind_combo.currentIndex():
            self.kind_combo.setCurrentIndex(index)
        else:
            self._kind_chosen()

    def _choose_resident(self, resident: ResidentRow) -> None:
        assert self.session is not None
        if self.correcting is not None and self.correcting.resident_id != resident.id:
            self._leave_correction()
        self.resident = resident
        self._show_resident()
        self.history_label.clear()
        ops.load_visits(self.session, resident.id, self._visits_arrived, self._show_failure)
        self._check_start()

    def _show_resident(self) -> None:
        resident = self.resident
        if resident is None:
            self.resident_label.setText(QCoreApplication.translate("VisitsPage", "Choose a resident on the left."))
            return
        sex = (
            QCoreApplication.translate("VisitsPage", "male")
            if resident.sex == 1
            else QCoreApplication.translate("VisitsPage", "female")
            if resident.sex == 2
            else ""
        )
        self.resident_label.setText(
            QCoreApplication.translate("VisitsPage", "{name}, {sex}, {age} years").format(
                name=resident.name, sex=sex, age=resident.age
            )
        )

    @property
    def kind(self) -> VisitKind:
        return VisitKind(self.kind_combo.currentData())

    @property
    def form(self) -> VisitForm:
        """The form of the chosen kind."""
        return self._form_of(self.kind)

    def _form_of(self, kind: VisitKind) -> VisitForm:
        form = self.forms.get(kind)
        if form is None:
            assert self.session is not None
            form = VisitForm(kind, self.stack)
            form.set_today(self.session.today())
            form.set_doctor(self.session.actor.name)
            form.changed.connect(self._form_changed)
            form.choice_changed.connect(self._choice_changed)
            for editor in form.editors.values():
                if isinstance(editor, QLineEdit):
                    editor.returnPressed.connect(self.save)
            self.stack.addWidget(form)
            self.forms[kind] = form
        return form

    def _kind_chosen(self) -> None:
        if self.session is None:
            return
        if self.correcting is not None and self.correcting.kind is not self.kind:
            self._leave_correction()
        form = self.form
        self.stack.setCurrentWidget(form)
        self.form_scroll.verticalScrollBar().setValue(0)
        self.message_label.hide()
        self._show_advice(None)
        self._check_start()

    def _check_start(self) -> None:
        assert self.session is not None
        form = self.form
        if self.resident is None:
            self._refuse(None)
            form.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        service_kind = None
        if self.kind is VisitKind.SERVICE:
            code = form.code("service_kind")
            service_kind = ServiceKind(code) if code else None
        ops.check_start(
            self.session, self.resident.id, self.kind, service_kind, self._start_checked, self._show_failure
        )

    def _start_checked(self, refusal: Text | None) -> None:
        if self.correcting is not None:
            return  # a correction is checked when it is saved
        self._refuse(refusal)
        if refusal is None and self.correcting is None:
            self._preview()

    def _refuse(self, refusal: Text | None) -> None:
        self._start_allowed = refusal is None and self.resident is not None
        form = self.form
        if refusal is not None and self.kind is VisitKind.SERVICE and form.code("service_kind"):
            # The service chosen is refused: the form stays open to choose another.
            form.setEnabled(True)
            form.set_error("service_kind", refusal.render())
            self.save_button.setEnabled(False)
            self.refusal_label.hide()
            return
        form.setEnabled(self._start_allowed)
        self.save_button.setEnabled(self._start_allowed)
        if refusal is None:
            self.refusal_label.hide()
        else:
            self.refusal_label.setText(refusal.render())
            self.refusal_label.show()

    # --- typing --------------------------------------------------------------------------

    def _form_changed(self) -> None:
        self.message_label.hide()
        self._preview()

    def _choice_changed(self, name: str) -> None:
        if name == "service_kind":
            self.form.clear_error("service_kind")
            self._check_start()

    def _preview(self) -> None:
        """Ask the rules about the readings typed so far."""
        assert self.session is not None
        allowed = self._start_allowed or self.correcting is not None
        if self.kind not in _CHRONIC or self.resident is None or not allowed:
            return
        assert self.session is not None
        form = self.form.value(self.resident.id, self.session.actor.staff_id, strict=False)
        assert isinstance(form, (HypertensionFollowupInput, DiabetesFollowupInput))
        has_reading = (form.systolic is not None and form.diastolic is not None) or (
            isinstance(form, DiabetesFollowupInput) and form.fasting_glucose is not None
        )
        self._preview_token += 1
        token, kind = self._preview_token, self.kind
        if not has_reading and not form.danger_signs and not form.symptoms:
            self._show_advice(None)
            return

        def done(advice: FollowupAdvice) -> None:
            if token == self._preview_token and kind is self.kind:
                self._show_advice(advice)

        def failed(_error: BaseException) -> None:
            if token == self._preview_token:
                self._show_advice(None)  # a reading still being typed (16 of 165)

        ops.preview_advice(self.session, form, done, failed)

    def _show_advice(self, advice: FollowupAdvice | None) -> None:
        if self.session is None:
            return
        form = self.forms.get(self.kind)
        if form is not None:
            form.mark_danger(("systolic", "diastolic", "fasting_glucose"), False)
        if advice is None:
            self.advice_label.hide()
            self.advice_label.clear()
            if form is not None:
                form.propose_next_visit(None)
            return
        lines: list[str] = []
        if advice.classification is not None:
            label = dict(CLASSIFICATION).get(advice.classification, "")
            lines.append(
                "<b>"
                + html.escape(
                    QCoreApplication.translate("VisitsPage", "Classification: {label}").format(
                        label=QCoreApplication.translate("VisitCodes", label)
                    )
                )
                + "</b>"
            )
        for reason in advice.reasons:
            if reason not in advice.referral.reasons:
                lines.append(html.escape(reason.render()))
        if advice.next_visit_due is not None:
            lines.append(
                html.escape(
                    QCoreApplication.translate("VisitsPage", "Next visit proposed by {day}").format(
                        day=advice.next_visit_due.isoformat()
                    )
                )
            )
        danger = advice.urgent_referral
        if advice.referral.refer and advice.referral.reason is not None:
            text = (
                QCoreApplication.translate("VisitsPage", "Refer urgently: {reason}")
                if danger
                else QCoreApplication.translate("VisitsPage", "Referral advised: {reason}")
            )
            lines.append("<b>" + html.escape(text.format(reason=advice.referral.reason.render())) + "</b>")
        self.advice_label.setText("<br>".join(lines))
        self.advice_label.setStyleSheet(_DANGER_STYLE if danger else _ADVICE_STYLE)
        self.advice_label.show()
        if form is not None:
            form.propose_next_visit(advice.next_visit_due)
            if advice.bp is not None and advice.bp.status is ControlStatus.URGENT_REFERRAL:
                form.mark_danger(("systolic", "diastolic"), True)
            if advice.glucose is not None and advice.glucose.status is ControlStatus.URGENT_REFERRAL:
                form.mark_danger(("fasting_glucose",), True)

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        if self.session is None or self.resident is None or not self.save_button.isEnabled():
            return
        form_widget = self.form
        form_widget.clear_errors()
        self.reason_error.clear()
        self.message_label.hide()
        correcting = self.correcting
        reason = self.reason_edit.text().strip()
        if correcting is not None and not reason:
            self.reason_error.setText(QCoreApplication.translate("VisitsPage", "Say why the record is corrected."))
            self.reason_edit.setFocus()
            return
        try:
            form = form_widget.value(self.resident.id, self.session.actor.staff_id)
        except ValidationError as error:
            form_widget.set_error(error.field or "", error.message)
            return

        def done(saved: ops.Saved) -> None:
            self._saved(form_widget, saved)

        def failed(error: BaseException) -> None:
            if not isinstance(error, FdError):
                raise error
            field = ops.form_field(form, error, correcting=correcting is not None)
            if field == "correction_reason":
                self.reason_error.setText(error.message)
                self.reason_edit.setFocus()
            elif field is None or not form_widget.set_error(field, error.message):
                self._show_message(error.message, error=True)

        ops.save_visit(
            self.session,
            form,
            done,
            failed,
            correcting=correcting.id if correcting is not None else None,
            reason=reason,
        )

    def _saved(self, form_widget: VisitForm, saved: ops.Saved) -> None:
        assert self.session is not None
        recorded = saved.recorded
        record = recorded.visit
        if saved.corrected:
            head = QCoreApplication.translate(
                "VisitsPage", "Correction saved: revision {revision} of the record."
            ).format(revision=record.revision)
        else:
            head = QCoreApplication.translate("VisitsPage", "Saved: {kind} of {day}.").format(
                kind=kind_title(record.kind), day=record.visit_date.isoformat()
            )
        next_day = getattr(record.form, "next_visit_date", None)
        parts = [head]
        if next_day is not None:
            parts.append(
                QCoreApplication.translate("VisitsPage", "Next visit: {day}.").format(day=next_day.isoformat())
            )
        parts += [w.render() for w in recorded.warnings]
        self._leave_correction()
        form_widget.reset(self.session.today())
        self._show_advice(None)
        self._show_message("\n".join(parts), error=False)
        self._select_after_load = record.record_id
        ops.load_visits(self.session, record.resident_id, self._visits_arrived, self._show_failure)
        self._check_start()

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(_ERROR_STYLE if error else "color: #1b5e20;")
        self.message_label.show()

    def _show_failure(self, error: BaseException) -> None:
        if isinstance(error, FdError):
            self._show_message(error.message, error=True)
        else:
            raise error

    def cancel(self) -> None:
        """Esc: discard the typed form (asked first when something was typed)."""
        if self.session is None:
            return
        if self.has_unsaved_changes():
            answer = QMessageBox.question(
                self,
                QCoreApplication.translate("VisitsPage", "Discard the form?"),
                QCoreApplication.translate("VisitsPage", "Discard what was typed in this form?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.discard_changes()

    def has_unsaved_changes(self) -> bool:
        if self.session is None:
            return False
        return any(form.is_dirty() for form in self.forms.values()) or bool(
            self.correcting is not None and self.reason_edit.text().strip()
        )

    def discard_changes(self) -> None:
        if self.session is None:
            return
        self._leave_correction()
        for form in self.forms.values():
            form.reset(self.session.today())
        self.message_label.hide()
        self._show_advice(None)
        self._check_start()

    # --- records, corrections, history ---------------------------------------------------

    _select_after_load: uuid.UUID | None = None

    def _visits_arrived(self, found: tuple[VisitRecord, ...]) -> None:
        if self.resident is None or (found and found[0].resident_id != self.resident.id):
            return
        self.visit_model.set_records(found)
        wanted = self._select_after_load
        self._select_after_load = None
        row = self.visit_model.row_of_record(wanted) if wanted is not None else -1
        if row >= 0:
            self.visit_view.selectionModel().setCurrentIndex(
                self.visit_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self.correct_button.setEnabled(False)
            self.history_label.clear()

    def _visit_row_changed(self, current: object, _previous: object) -> None:
        assert self.session is not None
        record = self.visit_model.record(self.visit_view.currentIndex().row())
        self.correct_button.setEnabled(record is not None)
        if record is not None:
            ops.load_history(self.session, record.record_id, self._show_history, self._show_failure)

    def _show_history(self, revisions: tuple[VisitRecord, ...]) -> None:
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
            if record.voided:
                line += " · " + QCoreApplication.translate("VisitsPage", "voided: {reason}").format(
                    reason=record.void_reason or ""
                )
            lines.append(html.escape(line))
        self.history_label.setText("<br>".join(lines))

    def correct_selected(self) -> None:
        """Open the selected record as a new revision to correct."""
        if self.session is None:
            return
        record = self.visit_model.record(self.visit_view.currentIndex().row())
        if record is None:
            return
        if self.form.is_dirty() and self.correcting is None:
            self._show_message(
                QCoreApplication.translate("VisitsPage", "Save or cancel the form being typed first."), error=True
            )
            return
        self.correcting = record
        self.choose_kind(record.kind)
        form = self.form
        form.load(record.form)
        form.setEnabled(True)
        self.save_button.setEnabled(True)
        self.refusal_label.hide()
        self._show_advice(None)
        self.reason_edit.clear()
        self.reason_error.clear()
        self.correction_title.setText(
            QCoreApplication.translate("VisitsPage", "Correcting revision {revision} of {day}.").format(
                revision=record.revision, day=record.visit_date.isoformat()
            )
        )
        self.correction_bar.show()
        self.reason_edit.setFocus()

    def _leave_correction(self) -> None:
        if self.correcting is None:
            return
        form = self.forms.get(self.correcting.kind)
        self.correcting = None
        self.correction_bar.hide()
        self.reason_edit.clear()
        self.reason_error.clear()
        if form is not None and self.session is not None:
            form.reset(self.session.today())
