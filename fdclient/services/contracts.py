"""Contracts (签约服务协议) and their state machine (DOMAIN.md §4):

    draft → active → expired | renewed | terminated;   expired → renewed

* ``draft_contract`` names the covered members, the family representative (a member), the
  team and its family doctor, the packages (fee split copied into ``contract_packages``),
  the term (1-3 years) and the start date; end = start + term years - 1 day.
* ``sign_contract`` needs the resident's separate consent (PIPL art. 28-29) and refuses a
  member who already has a contract in force (one family doctor per resident at a time);
  it activates the members and plans the services.
* ``renew_contract``: an active or expired contract near or past its end; the members move to
  a new active contract that starts the day after the old end date.
* ``terminate_contract``: a reason from ``codes.TERMINATION_REASON``; services planned after
  the date are cancelled. ``expire_due_contracts`` ends (or auto-renews) contracts past end.

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

from ..errors import RuleError, ValidationError
from ..models import (
    Contract, ContractMember, ContractPackage, Household, Resident, ServicePackage, Staff, Township, codes, utcnow,
)
from . import service_plan
from .contract_numbers import next_contract_no
from .key_populations import KeyPopulation, compute_tags
from .packages import get_package
from .residents import get_resident_row, person_facts, resident_label
from .staff import DOCTOR_ROLES, get_team, is_team_member

#: Allowed transitions; anything else is refused.
TRANSITIONS = {"draft": {"active"}, "active": {"expired", "renewed", "terminated"}, "expired": {"renewed"}}
#: Renewal opens this many days before the end date and closes this many days after it.
RENEWAL_OPENS_DAYS_BEFORE = 90
RENEWAL_CLOSES_DAYS_AFTER = 90
#: Dates of signing times are taken in China Standard Time (UTC+8, no daylight saving).
CHINA_TIME = timezone(timedelta(hours=8))
CONSENT_REQUIRED = (
    "签约前必须取得居民对处理其健康信息（敏感个人信息）的单独同意（《个人信息保护法》第二十八、二十九条）。"
    "请居民阅读同意条款并确认同意后再签约。"
)


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
        id=c.id, contract_no=c.contract_no, scope=c.scope, household_id=c.household_id,
        representative_id=c.representative_id, team_id=c.team_id, doctor_id=c.doctor_id,
        start_date=c.start_date, end_date=c.end_date, term_years=c.term_years, auto_renew=c.auto_renew,
        status=c.status, channel=c.channel, consent_given=c.consent_given, signed_at=c.signed_at,
        terminated_on=c.terminated_on, termination_reason=c.termination_reason,
        termination_note=c.termination_note, renewal_of_id=c.renewal_of_id,
        members=tuple(ContractMemberInfo(m.resident_id, m.is_active, m.ended_on) for m in c.members),
        packages=tuple(
            ContractPackageInfo(p.package_id, p.package.name, p.fee_total_fen, p.fee_insurance_fen,
                                p.fee_public_health_fen, p.fee_resident_fen)
            for p in c.packages
        ),
    )


def get_contract_row(session: Session, contract_id: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise ValidationError("找不到该签约合同，请刷新后重试。", field="contract_id")
    return contract


def get_contract(session: Session, contract_id: uuid.UUID) -> ContractInfo:
    return contract_info(get_contract_row(session, contract_id))


def _move(c: Contract, to: str) -> None:
    if to not in TRANSITIONS.get(c.status, ()):
        allowed = "、".join(f"“{codes.CONTRACT_STATUS[s]}”" for s in sorted(TRANSITIONS.get(c.status, ()))) or "无"
        raise RuleError(
            f"合同 {c.contract_no} 当前状态为“{codes.CONTRACT_STATUS[c.status]}”，"
            f"不能改为“{codes.CONTRACT_STATUS[to]}”（当前状态只能改为：{allowed}）。"
        )
    c.status = to


# --- choosing members, doctor and packages -----------------------------------------------


def _covered(session: Session, scope: str, household_id: uuid.UUID | None, member_ids: Sequence[uuid.UUID] | None) -> list[Resident]:
    if scope not in codes.CONTRACT_SCOPE:
        raise ValidationError(f"签约方式“{scope}”不存在，应为 household（以家庭为单位）或 individual（个人）。", field="scope")
    if scope == "household":
        household = session.get(Household, household_id) if household_id else None
        if household is None or household.voided_at is not None:
            raise ValidationError("以家庭为单位签约需要选择一个家庭。", field="household_id")
        if member_ids is None:
            member_ids = session.scalars(
                select(Resident.id).where(Resident.household_id == household.id, Resident.voided_at.is_(None), Resident.status == "active")
            ).all()
    elif member_ids is None or len(set(member_ids)) != 1:
        raise ValidationError("个人签约只能选择一名居民。", field="member_ids")
    members = [get_resident_row(session, rid) for rid in dict.fromkeys(member_ids)]
    if not members:
        raise ValidationError("签约至少要包含一名居民。", field="member_ids")
    for r in members:
        if r.voided_at is not None or r.status != "active":
            state = "已作废" if r.voided_at is not None else codes.RESIDENT_STATUS[r.status]
            raise RuleError(f"{r.name} 的档案状态为“{state}”，不能签约。")
        if scope == "household" and r.household_id != household_id:
            raise RuleError(f"{r.name} 不是该家庭的成员，不能包含在家庭签约中。")
    return members


def _doctor(session: Session, team_id: uuid.UUID, doctor_id: uuid.UUID) -> None:
    team = get_team(session, team_id)
    doctor = session.get(Staff, doctor_id)
    if doctor is None:
        raise ValidationError("找不到所选的家庭医生，请刷新后重试。", field="doctor_id")
    if not team.active:
        raise RuleError(f"家庭医生团队“{team.name}”已停用，不能签约。")
    if not is_team_member(team, doctor.id):
        raise RuleError(f"{doctor.name} 不是团队“{team.name}”的成员，不能作为该团队的签约家庭医生。", field="doctor_id")
    if doctor.role not in DOCTOR_ROLES or not doctor.active:
        raise RuleError(f"{doctor.name}（{codes.STAFF_ROLE[doctor.role]}）不能作为签约家庭医生：应为在岗的医生。", field="doctor_id")


def _packages(
    session: Session, package_ids: Sequence[uuid.UUID], members: list[Resident], start: date, term_years: int
) -> list[ServicePackage]:
    """The packages, each active and with someone of its population in some contract year."""
    if not package_ids:
        raise ValidationError("请至少选择一个服务包。", field="package_ids")
    packages = [get_package(session, pid) for pid in dict.fromkeys(package_ids)]
    year_starts = [first for first, _ in service_plan.contract_years(start, max(1, min(term_years, 3)))]
    tags = {t.value for r in members for on in year_starts for t in compute_tags(person_facts(r), on)}
    for p in packages:
        if not p.active:
            raise RuleError(f"服务包“{p.name}”已停用，不能再签约。", field="package_ids")
        if p.target_population and p.target_population not in tags:
            label = KeyPopulation(p.target_population).label
            raise RuleError(f"服务包“{p.name}”面向{label}，所选居民中没有{label}。", field="package_ids")
    return packages


def _new_contract(session: Session, *, scope, household_id, members, representative_id, team_id, doctor_id,
                  packages, term_years, start_date, auto_renew, channel) -> Contract:
    if not isinstance(term_years, int) or not 1 <= term_years <= 3:
        raise ValidationError(f"签约期限应为 1 到 3 年，实际为 {term_years} 年。", field="term_years")
    if channel not in codes.SIGNING_CHANNEL:
        raise ValidationError(f"签约渠道“{channel}”不存在，应为：{'、'.join(codes.SIGNING_CHANNEL)}。", field="channel")
    if representative_id not in {r.id for r in members}:
        raise RuleError("家庭代表必须是签约成员之一。", field="representative_id")
    team = get_team(session, team_id)
    township = session.get(Township, team.township_id)
    contract = Contract(
        contract_no=next_contract_no(session, township.code, start_date.year), scope=scope,
        household_id=household_id, representative_id=representative_id, team_id=team_id, doctor_id=doctor_id,
        start_date=start_date, end_date=service_plan.contract_end(start_date, term_years), term_years=term_years,
        auto_renew=auto_renew, channel=channel,
    )
    session.add(contract)
    for r in members:
        contract.members.append(ContractMember(resident_id=r.id))
    for p in packages:
        contract.packages.append(
            ContractPackage(package_id=p.id, package=p, fee_total_fen=p.fee_total_fen, fee_insurance_fen=p.fee_insurance_fen,
                            fee_public_health_fen=p.fee_public_health_fen, fee_resident_fen=p.fee_resident_fen)
        )
    session.flush()
    return contract


def _refuse_other_contracts(session: Session, members: Sequence[uuid.UUID], except_contract: uuid.UUID | None = None) -> None:
    for resident_id in members:
        row = session.execute(
            select(ContractMember, Contract)
            .join(Contract, Contract.id == ContractMember.contract_id)
            .where(ContractMember.resident_id == resident_id, ContractMember.is_active)
        ).first()
        if row is None or row.Contract.id == except_contract:
            continue
        other = row.Contract
        doctor = session.get(Staff, other.doctor_id)
        r = session.get(Resident, resident_id)
        raise RuleError(
            f"{resident_label(session, r)} 已与家庭医生 {doctor.name} 签约（合同 {other.contract_no}，"
            f"有效期至 {other.end_date.isoformat()}）。同一居民同一时间只能有一位家庭医生：请先解约原合同，或到期后续约。"
        )


def _consent(consent_given: bool, signed_at: datetime) -> None:
    if not consent_given:
        raise RuleError(CONSENT_REQUIRED, field="consent_given")
    if signed_at.tzinfo is None:
        raise ValidationError("签约时间缺少时区信息。", field="signed_at")


# --- use cases ---------------------------------------------------------------------------


def draft_contract(
    session: Session, *, representative_id: uuid.UUID, team_id: uuid.UUID, doctor_id: uuid.UUID,
    package_ids: Sequence[uuid.UUID], start_date: date, scope: str = "household",
    household_id: uuid.UUID | None = None, member_ids: Sequence[uuid.UUID] | None = None,
    term_years: int = 1, auto_renew: bool = False, channel: str = "door_to_door",
) -> ContractInfo:
    """A draft contract with its number. Household scope covers every active member unless
    ``member_ids`` says otherwise; individual scope covers exactly one resident."""
    members = _covered(session, scope, household_id, member_ids)
    if scope == "individual":
        household_id = members[0].household_id
    _doctor(session, team_id, doctor_id)
    packages = _packages(session, package_ids, members, start_date, term_years)
    contract = _new_contract(
        session, scope=scope, household_id=household_id, members=members, representative_id=representative_id,
        team_id=team_id, doctor_id=doctor_id, packages=packages, term_years=term_years, start_date=start_date,
        auto_renew=auto_renew, channel=channel,
    )
    return contract_info(contract)


def _activate(session: Session, c: Contract, *, signed_at: datetime, consented_at: datetime) -> None:
    c.consent_given, c.consented_at, c.signed_at = True, consented_at, signed_at
    for m in c.members:
        m.is_active, m.ended_on = True, None
    session.flush()
    service_plan.plan_services(session, c)


def sign_contract(
    session: Session, contract_id: uuid.UUID, *, consent_given: bool, signed_at: datetime, channel: str,
    signature_png: bytes | None = None, consent_text_version: str | None = None,
) -> ContractInfo:
    """Sign a draft: it becomes active, its members covered and its services planned."""
    c = get_contract_row(session, contract_id)
    if c.status != "draft":
        _move(c, "active")
    _consent(consent_given, signed_at)
    if channel not in codes.SIGNING_CHANNEL:
        raise ValidationError(f"签约渠道“{channel}”不存在，应为：{'、'.join(codes.SIGNING_CHANNEL)}。", field="channel")
    if signed_at.astimezone(CHINA_TIME).date() > c.end_date:
        raise RuleError(f"合同 {c.contract_no} 的服务期已于 {c.end_date.isoformat()} 结束，不能再签约，请重新起草。")
    member_rows = [get_resident_row(session, m.resident_id) for m in c.members]
    for r in member_rows:
        if r.voided_at is not None or r.status != "active":
            raise RuleError(f"{r.name} 的档案状态已不是“在册”，请从合同中去掉该居民后重新起草。")
    _refuse_other_contracts(session, [r.id for r in member_rows])
    _move(c, "active")
    c.channel, c.consent_text_version = channel, consent_text_version
    if signature_png is not None:
        c.signature_png = signature_png
    _activate(session, c, signed_at=signed_at, consented_at=signed_at)
    return contract_info(c)


def _renew(session: Session, old: Contract, *, signed_at: datetime, consented_at: datetime, consent_text_version,
           channel: str | None, term_years: int | None, package_ids, doctor_id, member_ids, representative_id) -> Contract:
    if old.status not in ("active", "expired"):
        _move(old, "renewed")
    if member_ids is None:
        member_ids = [m.resident_id for m in old.members if m.is_active or (old.status == "expired" and m.ended_on == old.end_date)]
        member_ids = [rid for rid in member_ids if (r := session.get(Resident, rid)).status == "active" and r.voided_at is None]
    if not member_ids:
        raise RuleError(f"合同 {old.contract_no} 已没有可以续约的在册成员。")
    members = _covered(session, old.scope, old.household_id, member_ids)
    doctor_id = doctor_id or old.doctor_id
    _doctor(session, old.team_id, doctor_id)
    start = old.end_date + timedelta(days=1)
    if package_ids is None:
        package_ids = [cp.package_id for cp in old.packages if cp.package.active]
    packages = _packages(session, package_ids, members, start, term_years or old.term_years)
    _refuse_other_contracts(session, [r.id for r in members], except_contract=old.id)
    if representative_id is None:
        representative_id = old.representative_id if old.representative_id in {r.id for r in members} else members[0].id
    for m in old.members:
        if m.is_active:
            m.is_active, m.ended_on = False, old.end_date
    _move(old, "renewed")
    session.flush()  # the members leave the old contract before they join the new one
    new = _new_contract(
        session, scope=old.scope, household_id=old.household_id, members=members, representative_id=representative_id,
        team_id=old.team_id, doctor_id=doctor_id, packages=packages, term_years=term_years or old.term_years,
        start_date=start, auto_renew=old.auto_renew, channel=channel or old.channel,
    )
    new.renewal_of_id, new.status, new.consent_text_version = old.id, "active", consent_text_version
    _activate(session, new, signed_at=signed_at, consented_at=consented_at)
    return new


def renew_contract(
    session: Session, contract_id: uuid.UUID, *, consent_given: bool, signed_at: datetime, today: date,
    channel: str | None = None, term_years: int | None = None, package_ids: Sequence[uuid.UUID] | None = None,
    doctor_id: uuid.UUID | None = None, member_ids: Sequence[uuid.UUID] | None = None,
    representative_id: uuid.UUID | None = None, consent_text_version: str | None = None,
) -> ContractInfo:
    """Renew (续约) an active or expired contract near or past its end. The old contract
    becomes “已续约”; the new one is active from the day after the old end date. Members,
    packages, doctor and term default to the old contract's."""
    old = get_contract_row(session, contract_id)
    if old.status not in ("active", "expired"):
        _move(old, "renewed")
    opens = old.end_date - timedelta(days=RENEWAL_OPENS_DAYS_BEFORE)
    closes = old.end_date + timedelta(days=RENEWAL_CLOSES_DAYS_AFTER)
    if today < opens:
        raise RuleError(
            f"合同 {old.contract_no} 到 {old.end_date.isoformat()} 才到期，到期前 {RENEWAL_OPENS_DAYS_BEFORE} 天内"
            f"（{opens.isoformat()} 起）才能续约。"
        )
    if today > closes:
        raise RuleError(
            f"合同 {old.contract_no} 已于 {old.end_date.isoformat()} 到期，超过 {RENEWAL_CLOSES_DAYS_AFTER} 天不能续约，请重新签约。"
        )
    _consent(consent_given, signed_at)
    new = _renew(
        session, old, signed_at=signed_at, consented_at=signed_at, consent_text_version=consent_text_version,
        channel=channel, term_years=term_years, package_ids=package_ids, doctor_id=doctor_id,
        member_ids=member_ids, representative_id=representative_id,
    )
    return contract_info(new)


def _terminate(session: Session, c: Contract, reason: str, on_date: date, note: str | None) -> None:
    _move(c, "terminated")
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


@dataclass(frozen=True)
class ExpiryResult:
    #: Contract numbers that became “已到期”.
    expired: tuple[str, ...]
    #: (old number, new number) of contracts renewed automatically.
    renewed: tuple[tuple[str, str], ...]


def expire_due_contracts(session: Session, today: date) -> ExpiryResult:
    """Active contracts whose end date is before ``today`` expire (members no longer covered),
    or are renewed with the consent already given when ``auto_renew`` is set."""
    expired: list[str] = []
    renewed: list[tuple[str, str]] = []
    while due := session.scalars(
        select(Contract).where(Contract.status == "active", Contract.end_date < today).order_by(Contract.end_date)
    ).all():
        for c in due:
            if c.auto_renew:
                try:
                    with session.begin_nested():
                        new = _renew(
                            session, c, signed_at=utcnow(), consented_at=c.consented_at,
                            consent_text_version=c.consent_text_version, channel=None, term_years=None,
                            package_ids=None, doctor_id=None, member_ids=None, representative_id=None,
                        )
                    renewed.append((c.contract_no, new.contract_no))
                    continue
                except RuleError:
                    pass  # e.g. no member left, or the doctor left the team: the contract expires
            _move(c, "expired")
            for m in c.members:
                if m.is_active:
                    m.is_active, m.ended_on = False, c.end_date
            expired.append(c.contract_no)
        session.flush()
    return ExpiryResult(tuple(expired), tuple(renewed))


def end_membership(
    session: Session, resident_id: uuid.UUID, on_date: date, *, reason: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The resident leaves the contract in force (death, moving out) on ``on_date``; the
    contract is terminated with ``reason`` when nobody is left. Returns (contracts left,
    contracts terminated, warnings for the user)."""
    member = session.scalar(select(ContractMember).where(ContractMember.resident_id == resident_id, ContractMember.is_active))
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
        warnings = (f"{session.get(Resident, resident_id).name} 是合同 {c.contract_no} 的家庭代表，请为该合同指定新的家庭代表。",)
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
