"""Households (家庭/户): a village address, a phone, a head (户主) and members with their
relationship to the head (GB/T 4761 top-level codes, ``codes.RELATIONSHIP``).

Use cases flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.validation import normalise_phone
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, Household, Resident, Village
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import (
    ResidentInfo,
    ResidentInput,
    get_resident_row,
    place_in_household,
    register_resident,
    resident_info,
)
from fdclient.services.voiding import void_row

HEAD = codes.HEAD_OF_HOUSEHOLD


@dataclass(frozen=True)
class HouseholdMember:
    resident_id: uuid.UUID
    name: str
    relationship: str | None
    status: str

    @property
    def relationship_label(self) -> str:
        return codes.RELATIONSHIP.get(self.relationship or "", "")


@dataclass(frozen=True)
class HouseholdInfo:
    id: uuid.UUID
    village_id: uuid.UUID
    address: str
    phone: str | None
    head_id: uuid.UUID | None
    #: Non-voided members, the head first.
    members: tuple[HouseholdMember, ...]
    voided: bool


def household_info(session: Session, h: Household) -> HouseholdInfo:
    rows = session.scalars(
        select(Resident)
        .where(Resident.household_id == h.id, Resident.voided_at.is_(None))
        .order_by(Resident.relationship_to_head, Resident.birth_date)
    ).all()
    rows = sorted(rows, key=lambda r: r.id != h.head_id)
    return HouseholdInfo(
        id=h.id,
        village_id=h.village_id,
        address=h.address,
        phone=h.phone,
        head_id=h.head_id,
        members=tuple(HouseholdMember(r.id, r.name, r.relationship_to_head, r.status) for r in rows),
        voided=h.voided_at is not None,
    )


def get_household_row(session: Session, household_id: uuid.UUID) -> Household:
    household = fetch(session, Household, household_id, "该家庭", "household_id")
    if household.voided_at is not None:
        raise RuleError(f"该家庭（{household.address}）已作废，不能再修改。")
    return household


def get_household(session: Session, household_id: uuid.UUID) -> HouseholdInfo:
    household = fetch(session, Household, household_id, "该家庭", "household_id")
    return household_info(session, household)


def _address(text: str) -> str:
    address = " ".join(text.split())
    if not address:
        raise ValidationError("请填写家庭住址。", field="address")
    if len(address) > 200:
        raise ValidationError(f"家庭住址太长：最多 200 个字，实际为 {len(address)} 个。", field="address")
    return address


def _phone(text: str | None) -> str | None:
    return normalise_phone(text) if text and text.strip() else None


def _free_resident(session: Session, resident_id: uuid.UUID, household: Household) -> Resident:
    """An existing resident who may join ``household`` (leaving their old household)."""
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None or r.status != "active":
        state = "已作废" if r.voided_at is not None else codes.RESIDENT_STATUS[r.status]
        raise RuleError(f"{r.name} 的档案状态为“{state}”，不能加入家庭。")
    old = session.get(Household, r.household_id) if r.household_id else None
    if old is not None and old.id != household.id and old.head_id == r.id and old.voided_at is None:
        raise RuleError(f"{r.name} 是另一个家庭（{old.address}）的户主，请先为原家庭更换户主。")
    return r


def register_household(
    session: Session,
    *,
    village_id: uuid.UUID,
    address: str,
    head: ResidentInput | uuid.UUID,
    phone: str | None = None,
    today: date | None = None,
) -> HouseholdInfo:
    """A household with its head: a new resident (form data) or an existing one (id)."""
    village = fetch(session, Village, village_id, "所选的村（居）委会", "village_id")
    household = Household(village_id=village.id, address=_address(address), phone=_phone(phone))
    if isinstance(head, ResidentInput) and head.village_id != village.id:
        raise RuleError("户主登记的村与家庭所在村不同。", field="village_id")
    # The head row refers to the household and the household to the head: the household is
    # written first, inside a savepoint so that a refused head leaves nothing behind.
    with session.begin_nested():
        session.add(household)
        session.flush()
        if isinstance(head, ResidentInput):
            head_id = register_resident(session, head, household_id=household.id, relationship=HEAD, today=today).id
        else:
            r = _free_resident(session, head, household)
            place_in_household(session, r, household.id, HEAD)
            head_id = r.id
        household.head_id = head_id
        session.flush()
    return household_info(session, household)


def add_member(
    session: Session,
    household_id: uuid.UUID,
    member: ResidentInput | uuid.UUID,
    relationship: str,
    *,
    today: date | None = None,
) -> ResidentInfo:
    """Add a new resident (form data) or move an existing one (id) into the household."""
    household = get_household_row(session, household_id)
    if relationship == HEAD:
        raise ValidationError("家庭已有户主；要更换户主请使用“更换户主”。", field="relationship")
    if isinstance(member, ResidentInput):
        return register_resident(session, member, household_id=household.id, relationship=relationship, today=today)
    r = _free_resident(session, member, household)
    place_in_household(session, r, household.id, relationship)
    session.flush()
    return resident_info(r, today=today)


def change_head(
    session: Session,
    household_id: uuid.UUID,
    new_head_id: uuid.UUID,
    *,
    old_head_relationship: str | None = None,
    relationships: Mapping[uuid.UUID, str] | None = None,
) -> HouseholdInfo:
    """Make a member the head. The old head (still a member) gets ``old_head_relationship``;
    ``relationships`` re-codes other members relative to the new head."""
    household = get_household_row(session, household_id)
    new_head = get_resident_row(session, new_head_id)
    if new_head.household_id != household.id or new_head.voided_at is not None:
        raise RuleError(f"{new_head.name} 不是该家庭的成员，不能成为户主。请先把他/她加入家庭。")
    if new_head.status != "active":
        raise RuleError(f"{new_head.name} 的状态为“{codes.RESIDENT_STATUS[new_head.status]}”，不能成为户主。")
    if household.head_id == new_head.id:
        raise RuleError(f"{new_head.name} 已经是户主。")
    changes = dict(relationships or {})
    old = session.get(Resident, household.head_id) if household.head_id else None
    if old is not None and old.voided_at is None and old.household_id == household.id:
        if old_head_relationship is None:
            raise ValidationError(
                f"请填写原户主 {old.name} 与新户主 {new_head.name} 的关系。", field="old_head_relationship"
            )
        changes[old.id] = old_head_relationship
    for resident_id, code in changes.items():
        r = get_resident_row(session, resident_id)
        if r.household_id != household.id:
            raise RuleError(f"{r.name} 不是该家庭的成员。")
        if code == HEAD or code not in codes.RELATIONSHIP:
            raise ValidationError(f"{r.name} 与户主的关系“{code}”不对：应为户主以外的关系代码。", field="relationships")
        r.relationship_to_head = code
    new_head.relationship_to_head = HEAD
    household.head_id = new_head.id
    session.flush()
    return household_info(session, household)


def update_household(session: Session, household_id: uuid.UUID, *, address: str, phone: str | None) -> HouseholdInfo:
    household = get_household_row(session, household_id)
    household.address, household.phone = _address(address), _phone(phone)
    session.flush()
    return household_info(session, household)


def void_household(session: Session, household_id: uuid.UUID, reason: str) -> HouseholdInfo:
    """Void a household registered by mistake: refused while it has non-voided members or a
    contract that is a draft or in force."""
    household = get_household_row(session, household_id)
    members = session.scalars(
        select(Resident.name).where(Resident.household_id == household.id, Resident.voided_at.is_(None))
    ).all()
    if members:
        raise RuleError(
            f"家庭中还有 {len(members)} 名未作废的成员（{'、'.join(members)}），"
            "请先把他们移到其他家庭或作废其档案，再作废家庭。"
        )
    contract = session.scalar(
        select(Contract).where(Contract.household_id == household.id, Contract.status.in_(("draft", "active")))
    )
    if contract is not None:
        raise RuleError(
            f"该家庭有{codes.CONTRACT_STATUS[contract.status]}的签约合同 {contract.contract_no}，不能作废。"
        )
    void_row(session, household, reason, label=f"家庭（{household.address}）")
    session.flush()
    return household_info(session, household)
