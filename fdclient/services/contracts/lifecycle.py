"""Contracts (签约服务协议) and their lifecycle (DOMAIN.md §4); the state machine itself,
``draft → active → expired | renewed | terminated; expired → renewed``, is
:mod:`fdclient.domain.contract_states`, and any other change of status is refused there.

* ``draft_contract`` names the covered members, the family representative (a covered member
  or an adult of the household), the team and its family doctor, the packages (fee split
  copied into ``contract_packages``), the term (1-3 years; the township's default term when
  none is given) and the start date; end = start + term years - 1 day. Auto-renewal
  defaults to the township's setting. ``void_draft`` discards a draft with a reason.
* ``sign_contract`` needs every covered member's separate consent (PIPL art. 28-31; a
  guardian's for a child: :mod:`fdclient.services.contracts.consent`) and refuses a member
  who already has a contract in force (one family doctor per resident at a time); it
  activates the members and plans the services. Other checks are in
  :mod:`fdclient.services.contracts.checks`.
* ``join_contract``: a newborn or a new household member joins an active household
  contract from a date, with their consent; their services are planned from that day.
* ``terminate_contract``: a :class:`TerminationReason`; the services still open are closed
  on the date. ``end_membership`` takes one member out (death, moving out);
  :func:`end_membership_for_status_change` is the same for the resident's status change
  (``resident_status``), which has checked its own permission.
* Renewal and expiry (``renew_contract``, ``expire_due_contracts``) are in
  :mod:`fdclient.services.contracts.renewal`.

Changing contracts needs ``MANAGE_CONTRACTS``, reading one ``VIEW_RECORDS``. Use cases flush;
the unit of work commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
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
from fdclient.models import Contract, ContractMember, ContractPackage, Resident, ServicePackage, new_id
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.checks import (
    check_doctor,
    check_packages,
    check_signed_at,
    covered_members,
    refuse_other_contracts,
)
from fdclient.services.contracts.consent import (
    CheckedConsent,
    MemberConsent,
    check_consents,
    check_representative,
    check_signer,
    record_consent,
    stored_consent,
)
from fdclient.services.contracts.info import ContractInfo, contract_info, get_contract_row
from fdclient.services.contracts.numbers import next_contract_no
from fdclient.services.registry.residents import get_resident_row
from fdclient.services.township import store_township
from fdclient.services.voiding import void_row
from fdclient.settings import CONTRACT_AUTO_RENEW, CONTRACT_DEFAULT_TERM_YEARS, get_setting
from fdclient.store.context import now, require, today
from fdclient.text import Text, msg

#: A contract runs for 1 to 3 years.
TERM_YEARS_RANGE = (1, 3)
#: Longest termination note.
NOTE_MAX_LENGTH = 200
#: A consent as written on a member's row: what was given, and when.
GivenConsent = tuple[CheckedConsent, datetime]


def get_contract(session: Session, contract_id: uuid.UUID) -> ContractInfo:
    require(session, Permission.VIEW_RECORDS)
    return contract_info(session, get_contract_row(session, contract_id))


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


def check_term(term_years: int) -> None:
    """The term is a whole number of years in :data:`TERM_YEARS_RANGE`."""
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


def _refuse_voided(c: Contract) -> None:
    if c.voided_at is not None:
        raise RuleError(
            msg(
                "合同 {contract_no} 是已作废的草稿（原因：{reason}），不能再使用。",
                "Contract {contract_no} is a voided draft (reason: {reason}) and can no longer be used.",
                contract_no=c.contract_no,
                reason=c.void_reason,
            )
        )


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
    contract_id: uuid.UUID | None = None,
) -> Contract:
    """A new draft row with its number, members and packages (for drafting and renewal,
    which have checked the permission, the members, the representative, the doctor and
    the packages). ``contract_id``: a derived id (a renewal's, :func:`renewal_id`); its
    members and packages then get ids derived from it too."""
    check_term(term_years)
    channel = check_channel(channel)
    contract = Contract(
        id=contract_id or new_id(),
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
        contract.members.append(ContractMember(id=contract_part_id(contract_id, "member", r.id), resident_id=r.id))
    for p in packages:
        contract.packages.append(
            ContractPackage(
                id=contract_part_id(contract_id, "package", p.id),
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


#: Fixed namespace of the ids derived from a contract (never change it).
DERIVED_NAMESPACE = uuid.UUID("8a0f4d2c-6e1b-5f37-a9c4-1d2e3f4a5b6c")


def renewal_id(old_id: uuid.UUID) -> uuid.UUID:
    """The id of the contract renewing ``old_id``: the same on every laptop, so a contract
    renewed on two laptops offline (the automatic renewal at expiry runs on each) is one
    record to the county server, not two."""
    return uuid.uuid5(DERIVED_NAMESPACE, f"renewal:{old_id.hex}")


def contract_part_id(contract_id: uuid.UUID | None, part: str, key: uuid.UUID) -> uuid.UUID:
    """A member's or package's row id: derived from a derived contract id, else new."""
    return uuid.uuid5(DERIVED_NAMESPACE, f"{contract_id.hex}:{part}:{key.hex}") if contract_id else new_id()


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
    term_years: int | None = None,
    auto_renew: bool | None = None,
    channel: SigningChannel | str = SigningChannel.DOOR_TO_DOOR,
) -> ContractInfo:
    """A draft contract with its number. Household scope covers every active member unless
    ``member_ids`` says otherwise; individual scope covers exactly one resident. The term
    and auto-renewal default to the township's settings."""
    require(session, Permission.MANAGE_CONTRACTS)
    if term_years is None:
        term_years = get_setting(session, CONTRACT_DEFAULT_TERM_YEARS)
    if auto_renew is None:
        auto_renew = get_setting(session, CONTRACT_AUTO_RENEW)
    check_term(term_years)
    members = covered_members(session, scope, household_id, member_ids)
    if scope == ContractScope.INDIVIDUAL:
        household_id = members[0].household_id
    check_representative(members, get_resident_row(session, representative_id), household_id, today(session))
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
    return contract_info(session, contract)


def void_draft(session: Session, contract_id: uuid.UUID, reason: str) -> ContractInfo:
    """Discard a draft that will not be signed (作废), with a reason; it keeps its number."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    status = ContractStatus(c.status)
    if status != ContractStatus.DRAFT:
        raise RuleError(
            msg(
                "合同 {contract_no} 状态为“{status}”：只有草稿可以作废，已签约的合同请解约。",
                "Contract {contract_no} is “{status}”: only a draft can be voided; terminate a signed contract"
                " instead.",
                contract_no=c.contract_no,
                status=status_text(status),
            )
        )
    void_row(session, c, reason, label=msg("合同 {no}", "Contract {no}", no=c.contract_no))
    session.flush()
    return contract_info(session, c)


def activate(session: Session, c: Contract, *, signed_at: datetime, consents: Mapping[uuid.UUID, GivenConsent]) -> None:
    """Cover the members with their consents and plan the services of a contract being
    signed or renewed."""
    with session.no_autoflush:  # the status has moved; its consent is written below
        refuse_other_contracts(session, [m.resident_id for m in c.members], except_contract=c.id)
    c.consent_given, c.consented_at, c.signed_at = True, max(at for _, at in consents.values()), signed_at
    for m in c.members:
        consent, at = consents[m.resident_id]
        record_consent(m, consent, at)
        m.is_active, m.ended_on = True, None
    session.flush()
    service_plan.plan_services(session, c)


def _stored_consents(c: Contract) -> dict[uuid.UUID, CheckedConsent]:
    """The consents of the members covered now, as stored."""
    return {m.resident_id: given for m in c.members if m.is_active and (given := stored_consent(m)) is not None}


def check_members_consent(
    session: Session,
    representative_id: uuid.UUID,
    household_id: uuid.UUID | None,
    members: Sequence[Resident],
    consents: Sequence[MemberConsent],
    on: date,
) -> dict[uuid.UUID, CheckedConsent]:
    """The members' consents given on ``on``, and a representative able to sign for them."""
    representative = get_resident_row(session, representative_id)
    check_representative(members, representative, household_id, on)
    checked = check_consents(members, consents, representative_id=representative.id, on=on)
    check_signer(representative, checked, on)
    return checked


def sign_contract(
    session: Session,
    contract_id: uuid.UUID,
    *,
    consents: Sequence[MemberConsent],
    signed_at: datetime,
    channel: SigningChannel | str,
    signature_png: bytes | None = None,
    consent_text_version: str | None = None,
) -> ContractInfo:
    """Sign a draft with every covered member's consent: it becomes active, its members
    covered and its services planned."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    _refuse_voided(c)
    check_transition(c.contract_no, ContractStatus(c.status), ContractStatus.ACTIVE)
    check_signed_at(signed_at)
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
    checked = check_members_consent(
        session, c.representative_id, c.household_id, member_rows, consents, china_date(signed_at)
    )
    refuse_other_contracts(session, [r.id for r in member_rows])
    transition(c, ContractStatus.ACTIVE)
    c.channel, c.consent_text_version = channel, consent_text_version
    if signature_png is not None:
        c.signature_png = signature_png
    activate(session, c, signed_at=signed_at, consents={rid: (given, signed_at) for rid, given in checked.items()})
    return contract_info(session, c)


def join_contract(
    session: Session, contract_id: uuid.UUID, resident_id: uuid.UUID, *, joined_on: date, consent: MemberConsent
) -> ContractInfo:
    """A newborn or a new member of the household joins an active household contract from
    ``joined_on`` (not before the contract's start or their birth, not after today), with
    their consent given now; their services are planned from that day to the end."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    status = ContractStatus(c.status)
    if status != ContractStatus.ACTIVE or c.scope != ContractScope.HOUSEHOLD:
        raise RuleError(
            msg(
                "合同 {contract_no} 不是履约中的家庭签约（状态为“{status}”）：请为该居民另行签约。",
                "Contract {contract_no} is not a household contract in force (it is “{status}”): sign a contract for"
                " this resident instead.",
                contract_no=c.contract_no,
                status=status_text(status),
            )
        )
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None or r.status != ResidentStatus.ACTIVE or r.household_id != c.household_id:
        raise RuleError(
            msg(
                "{name} 不是该家庭的在册成员，不能加入合同 {contract_no}。",
                "{name} is not a registered member of this household and cannot join contract {contract_no}.",
                name=r.name,
                contract_no=c.contract_no,
            ),
            field="resident_id",
        )
    if any(m.resident_id == resident_id for m in c.members):
        raise RuleError(
            msg(
                "{name} 已是（或曾是）合同 {contract_no} 的成员，不能再次加入：请另行签约。",
                "{name} is or was a member of contract {contract_no} and cannot join it again: sign a contract"
                " instead.",
                name=r.name,
                contract_no=c.contract_no,
            ),
            field="resident_id",
        )
    earliest, latest = max(c.start_date, r.birth_date), min(c.end_date, today(session))
    if not earliest <= joined_on <= latest:
        raise ValidationError(
            msg(
                "加入日期 {on} 不对：应在 {earliest} 到 {latest} 之间（不早于合同开始和出生日期，不晚于今天和合同到期日）。",
                "The joining date {on} is wrong: it must be from {earliest} to {latest} (not before the contract's"
                " start or the birth date, not after today or the end date).",
                on=joined_on.isoformat(),
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            ),
            field="joined_on",
        )
    if consent.resident_id != resident_id:
        raise ValidationError(
            msg("同意记录应为加入的居民本人的。", "The consent must be that of the resident who joins."),
            field="consents",
        )
    refuse_other_contracts(session, [resident_id])
    on = today(session)
    checked = check_consents([r], [consent], representative_id=c.representative_id, on=on)
    check_signer(get_resident_row(session, c.representative_id), {**_stored_consents(c), **checked}, on)
    member = ContractMember(resident_id=resident_id, is_active=True, joined_on=joined_on)
    record_consent(member, checked[resident_id], now(session))
    c.members.append(member)
    session.flush()
    service_plan.plan_member(session, c, r, joined_on)
    return contract_info(session, c)


def _terminate(session: Session, c: Contract, reason: TerminationReason, on_date: date, note: str | None) -> None:
    transition(c, ContractStatus.TERMINATED)
    c.termination_reason, c.terminated_on, c.termination_note = reason, on_date, note
    for m in c.members:
        if m.is_active:
            m.is_active, m.ended_on = False, on_date
    session.flush()
    service_plan.close_open_services(session, c.id, on_date)


def terminate_contract(
    session: Session,
    contract_id: uuid.UUID,
    *,
    reason: TerminationReason | str,
    on_date: date,
    note: str | None = None,
) -> ContractInfo:
    """Terminate (解约) an active contract on ``on_date`` (not after today); the services
    still open are closed that day."""
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
        latest = min(c.end_date, today(session))
        if not signed <= on_date <= latest:
            raise ValidationError(
                msg(
                    "解约日期 {on} 不对：应在签约日 {signed} 和 {latest} 之间（不晚于今天和到期日 {end}）。",
                    "The termination date {on} is wrong: it must be between the signing date {signed} and {latest}"
                    " (not after today or the end date {end}).",
                    on=on_date.isoformat(),
                    signed=signed.isoformat(),
                    latest=latest.isoformat(),
                    end=c.end_date.isoformat(),
                ),
                field="on_date",
            )
    _terminate(session, c, reason, on_date, note)
    return contract_info(session, c)


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
    cases (death, moving out), which check their own permission before calling it. Every
    draft or active contract the resident represents (covered by it or not) gets a warning."""
    left: tuple[str, ...] = ()
    terminated: tuple[str, ...] = ()
    member = session.scalar(
        select(ContractMember).where(ContractMember.resident_id == resident_id, ContractMember.is_active)
    )
    if member is not None:
        c = member.contract
        member.is_active, member.ended_on = False, on_date
        session.flush()
        service_plan.close_open_services(session, c.id, on_date, resident_id=resident_id)
        left = (c.contract_no,)
        if not any(m.is_active for m in c.members):
            _terminate(session, c, reason, on_date, None)
            terminated = (c.contract_no,)
    represented = session.scalars(
        select(Contract)
        .where(
            Contract.representative_id == resident_id,
            Contract.status.in_((ContractStatus.DRAFT, ContractStatus.ACTIVE)),
            Contract.voided_at.is_(None),
        )
        .order_by(Contract.contract_no)
    ).all()
    name = get_resident_row(session, resident_id).name
    warnings = tuple(
        msg(
            "{name} 是合同 {contract_no} 的家庭代表，请为该合同指定新的家庭代表。",
            "{name} is the family representative of contract {contract_no}; name a new representative for it.",
            name=name,
            contract_no=c.contract_no,
        )
        for c in represented
    )
    return MembershipEnd(left, terminated, warnings)


def change_representative(session: Session, contract_id: uuid.UUID, resident_id: uuid.UUID) -> ContractInfo:
    """Name another family representative of a draft or active contract: a covered member,
    or an adult member of the household."""
    require(session, Permission.MANAGE_CONTRACTS)
    c = get_contract_row(session, contract_id)
    _refuse_voided(c)
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
    covered = [
        get_resident_row(session, m.resident_id) for m in c.members if m.is_active or status == ContractStatus.DRAFT
    ]
    representative = get_resident_row(session, resident_id)
    check_representative(covered, representative, c.household_id, today(session))
    if status == ContractStatus.ACTIVE:  # a draft's signer is checked when it is signed
        own = _stored_consents(c).get(resident_id)
        check_signer(representative, {resident_id: own} if own else {}, today(session))
    c.representative_id = resident_id
    session.flush()
    return contract_info(session, c)
