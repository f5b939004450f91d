"""The township's contracts as a list (签约管理): ids filtered and sorted in SQL, and the rows
of the ids a screen shows, loaded a page at a time.

* :func:`list_contract_ids`: the ids of the contracts of a :class:`ContractFilter` (drafts,
  in force, expiring within 30 / 60 days, ended, voided drafts), optionally of one village
  and matching a text (contract number, representative's name or initials), sorted by a
  :class:`ContractSort` column;
* :func:`contract_rows`: the :class:`ContractRow` of each id given (in that order).

Both need ``VIEW_RECORDS``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from fdclient.domain.codes import ContractStatus
from fdclient.domain.roles import Permission
from fdclient.models import Contract, ContractMember, Resident, Staff, Village
from fdclient.store.context import require, today

__all__ = ["ContractFilter", "ContractRow", "ContractSort", "contract_rows", "list_contract_ids"]

#: Most characters of the search text used.
QUERY_MAX_LENGTH = 40


class ContractFilter(StrEnum):
    ALL = "all"
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRING_30 = "expiring_30"
    EXPIRING_60 = "expiring_60"
    #: Expired, renewed or terminated.
    ENDED = "ended"
    #: Drafts discarded with a reason.
    VOIDED = "voided"


#: How many days ahead each "expiring" filter looks (from today, by the unit of work's clock).
EXPIRING_DAYS = {ContractFilter.EXPIRING_30: 30, ContractFilter.EXPIRING_60: 60}


class ContractSort(StrEnum):
    NUMBER = "number"
    REPRESENTATIVE = "representative"
    VILLAGE = "village"
    DOCTOR = "doctor"
    MEMBERS = "members"
    START = "start"
    END = "end"
    STATUS = "status"


@dataclass(frozen=True)
class ContractRow:
    id: uuid.UUID
    contract_no: str
    status: ContractStatus
    voided: bool
    representative_id: uuid.UUID
    representative: str
    household_id: uuid.UUID | None
    village: str
    doctor: str
    #: Members covered now (or to be covered, for a draft).
    members: int
    start_date: date
    end_date: date
    term_years: int


_Representative = aliased(Resident)


def _member_count() -> Any:
    return (
        select(func.count(ContractMember.id))
        .where(
            ContractMember.contract_id == Contract.id,
            or_(ContractMember.is_active, Contract.status == ContractStatus.DRAFT),
        )
        .correlate(Contract)
        .scalar_subquery()
    )


def _joined(query: Select[Any]) -> Select[Any]:
    return (
        query.join(_Representative, _Representative.id == Contract.representative_id)
        .join(Village, Village.id == _Representative.village_id)
        .join(Staff, Staff.id == Contract.doctor_id)
    )


def _condition(which: ContractFilter, on: date) -> ColumnElement[bool]:
    not_voided = Contract.voided_at.is_(None)
    if which == ContractFilter.DRAFT:
        return (Contract.status == ContractStatus.DRAFT) & not_voided
    if which == ContractFilter.ACTIVE:
        return Contract.status == ContractStatus.ACTIVE
    if which in EXPIRING_DAYS:
        last = on + timedelta(days=EXPIRING_DAYS[which])
        return (Contract.status == ContractStatus.ACTIVE) & Contract.end_date.between(on, last)
    if which == ContractFilter.ENDED:
        return Contract.status.in_((ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED))
    if which == ContractFilter.VOIDED:
        return Contract.voided_at.is_not(None)
    return not_voided


def _sort_key(sort: ContractSort) -> Any:
    return {
        ContractSort.NUMBER: Contract.contract_no,
        ContractSort.REPRESENTATIVE: _Representative.name_pinyin,
        ContractSort.VILLAGE: Village.code,
        ContractSort.DOCTOR: Staff.name,
        ContractSort.MEMBERS: _member_count(),
        ContractSort.START: Contract.start_date,
        ContractSort.END: Contract.end_date,
        ContractSort.STATUS: Contract.status,
    }[sort]


def list_contract_ids(
    session: Session,
    which: ContractFilter | str = ContractFilter.ALL,
    *,
    village_id: uuid.UUID | None = None,
    text: str = "",
    sort: ContractSort | str = ContractSort.END,
    descending: bool = False,
) -> list[uuid.UUID]:
    """The ids of the contracts of filter ``which``, sorted in SQL by ``sort`` (then by
    number). ``text`` matches the contract number, or the representative's name, pinyin
    initials or health record number."""
    require(session, Permission.VIEW_RECORDS)
    which, sort = ContractFilter(which), ContractSort(sort)
    query = _joined(select(Contract.id)).where(_condition(which, today(session)))
    if village_id is not None:
        query = query.where(_Representative.village_id == village_id)
    words = text.strip()[:QUERY_MAX_LENGTH]
    if words:
        like = f"%{words.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                Contract.contract_no.like(like),
                _Representative.name.like(like),
                _Representative.name_initials.like(like.lower()),
                _Representative.health_record_no.like(like),
            )
        )
    key = _sort_key(sort)
    order = key.desc() if descending else key.asc()
    number = Contract.contract_no.desc() if descending else Contract.contract_no.asc()
    return list(session.scalars(query.order_by(order, number)))


def contract_rows(session: Session, ids: Sequence[uuid.UUID]) -> list[ContractRow]:
    """The rows of the contracts ``ids``, in the same order (unknown ids are left out)."""
    require(session, Permission.VIEW_RECORDS)
    if not ids:
        return []
    query = _joined(
        select(
            Contract.id,
            Contract.contract_no,
            Contract.status,
            Contract.voided_at,
            Contract.representative_id,
            _Representative.name,
            Contract.household_id,
            Village.name,
            Staff.name,
            _member_count(),
            Contract.start_date,
            Contract.end_date,
            Contract.term_years,
        )
    ).where(Contract.id.in_(list(ids)))
    found = {
        row[0]: ContractRow(
            id=row[0],
            contract_no=row[1],
            status=ContractStatus(row[2]),
            voided=row[3] is not None,
            representative_id=row[4],
            representative=row[5],
            household_id=row[6],
            village=row[7],
            doctor=row[8],
            members=row[9],
            start_date=row[10],
            end_date=row[11],
            term_years=row[12],
        )
        for row in session.execute(query)
    }
    return [found[i] for i in ids if i in found]
