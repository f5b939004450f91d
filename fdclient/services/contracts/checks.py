"""Checks made before a contract is drafted, signed or renewed (DOMAIN.md §4): who it covers,
its family doctor, its packages, the one-family-doctor-at-a-time rule and the resident's
separate consent. Each raises a ValidationError or RuleError in Chinese; nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.key_populations import KeyPopulation, compute_tags
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember, Household, Resident, ServicePackage, Staff
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.packages import get_package
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import get_resident_row, person_facts, resident_label
from fdclient.services.staff.organisation import DOCTOR_ROLES, get_team, is_team_member

CONSENT_REQUIRED = (
    "签约前必须取得居民对处理其健康信息（敏感个人信息）的单独同意（《个人信息保护法》第二十八、二十九条）。"
    "请居民阅读同意条款并确认同意后再签约。"
)


def covered_members(
    session: Session, scope: str, household_id: uuid.UUID | None, member_ids: Sequence[uuid.UUID] | None
) -> list[Resident]:
    """The active residents a contract of ``scope`` covers (a household's by default)."""
    if scope not in codes.CONTRACT_SCOPE:
        raise ValidationError(
            f"签约方式“{scope}”不存在，应为 household（以家庭为单位）或 individual（个人）。", field="scope"
        )
    if scope == "household":
        household = session.get(Household, household_id) if household_id else None
        if household is None or household.voided_at is not None:
            raise ValidationError("以家庭为单位签约需要选择一个家庭。", field="household_id")
        if member_ids is None:
            member_ids = session.scalars(
                select(Resident.id).where(
                    Resident.household_id == household.id, Resident.voided_at.is_(None), Resident.status == "active"
                )
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


def check_doctor(session: Session, team_id: uuid.UUID, doctor_id: uuid.UUID) -> None:
    """The doctor is an active doctor of the active team."""
    team = get_team(session, team_id)
    doctor = fetch(session, Staff, doctor_id, "所选的家庭医生", "doctor_id")
    if not team.active:
        raise RuleError(f"家庭医生团队“{team.name}”已停用，不能签约。")
    if not is_team_member(team, doctor.id):
        raise RuleError(f"{doctor.name} 不是团队“{team.name}”的成员，不能作为该团队的签约家庭医生。", field="doctor_id")
    if doctor.role not in DOCTOR_ROLES or not doctor.active:
        raise RuleError(
            f"{doctor.name}（{codes.STAFF_ROLE[doctor.role]}）不能作为签约家庭医生：应为在岗的医生。", field="doctor_id"
        )


def check_packages(
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


def refuse_other_contracts(
    session: Session, members: Sequence[uuid.UUID], except_contract: uuid.UUID | None = None
) -> None:
    """One family doctor per resident at a time: refuse a member already in another contract."""
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


def check_consent(consent_given: bool, signed_at: datetime) -> None:
    """The separate consent (PIPL art. 28-29) was given, at an aware signing time."""
    if not consent_given:
        raise RuleError(CONSENT_REQUIRED, field="consent_given")
    if signed_at.tzinfo is None:
        raise ValidationError("签约时间缺少时区信息。", field="signed_at")
