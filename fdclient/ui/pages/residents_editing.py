"""The registry actions of 居民档案 (:class:`~fdclient.ui.pages.residents.ResidentsPage`):
register a household, edit it, add and edit members, change the head, record a move out or a
death, void a file, and edit the personal information form and past history of the record
shown. One dialog at a time; when it is saved, the household and the list are read again."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStackedWidget

from fdclient.services.registry.households import HouseholdInfo
from fdclient.services.registry.resident_status import StatusChange
from fdclient.services.registry.residents import ResidentInfo
from fdclient.services.registry.village_lists import MemberRow, VillageChoice
from fdclient.ui.dialogs.change_head import ChangeHeadDialog
from fdclient.ui.dialogs.form_parts import FormDialog
from fdclient.ui.dialogs.household_form import HouseholdDialog
from fdclient.ui.dialogs.resident_form import ResidentDialog, StatusDialog
from fdclient.ui.operations import registry as ops
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.resident_record import ResidentRecordView

__all__ = ["RegistryEditingPage"]


class RegistryEditingPage(Page):
    """The dialogs of the residents page; the page itself builds the views these read."""

    HOUSEHOLD = 1
    session: UiSession | None
    can_register: bool
    dialog: FormDialog | None
    household: ops.HouseholdDetails | None
    _select_after_load: uuid.UUID | None
    _member_after_load: uuid.UUID | None
    stack: QStackedWidget
    record_view: ResidentRecordView
    household_message: QLabel

    def current_village(self) -> VillageChoice | None:
        raise NotImplementedError

    def current_member(self) -> MemberRow | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def open_household(self, household_id: uuid.UUID, *, member: uuid.UUID | None = None, switch: bool = True) -> None:
        raise NotImplementedError

    def _open_dialog(self, dialog: FormDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog

        def closed() -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()
            self.window().activateWindow()  # back to the page's keys

        dialog.finished.connect(closed)
        dialog.open()

    def start_new_household(self) -> None:
        village = self.current_village()
        if not self.can_register or village is None or self.session is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        dialog = HouseholdDialog(self.session, village.id, village.name, parent=self)
        dialog.saved.connect(self._household_registered)
        self._open_dialog(dialog)

    def _household_registered(self, info: object) -> None:
        assert isinstance(info, HouseholdInfo)
        self._select_after_load = info.id
        self.reload()
        self.open_household(info.id)

    def edit_household(self) -> None:
        village = self.current_village()
        if not self.can_register or self.household is None or self.session is None:
            return
        name = village.name if village else ""
        dialog = HouseholdDialog(
            self.session, self.household.info.village_id, name, household=self.household.info, parent=self
        )
        dialog.saved.connect(lambda _: self._refresh_household())
        self._open_dialog(dialog)

    def add_member(self) -> None:
        if not self.can_register or self.household is None or self.session is None:
            return
        dialog = ResidentDialog(
            self.session, self.household.info.village_id, household_id=self.household.info.id, parent=self
        )
        dialog.saved.connect(self._member_saved)
        self._open_dialog(dialog)

    def edit_member(self) -> None:
        member = self.current_member()
        if not self.can_register or member is None or self.household is None or self.session is None:
            return
        dialog = ResidentDialog(self.session, self.household.info.village_id, resident_id=member.id, parent=self)
        dialog.saved.connect(self._member_saved)
        self._open_dialog(dialog)

    def change_head(self) -> None:
        if not self.can_register or self.household is None or self.session is None:
            return
        member = self.current_member()
        dialog = ChangeHeadDialog(
            self.session,
            self.household.info,
            self.household.members,
            new_head_id=member.id if member is not None else None,
            parent=self,
        )
        dialog.saved.connect(lambda _: self._refresh_household())
        self._open_dialog(dialog)

    def edit_record(self, tab: int) -> None:
        """Edit the personal information form of the resident whose record is shown."""
        record = self.record_view.record
        if not self.can_register or self.session is None or record is None or record.info.voided:
            return
        dialog = ResidentDialog(self.session, record.info.village_id, resident_id=record.info.id, tab=tab, parent=self)
        dialog.saved.connect(self._record_saved)
        self._open_dialog(dialog)

    def _record_saved(self, info: object) -> None:
        assert isinstance(info, ResidentInfo)
        self.record_view.show_resident(info.id)
        self._refresh_household(member=info.id)

    def _member_saved(self, info: object) -> None:
        assert isinstance(info, ResidentInfo)
        self._member_after_load = info.id
        self._refresh_household(member=info.id)

    def change_status(self, kind: str) -> None:
        member = self.current_member()
        if not self.can_register or member is None or self.session is None:
            return
        dialog = StatusDialog(self.session, member, kind, parent=self)
        dialog.saved.connect(self._status_changed)
        self._open_dialog(dialog)

    def _status_changed(self, result: object) -> None:
        warnings: list[str] = []
        if isinstance(result, StatusChange):
            warnings = [w.render() for w in result.warnings]
            if result.terminated_contracts:
                warnings.append(
                    QCoreApplication.translate("ResidentsPage", "Contracts terminated: {numbers}").format(
                        numbers=", ".join(result.terminated_contracts)
                    )
                )
        self.household_message.setText("\n".join(warnings))
        self.household_message.setVisible(bool(warnings))
        self._refresh_household()

    def _refresh_household(self, member: uuid.UUID | None = None) -> None:
        if self.household is None:
            return
        self.open_household(self.household.info.id, member=member, switch=self.stack.currentIndex() == self.HOUSEHOLD)
        self.reload()
