"""Contracts (签约服务协议) and their state machine (DOMAIN.md §4):

    draft → active → expired | renewed | terminated;   expired → renewed

* ``draft_contract`` names the covered members, the family representative (a member), the
  team and its family doctor, the packages (fee split copied into ``contract_packages``),
  the term (1-3 years) and the start date; end = start + term years - 1 day.
* ``sign_contract`` needs the resident's separate consent (PIPL art. 28-29) and refuses a
  member who already has a contract in force (one family doctor per resident at a time);
  it activates the members and plans the services. The checks are in :mod:`contract_checks`.
* ``terminate_contract``: a reason from ``codes.TERMINATION_REASON``; services planned after
  the date are cancelled. ``end_membership`` takes one member out (death, moving out).
* Renewal and expiry (``renew_contract``, ``expire_due_contracts``) are in :mod:`contract_renewal`.

Any other transition is refused with a RuleError naming the current and requested status.
Use cases flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember, ContractPackage, Resident, Township
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
from fdclient.services.staff.organisation import get_team

#: Allowed transitions; anything else is refused.
TRANSITIONS = {"draft": {"active"}, "active": {"expired", "renewed", "terminated"}, "expired": {"renewed"}}
#: Dates of signing times are taken in China Standard Time (UTC+8, no daylight saving).
CHINA_TIME = timezone(timedelta(hours=8))


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
    scope: str
    household_id: uuid.UUID | None
    representative_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    start_date: date
    end_date: date
    term_years: int
    auto_renew: bool
    status: str
    channel: str
    consent_given: bool
    signed_at: datetime | None
    terminated_on: date | None
    termination_reason: str | None
    termination_note: str | None
    renewal_of_id: uuid.UUID | None
    members: tuple[ContractMemberInfo, ...]
    packages: tuple[ContractPackageInfo, ...]

    @property
    def status_label(self) -> str:
        return codes.CONTRACT_STATUS[self.status]

    @property
    def fee_total_fen(self) -> int:
        return sum(p.fee_total_fen for p in self.packages)


def contract_info(c: Contract) -> ContractInfo:
    return ContractInfo(
        id=c.id,
        contract_no=c.contract_no,
        scope=c.scope,
        household_id=c.household_id,
        representative_id=c.representative_id,
        team_id=c.team_id,
        doctor_id=c.doctor_id,
        start_date=c.start_date,
        end_date=c.end_date,
        term_years=c.term_years,
        auto_renew=c.auto_renew,
        status=c.status,
        channel=c.channel,
        consent_given=c.consent_given,
        signed_at=c.signed_at,
        terminated_on=c.terminated_on,
        termination_reason=c.termination_reason,
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
    contract = fetch(session, Contract, contract_id, "该签约合同", "contract_id")
    return contract


def get_contract(session: Session, contract_id: uuid.UUID) -> ContractInfo:
    return contract_info(get_contract_row(session, contract_id))


def transition(c: Contract, to: str) -> None:
    """Move ``c`` to status ``to``, or refuse a transition TRANSITIONS does not allow."""
    if to not in TRANSITIONS.get(c.status, ()):
        allowed = "、".join(f"“{codes.CONTRACT_STATUS[s]}”" for s in sorted(TRANSITIONS.get(c.status, ()))) or "无"
        raise RuleError(
            f"合同 {c.contract_no} 当前状态为“{codes.CONTRACT_STATUS[c.status]}”，"
            f"不能改为“{codes.CONTRACT_STATUS[to]}”（当前状态只能改为：{allowed}）。"
        )
    c.status = to


# --- use cases ---------------------------------------------------------------------------


def insert_contract(
    session: Session,
    *,
    scope,
    household_id,
    members,
    representative_id,
    team_id,
    doctor_id,
    packages,
    term_years,
    start_date,
    auto_renew,
    channel,
) -> Contract:
    """A new draft row with its number, members and packages (shared with renewal)."""
    if not isinstance(term_years, int) or not 1 <= term_years <= 3:
        raise ValidationError(f"签约期限应为 1 到 3 年，实际为 {term_years} 年。", field="term_years")
    if channel not in codes.SIGNING_CHANNEL:
        raise ValidationError(f"签约渠道“{channel}”不存在，应为：{'、'.join(codes.SIGNING_CHANNEL)}。", field="channel")
    if representative_id not in {r.id for r in members}:
        raise RuleError("家庭代表必须是签约成员之一。", field="representative_id")
    team = get_team(session, team_id)
    township = session.get(Township, team.township_id)
    contract = Contract(
        contract_no=next_contract_no(session, township.code, start_date.year),
        scope=scope,
        household_id=household_id,
        representative_id=representative_id,
        team_id=team_id,
        doctor_id=doctor_id,
        start_date=start_date,
        end_date=service_plan.contract_end(start_date, term_years),
        term_years=term_years,
        auto_renew=auto_renew,
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
    scope: str = "household",
    household_id: uuid.UUID | None = None,
    member_ids: Sequence[uuid.UUID] | None = None,
    term_years: int = 1,
    auto_renew: bool = False,
    channel: str = "door_to_door",
) -> ContractInfo:
    """A draft contract with its number. Household scope covers every active member unless
    ``member_ids`` says otherwise; individual scope covers exactly one resident."""
    members = covered_members(session, scope, household_id, member_ids)
    if scope == "individual":
        household_id = members[0].household_id
    check_doctor(session, team_id, doctor_id)
    packages = check_packages(session, package_ids, members, start_date, term_years)
    contract = insert_contract(
        session,
        scope=scope,
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


def activate(session: Session, c: Contract, *, signed_at: datetime, consented_at: datetime) -> None:
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
    channel: str,
    signature_png: bytes | None = None,
    consent_text_version: str | None = None,
) -> ContractInfo:
    """Sign a draft: it becomes active, its members covered and its services planned."""
    c = get_contract_row(session, contract_id)
    if c.status != "draft":
        transition(c, "active")
    check_consent(consent_given, signed_at)
    if channel not in codes.SIGNING_CHANNEL:
        raise ValidationError(f"签约渠道“{channel}”不存在，应为：{'、'.join(codes.SIGNING_CHANNEL)}。", field="channel")
    if signed_at.astimezone(CHINA_TIME).date() > c.end_date:
        raise RuleError(f"合同 {c.contract_no} 的服务期已于 {c.end_date.isoformat()} 结束，不能再签约，请重新起草。")
    member_rows = [get_resident_row(session, m.resident_id) for m in c.members]
    for r in member_rows:
        if r.voided_at is not None or r.status != "active":
            raise RuleError(f"{r.name} 的档案状态已不是“在册”，请从合同中去掉该居民后重新起草。")
    refuse_other_contracts(session, [r.id for r in member_rows])
    transition(c, "active")
    c.channel, c.consent_text_version = channel, consent_text_version
    if signature_png is not None:
        c.signature_png = signature_png
    activate(session, c, signed_at=signed_at, consented_at=signed_at)
    return contract_info(c)


def _terminate(session: Session, c: Contract, reason: str, on_date: date, note: str | None) -> None:
    transition(c, "terminated")
    c.termination_reason, c.terminated_on, c.termination_note = reason, on_date, note
    for m in c.members:
        if m.is_active:
            m.is_active, m.ended_on = False, on_date
    session.flush()
    service_plan.cancel_planned(session, c.id, on_date)


def terminate_contract(
    session: Session, contract_id: uuid.UUID, *, reason: str, on_date: date, note: str | None = None
) -> ContractInfo:
    """Terminate (解约) an active contract; services planned after ``on_date`` are cancelled."""
    c = get_contract_row(session, contract_id)
    if reason not in codes.TERMINATION_REASON:
        known = "、".join(f"{k}（{v}）" for k, v in codes.TERMINATION_REASON.items())
        raise ValidationError(f"解约原因“{reason}”不存在，应为：{known}。", field="reason")
    note = (note or "").strip() or None
    if reason == "other" and note is None:
        raise ValidationError("解约原因为“其他”时请填写说明。", field="note")
    if note is not None and len(note) > 200:
        raise ValidationError(f"解约说明太长：最多 200 个字，实际为 {len(note)} 个。", field="note")
    if c.status == "active":
        signed = c.signed_at.astimezone(CHINA_TIME).date() if c.signed_at else c.start_date
        if not signed <= on_date <= c.end_date:
            raise ValidationError(
                f"解约日期 {on_date.isoformat()} 不对：应在签约日 {signed.isoformat()} 和到期日 {c.end_date.isoformat()} 之间。",
                field="on_date",
            )
    _terminate(session, c, reason, on_date, note)
    return contract_info(c)


def end_membership(
    session: Session, resident_id: uuid.UUID, on_date: date, *, reason: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The resident leaves the contract in force (death, moving out) on ``on_date``; the
    contract is terminated with ``reason`` when nobody is left. Returns (contracts left,
    contracts terminated, warnings for the user)."""
    member = session.scalar(
        select(ContractMember).where(ContractMember.resident_id == resident_id, ContractMember.is_active)
    )
    if member is None:
        return (), (), ()
    c = member.contract
    member.is_active, member.ended_on = False, on_date
    session.flush()
    service_plan.cancel_planned(session, c.id, on_date, resident_id=resident_id)
    if not any(m.is_active for m in c.members):
        _terminate(session, c, reason, on_date, None)
        return (c.contract_no,), (c.contract_no,), ()
    warnings: tuple[str, ...] = ()
    if c.representative_id == resident_id:
        warnings = (
            f"{session.get(Resident, resident_id).name} 是合同 {c.contract_no} 的家庭代表，请为该合同指定新的家庭代表。",
        )
    return (c.contract_no,), (), warnings


def change_representative(session: Session, contract_id: uuid.UUID, resident_id: uuid.UUID) -> ContractInfo:
    c = get_contract_row(session, contract_id)
    if c.status not in ("draft", "active"):
        raise RuleError(f"合同 {c.contract_no} 状态为“{codes.CONTRACT_STATUS[c.status]}”，不能更换家庭代表。")
    if not any(m.resident_id == resident_id and (m.is_active or c.status == "draft") for m in c.members):
        raise RuleError("新的家庭代表必须是该合同的签约成员。", field="representative_id")
    c.representative_id = resident_id
    session.flush()
    return contract_info(c)
