"""Renewal (续约) and expiry of contracts (DOMAIN.md §4):

* ``renew_contract``: an active or expired contract within the renewal window (the
  township's settings ``contract_renewal_opens_days`` before the end date to
  ``contract_renewal_closes_days`` after it, by the unit of work's clock), with every
  member's consent; the members move to a new active contract that starts the day after
  the old end date.
* ``expire_due_contracts`` ends contracts whose end date has passed, or renews them with
  the consents already given when ``auto_renew`` is set.

The old contract's services still open are closed on its end date: at once when the end
date has passed, else by ``expire_due_contracts`` once it has (a contract renewed early
still covers its members until its end).

Both need ``MANAGE_CONTRACTS``. Use cases flush; the unit of work commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractScope, ContractStatus, PlannedServiceStatus, ResidentStatus, SigningChannel
from fdclient.domain.contract_states import check_transition
from fdclient.domain.roles import Permission
from fdclient.domain.time import china_date
from fdclient.errors import RuleError
from fdclient.models import Contract, PlannedService, Resident
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.checks import (
    check_doctor,
    check_packages,
    check_signed_at,
    covered_members,
    refuse_other_contracts,
)
from fdclient.services.contracts.consent import MemberConsent, check_representative, stored_consent
from fdclient.services.contracts.lifecycle import (
    ContractInfo,
    GivenConsent,
    activate,
    check_channel,
    check_members_consent,
    check_term,
    contract_info,
    get_contract_row,
    insert_contract,
    renewal_id,
    transition,
)
from fdclient.services.registry.residents import get_resident_row
from fdclient.settings import CONTRACT_RENEWAL_CLOSES_DAYS, CONTRACT_RENEWAL_OPENS_DAYS, get_setting
from fdclient.store.context import now, require, today
from fdclient.text import msg


def _members_to_renew(session: Session, old: Contract) -> list[uuid.UUID]:
    """The members still covered at the end (or when it expired), who are still registered."""
    expired = old.status == ContractStatus.EXPIRED
    covered = [m.resident_id for m in old.members if m.is_active or (expired and m.ended_on == old.end_date)]
    return [
        rid
        for rid in covered
        if (r := get_resident_row(session, rid)).status == ResidentStatus.ACTIVE and r.voided_at is None
    ]


def _renew(
    session: Session,
    old: Contract,
    *,
    signed_at: datetime,
    consents: Sequence[MemberConsent] | None,
    consent_text_version: str | None,
    channel: SigningChannel | str | None,
    term_years: int | None,
    package_ids: Sequence[uuid.UUID] | None,
    doctor_id: uuid.UUID | None,
    member_ids: Sequence[uuid.UUID] | None,
    representative_id: uuid.UUID | None,
) -> Contract:
    """Move the members of ``old`` to a new active contract from the day after its end,
    with ``consents`` given at ``signed_at`` (None: each member's consent to the old
    contract, for an automatic renewal); each other None takes the old contract's value
    (its active packages only)."""
    check_transition(old.contract_no, ContractStatus(old.status), ContractStatus.RENEWED)
    _refuse_second_renewal(session, old)
    if member_ids is None:
        member_ids = _members_to_renew(session, old)
    if not member_ids:
        raise RuleError(
            msg(
                "合同 {contract_no} 已没有可以续约的在册成员。",
                "Contract {contract_no} has no registered member left to renew it for.",
                contract_no=old.contract_no,
            )
        )
    scope = ContractScope(old.scope)
    members = covered_members(session, scope, old.household_id, member_ids)
    doctor_id = doctor_id or old.doctor_id
    check_doctor(session, old.team_id, doctor_id)
    start = old.end_date + timedelta(days=1)
    term = term_years or old.term_years
    if package_ids is None:
        package_ids = [cp.package_id for cp in old.packages if cp.package.active]
    packages = check_packages(session, package_ids, members, start, term)
    refuse_other_contracts(session, [r.id for r in members], except_contract=old.id)
    check_term(term)
    channel = check_channel(channel or old.channel)
    if representative_id is None:
        representative_id = _representative(session, old, members)
    given = _consents(session, old, representative_id, members, consents, signed_at)
    for m in old.members:
        if m.is_active:
            m.is_active, m.ended_on = False, old.end_date
    transition(old, ContractStatus.RENEWED)
    session.flush()  # the members leave the old contract before they join the new one
    new = insert_contract(
        session,
        scope=scope,
        household_id=old.household_id,
        members=members,
        representative_id=representative_id,
        team_id=old.team_id,
        doctor_id=doctor_id,
        packages=packages,
        term_years=term,
        start_date=start,
        auto_renew=old.auto_renew,
        channel=channel,
        contract_id=renewal_id(old.id),
    )
    new.renewal_of_id, new.consent_text_version = old.id, consent_text_version
    transition(new, ContractStatus.ACTIVE)
    activate(session, new, signed_at=signed_at, consents=given)
    if old.end_date < today(session):
        service_plan.close_open_services(session, old.id, old.end_date)
    return new


def _representative(session: Session, old: Contract, members: Sequence[Resident]) -> uuid.UUID:
    """The old representative when they can still represent the household, else the first
    member."""
    if old.representative_id in {r.id for r in members}:
        return old.representative_id
    try:
        check_representative(
            members, get_resident_row(session, old.representative_id), old.household_id, today(session)
        )
    except RuleError:
        return members[0].id
    return old.representative_id


def _consents(
    session: Session,
    old: Contract,
    representative_id: uuid.UUID,
    members: Sequence[Resident],
    consents: Sequence[MemberConsent] | None,
    signed_at: datetime,
) -> dict[uuid.UUID, GivenConsent]:
    """The consents the new contract is signed with: given now (with a representative able
    to sign), or carried over from the old contract (a member without one there refuses
    the automatic renewal)."""
    if consents is not None:
        checked = check_members_consent(
            session, representative_id, old.household_id, members, consents, china_date(signed_at)
        )
        return {rid: (given, signed_at) for rid, given in checked.items()}
    carried: dict[uuid.UUID, GivenConsent] = {}
    for m in old.members:
        given = stored_consent(m)
        if m.resident_id in {r.id for r in members}:
            if given is None or m.consented_at is None:
                raise RuleError(
                    msg(
                        "合同 {contract_no} 中有成员没有同意记录，不能自动续约。",
                        "A member of contract {contract_no} has no recorded consent; it cannot be renewed"
                        " automatically.",
                        contract_no=old.contract_no,
                    )
                )
            carried[m.resident_id] = (given, m.consented_at)
    return carried


def renew_contract(
    session: Session,
    contract_id: uuid.UUID,
    *,
    consents: Sequence[MemberConsent],
    signed_at: datetime,
    channel: SigningChannel | str | None = None,
    term_years: int | None = None,
    package_ids: Sequence[uuid.UUID] | None = None,
    doctor_id: uuid.UUID | None = None,
    member_ids: Sequence[uuid.UUID] | None = None,
    representative_id: uuid.UUID | None = None,
    consent_text_version: str | None = None,
) -> ContractInfo:
    """Renew (续约) an active or expired contract within the renewal window, with every
    covered member's consent. The old contract becomes “已续约”; the new one is active from
    the day after the old end date. Members, packages, doctor and term default to the old
    contract's."""
    require(session, Permission.MANAGE_CONTRACTS)
    old = get_contract_row(session, contract_id)
    check_transition(old.contract_no, ContractStatus(old.status), ContractStatus.RENEWED)
    on = today(session)
    opens_before, closes_after = _window(session)
    opens = old.end_date - timedelta(days=opens_before)
    closes = old.end_date + timedelta(days=closes_after)
    if on < opens:
        raise RuleError(
            msg(
                "合同 {contract_no} 到 {end} 才到期，到期前 {days} 天内（{opens} 起）才能续约。",
                "Contract {contract_no} ends on {end}; it can be renewed only in the {days} days before (from {opens}).",
                contract_no=old.contract_no,
                end=old.end_date.isoformat(),
                days=opens_before,
                opens=opens.isoformat(),
            )
        )
    if on > closes:
        raise RuleError(
            msg(
                "合同 {contract_no} 已于 {end} 到期，超过 {days} 天不能续约，请重新签约。",
                "Contract {contract_no} ended on {end}, more than {days} days ago; it can no longer be renewed."
                " Sign a new contract.",
                contract_no=old.contract_no,
                end=old.end_date.isoformat(),
                days=closes_after,
            )
        )
    check_signed_at(signed_at)
    new = _renew(
        session,
        old,
        signed_at=signed_at,
        consents=consents,
        consent_text_version=consent_text_version,
        channel=channel,
        term_years=term_years,
        package_ids=package_ids,
        doctor_id=doctor_id,
        member_ids=member_ids,
        representative_id=representative_id,
    )
    return contract_info(session, new)


@dataclass(frozen=True)
class ExpiryResult:
    #: Contract numbers that became “已到期”.
    expired: tuple[str, ...]
    #: (old number, new number) of contracts renewed automatically.
    renewed: tuple[tuple[str, str], ...]


def _renew_automatically(session: Session, c: Contract) -> Contract | None:
    """The renewal of ``c`` with the consent it was signed with, or None when a rule
    refuses it (no member left, the doctor left the team, ...): nothing is changed then."""
    try:
        with session.begin_nested():
            return _renew(
                session,
                c,
                signed_at=now(session),
                consents=None,
                consent_text_version=c.consent_text_version,
                channel=None,
                term_years=None,
                package_ids=None,
                doctor_id=None,
                member_ids=None,
                representative_id=None,
            )
    except RuleError:
        return None


def _window(session: Session) -> tuple[int, int]:
    """How many days before the end date renewal opens, and after it closes."""
    return get_setting(session, CONTRACT_RENEWAL_OPENS_DAYS), get_setting(session, CONTRACT_RENEWAL_CLOSES_DAYS)


def _expire(session: Session, c: Contract) -> None:
    transition(c, ContractStatus.EXPIRED)
    for m in c.members:
        if m.is_active:
            m.is_active, m.ended_on = False, c.end_date
    session.flush()
    service_plan.close_open_services(session, c.id, c.end_date)


def _close_renewed(session: Session, on: date) -> None:
    """Close the services still open of contracts renewed before their end date, once it
    has passed."""
    rows = session.execute(
        select(PlannedService, Contract.end_date)
        .join(Contract, Contract.id == PlannedService.contract_id)
        .where(
            Contract.status == ContractStatus.RENEWED,
            Contract.end_date < on,
            PlannedService.status == PlannedServiceStatus.PLANNED,
        )
    ).all()
    for service, end in rows:
        service.status, service.closed_on = PlannedServiceStatus.CANCELLED, end


def expire_due_contracts(session: Session) -> ExpiryResult:
    """Active contracts whose end date is before today expire (members no longer covered),
    or are renewed with the consents already given when ``auto_renew`` is set; either way
    their services still open are closed on the end date, as are those of contracts renewed
    early whose end date has passed. A renewal that has itself ended by today is handled in
    the same call."""
    require(session, Permission.MANAGE_CONTRACTS)
    on = today(session)
    expired: list[str] = []
    renewed: list[tuple[str, str]] = []
    due_query = (
        select(Contract)
        .where(Contract.status == ContractStatus.ACTIVE, Contract.end_date < on)
        .order_by(Contract.end_date)
    )
    while due := session.scalars(due_query).all():
        for c in due:
            new = _renew_automatically(session, c) if c.auto_renew else None
            if new is not None:
                renewed.append((c.contract_no, new.contract_no))
            else:
                _expire(session, c)
                expired.append(c.contract_no)
        session.flush()
    _close_renewed(session, on)
    session.flush()
    return ExpiryResult(tuple(expired), tuple(renewed))


def _refuse_second_renewal(session: Session, old: Contract) -> None:
    """A contract is renewed once (the database does not refuse a second renewal: rows
    pulled from another laptop must fit; the county server reconciles those)."""
    renewal = session.scalar(
        select(Contract.contract_no).where(Contract.renewal_of_id == old.id, Contract.voided_at.is_(None)).limit(1)
    )
    if renewal is not None:
        raise RuleError(
            msg(
                "合同 {contract_no} 已经续约过（续约合同 {renewal}），不能再次续约。",
                "Contract {contract_no} has already been renewed (contract {renewal}); it cannot be renewed again.",
                contract_no=old.contract_no,
                renewal=renewal,
            )
        )
