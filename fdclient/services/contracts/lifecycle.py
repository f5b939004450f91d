"""Contracts (签约服务协议) and their lifecycle (DOMAIN.md §4); the state machine itself,
``draft → active → expired | renewed | terminated; expired → renewed``, is
:mod:`fdclient.domain.contract_states`, and any other change of status is refused there.

* ``draft_contract`` names the covered members, the family representative (a member), the
  team and its family doctor, the packages (fee split copied into ``contract_packages``),
  the term (1-3 years) and the start date; end = start + term years - 1 day.
* ``sign_contract`` needs the resident's separate consent (PIPL art. 28-29) and refuses a
  member who already has a contract in force (one family doctor per resident at a time);
  it activates the members and plans the services. The checks are in
  :mod:`fdclient.services.contracts.checks`.
* ``terminate_contract``: a :class:`TerminationReason`; services planned after the date are
  cancelled. ``end_membership`` takes one member out (death, moving out);
  :func:`end_membership_for_status_change` is the same for the resident's status change
  (``resident_status``), which has checked its own permission.
* Renewal and expiry (``renew_contract``, ``expire_due_contracts``) are in
  :mod:`fdclient.services.contracts.renewal`.

Changing contracts needs ``MANAGE_CONTRACTS``, reading one ``VIEW_RECORDS``. Use cases flush;
the unit of work commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import ContractScope, ContractStatus, ResidentStatus, SigningChannel, TerminationReason
from fdclient.domain.contract_states import check_transition, status_text
from fdclient.domain.roles import Permission
from fdclient.domain.time import china_date
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember, ContractPackage, Resident, ServicePackage
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.checks import (
    check_consent,
    check_doctor,
    check_packages,
    covered_members,
    refuse_other_contracts,
)
from fdclient.services.contracts.numbers import next_contract_no
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import get_resident_row
from fdclient.services.township import store_township
from fdclient.store.context import require
from fdclient.text import Text, msg

#: A contract runs for 1 to 3 years.
TERM_YEARS_RANGE = (1, 3)
#: Longest termination note.
NOTE_MAX_LENGTH = 200


@dataclass(frozen=True)
class ContractMemberInfo:
    resident_id: uuid.UUID
    is_active: bool
    ended_on: date | None


@dataclass(frozen=True)
class ContractPackageInfo:
    package_id: uuid.UUID
    name: str
    fee_total_fen: int
    fee_insurance_fen: int
    fee_public_health_fen: int
    fee_resident_fen: int


@dataclass(frozen=True)
class ContractInfo:
    id: uuid.UUID
    contract_no: str
    scope: ContractScope
    household_id: uuid.UUID | None
    representative_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    start_date: date
    end_date: date
    term_years: int
    auto_renew: bool
    status: ContractStatus
    channel: SigningChannel
    consent_given: bool
    signed_at: datetime | None
    terminated_on: date | None
    termination_reason: TerminationReason | None
    termination_note: str | None
    renewal_of_id: uuid.UUID | None
    members: tuple[ContractMemberInfo, ...]
    packages: tuple[ContractPackageInfo, ...]

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def fee_total_fen(self) -> int:
        return sum(p.fee_total_fen for p in self.packages)


def contract_info(c: Contract) -> ContractInfo:
    return ContractInfo(
        id=c.id,
        contract_no=c.contract_no,
        scope=ContractScope(c.scope),
        household_id=c.household_id,
        representative_id=c.representative_id,
        team_id=c.team_id,
        doctor_id=c.doctor_id,
        start_date=c.start_date,
        end_date=c.end_date,
        term_years=c.term_years,
        auto_renew=c.auto_renew,
        status=ContractStatus(c.status),
        channel=SigningChannel(c.channel),
        consent_given=c.consent_given,
        signed_at=c.signed_at,
        terminated_on=c.terminated_on,
        termination_reason=TerminationReason(c.termination_reason) if c.termination_reason else None,
        termination_note=c.termination_note,
        renewal_of_id=c.renewal_of_id,
        members=tuple(ContractMemberInfo(m.resident_id, m.is_active, m.ended_on) for m in c.members),
        packages=tuple(
            ContractPackageInfo(
                p.package_id,
                p.package.name,
                p.fee_total_fen,
                p.fee_insurance_fen,
                p.fee_public_health_fen,
                p.fee_resident_fen,
            )
            for p in c.packages
        ),
    )


def get_contract_row(session: Session, contract_id: uuid.UUID) -> Contract:
    """The contract row (for other use cases; no permission check)."""
    return fetch(session, Contract, contract_id, msg("该签约合同", "the contract"), "contract_id")


def get_contract(session: Session, contract_id: uuid.UUID) -> ContractInfo:
    require(session, Permission.VIEW_RECORDS)
    return contract_info(get_contract_row(session, contract_id))


def transition(c: Contract, to: ContractStatus) -> None:
    """Move ``c`` to status ``to``, or refuse a change the state machine does not allow."""
    check_transition(c.contract_no, ContractStatus(c.status), to)
    c.status = to


def check_channel(channel: SigningChannel | str) -> SigningChannel:
    """The signing channel, or a ValidationError listing the known ones."""
    if channel not in codes.SIGNING_CHANNEL:
        raise ValidationError(
            msg(
                "签约渠道“{channel}”不存在，应为：{known}。",
                "Signing channel “{channel}” does not exist; it must be one of: {known}.",
                channel=channel,
                known=msg("、".join(SigningChannel), ", ".join(SigningChannel)),
            ),
            field="channel",
        )
    return SigningChannel(channel)


def _termination_reason(reason: TerminationReason | str) -> TerminationReason:
    if reason not in codes.TERMINATION_REASON:
        raise ValidationError(
            msg(
                "解约原因“{reason}”不存在，应为：{known}。",
                "Termination reason “{reason}” does not exist; it must be one of: {known}.",
                reason=reason,
                known=msg(
                    "、".join(f"{r.value}（{r.label}）" for r in TerminationReason), ", ".join(TerminationReason)
                ),
            ),
            field="reason",
        )
    return TerminationReason(reason)


# --- use cases ---------------------------------------------------------------------------


def insert_contract(
    session: Session,
    *,
    scope: ContractScope,
    household_id: uuid.UUID | None,
    members: Sequence[Resident],
    representative_id: uuid.UUID,
    team_id: uuid.UUID,
    doctor_id: uuid.UUID,
    packages: Sequence[ServicePackage],
    term_years: int,
    start_date: date,
    auto_renew: bool,
    channel: SigningChannel | str,
) -> Contract:
    """A new draft row with its number, members and packages (for drafting and renewal,
    which have checked the permission, the members, the doctor and the packages)."""
    shortest, longest = TERM_YEARS_RANGE
    if isinstance(term_years, bool) or not isinstance(term_years, int) or not shortest <= term_years <= longest:
        raise ValidationError(
            msg(
                "签约期限应为 {shortest} 到 {longest} 年，实际为 {term} 年。",
                "The term must be {shortest} to {longest} years, not {term}.",
                shortest=shortest,
                longest=longest,
                term=term_years,
            ),
            field="term_years",
        )
    channel = check_channel(channel)
    if representative_id not in {r.id for r in members}:
        raise RuleError(
            msg("家庭代表必须是签约成员之一。", "The family representative must be one of the covered members."),
            field="representative_id",
        )
    contract = Contract(
        contract_no=next_contract_no(session, store_township(session).code, start_date.year),
        scope=scope,
        household_id=household_id,
        representative_id=representative_id,
        team_id=team_id,
        doctor_id=doctor_id,
        start_date=start_date,
        end_date=service_plan.contract_end(start_date, term_years),
        term_years=term_years,
        auto_renew=auto_renew,
        status=ContractStatus.DRAFT,
        channel=channel,
    )
    session.add(contract)
    for r in members:
        contract.members.append(ContractMember(resident_id=r.id))
    for p in packages:
        contract.packages.append(
            ContractPackage(
                package_id=p.id,
                package=p,
                fee_total_fen=p.fee_total_fen,
                fee_insurance_fen=p.fee_insurance_fen,
                fee_public_health_fen=p.fee_public_health_fen,
                fee_resident_fen=p.fee_resident_fen,
            )
        )
    session.flush()
    return contract


def draft_contract(
    session: Session,
    *,
    representative_id: uuid.UUID,
    team_id: uuid.UUID,
    doctor_id: uuid.UUID,
    package_ids: Sequence[uuid.UUID],
    start_date: date,
    scope: ContractScope | str = ContractScope.HOUSEHOLD,
    household_id: uuid.UUID | None = None,
    member_ids: Sequence[uuid.UUID] | None = None,
    term_years: int = 1,
    auto_renew: bool = False,
    channel: SigningChannel | str = SigningChannel.DOOR_TO_DOOR,
) -> ContractInfo:
    """A draft contract with its number. Household scope covers every active member unless
    ``member_ids`` says otherwise; individual scope covers exactly one resident."""
    require(session, Permission.MANAGE_CONTRACTS)
    members = covered_members(session, scope, household_id, member_ids)
    if scope == ContractScope.INDIVIDUAL:
        household_id = members[0].household_id
    check_doctor(session, team_id, doctor_id)
    packages = check_packages(session, package_ids, members, start_date, term_years)
    contract = insert_contract(
        session,
        scope=ContractScope(scope),
        household_id=household_id,
        members=members,
        representative_id=representative_id,
        team_id=team_id,
        doctor_id=doctor_id,
        packages=packages,
        term_years=term_years,
        start_date=start_date,
        auto_renew=auto_renew,
        channel=channel,
    )
    return contract_info(contract)


def activate(session: Session, c: Contract, *, signed_at: datetime, consented_at: datetime | None) -> None:
    """Cover the members and plan the services of a contract being signed or renewed."""
    c.consent_given, c.consented_at, c.signed_at = True, consented_at, signed_at
    for m in c.members:
        m.is_active, m.ended_on = True, None
    session.flush()
    service_plan.plan_services(session, c)


def sign_contract(
    session: Session,
    contract_id: uuid.UUID,
    *,
    consent_given: bool,
    signed_at: datetime,
    channel: SigningChannel | str,
    signature_png: bytes | None = None,
    consent_text_version: str | None = None,
) -> ContractInfo:
    """Sign a draft: it becomes active, its members covered and its services planned."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    check_transition(c.contract_no, ContractStatus(c.status), ContractStatus.ACTIVE)
    check_consent(consent_given, signed_at)
    channel = check_channel(channel)
    if china_date(signed_at) > c.end_date:
        raise RuleError(
            msg(
                "合同 {contract_no} 的服务期已于 {end} 结束，不能再签约，请重新起草。",
                "The service period of contract {contract_no} ended on {end}; it can no longer be signed. Draft a"
                " new one.",
                contract_no=c.contract_no,
                end=c.end_date.isoformat(),
            )
        )
    member_rows = [get_resident_row(session, m.resident_id) for m in c.members]
    for r in member_rows:
        if r.voided_at is not None or r.status != ResidentStatus.ACTIVE:
            raise RuleError(
                msg(
                    "{name} 的档案状态已不是“在册”，请从合同中去掉该居民后重新起草。",
                    "The record of {name} is no longer “active”; draft the contract again without this resident.",
                    name=r.name,
                )
            )
    refuse_other_contracts(session, [r.id for r in member_rows])
    transition(c, ContractStatus.ACTIVE)
    c.channel, c.consent_text_version = channel, consent_text_version
    if signature_png is not None:
        c.signature_png = signature_png
    activate(session, c, signed_at=signed_at, consented_at=signed_at)
    return contract_info(c)


def _terminate(session: Session, c: Contract, reason: TerminationReason, on_date: date, note: str | None) -> None:
    transition(c, ContractStatus.TERMINATED)
    c.termination_reason, c.terminated_on, c.termination_note = reason, on_date, note
    for m in c.members:
        if m.is_active:
            m.is_active, m.ended_on = False, on_date
    session.flush()
    service_plan.cancel_planned(session, c.id, on_date)


def terminate_contract(
    session: Session,
    contract_id: uuid.UUID,
    *,
    reason: TerminationReason | str,
    on_date: date,
    note: str | None = None,
) -> ContractInfo:
    """Terminate (解约) an active contract; services planned after ``on_date`` are cancelled."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    reason = _termination_reason(reason)
    note = (note or "").strip() or None
    if reason == TerminationReason.OTHER and note is None:
        raise ValidationError(
            msg(
                "解约原因为“其他”时请填写说明。",
                "When the reason for termination is “other”, please write an explanation.",
            ),
            field="note",
        )
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            msg(
                "解约说明太长：最多 {most} 个字，实际为 {length} 个。",
                "The termination note is too long: at most {most} characters, it has {length}.",
                most=NOTE_MAX_LENGTH,
                length=len(note),
            ),
            field="note",
        )
    if c.status == ContractStatus.ACTIVE:
        signed = china_date(c.signed_at) if c.signed_at else c.start_date
        if not signed <= on_date <= c.end_date:
            raise ValidationError(
                msg(
                    "解约日期 {on} 不对：应在签约日 {signed} 和到期日 {end} 之间。",
                    "The termination date {on} is wrong: it must be between the signing date {signed} and the end"
                    " date {end}.",
                    on=on_date.isoformat(),
                    signed=signed.isoformat(),
                    end=c.end_date.isoformat(),
                ),
                field="on_date",
            )
    _terminate(session, c, reason, on_date, note)
    return contract_info(c)


class MembershipEnd(NamedTuple):
    """What ending a resident's membership did."""

    #: Numbers of the contracts the resident left.
    left: tuple[str, ...]
    #: Numbers of the contracts terminated because nobody was left in them.
    terminated: tuple[str, ...]
    #: What the user should do next (name a new family representative).
    warnings: tuple[Text, ...]


def end_membership(
    session: Session, resident_id: uuid.UUID, on_date: date, *, reason: TerminationReason | str
) -> MembershipEnd:
    """The resident leaves the contract in force on ``on_date``; the contract is terminated
    with ``reason`` when nobody is left."""
    require(session, Permission.MANAGE_CONTRACTS)
    return end_membership_for_status_change(session, resident_id, on_date, reason=_termination_reason(reason))


def end_membership_for_status_change(
    session: Session, resident_id: uuid.UUID, on_date: date, *, reason: TerminationReason
) -> MembershipEnd:
    """:func:`end_membership` without the permission check, for the resident status use
    cases (death, moving out), which check their own permission before calling it."""
    member = session.scalar(
        select(ContractMember).where(ContractMember.resident_id == resident_id, ContractMember.is_active)
    )
    if member is None:
        return MembershipEnd((), (), ())
    c = member.contract
    member.is_active, member.ended_on = False, on_date
    session.flush()
    service_plan.cancel_planned(session, c.id, on_date, resident_id=resident_id)
    if not any(m.is_active for m in c.members):
        _terminate(session, c, reason, on_date, None)
        return MembershipEnd((c.contract_no,), (c.contract_no,), ())
    warnings: tuple[Text, ...] = ()
    if c.representative_id == resident_id:
        warnings = (
            msg(
                "{name} 是合同 {contract_no} 的家庭代表，请为该合同指定新的家庭代表。",
                "{name} is the family representative of contract {contract_no}; name a new representative for it.",
                name=get_resident_row(session, resident_id).name,
                contract_no=c.contract_no,
            ),
        )
    return MembershipEnd((c.contract_no,), (), warnings)


def change_representative(session: Session, contract_id: uuid.UUID, resident_id: uuid.UUID) -> ContractInfo:
    """Name another covered member the family representative of a draft or active contract."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    status = ContractStatus(c.status)
    if status not in (ContractStatus.DRAFT, ContractStatus.ACTIVE):
        raise RuleError(
            msg(
                "合同 {contract_no} 状态为“{status}”，不能更换家庭代表。",
                "Contract {contract_no} is “{status}”; its family representative cannot be changed.",
                contract_no=c.contract_no,
                status=status_text(status),
            )
        )
    if not any(m.resident_id == resident_id and (m.is_active or status == ContractStatus.DRAFT) for m in c.members):
        raise RuleError(
            msg(
                "新的家庭代表必须是该合同的签约成员。",
                "The new family representative must be a member covered by the contract.",
            ),
            field="representative_id",
        )
    c.representative_id = resident_id
    session.flush()
    return contract_info(c)
