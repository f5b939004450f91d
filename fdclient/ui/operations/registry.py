"""Households and residents (居民档案): one short function per use case. Reads run on the
runner's readers, saves on its writer; results come back to ``done`` on the GUI thread. A
failed save goes to the form (:class:`FieldErrors`): the message beside the field the error
names, the form kept as typed."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject
from sqlalchemy.orm import Session

from fdclient.errors import FdError
from fdclient.services.registry import duplicates, households, record_cover, resident_status, residents, village_lists
from fdclient.services.registry.duplicates import DuplicateCandidate
from fdclient.services.registry.households import HeadChangeProposal, HouseholdInfo
from fdclient.services.registry.record_cover import CoverChoices
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.services.registry.resident_status import StatusChange
from fdclient.services.registry.residents import ResidentInfo
from fdclient.services.registry.village_lists import (
    HouseholdFilter,
    HouseholdRow,
    HouseholdSort,
    MemberRow,
    VillageChoice,
)
from fdclient.ui.operations.medical_history import HistoryChanges, apply_history
from fdclient.ui.session import UiSession

__all__ = [
    "FieldErrors",
    "HouseholdDetails",
    "ResidentFormData",
    "add_member",
    "change_head",
    "fetch_household_rows",
    "find_duplicates",
    "load_cover_choices",
    "load_household",
    "load_household_ids",
    "load_resident",
    "load_resident_form",
    "load_villages",
    "move_out",
    "propose_head_change",
    "record_death",
    "register_household",
    "reporter",
    "update_household",
    "update_resident",
    "void_resident",
]

log = logging.getLogger(__name__)


class FieldErrors(Protocol):
    """What a form offers the operations: a message beside a field (``None``: the form's
    general message)."""

    def show_error(self, field: str | None, message: str) -> None: ...


def reporter(form: FieldErrors) -> Callable[[BaseException], None]:
    """A ``failed`` callback that marks the field the error names on ``form``."""

    def failed(exc: BaseException) -> None:
        show = form.show_error
        if isinstance(exc, FdError):
            show(exc.field, exc.message)
        else:
            log.error("registry operation failed", exc_info=exc)
            show(None, QCoreApplication.translate("Registry", "Could not save: an unexpected error happened."))

    return failed


@dataclass(frozen=True)
class HouseholdDetails:
    info: HouseholdInfo
    row: HouseholdRow | None
    members: tuple[MemberRow, ...]


@dataclass(frozen=True)
class ResidentFormData:
    """A stored resident as the form edits it."""

    data: ResidentInput
    info: ResidentInfo


Failed = Callable[[BaseException], None] | None


# --- reads ---------------------------------------------------------------------------------------


def load_villages(
    session: UiSession, done: Callable[[list[VillageChoice]], None], failed: Failed = None, *, owner: QObject
) -> None:
    def work() -> list[VillageChoice]:
        with session.store.read() as s:
            return village_lists.list_villages(s)

    session.runner.read(work, done, failed, owner=owner)


def load_household_ids(
    session: UiSession,
    village_id: uuid.UUID,
    status: HouseholdFilter,
    sort: HouseholdSort,
    descending: bool,
    done: Callable[[list[uuid.UUID]], None],
    failed: Failed = None,
    *,
    owner: QObject,
) -> None:
    def work() -> list[uuid.UUID]:
        with session.store.read() as s:
            return village_lists.household_ids(s, village_id, status=status, sort=sort, descending=descending)

    session.runner.read(work, done, failed, owner=owner)


def fetch_household_rows(session: UiSession, ids: Sequence[uuid.UUID]) -> list[HouseholdRow]:
    """The rows of a block of households, read at once (the lazy list model asks for the
    rows it is about to show; a block is one indexed query)."""
    with session.store.read() as s:
        return village_lists.household_rows(s, ids)


def load_household(
    session: UiSession,
    household_id: uuid.UUID,
    done: Callable[[HouseholdDetails], None],
    failed: Failed = None,
    *,
    owner: QObject,
) -> None:
    def work() -> HouseholdDetails:
        with session.store.read() as s:
            info = households.get_household(s, household_id)
            rows = village_lists.household_rows(s, [household_id])
            members = village_lists.household_members(s, household_id)
        return HouseholdDetails(info, rows[0] if rows else None, tuple(members))

    session.runner.read(work, done, failed, owner=owner)


def load_resident(
    session: UiSession,
    resident_id: uuid.UUID,
    done: Callable[[ResidentInfo], None],
    failed: Failed = None,
    *,
    owner: QObject,
) -> None:
    def work() -> ResidentInfo:
        with session.store.read() as s:
            return residents.get_resident(s, resident_id)

    session.runner.read(work, done, failed, owner=owner)


def load_resident_form(
    session: UiSession,
    resident_id: uuid.UUID,
    done: Callable[[ResidentFormData], None],
    failed: Failed = None,
    *,
    owner: QObject,
) -> None:
    def work() -> ResidentFormData:
        with session.store.read() as s:
            return ResidentFormData(residents.resident_form(s, resident_id), residents.get_resident(s, resident_id))

    session.runner.read(work, done, failed, owner=owner)


def load_cover_choices(
    session: UiSession,
    resident_id: uuid.UUID | None,
    done: Callable[[CoverChoices], None],
    failed: Failed = None,
    *,
    owner: QObject,
) -> None:
    """Who the record cover may name (建档人, 责任医生)."""

    def work() -> CoverChoices:
        with session.store.read() as s:
            return record_cover.cover_choices(s, resident_id)

    session.runner.read(work, done, failed, owner=owner)


def propose_head_change(
    session: UiSession,
    household_id: uuid.UUID,
    new_head_id: uuid.UUID,
    done: Callable[[HeadChangeProposal], None],
    failed: Failed = None,
    *,
    owner: QObject,
) -> None:
    def work() -> HeadChangeProposal:
        with session.store.read() as s:
            return households.propose_head_change(s, household_id, new_head_id)

    session.runner.read(work, done, failed, owner=owner)


def find_duplicates(
    session: UiSession,
    *,
    id_type: str,
    id_number: str | None,
    name: str | None,
    birth_date: date | None,
    exclude_id: uuid.UUID | None,
    done: Callable[[list[DuplicateCandidate]], None],
    owner: QObject,
) -> None:
    def work() -> list[DuplicateCandidate]:
        with session.store.read() as s:
            return duplicates.find_possible_duplicates(
                s, id_type=id_type, id_number=id_number, name=name, birth_date=birth_date, exclude_id=exclude_id
            )

    # A failed look-up only means no warning.
    session.runner.read(work, done, lambda exc: log.warning("duplicate check failed: %s", exc), owner=owner)


# --- saves ---------------------------------------------------------------------------------------


def register_household(
    session: UiSession,
    *,
    village_id: uuid.UUID,
    address: str,
    phone: str | None,
    head: ResidentInput,
    done: Callable[[HouseholdInfo], None],
    form: FieldErrors,
    history: HistoryChanges | None = None,
) -> None:
    """A household with its head, and the head's past history, in one unit of work."""

    def work() -> HouseholdInfo:
        with session.store.write() as s:
            info = households.register_household(s, village_id=village_id, address=address, phone=phone, head=head)
            if info.head_id is not None:
                apply_history(s, info.head_id, history)
            return info

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def update_household(
    session: UiSession,
    household_id: uuid.UUID,
    *,
    address: str,
    phone: str | None,
    done: Callable[[HouseholdInfo], None],
    form: FieldErrors,
) -> None:
    def work() -> HouseholdInfo:
        with session.store.write() as s:
            return households.update_household(s, household_id, address=address, phone=phone)

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def add_member(
    session: UiSession,
    household_id: uuid.UUID,
    data: ResidentInput,
    relationship: str,
    *,
    done: Callable[[ResidentInfo], None],
    form: FieldErrors,
    history: HistoryChanges | None = None,
) -> None:
    """A new member with their past history, in one unit of work."""

    def work() -> ResidentInfo:
        with session.store.write() as s:
            info = households.add_member(s, household_id, data, relationship)
            apply_history(s, info.id, history)
            return _after_history(s, info, history)

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def update_resident(
    session: UiSession,
    resident_id: uuid.UUID,
    data: ResidentInput,
    *,
    done: Callable[[ResidentInfo], None],
    form: FieldErrors,
    history: HistoryChanges | None = None,
) -> None:
    """The edited form and the past history's changes, in one unit of work."""

    def work() -> ResidentInfo:
        with session.store.write() as s:
            info = residents.update_resident(s, resident_id, data)
            apply_history(s, resident_id, history)
            return _after_history(s, info, history)

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def change_head(
    session: UiSession,
    household_id: uuid.UUID,
    new_head_id: uuid.UUID,
    *,
    old_head_relationship: str | None,
    relationships: dict[uuid.UUID, str],
    done: Callable[[HouseholdInfo], None],
    form: FieldErrors,
) -> None:
    def work() -> HouseholdInfo:
        with session.store.write() as s:
            return households.change_head(
                s,
                household_id,
                new_head_id,
                old_head_relationship=old_head_relationship,
                relationships=relationships,
            )

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def move_out(
    session: UiSession,
    resident_id: uuid.UUID,
    on_date: date,
    *,
    done: Callable[[StatusChange], None],
    form: FieldErrors,
) -> None:
    def work() -> StatusChange:
        with session.store.write() as s:
            return resident_status.mark_moved_out(s, resident_id, on_date)

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def record_death(
    session: UiSession,
    resident_id: uuid.UUID,
    on_date: date,
    *,
    done: Callable[[StatusChange], None],
    form: FieldErrors,
) -> None:
    def work() -> StatusChange:
        with session.store.write() as s:
            return resident_status.mark_deceased(s, resident_id, on_date)

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def void_resident(
    session: UiSession,
    resident_id: uuid.UUID,
    reason: str,
    *,
    done: Callable[[ResidentInfo], None],
    form: FieldErrors,
) -> None:
    def work() -> ResidentInfo:
        with session.store.write() as s:
            return resident_status.void_resident(s, resident_id, reason)

    session.runner.write(work, done, reporter(form), owner=_owner(form))


def _after_history(s: Session, info: ResidentInfo, history: HistoryChanges | None) -> ResidentInfo:
    """The resident as saved, with the key populations the new diagnoses give."""
    if history is None or history.empty:
        return info
    return dataclasses.replace(residents.get_resident(s, info.id), warnings=info.warnings)


def _owner(form: object) -> QObject | None:
    return form if isinstance(form, QObject) else None
