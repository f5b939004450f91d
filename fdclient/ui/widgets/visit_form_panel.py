"""The right side of the 随访服务 page: who the visit is for and which form, the refusal when
it may not be recorded, the correction bar (the reason of a correction), the form itself
(one :class:`~fdclient.ui.dialogs.visit_forms.VisitForm` per kind, made when first chosen and
kept with what was typed), the rules' advice, the last message, and Save / Cancel.

What happens on Save, Cancel or a choice is the page's (:mod:`fdclient.ui.pages.visits`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import VisitKind
from fdclient.domain.followup_rules import ControlStatus
from fdclient.services.visits.assessment import FollowupAdvice
from fdclient.services.visits.desk import ResidentRow
from fdclient.services.visits.records import VisitRecord
from fdclient.text import Text
from fdclient.ui.dialogs.visit_forms import VisitForm
from fdclient.ui.dialogs.visit_layouts import KIND_TITLES
from fdclient.ui.widgets.visit_advice import AdviceLabel
from fdclient.ui.widgets.visit_residents import index_of

__all__ = ["VisitFormPanel"]

_REFUSAL_STYLE = "QLabel { background: #fff4e5; border: 1px solid #e0a040; padding: 8px; }"
_ERROR_STYLE = "color: #b00020;"


class VisitFormPanel(QWidget):
    #: Another form was chosen.
    kind_changed = Signal()
    #: The user typed in the form.
    form_changed = Signal()
    #: A single-choice code was chosen in the form (field name).
    choice_changed = Signal(str)
    #: Enter in a field of the form or in the correction reason.
    save_requested = Signal()

    def __init__(self, today: date, doctor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._doctor = doctor
        self.forms: dict[VisitKind, VisitForm] = {}
        #: The record the correction bar is about.
        self._correcting: VisitRecord | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        head = QHBoxLayout()
        self.resident_label = QLabel(self)
        self.resident_label.setObjectName("residentLabel")
        font = self.resident_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.resident_label.setFont(font)
        self.kind_label = QLabel(self)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kindCombo")
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # in either language
        for kind, _title in KIND_TITLES:
            self.kind_combo.addItem("", kind)
        self.kind_label.setBuddy(self.kind_combo)
        head.addWidget(self.resident_label, 1)
        head.addWidget(self.kind_label)
        head.addWidget(self.kind_combo)
        layout.addLayout(head)
        self.refusal_label = QLabel(self)
        self.refusal_label.setObjectName("refusalLabel")
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet(_REFUSAL_STYLE)
        self.refusal_label.hide()
        layout.addWidget(self.refusal_label)
        self.correction_bar = QWidget(self)
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
        layout.addWidget(self.correction_bar)
        self.stack = QStackedWidget(self)
        self.form_scroll = QScrollArea(self)
        self.form_scroll.setObjectName("formScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Not a stop of its own for Tab: it scrolls to the field that has the cursor.
        self.form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form_scroll.setWidget(self.stack)
        layout.addWidget(self.form_scroll, 1)
        self.advice_label = AdviceLabel(self)
        layout.addWidget(self.advice_label)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("messageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        layout.addWidget(self.message_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelButton")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.kind_changed.emit())
        self.reason_edit.returnPressed.connect(self.save_requested.emit)
        self.reason_edit.textEdited.connect(lambda _t: self.reason_error.clear())
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.kind_label.setText(QCoreApplication.translate("VisitsPage", "For&m"))
        for index, (_kind, title) in enumerate(KIND_TITLES):
            self.kind_combo.setItemText(index, QCoreApplication.translate("VisitForms", title))
        self._show_correction_title()
        self.reason_label.setText(QCoreApplication.translate("VisitsPage", "Correction &reason"))
        self.save_button.setText(QCoreApplication.translate("VisitsPage", "&Save"))
        self.save_button.setToolTip(QCoreApplication.translate("VisitsPage", "Save the record (Ctrl+S or Enter)"))
        self.cancel_button.setText(QCoreApplication.translate("VisitsPage", "Cancel"))
        self.cancel_button.setToolTip(QCoreApplication.translate("VisitsPage", "Discard the typed form (Esc)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- the form ----------------------------------------------------------------------------

    @property
    def kind(self) -> VisitKind:
        return VisitKind(self.kind_combo.currentData())

    @property
    def form(self) -> VisitForm:
        """The form of the chosen kind (made when first asked for)."""
        return self.form_of(self.kind)

    def form_of(self, kind: VisitKind) -> VisitForm:
        form = self.forms.get(kind)
        if form is None:
            form = VisitForm(kind, self.stack)
            form.set_today(self._today)
            form.set_doctor(self._doctor)
            form.changed.connect(self.form_changed.emit)
            form.choice_changed.connect(self.choice_changed.emit)
            for editor in form.editors.values():
                if isinstance(editor, QLineEdit):
                    editor.returnPressed.connect(self.save_requested.emit)
            self.stack.addWidget(form)
            self.forms[kind] = form
            self._order_tabs(form)
        return form

    def _order_tabs(self, form: VisitForm) -> None:
        """Tab goes from the form chooser through the form (a form is made when first chosen,
        so its fields would otherwise come last in the window), then Save and Cancel."""
        fields: list[QWidget] = []
        widget = form.nextInFocusChain()
        while widget is not form and widget is not None:
            if form.isAncestorOf(widget) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                fields.append(widget)
            widget = widget.nextInFocusChain()
        chain = [self.kind_combo, self.reason_edit, *fields, self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        for field in fields:
            field.installEventFilter(self)  # to scroll to a field reached by its mnemonic

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """A field that gets the cursor is scrolled into view (Tab scrolls by itself; a
        mnemonic such as Alt+B for the blood pressure does not)."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self.form_scroll.ensureWidgetVisible(watched)
        return super().eventFilter(watched, event)

    def choose_kind(self, kind: VisitKind) -> bool:
        """Choose the form of ``kind``; False when it was already chosen (nothing emitted)."""
        index = index_of(self.kind_combo, kind)
        if index == self.kind_combo.currentIndex():
            return False
        self.kind_combo.setCurrentIndex(index)
        return True

    def show_form(self) -> None:
        """Show the chosen form from its top, without the last advice and message."""
        self.stack.setCurrentWidget(self.form)
        self.form_scroll.verticalScrollBar().setValue(0)
        self.message_label.hide()
        self.show_advice(None)

    # --- what is shown about it --------------------------------------------------------------

    def show_resident(self, resident: ResidentRow | None) -> None:
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

    def refuse(self, refusal: Text | None, *, allowed: bool) -> None:
        """Why the form may not be saved (None: it may, when ``allowed``)."""
        form = self.form
        if refusal is not None and self.kind is VisitKind.SERVICE and form.code("service_kind"):
            # The service chosen is refused: the form stays open to choose another.
            form.setEnabled(True)
            form.set_error("service_kind", refusal.render())
            self.save_button.setEnabled(False)
            self.refusal_label.hide()
            return
        form.setEnabled(allowed)
        self.save_button.setEnabled(allowed)
        if refusal is None:
            self.refusal_label.hide()
        else:
            self.refusal_label.setText(refusal.render())
            self.refusal_label.show()

    def show_advice(self, advice: FollowupAdvice | None) -> None:
        """The rules' advice under the form, their next visit date in it and the danger
        values marked (None: none)."""
        self.advice_label.show_advice(advice)
        form = self.forms.get(self.kind)
        if form is None:
            return
        form.mark_danger(("systolic", "diastolic", "fasting_glucose"), False)
        form.propose_next_visit(advice.next_visit_due if advice is not None else None)
        if advice is None:
            return
        if advice.bp is not None and advice.bp.status is ControlStatus.URGENT_REFERRAL:
            form.mark_danger(("systolic", "diastolic"), True)
        if advice.glucose is not None and advice.glucose.status is ControlStatus.URGENT_REFERRAL:
            form.mark_danger(("fasting_glucose",), True)

    def show_message(self, text: str, *, error: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(_ERROR_STYLE if error else "color: #1b5e20;")
        self.message_label.show()

    def show_correcting(self, record: VisitRecord | None) -> None:
        """The correction bar about ``record`` (None: hidden, its reason cleared)."""
        self._correcting = record
        self.reason_error.clear()
        self.reason_edit.clear()
        self.correction_bar.setVisible(record is not None)
        self._show_correction_title()

    def _show_correction_title(self) -> None:
        record = self._correcting
        if record is not None:
            self.correction_title.setText(
                QCoreApplication.translate("VisitsPage", "Correcting revision {revision} of {day}.").format(
                    revision=record.revision, day=record.visit_date.isoformat()
                )
            )
