"""The resident dialog: add a member to a household or edit a resident's whole personal
information form (:class:`~.personal_form.PersonalInformationForm`, four tabs) with the past
history, saved together in one unit of work; and :class:`StatusDialog`, which records a move
out, a death, or voids a file with a reason. Ctrl+S or Enter saves, Esc cancels; a failed
save keeps the form and shows the message beside the field it names, on its tab.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from fdclient.services.registry.village_lists import MemberRow
from fdclient.ui.dialogs.form_parts import FormDialog, error_label, fit_to_screen, parse_date
from fdclient.ui.dialogs.personal_form import PersonalInformationForm
from fdclient.ui.operations import registry as ops
from fdclient.ui.session import UiSession

__all__ = ["ResidentDialog", "StatusDialog"]


class ResidentDialog(FormDialog):
    """Add a member to a household, or edit a resident's personal information form;
    ``tab`` is the tab shown first (``PersonalInformationForm.HISTORY`` for the past history)."""

    def __init__(
        self,
        session: UiSession,
        village_id: uuid.UUID,
        *,
        household_id: uuid.UUID | None = None,
        resident_id: uuid.UUID | None = None,
        tab: int = PersonalInformationForm.BASIC,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("residentDialog")
        self.session = session
        self.household_id = household_id
        self.resident_id = resident_id
        self.fields = PersonalInformationForm(session, village_id, with_relationship=resident_id is None, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        fit_to_screen(self, 1100, 660)
        if resident_id is not None:
            ops.load_resident_form(session, resident_id, self._loaded, self._load_failed, owner=self)
        self.fields.setCurrentIndex(tab)
        if tab == PersonalInformationForm.HISTORY:
            self.fields.past_history.item_combo.setFocus()
        elif resident_id is None:
            self.fields.relationship_combo.setFocus()
        else:
            self.fields.name_edit.setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            QCoreApplication.translate("ResidentForm", "Add a member")
            if self.resident_id is None
            else QCoreApplication.translate("ResidentForm", "Edit a resident")
        )

    def _loaded(self, found: ops.ResidentFormData) -> None:
        assert self.resident_id is not None
        self.fields.load(found.data, resident_id=self.resident_id, tags=found.info.key_populations)
        self.setWindowTitle(
            QCoreApplication.translate("ResidentForm", "Personal information: {name}").format(name=found.info.name)
        )

    def _load_failed(self, exc: BaseException) -> None:
        self.show_error(None, str(exc))
        self.save_button.setEnabled(False)

    def has_unsaved_changes(self) -> bool:
        return self.fields.dirty

    def clear_errors(self) -> None:
        self.clear_general()
        self.fields.clear_errors()

    def show_error(self, field: str | None, message: str) -> None:
        self.failed_save()
        if not self.fields.show_error(field, message):
            self.show_general(message)

    def save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        data = self.fields.collect()
        if data is None:
            return
        history = self.fields.history_changes()
        self.saving = True
        if self.resident_id is not None:
            ops.update_resident(self.session, self.resident_id, data, done=self.finish, form=self, history=history)
        else:
            assert self.household_id is not None
            ops.add_member(
                self.session,
                self.household_id,
                data,
                self.fields.relationship(),
                done=self.finish,
                form=self,
                history=history,
            )


class StatusDialog(FormDialog):
    """Move out, record a death (with the date) or void a file (with the reason)."""

    MOVE_OUT, DEATH, VOID = "move_out", "death", "void"

    def __init__(self, session: UiSession, member: MemberRow, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusDialog")
        self.session = session
        self.member = member
        self.kind = kind
        titles = {
            self.MOVE_OUT: QCoreApplication.translate("StatusDialog", "Moved out: {name}"),
            self.DEATH: QCoreApplication.translate("StatusDialog", "Record a death: {name}"),
            self.VOID: QCoreApplication.translate("StatusDialog", "Void the file of {name}"),
        }
        self.setWindowTitle(titles[kind].format(name=member.name))
        layout = QVBoxLayout(self)
        explain = QLabel(self)
        explain.setWordWrap(True)
        explain.setText(
            {
                self.MOVE_OUT: QCoreApplication.translate(
                    "StatusDialog", "The file stays; a contract goes on until it is terminated or expires."
                ),
                self.DEATH: QCoreApplication.translate(
                    "StatusDialog", "The resident leaves their contract on that day; an emptied contract is terminated."
                ),
                self.VOID: QCoreApplication.translate(
                    "StatusDialog", "Only for a file registered by mistake or twice. The file is kept, marked void."
                ),
            }[kind]
        )
        layout.addWidget(explain)
        layout.addWidget(self.message_label)
        form = QFormLayout()
        self.date_edit = QLineEdit(self)
        self.date_edit.setObjectName("onDate")
        self.date_edit.setText(session.today().isoformat())
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setMaxLength(200)
        self.field_errors = {"on_date": error_label(self, "on_date"), "reason": error_label(self, "reason")}
        if kind == self.VOID:
            label = QLabel(QCoreApplication.translate("StatusDialog", "&Reason:"), self)
            label.setBuddy(self.reason_edit)
            form.addRow(label, self.reason_edit)
            form.addRow("", self.field_errors["reason"])
            self.date_edit.setVisible(False)
            self.reason_edit.setFocus()
        else:
            label = QLabel(QCoreApplication.translate("StatusDialog", "&Date:"), self)
            label.setBuddy(self.date_edit)
            form.addRow(label, self.date_edit)
            form.addRow("", self.field_errors["on_date"])
            self.reason_edit.setVisible(False)
            self.date_edit.setFocus()
            self.date_edit.selectAll()
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._initial = (self.date_edit.text(), self.reason_edit.text())

    def has_unsaved_changes(self) -> bool:
        return (self.date_edit.text(), self.reason_edit.text()) != self._initial

    def show_error(self, field: str | None, message: str) -> None:
        self.failed_save()
        label = self.field_errors.get(field or "")
        if label is None or not label.parent() or (field == "reason") != (self.kind == self.VOID):
            self.show_general(message)
            return
        label.setText(message)
        label.setVisible(True)

    def save(self) -> None:
        if self.saving:
            return
        self.clear_general()
        for label in self.field_errors.values():
            label.setVisible(False)
        if self.kind == self.VOID:
            self.saving = True
            ops.void_resident(self.session, self.member.id, self.reason_edit.text(), done=self.finish, form=self)
            return
        day = parse_date(self.date_edit.text())
        if day is None:
            self.show_error("on_date", QCoreApplication.translate("StatusDialog", "Write the date as 2026-06-01."))
            return
        self.saving = True
        operation = ops.move_out if self.kind == self.MOVE_OUT else ops.record_death
        operation(self.session, self.member.id, day, done=self.finish, form=self)
