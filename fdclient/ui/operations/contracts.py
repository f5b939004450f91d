"""Contracts: the list, the signing form (options, households, fees), signing, renewing,
terminating and discarding drafts. Each function runs one service through the task runner;
writes report a refusal to the form (``ErrorTarget.show_error(field, message)``), which
keeps what was typed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QObject

from fdclient.domain.codes import TerminationReason
from fdclient.errors import FdError
from fdclient.services.contracts import lifecycle, signing
from fdclient.services.contracts.consent import GuardianInput, MemberConsent
from fdclient.services.contracts.fees import ContractFees, quote_fees
from fdclient.services.contracts.info import ContractInfo
from fdclient.services.contracts.listing import (
    ContractFilter,
    ContractRow,
    ContractSort,
    contract_rows,
    list_contract_ids,
)
from fdclient.services.contracts.signing import (
    DraftForSigning,
    HouseholdChoice,
    SigningHousehold,
    SigningMember,
    SigningOptions,
    VillageChoice,
)
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed

__all__ = [
    "ContractFilter",
    "ContractRow",
    "ContractSort",
    "DraftForSigning",
    "ErrorTarget",
    "GuardianInput",
    "HouseholdChoice",
    "MemberConsent",
    "SignRequest",
    "SigningHousehold",
    "SigningMember",
    "SigningOptions",
    "VillageChoice",
    "find_households",
    "list_ids",
    "load_draft",
    "load_household",
    "load_options",
    "load_rows",
    "quote",
    "renew",
    "save_draft",
    "sign",
    "terminate",
    "void_draft",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


class ErrorTarget(Protocol):
    """A form that shows a refusal beside the field it names (or at the bottom)."""

    def show_error(self, field: str | None, message: str) -> None: ...


def reporting(target: ErrorTarget) -> Failed:
    """A ``failed`` callback that shows a user error on ``target``; anything else is logged
    and reported as a failure (the form keeps what was typed either way)."""

    def failed(exc: BaseException) -> None:
        if isinstance(exc, FdError):
            target.show_error(exc.field, exc.message)
            return
        log.error("contract operation failed", exc_info=exc)
        target.show_error(
            None, QCoreApplication.translate("Contracts", "The operation failed; nothing was saved. Please try again.")
        )

    return failed


@dataclass(frozen=True)
class SignRequest:
    """What the signing form gives (``contract_id`` set: sign that draft as it is;
    ``signature_png`` None: signed by hand on the printed form, no drawing stored)."""

    household_id: uuid.UUID
    member_ids: tuple[uuid.UUID, ...]
    representative_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    package_ids: tuple[uuid.UUID, ...]
    term_years: int
    consents: tuple[MemberConsent, ...]
    signature_png: bytes | None
    contract_id: uuid.UUID | None = None


def _read(session: UiSession, work: Callable[..., T], *args: object) -> Callable[[], T]:
    def run() -> T:
        with session.store.read() as s:
            return work(s, *args)

    return run


# --- reads ---------------------------------------------------------------------------------


def load_options(
    session: UiSession, done: Callable[[SigningOptions], None], failed: Failed | None = None, *, owner: QObject | None
) -> None:
    session.runner.read(_read(session, signing.signing_options), done, failed, owner=owner)


def find_households(
    session: UiSession,
    village_id: uuid.UUID,
    text: str,
    done: Callable[[tuple[HouseholdChoice, ...]], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None,
) -> None:
    session.runner.read(_read(session, signing.find_households, village_id, text), done, failed, owner=owner)


def load_household(
    session: UiSession,
    household_id: uuid.UUID,
    done: Callable[[SigningHousehold], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None,
) -> None:
    session.runner.read(_read(session, signing.household_for_signing, household_id), done, failed, owner=owner)


def load_draft(
    session: UiSession,
    contract_id: uuid.UUID,
    done: Callable[[DraftForSigning], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None,
) -> None:
    session.runner.read(_read(session, signing.draft_for_signing, contract_id), done, failed, owner=owner)


def quote(
    session: UiSession,
    *,
    package_ids: Sequence[uuid.UUID],
    member_ids: Sequence[uuid.UUID],
    term_years: int,
    done: Callable[[ContractFees], None],
    failed: Failed | None = None,
    owner: QObject | None,
) -> None:
    """What the chosen members and packages cost over the term, from today."""
    start = session.today()

    def work() -> ContractFees:
        with session.store.read() as s:
            return quote_fees(
                s, package_ids=package_ids, member_ids=member_ids, start_date=start, term_years=term_years
            )

    session.runner.read(work, done, failed, owner=owner)


def list_ids(
    session: UiSession,
    which: ContractFilter,
    *,
    village_id: uuid.UUID | None,
    text: str,
    sort: ContractSort,
    descending: bool,
    done: Callable[[list[uuid.UUID]], None],
    failed: Failed | None = None,
    owner: QObject | None,
) -> None:
    def work() -> list[uuid.UUID]:
        with session.store.read() as s:
            return list_contract_ids(s, which, village_id=village_id, text=text, sort=sort, descending=descending)

    session.runner.read(work, done, failed, owner=owner)


def load_rows(session: UiSession, ids: Sequence[uuid.UUID]) -> list[ContractRow]:
    """The rows of a page of the list, read at once (a few milliseconds for a page; the
    table model asks for them while painting)."""
    with session.store.read() as s:
        return contract_rows(s, ids)


# --- writes --------------------------------------------------------------------------------


def sign(
    session: UiSession,
    request: SignRequest,
    done: Callable[[ContractInfo], None],
    target: ErrorTarget,
    *,
    owner: QObject | None,
) -> None:
    """Sign: a new household contract drafted and signed in one unit of work, or the draft
    ``request.contract_id``."""

    def work() -> ContractInfo:
        with session.store.write() as s:
            if request.contract_id is not None:
                return signing.sign_draft(
                    s, request.contract_id, consents=request.consents, signature_png=request.signature_png
                )
            return signing.sign_household_contract(
                s,
                household_id=request.household_id,
                member_ids=request.member_ids,
                representative_id=request.representative_id,
                team_id=request.team_id,
                doctor_id=request.doctor_id,
                package_ids=request.package_ids,
                term_years=request.term_years,
                consents=request.consents,
                signature_png=request.signature_png,
            )

    session.runner.write(work, done, reporting(target), owner=owner)


def save_draft(
    session: UiSession,
    request: SignRequest,
    done: Callable[[ContractInfo], None],
    target: ErrorTarget,
    *,
    owner: QObject | None,
) -> None:
    """Keep the form as a draft starting today (to sign later)."""
    start = session.today()

    def work() -> ContractInfo:
        with session.store.write() as s:
            return lifecycle.draft_contract(
                s,
                household_id=request.household_id,
                member_ids=request.member_ids,
                representative_id=request.representative_id,
                team_id=request.team_id,
                doctor_id=request.doctor_id,
                package_ids=request.package_ids,
                term_years=request.term_years,
                start_date=start,
            )

    session.runner.write(work, done, reporting(target), owner=owner)


def renew(
    session: UiSession,
    contract_id: uuid.UUID,
    done: Callable[[ContractInfo], None],
    target: ErrorTarget,
    *,
    owner: QObject | None,
) -> None:
    """Renew in one step, each member confirming the consent they gave last time."""

    def work() -> ContractInfo:
        with session.store.write() as s:
            return signing.renew_with_consent_again(s, contract_id)

    session.runner.write(work, done, reporting(target), owner=owner)


def terminate(
    session: UiSession,
    contract_id: uuid.UUID,
    *,
    reason: TerminationReason,
    on_date: date,
    note: str,
    done: Callable[[ContractInfo], None],
    target: ErrorTarget,
    owner: QObject | None,
) -> None:
    def work() -> ContractInfo:
        with session.store.write() as s:
            return lifecycle.terminate_contract(s, contract_id, reason=reason, on_date=on_date, note=note)

    session.runner.write(work, done, reporting(target), owner=owner)


def void_draft(
    session: UiSession,
    contract_id: uuid.UUID,
    reason: str,
    done: Callable[[ContractInfo], None],
    target: ErrorTarget,
    *,
    owner: QObject | None,
) -> None:
    def work() -> ContractInfo:
        with session.store.write() as s:
            return lifecycle.void_draft(s, contract_id, reason)

    session.runner.write(work, done, reporting(target), owner=owner)
