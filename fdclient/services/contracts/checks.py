"""Checks made before a contract is drafted, signed or renewed (DOMAIN.md §4): who it covers,
its family doctor, its packages, the one-family-doctor-at-a-time rule and the signing time
(the members' consent is :mod:`fdclient.services.contracts.consent`). Each raises a
ValidationError or RuleError; nothing is written. The use cases that call them check the
permissions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import ContractScope, ResidentStatus
from fdclient.domain.key_populations import KeyPopulation, compute_tags
from fdclient.domain.roles import Role
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember, Household, Resident, ServicePackage, Staff
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.packages import get_package
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import get_resident_row, person_facts, resident_label
from fdclient.services.staff.organisation import DOCTOR_ROLES, get_team, is_team_member
from fdclient.text import Text, msg

#: Longest term whose contract years a package's population is looked for in.
MAX_TERM_YEARS = 3


def _code_text(label: str, code: str) -> Text:
    """A code as shown in messages: its Chinese label, or the code itself in English."""
    return msg(label, code)


def _record_state(r: Resident) -> Text:
    if r.voided_at is not None:
        return msg("已作废", "voided")
    status = ResidentStatus(r.status)
    return _code_text(status.label, status.value)


def covered_members(
    session: Session,
    scope: ContractScope | str,
    household_id: uuid.UUID | None,
    member_ids: Sequence[uuid.UUID] | None,
) -> list[Resident]:
    """The active residents a contract of ``scope`` covers (a household's by default)."""
    if scope not in codes.CONTRACT_SCOPE:
        raise ValidationError(
            msg(
                "签约方式“{scope}”不存在，应为 household（以家庭为单位）或 individual（个人）。",
                "Contract scope “{scope}” does not exist; it must be household or individual.",
                scope=scope,
            ),
            field="scope",
        )
    if scope == ContractScope.HOUSEHOLD:
        household = session.get(Household, household_id) if household_id else None
        if household is None or household.voided_at is not None:
            raise ValidationError(
                msg("以家庭为单位签约需要选择一个家庭。", "A household contract needs a household."),
                field="household_id",
            )
        if member_ids is None:
            member_ids = session.scalars(
                select(Resident.id).where(
                    Resident.household_id == household.id,
                    Resident.voided_at.is_(None),
                    Resident.status == ResidentStatus.ACTIVE,
                )
            ).all()
    elif member_ids is None or len(set(member_ids)) != 1:
        raise ValidationError(
            msg("个人签约只能选择一名居民。", "An individual contract covers exactly one resident."), field="member_ids"
        )
    members = [get_resident_row(session, rid) for rid in dict.fromkeys(member_ids)]
    if not members:
        raise ValidationError(
            msg("签约至少要包含一名居民。", "A contract must cover at least one resident."), field="member_ids"
        )
    for r in members:
        if r.voided_at is not None or r.status != ResidentStatus.ACTIVE:
            raise RuleError(
                msg(
                    "{name} 的档案状态为“{state}”，不能签约。",
                    "The record of {name} is “{state}”; they cannot be covered by a contract.",
                    name=r.name,
                    state=_record_state(r),
                )
            )
        if scope == ContractScope.HOUSEHOLD and r.household_id != household_id:
            raise RuleError(
                msg(
                    "{name} 不是该家庭的成员，不能包含在家庭签约中。",
                    "{name} is not a member of this household and cannot be covered by its contract.",
                    name=r.name,
                )
            )
    return members


def check_doctor(session: Session, team_id: uuid.UUID, doctor_id: uuid.UUID) -> None:
    """The doctor is an active doctor of the active team."""
    team = get_team(session, team_id)
    doctor = fetch(session, Staff, doctor_id, msg("所选的家庭医生", "the chosen family doctor"), "doctor_id")
    if not team.active:
        raise RuleError(
            msg(
                "家庭医生团队“{team}”已停用，不能签约。",
                "The family doctor team “{team}” is deactivated; it cannot sign contracts.",
                team=team.name,
            )
        )
    if not is_team_member(team, doctor.id):
        raise RuleError(
            msg(
                "{doctor} 不是团队“{team}”的成员，不能作为该团队的签约家庭医生。",
                "{doctor} is not a member of the team “{team}” and cannot be the family doctor of its contracts.",
                doctor=doctor.name,
                team=team.name,
            ),
            field="doctor_id",
        )
    if doctor.role not in DOCTOR_ROLES or not doctor.active:
        role = Role(doctor.role)
        raise RuleError(
            msg(
                "{doctor}（{role}）不能作为签约家庭医生：应为在岗的医生。",
                "{doctor} ({role}) cannot be the family doctor of a contract: it must be a doctor in service.",
                doctor=doctor.name,
                role=_code_text(role.label, role.value),
            ),
            field="doctor_id",
        )


def check_packages(
    session: Session, package_ids: Sequence[uuid.UUID], members: Sequence[Resident], start: date, term_years: int
) -> list[ServicePackage]:
    """The packages, each active and with someone of its population in some contract year."""
    if not package_ids:
        raise ValidationError(
            msg("请至少选择一个服务包。", "Choose at least one service package."), field="package_ids"
        )
    packages = [get_package(session, pid) for pid in dict.fromkeys(package_ids)]
    years = max(1, min(term_years, MAX_TERM_YEARS))
    year_starts = [first for first, _ in service_plan.contract_years(start, years)]
    tags = {tag for r in members for on in year_starts for tag in compute_tags(person_facts(r), on)}
    for p in packages:
        if not p.active:
            raise RuleError(
                msg(
                    "服务包“{package}”已停用，不能再签约。",
                    "The package “{package}” is deactivated and can no longer be chosen.",
                    package=p.name,
                ),
                field="package_ids",
            )
        if p.target_population and KeyPopulation(p.target_population) not in tags:
            population = KeyPopulation(p.target_population)
            raise RuleError(
                msg(
                    "服务包“{package}”面向{population}，所选居民中没有{population}。",
                    "The package “{package}” is for “{population}”, and none of the chosen residents is.",
                    package=p.name,
                    population=_code_text(population.label, population.value),
                ),
                field="package_ids",
            )
    return packages


def refuse_other_contracts(
    session: Session, members: Sequence[uuid.UUID], except_contract: uuid.UUID | None = None
) -> None:
    """One family doctor per resident at a time: refuse a member already in another contract
    (the service's check: the database does not refuse it, as rows pulled from another
    laptop must fit; the county server opens a merge task for two active contracts)."""
    for resident_id in members:
        query = (
            select(Contract, Staff.name)
            .join(ContractMember, ContractMember.contract_id == Contract.id)
            .join(Staff, Staff.id == Contract.doctor_id)
            .where(
                ContractMember.resident_id == resident_id, ContractMember.is_active, ContractMember.voided_at.is_(None)
            )
        )
        if except_contract is not None:
            query = query.where(Contract.id != except_contract)
        row = session.execute(query.limit(1)).first()
        if row is None:
            continue
        other, doctor = row
        raise RuleError(
            msg(
                "{resident} 已与家庭医生 {doctor} 签约（合同 {contract_no}，有效期至 {end}）。"
                "同一居民同一时间只能有一位家庭医生：请先解约原合同，或到期后续约。",
                "{resident} already has a contract with the family doctor {doctor} (contract {contract_no}, in force"
                " until {end}). A resident has one family doctor at a time: terminate that contract first, or renew"
                " it when it ends.",
                resident=resident_label(session, get_resident_row(session, resident_id)),
                doctor=doctor,
                contract_no=other.contract_no,
                end=other.end_date.isoformat(),
            )
        )


def check_signed_at(signed_at: datetime) -> None:
    """The signing time is aware (it is stored in UTC)."""
    if signed_at.tzinfo is None:
        raise ValidationError(msg("签约时间缺少时区信息。", "The signing time has no time zone."), field="signed_at")
