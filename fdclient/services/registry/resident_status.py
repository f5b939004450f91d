"""Events that end a resident's active file (DOMAIN.md §3): moving out, death, and voiding a
file registered by mistake. Use cases flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.errors import RuleError, ValidationError
from fdclient.models import ContractMember, Household, Resident
from fdclient.services.contracts.lifecycle import end_membership
from fdclient.services.registry.residents import ResidentInfo, get_resident_row, resident_info
from fdclient.services.voiding import void_row


@dataclass(frozen=True)
class StatusChange:
    resident: ResidentInfo
    #: Contracts the resident left (member ended) and contracts terminated as a result.
    left_contracts: tuple[str, ...] = ()
    terminated_contracts: tuple[str, ...] = ()
    #: Things the user should do next, in Chinese (a new household head, a representative).
    warnings: tuple[str, ...] = ()


def _change_status(session: Session, resident_id: uuid.UUID, status: str, on_date: date, today: date) -> Resident:
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(f"居民 {r.name} 的档案已作废，不能登记{codes.RESIDENT_STATUS[status]}。")
    if r.status != "active":
        raise RuleError(
            f"居民 {r.name} 当前状态为“{codes.RESIDENT_STATUS[r.status]}”（{r.status_changed_on}），"
            f"不能再登记为“{codes.RESIDENT_STATUS[status]}”。"
        )
    if not r.birth_date <= on_date <= today:
        raise ValidationError(
            f"日期 {on_date.isoformat()} 不合理：应在出生日期 {r.birth_date.isoformat()} 之后、今天之前。",
            field="on_date",
        )
    r.status, r.status_changed_on = status, on_date
    return r


def _head_warning(session: Session, r: Resident) -> tuple[str, ...]:
    household = session.get(Household, r.household_id) if r.household_id else None
    if household is not None and household.head_id == r.id and household.voided_at is None:
        return (f"{r.name} 是户主，请为该家庭更换户主。",)
    return ()


def mark_moved_out(
    session: Session, resident_id: uuid.UUID, on_date: date, *, today: date | None = None
) -> StatusChange:
    """Record that the resident moved out of the area. A contract they are in goes on until it
    is terminated (reason “迁出本辖区”) or expires: the team decides."""
    today = today or date.today()
    r = _change_status(session, resident_id, "moved_out", on_date, today)
    session.flush()
    return StatusChange(resident_info(r, today=today), warnings=_head_warning(session, r))


def mark_deceased(
    session: Session, resident_id: uuid.UUID, on_date: date, *, today: date | None = None
) -> StatusChange:
    """Record a death: the resident leaves their active contract on that date; a contract
    left without active members is terminated with reason “死亡”."""
    today = today or date.today()
    r = _change_status(session, resident_id, "deceased", on_date, today)
    left, terminated, warnings = end_membership(session, r.id, on_date, reason="death")
    session.flush()
    return StatusChange(resident_info(r, today=today), left, terminated, _head_warning(session, r) + warnings)


def void_resident(session: Session, resident_id: uuid.UUID, reason: str) -> ResidentInfo:
    """Void a file registered by mistake (or twice). Refused while the resident is covered by
    a contract in force or heads a household that has other members."""
    r = get_resident_row(session, resident_id)
    member = session.scalar(select(ContractMember).where(ContractMember.resident_id == r.id, ContractMember.is_active))
    if member is not None:
        raise RuleError(f"{r.name} 还在履约中的签约合同里，不能作废档案。请先解约。")
    household = session.get(Household, r.household_id) if r.household_id else None
    if household is not None and household.head_id == r.id and household.voided_at is None:
        others = session.scalar(
            select(func.count())
            .select_from(Resident)
            .where(Resident.household_id == household.id, Resident.id != r.id, Resident.voided_at.is_(None))
        )
        if others:
            raise RuleError(f"{r.name} 是户主，家庭中还有 {others} 名成员，请先更换户主再作废。")
    void_row(session, r, reason, label=f"居民 {r.name} 的档案")
    session.flush()
    return resident_info(r)
