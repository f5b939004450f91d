"""Households (家庭/户): a village address, a phone, a head (户主) and members with their
relationship to the head (GB/T 4761 top-level codes, ``codes.RELATIONSHIP``).

Registering, editing and voiding need ``REGISTER_RESIDENTS``, reading ``VIEW_RECORDS``.
Use cases flush but never commit: the unit of work does.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import ContractStatus, ResidentStatus
from fdclient.domain.contract_states import status_text
from fdclient.domain.relationships import OLD_HEAD, relationship_to_new_head
from fdclient.domain.roles import Permission
from fdclient.domain.validation import normalise_phone, required_text
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, Household, Resident, Village
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import (
    STATUS_TEXT,
    VILLAGE,
    ResidentInfo,
    ResidentInput,
    get_resident_row,
    place_in_household,
    register_resident,
    resident_info,
)
from fdclient.services.voiding import void_row
from fdclient.store.context import require, today
from fdclient.text import Text, msg

HEAD = codes.HEAD_OF_HOUSEHOLD
#: Width of the address column.
MAX_ADDRESS = 200
HOUSEHOLD = msg("该家庭", "the household")
#: Contracts that stop a household from being voided.
_OPEN_CONTRACTS = (ContractStatus.DRAFT, ContractStatus.ACTIVE)


@dataclass(frozen=True)
class HouseholdMember:
    resident_id: uuid.UUID
    name: str
    relationship: str | None
    status: ResidentStatus

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
        members=tuple(HouseholdMember(r.id, r.name, r.relationship_to_head, ResidentStatus(r.status)) for r in rows),
        voided=h.voided_at is not None,
    )


def get_household_row(session: Session, household_id: uuid.UUID) -> Household:
    """A household that may still change (not voided), for the use cases; no permission check."""
    household = fetch(session, Household, household_id, HOUSEHOLD, "household_id")
    if household.voided_at is not None:
        raise RuleError(
            msg(
                "该家庭（{address}）已作废，不能再修改。",
                "The household at {address} has been voided and cannot be changed.",
                address=household.address,
            )
        )
    return household


def get_household(session: Session, household_id: uuid.UUID) -> HouseholdInfo:
    require(session, Permission.VIEW_RECORDS)
    household = fetch(session, Household, household_id, HOUSEHOLD, "household_id")
    return household_info(session, household)


def _address(text: str) -> str:
    return required_text(text, label=msg("家庭住址", "home address"), field="address", max_length=MAX_ADDRESS)


def _phone(text: str | None) -> str | None:
    return normalise_phone(text) if text and text.strip() else None


def _free_resident(session: Session, resident_id: uuid.UUID, household: Household) -> Resident:
    """An existing resident who may join ``household`` (leaving their old household)."""
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None or r.status != ResidentStatus.ACTIVE:
        state = msg("已作废", "voided") if r.voided_at is not None else STATUS_TEXT[ResidentStatus(r.status)]
        raise RuleError(
            msg(
                "{name} 的档案状态为“{state}”，不能加入家庭。",
                "The file of {name} is “{state}”: they cannot join a household.",
                name=r.name,
                state=state,
            )
        )
    old = session.get(Household, r.household_id) if r.household_id else None
    if old is not None and old.id != household.id and old.head_id == r.id and old.voided_at is None:
        raise RuleError(
            msg(
                "{name} 是另一个家庭（{address}）的户主，请先为原家庭更换户主。",
                "{name} is the head of another household ({address}): first give that household a new head.",
                name=r.name,
                address=old.address,
            )
        )
    return r


def register_household(
    session: Session,
    *,
    village_id: uuid.UUID,
    address: str,
    head: ResidentInput | uuid.UUID,
    phone: str | None = None,
) -> HouseholdInfo:
    """A household with its head: a new resident (form data) or an existing one (id)."""
    require(session, Permission.REGISTER_RESIDENTS)
    village = fetch(session, Village, village_id, VILLAGE, "village_id")
    household = Household(village_id=village.id, address=_address(address), phone=_phone(phone))
    if isinstance(head, ResidentInput) and head.village_id != village.id:
        raise RuleError(
            msg("户主登记的村与家庭所在村不同。", "The head is registered in another village than the household."),
            field="village_id",
        )
    # The head row refers to the household and the household to the head: the household is
    # written first, inside a savepoint so that a refused head leaves nothing behind.
    with session.begin_nested():
        session.add(household)
        session.flush()
        if isinstance(head, ResidentInput):
            head_id = register_resident(session, head, household_id=household.id, relationship=HEAD).id
        else:
            r = _free_resident(session, head, household)
            place_in_household(session, r, household.id, HEAD)
            head_id = r.id
        household.head_id = head_id
        session.flush()
    return household_info(session, household)


def add_member(
    session: Session, household_id: uuid.UUID, member: ResidentInput | uuid.UUID, relationship: str
) -> ResidentInfo:
    """Add a new resident (form data) or move an existing one (id) into the household."""
    require(session, Permission.REGISTER_RESIDENTS)
    household = get_household_row(session, household_id)
    if relationship == HEAD:
        raise ValidationError(
            msg(
                "家庭已有户主；要更换户主请使用“更换户主”。",
                "The household already has a head; to replace the head use “change head”.",
            ),
            field="relationship",
        )
    if isinstance(member, ResidentInput):
        return register_resident(session, member, household_id=household.id, relationship=relationship)
    r = _free_resident(session, member, household)
    place_in_household(session, r, household.id, relationship)
    session.flush()
    return resident_info(r, on=today(session))


@dataclass(frozen=True)
class ProposedRelationship:
    resident_id: uuid.UUID
    name: str
    #: The relationship to the current head.
    current: str | None
    #: The proposed relationship to the new head (see fdclient.domain.relationships).
    proposed: str


@dataclass(frozen=True)
class HeadChangeProposal:
    """What :func:`change_head` would be given: the former head's and the other members'
    relationships to the new head, proposed for the user to confirm."""

    household_id: uuid.UUID
    new_head_id: uuid.UUID
    #: None when the former head is no longer a member (voided, or moved to another household).
    old_head: ProposedRelationship | None
    others: tuple[ProposedRelationship, ...]


def _check_new_head(household: Household, new_head: Resident) -> None:
    if new_head.household_id != household.id or new_head.voided_at is not None:
        raise RuleError(
            msg(
                "{name} 不是该家庭的成员，不能成为户主。请先把他/她加入家庭。",
                "{name} is not a member of the household and cannot become its head. Add them to the household first.",
                name=new_head.name,
            ),
            field="new_head_id",
        )
    if new_head.status != ResidentStatus.ACTIVE:
        raise RuleError(
            msg(
                "{name} 的状态为“{state}”，不能成为户主。",
                "{name} is “{state}” and cannot become the head.",
                name=new_head.name,
                state=STATUS_TEXT[ResidentStatus(new_head.status)],
            ),
            field="new_head_id",
        )
    if household.head_id == new_head.id:
        raise RuleError(
            msg("{name} 已经是户主。", "{name} is already the head.", name=new_head.name), field="new_head_id"
        )


def _former_head(session: Session, household: Household) -> Resident | None:
    old = session.get(Resident, household.head_id) if household.head_id else None
    return old if old is not None and old.voided_at is None and old.household_id == household.id else None


def propose_head_change(session: Session, household_id: uuid.UUID, new_head_id: uuid.UUID) -> HeadChangeProposal:
    """The relationships to the new head, proposed from those to the current head."""
    require(session, Permission.VIEW_RECORDS)
    household = get_household_row(session, household_id)
    new_head = get_resident_row(session, new_head_id)
    _check_new_head(household, new_head)
    old = _former_head(session, household)
    new_code = new_head.relationship_to_head
    old_head = (
        ProposedRelationship(old.id, old.name, OLD_HEAD, relationship_to_new_head(OLD_HEAD, new_code, old.sex))
        if old is not None
        else None
    )
    members = session.scalars(
        select(Resident)
        .where(Resident.household_id == household.id, Resident.voided_at.is_(None))
        .order_by(Resident.relationship_to_head, Resident.birth_date)
    ).all()
    others = tuple(
        ProposedRelationship(
            r.id,
            r.name,
            r.relationship_to_head,
            relationship_to_new_head(r.relationship_to_head, new_code, r.sex),
        )
        for r in members
        if r.id not in (new_head.id, household.head_id)
    )
    return HeadChangeProposal(household.id, new_head.id, old_head, others)


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
    require(session, Permission.REGISTER_RESIDENTS)
    household = get_household_row(session, household_id)
    new_head = get_resident_row(session, new_head_id)
    _check_new_head(household, new_head)
    changes = dict(relationships or {})
    old = _former_head(session, household)
    if old is not None:
        if old_head_relationship is None:
            raise ValidationError(
                msg(
                    "请填写原户主 {old} 与新户主 {new} 的关系。",
                    "Please give the relationship of the former head {old} to the new head {new}.",
                    old=old.name,
                    new=new_head.name,
                ),
                field="old_head_relationship",
            )
        changes[old.id] = old_head_relationship
    for resident_id, code in changes.items():
        r = get_resident_row(session, resident_id)
        if r.household_id != household.id:
            raise RuleError(msg("{name} 不是该家庭的成员。", "{name} is not a member of the household.", name=r.name))
        if code == HEAD or code not in codes.RELATIONSHIP:
            raise ValidationError(
                msg(
                    "{name} 与户主的关系“{code}”不对：应为户主以外的关系代码。",
                    "The relationship “{code}” of {name} to the head is wrong: use a relationship code other "
                    "than the head's.",
                    name=r.name,
                    code=code,
                ),
                field="relationships",
            )
        r.relationship_to_head = code
    new_head.relationship_to_head = HEAD
    household.head_id = new_head.id
    session.flush()
    return household_info(session, household)


def update_household(session: Session, household_id: uuid.UUID, *, address: str, phone: str | None) -> HouseholdInfo:
    require(session, Permission.REGISTER_RESIDENTS)
    household = get_household_row(session, household_id)
    household.address, household.phone = _address(address), _phone(phone)
    session.flush()
    return household_info(session, household)


def void_household(session: Session, household_id: uuid.UUID, reason: str) -> HouseholdInfo:
    """Void a household registered by mistake: refused while it has non-voided members or a
    contract that is a draft or in force."""
    require(session, Permission.REGISTER_RESIDENTS)
    household = get_household_row(session, household_id)
    members = session.scalars(
        select(Resident.name).where(Resident.household_id == household.id, Resident.voided_at.is_(None))
    ).all()
    if members:
        raise RuleError(
            msg(
                "家庭中还有 {count} 名未作废的成员（{names}），请先把他们移到其他家庭或作废其档案，再作废家庭。",
                "The household still has members whose files are not voided ({count}: {names}): move them to "
                "other households or void their files before voiding the household.",
                count=len(members),
                names=Text("、".join(members), ", ".join(members)),
            )
        )
    contract = session.scalar(
        select(Contract).where(Contract.household_id == household.id, Contract.status.in_(_OPEN_CONTRACTS))
    )
    if contract is not None:
        raise RuleError(
            msg(
                "该家庭有{status}的签约合同 {number}，不能作废。",
                "The household has a contract that is {status} ({number}): it cannot be voided.",
                status=status_text(ContractStatus(contract.status)),
                number=contract.contract_no,
            )
        )
    void_row(
        session,
        household,
        reason,
        label=msg("家庭（{address}）", "The household at {address}", address=household.address),
    )
    session.flush()
    return household_info(session, household)
