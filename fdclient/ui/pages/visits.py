"""随访服务: choose a resident (a village or all of them, and the list, or
:meth:`VisitsPage.start_visit` from another page), choose the form, fill it, save (Ctrl+S or
Enter), Esc cancels.

The page ties three parts together and runs the use cases: the resident chooser
(:mod:`fdclient.ui.widgets.visit_residents`), the records panel with the history
(:mod:`fdclient.ui.widgets.visit_records`) and the form panel
(:mod:`fdclient.ui.widgets.visit_form_panel`).

* Whether the visit may be recorded is asked as soon as the resident and the form are chosen:
  a refusal is shown in plain words and the form stays disabled.
* A new hypertension or diabetes follow-up starts with the targets, medicines and height of
  the resident's last one (:mod:`fdclient.services.visits.carryover`), never its readings.
* While a follow-up is typed the rules classify the readings, propose the next visit date
  and flag danger values with the referral advice (:mod:`fdclient.services.visits.assessment`).
* A saved record is never edited: 更正 opens it as a new revision with a reason; 作废 voids it
  with a reason (it stays in the list and the history, marked voided).
* A failed save keeps the form as typed, with the message beside the field.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QSplitter, QVBoxLayout, QWidget

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.errors import FdError, ValidationError
from fdclient.services.visits.assessment import FollowupAdvice
from fdclient.services.visits.carryover import CarriedOver
from fdclient.services.visits.desk import ResidentRow
from fdclient.services.visits.forms import DiabetesFollowupInput, HypertensionFollowupInput
from fdclient.services.visits.records import VisitRecord
from fdclient.text import Text
from fdclient.ui.dialogs.visit_forms import VisitForm
from fdclient.ui.dialogs.void_visit import VoidVisitDialog
from fdclient.ui.operations import visits as ops
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.visits import kind_title
from fdclient.ui.widgets.visit_form_panel import VisitFormPanel
from fdclient.ui.widgets.visit_records import RecordsPanel
from fdclient.ui.widgets.visit_residents import ResidentChooser

__all__ = ["VisitsPage"]

_CHRONIC = (VisitKind.HYPERTENSION, VisitKind.DIABETES)


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
        #: The visit being corrected (its current revision), if any.
        self.correcting: VisitRecord | None = None
        #: The reason dialog of a void, while it is open.
        self.dialog: VoidVisitDialog | None = None
        self._preview_token = 0
        self._carry_token = 0
        self._start_allowed = False
        self._build(session)
        self.retranslate_ui()
        self._kind_chosen()

    def _build(self, session: UiSession) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(splitter)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        self.chooser = ResidentChooser(session, left)
        self.records = RecordsPanel(session, left)
        left_layout.addWidget(self.chooser, 3)
        left_layout.addWidget(self.records, 2)
        self.panel = VisitFormPanel(session.today(), session.actor.name, splitter)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 980])
        left.setMinimumWidth(300)

        self.chooser.chosen.connect(self._choose_resident)
        self.chooser.failed.connect(self._show_failure)
        self.chooser.resident_view.activated.connect(lambda _i: self.panel.kind_combo.setFocus())
        self.records.failed.connect(self._show_failure)
        self.records.correct_requested.connect(self.correct_selected)
        self.records.void_requested.connect(self.void_selected)
        self.panel.kind_changed.connect(self._kind_chosen)
        self.panel.form_changed.connect(self._form_changed)
        self.panel.choice_changed.connect(self._choice_changed)
        self.panel.save_requested.connect(self.save)
        self.panel.save_button.clicked.connect(self.save)
        self.panel.cancel_button.clicked.connect(self.cancel)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)
        self.cancel_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.panel)
        self.cancel_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_shortcut.activated.connect(self.cancel)

    def retranslate_ui(self) -> None:
        """The page's own texts; its parts relabel themselves, the advice is asked again."""
        if self.session is None:
            self.label.setText(QCoreApplication.translate("Pages", self._COMING))
            return
        self.panel.show_resident(self.resident)
        self._preview()

    # --- the resident and the form ------------------------------------------------------------

    @property
    def kind(self) -> VisitKind:
        return self.panel.kind

    @property
    def form(self) -> VisitForm:
        """The form of the chosen kind."""
        return self.panel.form

    def activated(self) -> None:
        """Read the villages again (one may have been added) and keep the one chosen."""
        if self.session is not None:
            self.chooser.reload_villages()

    def focus_first(self) -> None:
        """The cursor waits in the resident filter: type a name, Enter, Enter, and the form."""
        if self.session is None:
            super().focus_first()
        else:
            self.chooser.filter_edit.setFocus(Qt.FocusReason.TabFocusReason)
            self.chooser.filter_edit.selectAll()

    def select_resident(self, resident_id: uuid.UUID) -> None:
        """Choose a resident by id (their village and list follow)."""
        assert self.session is not None
        rows = ops.resident_rows_now(self.session, [resident_id])
        if rows:
            self._choose_resident(rows[0])
            self.chooser.select(rows[0])

    def start_visit(self, resident_id: uuid.UUID, kind: VisitKind = VisitKind.HYPERTENSION) -> None:
        """Open the form of ``kind`` for the resident (other pages call this)."""
        self.select_resident(resident_id)
        self.choose_kind(kind)

    def choose_kind(self, kind: VisitKind) -> None:
        if not self.panel.choose_kind(kind):
            self._kind_chosen()

    def _choose_resident(self, resident: ResidentRow) -> None:
        if self.correcting is not None and self.correcting.resident_id != resident.id:
            self._leave_correction()
        self.resident = resident
        self.panel.show_resident(resident)
        self.records.show_records(resident.id)
        self._check_start()

    def _kind_chosen(self) -> None:
        if self.session is None:
            return
        if self.correcting is not None and self.correcting.kind is not self.kind:
            self._leave_correction()
        self.panel.show_form()
        self._check_start()

    def _check_start(self) -> None:
        assert self.session is not None
        form = self.form
        if self.correcting is None and not form.is_dirty():
            form.reset(self.session.today())  # nothing typed: nothing of another resident stays
        if self.resident is None:
            self._refuse(None)
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
        if refusal is None:
            self._carry_over()
            self._preview()

    def _refuse(self, refusal: Text | None) -> None:
        self._start_allowed = refusal is None and self.resident is not None
        self.panel.refuse(refusal, allowed=self._start_allowed)

    def _carry_over(self) -> None:
        """A new follow-up nothing was typed in takes the targets, medicines and height of
        the resident's last follow-up of its kind."""
        assert self.session is not None
        form, kind, resident = self.form, self.kind, self.resident
        if kind not in _CHRONIC or resident is None or self.correcting is not None or form.is_dirty():
            return
        self._carry_token += 1
        token = self._carry_token

        def done(carried: CarriedOver | None) -> None:
            current = self.resident is not None and self.resident.id == resident.id and self.kind is kind
            if token != self._carry_token or not current or form.is_dirty() or self.correcting is not None:
                return
            if carried is not None:
                form.carry_over(carried)

        ops.load_carryover(self.session, resident.id, kind, done, self._show_failure)

    # --- typing --------------------------------------------------------------------------

    def _form_changed(self) -> None:
        self.panel.message_label.hide()
        self._preview()

    def _choice_changed(self, name: str) -> None:
        if name == "service_kind":
            self.form.clear_error("service_kind")
            self._check_start()

    def _preview(self) -> None:
        """Ask the rules about the readings typed so far."""
        allowed = self._start_allowed or self.correcting is not None
        if self.session is None or self.kind not in _CHRONIC or self.resident is None or not allowed:
            return
        form = self.form.value(self.resident.id, self.session.actor.staff_id, strict=False)
        assert isinstance(form, (HypertensionFollowupInput, DiabetesFollowupInput))
        has_reading = (form.systolic is not None and form.diastolic is not None) or (
            isinstance(form, DiabetesFollowupInput) and form.fasting_glucose is not None
        )
        self._preview_token += 1
        token, kind = self._preview_token, self.kind
        if not has_reading and not form.danger_signs and not form.symptoms:
            self.panel.show_advice(None)
            return

        def done(advice: FollowupAdvice) -> None:
            if token == self._preview_token and kind is self.kind:
                self.panel.show_advice(advice)

        def failed(_error: BaseException) -> None:
            if token == self._preview_token:
                self.panel.show_advice(None)  # a reading still being typed (16 of 165)

        ops.preview_advice(self.session, form, done, failed)

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        panel = self.panel
        if self.session is None or self.resident is None or not panel.save_button.isEnabled():
            return
        form_widget = self.form
        form_widget.clear_errors()
        panel.reason_error.clear()
        panel.message_label.hide()
        correcting = self.correcting
        reason = panel.reason_edit.text().strip()
        if correcting is not None and not reason:
            panel.reason_error.setText(QCoreApplication.translate("VisitsPage", "Say why the record is corrected."))
            panel.reason_edit.setFocus()
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
                panel.reason_error.setText(error.message)
                panel.reason_edit.setFocus()
            elif field is None or not form_widget.set_error(field, error.message):
                panel.show_message(error.message, error=True)

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
        self.panel.show_advice(None)
        self.panel.show_message("\n".join(parts), error=False)
        self.records.show_records(record.resident_id, select_record=record.record_id)
        self._check_start()
        # The emptied form from its top; the cursor waits for the next resident.
        self.panel.form_scroll.verticalScrollBar().setValue(0)
        self.chooser.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chooser.filter_edit.selectAll()

    def _show_failure(self, error: BaseException) -> None:
        if isinstance(error, FdError):
            self.panel.show_message(error.message, error=True)
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
        return any(form.is_dirty() for form in self.panel.forms.values()) or bool(
            self.correcting is not None and self.panel.reason_edit.text().strip()
        )

    def discard_changes(self) -> None:
        if self.session is None:
            return
        self._leave_correction()
        for form in self.panel.forms.values():
            form.reset(self.session.today())
        self.panel.message_label.hide()
        self.panel.show_advice(None)
        self._check_start()

    # --- corrections and voids -------------------------------------------------------------

    def correct_selected(self) -> None:
        """Open the selected record as a new revision to correct."""
        record = self.records.selected()
        if self.session is None or record is None or not self.records.may_amend(record):
            return
        if self.form.is_dirty() and self.correcting is None:
            busy = QCoreApplication.translate("VisitsPage", "Save or cancel the form being typed first.")
            self.panel.show_message(busy, error=True)
            return
        self.correcting = record
        self.choose_kind(record.kind)
        form = self.form
        form.load(record.form)
        self.panel.refuse(None, allowed=True)
        self.panel.show_advice(None)
        self.panel.show_correcting(record)
        self.panel.reason_edit.setFocus()

    def _leave_correction(self) -> None:
        if self.correcting is None:
            return
        form = self.panel.forms.get(self.correcting.kind)
        self.correcting = None
        self.panel.show_correcting(None)
        if form is not None and self.session is not None:
            form.reset(self.session.today())

    def void_selected(self) -> VoidVisitDialog | None:
        """Ask the reason, then void the selected record (it stays in the list and the
        history, marked voided). What is typed in the form stays."""
        record, session = self.records.selected(), self.session
        if session is None or record is None or not self.records.may_amend(record):
            return None
        if self.correcting is not None:
            self.panel.show_message(
                QCoreApplication.translate("VisitsPage", "Save or cancel the correction first."), error=True
            )
            return None
        dialog = VoidVisitDialog(f"{kind_title(record.kind)} {record.visit_date.isoformat()}", self)

        def done(voided: VisitRecord) -> None:
            dialog.accept()
            self.panel.show_message(
                QCoreApplication.translate("VisitsPage", "Voided: {kind} of {day}.").format(
                    kind=kind_title(voided.kind), day=voided.visit_date.isoformat()
                ),
                error=False,
            )
            self.records.show_records(voided.resident_id, select_record=voided.record_id)
            self._check_start()  # a voided follow-up no longer counts, nor carries over

        def failed(error: BaseException) -> None:
            if not isinstance(error, FdError):
                raise error
            dialog.refuse(error.message)

        dialog.submitted.connect(lambda reason: ops.void_visit(session, record.id, reason, done, failed))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: VoidVisitDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.window().activateWindow()  # the keys come back (with no window manager too)
        self.records.visit_view.setFocus()
