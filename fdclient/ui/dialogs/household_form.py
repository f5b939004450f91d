"""Register a household (address, phone and its head, a new resident with the whole personal
information form and past history) or edit its address and phone. Ctrl+S or Enter saves,
Esc cancels; a failed save keeps the form and shows the message beside the field it names."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from fdclient.domain.validation import normalise_phone
from fdclient.errors import ValidationError
from fdclient.services.registry.households import MAX_ADDRESS, HouseholdInfo
from fdclient.ui.dialogs.form_parts import FormDialog, error_label, fit_to_screen
from fdclient.ui.dialogs.personal_form import PersonalInformationForm
from fdclient.ui.operations import registry as ops
from fdclient.ui.session import UiSession

__all__ = ["HouseholdDialog"]


class HouseholdDialog(FormDialog):
    """A new household (``household`` None) with its head, or the address and phone of one."""

    def __init__(
        self,
        session: UiSession,
        village_id: uuid.UUID,
        village_name: str,
        *,
        household: HouseholdInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("householdDialog")
        self.session = session
        self.village_id = village_id
        self.household = household
        self.setWindowTitle(
            QCoreApplication.translate("HouseholdForm", "Register a household")
            if household is None
            else QCoreApplication.translate("HouseholdForm", "Edit the household")
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        form = QGridLayout()
        form.addWidget(QLabel(QCoreApplication.translate("HouseholdForm", "Village:"), self), 0, 0)
        form.addWidget(QLabel(village_name, self), 0, 1)
        self.address_edit = QLineEdit(self)
        self.address_edit.setObjectName("address")
        self.address_edit.setMaxLength(MAX_ADDRESS)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setObjectName("householdPhone")
        self.errors = {"address": error_label(self, "address"), "phone": error_label(self, "householdPhone")}
        address_label = QLabel(QCoreApplication.translate("HouseholdForm", "&Address:"), self)
        address_label.setBuddy(self.address_edit)
        phone_label = QLabel(QCoreApplication.translate("HouseholdForm", "Household p&hone:"), self)
        phone_label.setBuddy(self.phone_edit)
        if household is None:  # one line, to leave the height to the head's form
            form.addWidget(address_label, 1, 0)
            form.addWidget(self.address_edit, 1, 1)
            form.addWidget(phone_label, 1, 2)
            form.addWidget(self.phone_edit, 1, 3)
            form.addWidget(self.errors["address"], 2, 1)
            form.addWidget(self.errors["phone"], 2, 3)
            form.setColumnStretch(1, 3)
            form.setColumnStretch(3, 1)
        else:
            for row, (label, edit, error) in enumerate(
                (
                    (address_label, self.address_edit, self.errors["address"]),
                    (phone_label, self.phone_edit, self.errors["phone"]),
                )
            ):
                form.addWidget(label, 1 + 2 * row, 0)
                form.addWidget(edit, 1 + 2 * row, 1)
                form.addWidget(error, 2 + 2 * row, 1)
            form.setColumnStretch(1, 1)
        layout.addLayout(form)

        self.head_fields: PersonalInformationForm | None = None
        if household is None:
            group = QGroupBox(QCoreApplication.translate("HouseholdForm", "Head of household"), self)
            group_layout = QVBoxLayout(group)
            group_layout.setContentsMargins(4, 4, 4, 4)
            self.head_fields = PersonalInformationForm(session, village_id, parent=group)
            group_layout.addWidget(self.head_fields)
            layout.addWidget(group, 1)
            fit_to_screen(self, 1100, 680)
        else:
            self.address_edit.setText(household.address)
            self.phone_edit.setText(household.phone or "")
            self.setMinimumWidth(560)
        layout.addWidget(self.buttons)
        self._initial = (self.address_edit.text(), self.phone_edit.text())
        self.address_edit.setFocus()

    def has_unsaved_changes(self) -> bool:
        typed = (self.address_edit.text(), self.phone_edit.text()) != self._initial
        return typed or (self.head_fields is not None and self.head_fields.dirty)

    def clear_errors(self) -> None:
        self.clear_general()
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        if self.head_fields is not None:
            self.head_fields.clear_errors()

    def show_error(self, field: str | None, message: str) -> None:
        self.failed_save()
        # A phone error while registering is the head's when the head has a phone typed and
        # the household's phone is fine; the services name both "phone".
        if field == "address" or (field == "phone" and (self.head_fields is None or self._household_phone_bad())):
            label = self.errors[field]
            label.setText(message)
            label.setVisible(True)
            return
        if self.head_fields is not None and self.head_fields.show_error(field, message):
            return
        self.show_general(message)

    def _household_phone_bad(self) -> bool:
        text = self.phone_edit.text().strip()
        if not text:
            return False
        try:
            normalise_phone(text)
        except ValidationError:
            return True
        return False

    def save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        address = self.address_edit.text()
        phone = self.phone_edit.text().strip() or None
        if self.household is not None:
            self.saving = True
            ops.update_household(
                self.session, self.household.id, address=address, phone=phone, done=self.finish, form=self
            )
            return
        assert self.head_fields is not None
        head = self.head_fields.collect()
        if head is None:
            return
        self.saving = True
        ops.register_household(
            self.session,
            village_id=self.village_id,
            address=address,
            phone=phone,
            head=head,
            done=self.finish,
            form=self,
            history=self.head_fields.history_changes(),
        )
