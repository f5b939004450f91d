"""A village's households with their contract and follow-up status, for the 居民档案 page:
the ordered ids of a village's households (filtered and sorted in SQL), the rows of a block
of ids (loaded lazily as the list scrolls), and the members of one household.

Status on the unit of work's date (``today``):

* **signed**: the household has a contract in force (status active, today within its
  term);
* **expiring**: signed, and that contract ends within :data:`EXPIRING_DAYS` days;
* **not signed**: no contract in force;
* **follow-up due**: a member still registered has a follow-up (hypertension, diabetes,
  severe mental disorder, tuberculosis) planned and open whose window starts within
  :data:`DUE_SOON_DAYS` days, or already started (overdue included).

Reading needs ``VIEW_RECORDS``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from fdclient.domain import codes
from fdclient.domain.codes import ContractStatus, PlannedServiceStatus, ResidentStatus, ServiceKind
from fdclient.domain.key_populations import KeyPopulation, age_on
from fdclient.domain.roles import Permission
from fdclient.models import Contract, Household, PlannedService, Resident, Village
from fdclient.services.lookup import fetch
from fdclient.services.registry.households import HOUSEHOLD
from fdclient.services.registry.residents import VILLAGE, resident_info
from fdclient.store.context import require, today

__all__ = [
    "DUE_SOON_DAYS",
    "EXPIRING_DAYS",
    "FOLLOWUP_KINDS",
    "HouseholdFilter",
    "HouseholdRow",
    "HouseholdSort",
    "MemberRow",
    "SignStatus",
    "VillageChoice",
    "household_ids",
    "household_members",
    "household_rows",
    "list_villages",
]

#: A contract ending within this many days is "expiring".
EXPIRING_DAYS = 30
#: A follow-up whose window starts within this many days is "due".
DUE_SOON_DAYS = 7
FOLLOWUP_KINDS = (
    ServiceKind.HYPERTENSION_FOLLOWUP,
    ServiceKind.DIABETES_FOLLOWUP,
    ServiceKind.MENTAL_FOLLOWUP,
    ServiceKind.TB_FOLLOWUP,
)


class SignStatus(StrEnum):
    NOT_SIGNED = "not_signed"
    SIGNED = "signed"
    EXPIRING = "expiring"


class HouseholdFilter(StrEnum):
    ALL = "all"
    #: Signed, expiring included.
    SIGNED = "signed"
    NOT_SIGNED = "not_signed"
    EXPIRING = "expiring"
    FOLLOWUP_DUE = "followup_due"


class HouseholdSort(StrEnum):
    ADDRESS = "address"
    HEAD = "head"
    MEMBERS = "members"
    STATUS = "status"
    CONTRACT_END = "contract_end"
    FOLLOWUP = "followup"


@dataclass(frozen=True)
class VillageChoice:
    id: uuid.UUID
    name: str
    code: str
    households: int


@dataclass(frozen=True)
class HouseholdRow:
    id: uuid.UUID
    address: str
    phone: str | None
    head_id: uuid.UUID | None
    head_name: str | None
    members: int
    status: SignStatus
    #: End of the contract in force, when signed.
    contract_end: date | None
    followup_due: bool


@dataclass(frozen=True)
class MemberRow:
    id: uuid.UUID
    name: str
    relationship: str | None
    sex: int
    birth_date: date
    age: int
    id_type: str
    id_number: str | None
    health_record_no: str | None
    phone: str | None
    status: ResidentStatus
    status_changed_on: date | None
    key_populations: frozenset[KeyPopulation]
    is_head: bool

    @property
    def relationship_label(self) -> str:
        return codes.RELATIONSHIP.get(self.relationship or "", "")

    @property
    def sex_label(self) -> str:
        return codes.SEX.get(str(self.sex), "")


# --- the SQL pieces ------------------------------------------------------------------------------


def _contract_end(on: date) -> Any:
    """The end of the household's contract in force on ``on`` (NULL when none)."""
    return (
        select(func.max(Contract.end_date))
        .where(
            Contract.household_id == Household.id,
            Contract.voided_at.is_(None),
            Contract.status == ContractStatus.ACTIVE,
            Contract.start_date <= on,
            Contract.end_date >= on,
        )
        .scalar_subquery()
    )


def _followup_due(on: date) -> ColumnElement[bool]:
    member = aliased(Resident)
    return exists(
        select(PlannedService.id)
        .join(member, member.id == PlannedService.resident_id)
        .where(
            member.household_id == Household.id,
            member.voided_at.is_(None),
            member.status == ResidentStatus.ACTIVE,
            PlannedService.status == PlannedServiceStatus.PLANNED,
            PlannedService.service_kind.in_(FOLLOWUP_KINDS),
            PlannedService.window_start <= on + timedelta(days=DUE_SOON_DAYS),
        )
    )


def _member_count() -> Any:
    member = aliased(Resident)
    return (
        select(func.count(member.id))
        .where(member.household_id == Household.id, member.voided_at.is_(None))
        .scalar_subquery()
    )


def _status_rank(end: Any, on: date) -> Any:
    """0 not signed, 1 expiring, 2 signed (the order a doctor works in)."""
    return case((end.is_(None), 0), (end <= on + timedelta(days=EXPIRING_DAYS), 1), else_=2)


# --- use cases -----------------------------------------------------------------------------------


def list_villages(session: Session) -> list[VillageChoice]:
    """The township's villages by code, with their number of households (not voided)."""
    require(session, Permission.VIEW_RECORDS)
    count = (
        select(func.count(Household.id))
        .where(Household.village_id == Village.id, Household.voided_at.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(select(Village.id, Village.name, Village.code, count).order_by(Village.code))
    return [VillageChoice(r[0], r[1], r[2], r[3]) for r in rows]


def household_ids(
    session: Session,
    village_id: uuid.UUID,
    *,
    status: HouseholdFilter = HouseholdFilter.ALL,
    sort: HouseholdSort = HouseholdSort.ADDRESS,
    descending: bool = False,
) -> list[uuid.UUID]:
    """The ids of the village's households (not voided) with ``status``, in ``sort`` order
    (ties by id, so the order is stable)."""
    require(session, Permission.VIEW_RECORDS)
    fetch(session, Village, village_id, VILLAGE, "village_id")
    on = today(session)
    end = _contract_end(on)
    head = aliased(Resident)
    stmt = (
        select(Household.id)
        .outerjoin(head, head.id == Household.head_id)
        .where(Household.village_id == village_id, Household.voided_at.is_(None))
    )
    soon = on + timedelta(days=EXPIRING_DAYS)
    if status == HouseholdFilter.SIGNED:
        stmt = stmt.where(end.is_not(None))
    elif status == HouseholdFilter.NOT_SIGNED:
        stmt = stmt.where(end.is_(None))
    elif status == HouseholdFilter.EXPIRING:
        stmt = stmt.where(and_(end.is_not(None), end <= soon))
    elif status == HouseholdFilter.FOLLOWUP_DUE:
        stmt = stmt.where(_followup_due(on))
    key: Any = {
        HouseholdSort.ADDRESS: Household.address,
        HouseholdSort.HEAD: head.name_pinyin,
        HouseholdSort.MEMBERS: _member_count(),
        HouseholdSort.STATUS: _status_rank(end, on),
        HouseholdSort.CONTRACT_END: end,
        HouseholdSort.FOLLOWUP: _followup_due(on),
    }[sort]
    if sort == HouseholdSort.FOLLOWUP:
        # Households with a follow-up due first when ascending.
        descending = not descending
    order = [key.desc() if descending else key.asc()]
    if sort != HouseholdSort.ADDRESS:
        order.append(Household.address)
    stmt = stmt.order_by(*order, Household.id)
    return list(session.scalars(stmt))


def household_rows(session: Session, ids: Sequence[uuid.UUID]) -> list[HouseholdRow]:
    """The rows of the households ``ids``, in that order (ids not found are left out)."""
    require(session, Permission.VIEW_RECORDS)
    if not ids:
        return []
    on = today(session)
    end = _contract_end(on).label("contract_end")
    head = aliased(Resident)
    stmt = (
        select(
            Household.id,
            Household.address,
            Household.phone,
            Household.head_id,
            head.name,
            _member_count().label("members"),
            end,
            _followup_due(on).label("followup_due"),
        )
        .outerjoin(head, head.id == Household.head_id)
        .where(Household.id.in_(list(ids)))
    )
    soon = on + timedelta(days=EXPIRING_DAYS)
    found: dict[uuid.UUID, HouseholdRow] = {}
    for r in session.execute(stmt):
        if r.contract_end is None:
            status = SignStatus.NOT_SIGNED
        elif r.contract_end <= soon:
            status = SignStatus.EXPIRING
        else:
            status = SignStatus.SIGNED
        found[r.id] = HouseholdRow(
            id=r.id,
            address=r.address,
            phone=r.phone,
            head_id=r.head_id,
            head_name=r.name,
            members=r.members,
            status=status,
            contract_end=r.contract_end,
            followup_due=bool(r.followup_due),
        )
    return [found[i] for i in ids if i in found]


def household_members(session: Session, household_id: uuid.UUID) -> list[MemberRow]:
    """The household's members whose files are not voided (moved out and deceased included),
    the head first, then by relationship and birth date."""
    require(session, Permission.VIEW_RECORDS)
    household = fetch(session, Household, household_id, HOUSEHOLD, "household_id")
    on = today(session)
    rows = session.scalars(
        select(Resident)
        .where(Resident.household_id == household.id, Resident.voided_at.is_(None))
        .order_by(Resident.relationship_to_head, Resident.birth_date, Resident.id)
    ).all()
    rows = sorted(rows, key=lambda r: r.id != household.head_id)
    members = []
    for r in rows:
        info = resident_info(r, on=on)
        members.append(
            MemberRow(
                id=r.id,
                name=r.name,
                relationship=r.relationship_to_head,
                sex=r.sex,
                birth_date=r.birth_date,
                age=age_on(r.birth_date, on) if r.birth_date <= on else 0,
                id_type=r.id_type,
                id_number=r.id_number,
                health_record_no=r.health_record_no,
                phone=r.phone,
                status=ResidentStatus(r.status),
                status_changed_on=r.status_changed_on,
                key_populations=info.key_populations,
                is_head=r.id == household.head_id,
            )
        )
    return members
