"""Events that end a resident's active file (DOMAIN.md §3): moving out, death, and voiding a
file registered by mistake. They need ``REGISTER_RESIDENTS``. Use cases flush but never
commit: the unit of work does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ResidentStatus, TerminationReason
from fdclient.domain.roles import Permission
from fdclient.errors import RuleError, ValidationError
from fdclient.models import ContractMember, Household, Resident
from fdclient.services.contracts.lifecycle import end_membership_for_status_change
from fdclient.services.registry.residents import STATUS_TEXT, ResidentInfo, get_resident_row, resident_info
from fdclient.services.voiding import void_row
from fdclient.store.context import require, today
from fdclient.text import Text, msg


@dataclass(frozen=True)
class StatusChange:
    resident: ResidentInfo
    #: Contracts the resident left (member ended) and contracts terminated as a result.
    left_contracts: tuple[str, ...] = ()
    terminated_contracts: tuple[str, ...] = ()
    #: Things the user should do next (a new household head, a representative).
    warnings: tuple[Text, ...] = ()


def _change_status(session: Session, resident_id: uuid.UUID, status: ResidentStatus, on_date: date) -> Resident:
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(
            msg(
                "居民 {name} 的档案已作废，不能登记{status}。",
                "The file of {name} has been voided: it cannot be recorded as {status}.",
                name=r.name,
                status=STATUS_TEXT[status],
            )
        )
    if r.status != ResidentStatus.ACTIVE:
        raise RuleError(
            msg(
                "居民 {name} 当前状态为“{current}”（{since}），不能再登记为“{status}”。",
                "{name} is already “{current}” (since {since}) and cannot be recorded as “{status}”.",
                name=r.name,
                current=STATUS_TEXT[ResidentStatus(r.status)],
                since=r.status_changed_on,
                status=STATUS_TEXT[status],
            )
        )
    if not r.birth_date <= on_date <= today(session):
        raise ValidationError(
            msg(
                "日期 {day} 不合理：应在出生日期 {birth} 之后、今天之前。",
                "The date {day} is not plausible: it should be after the birth date {birth} and no later than today.",
                day=on_date.isoformat(),
                birth=r.birth_date.isoformat(),
            ),
            field="on_date",
        )
    r.status, r.status_changed_on = status, on_date
    return r


def _head_warning(session: Session, r: Resident) -> tuple[Text, ...]:
    household = session.get(Household, r.household_id) if r.household_id else None
    if household is not None and household.head_id == r.id and household.voided_at is None:
        return (
            msg(
                "{name} 是户主，请为该家庭更换户主。",
                "{name} is the head of the household: give the household a new head.",
                name=r.name,
            ),
        )
    return ()


def mark_moved_out(session: Session, resident_id: uuid.UUID, on_date: date) -> StatusChange:
    """Record that the resident moved out of the area. A contract they are in goes on until it
    is terminated (reason “迁出本辖区”) or expires: the team decides."""
    require(session, Permission.REGISTER_RESIDENTS)
    r = _change_status(session, resident_id, ResidentStatus.MOVED_OUT, on_date)
    session.flush()
    return StatusChange(resident_info(r, on=today(session)), warnings=_head_warning(session, r))


def mark_deceased(session: Session, resident_id: uuid.UUID, on_date: date) -> StatusChange:
    """Record a death: the resident leaves their active contract on that date; a contract
    left without active members is terminated with reason “死亡”."""
    require(session, Permission.REGISTER_RESIDENTS)
    r = _change_status(session, resident_id, ResidentStatus.DECEASED, on_date)
    ended = end_membership_for_status_change(session, r.id, on_date, reason=TerminationReason.DEATH)
    session.flush()
    return StatusChange(
        resident_info(r, on=today(session)), ended.left, ended.terminated, _head_warning(session, r) + ended.warnings
    )


def void_resident(session: Session, resident_id: uuid.UUID, reason: str) -> ResidentInfo:
    """Void a file registered by mistake (or twice). Refused while the resident is covered by
    a contract in force or heads a household that has other members."""
    require(session, Permission.REGISTER_RESIDENTS)
    r = get_resident_row(session, resident_id)
    member = session.scalar(select(ContractMember).where(ContractMember.resident_id == r.id, ContractMember.is_active))
    if member is not None:
        raise RuleError(
            msg(
                "{name} 还在履约中的签约合同里，不能作废档案。请先解约。",
                "{name} is covered by a contract in force: the file cannot be voided. Terminate the contract first.",
                name=r.name,
            )
        )
    household = session.get(Household, r.household_id) if r.household_id else None
    if household is not None and household.head_id == r.id and household.voided_at is None:
        others = session.scalar(
            select(func.count())
            .select_from(Resident)
            .where(Resident.household_id == household.id, Resident.id != r.id, Resident.voided_at.is_(None))
        )
        if others:
            raise RuleError(
                msg(
                    "{name} 是户主，家庭中还有 {count} 名成员，请先更换户主再作废。",
                    "{name} is the head of a household with {count} other members: give it a new head before "
                    "voiding the file.",
                    name=r.name,
                    count=others,
                )
            )
    void_row(session, r, reason, label=msg("居民 {name} 的档案", "The file of {name}", name=r.name))
    session.flush()
    return resident_info(r, on=today(session))
