"""Which contracts a print covers, and their rows loaded in a few queries (a batch of
1,000 forms reads each table once or in chunks of :data:`CHUNK`, never row by row)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload, undefer
from sqlalchemy.orm.interfaces import ORMOption

from fdclient.domain.codes import ContractStatus
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractPackage, Household, Resident, ServicePackage, Staff, Team, Village
from fdclient.text import msg

__all__ = ["CHUNK", "load_contracts", "load_rows", "selected_contract_ids"]

CHUNK = 500


def _refuse_unknown(what: str, value: str) -> ValidationError:
    if what == "village":
        return ValidationError(
            msg("找不到村代码为 {code} 的村。", "No village has the code {code}.", code=value), field="village"
        )
    return ValidationError(
        msg("找不到协议编号为 {no} 的协议。", "No contract has the number {no}.", no=value), field="contract"
    )


def selected_contract_ids(
    session: Session,
    village_code: str | None,
    contract_no: str | None,
    team_id: uuid.UUID | None,
    contract_ids: Sequence[uuid.UUID] | None,
) -> list[uuid.UUID]:
    chosen = [x is not None for x in (village_code, contract_no, team_id, contract_ids)]
    if sum(chosen) != 1:
        raise ValidationError(
            msg(
                "请指定要打印的协议：一个村（--village 村代码）或一份协议（--contract 协议编号）。",
                "Say which contracts to print: a village (--village CODE) or one contract (--contract NUMBER).",
            ),
            field="contract",
        )
    if contract_no is not None:
        number = contract_no.strip()
        found = session.execute(select(Contract.id, Contract.voided_at).where(Contract.contract_no == number)).first()
        if found is None:
            raise _refuse_unknown("contract", number)
        if found.voided_at is not None:
            raise RuleError(
                msg(
                    "协议 {no} 是已作废的草稿，不能打印。",
                    "Contract {no} is a discarded draft and cannot be printed.",
                    no=number,
                ),
                field="contract",
            )
        return [found.id]
    if contract_ids is not None:
        return list(dict.fromkeys(contract_ids))
    in_force: list[ColumnElement[bool]] = [Contract.status == ContractStatus.ACTIVE, Contract.voided_at.is_(None)]
    stmt = select(Contract.id).join(Resident, Resident.id == Contract.representative_id)
    if village_code is not None:
        code = village_code.strip()
        village = session.scalar(select(Village.id).where(Village.code == code))
        if village is None:
            raise _refuse_unknown("village", code)
        stmt = stmt.where(Resident.village_id == village, *in_force)
    else:
        stmt = stmt.where(Contract.team_id == team_id, *in_force)
    return list(session.scalars(stmt.order_by(Contract.contract_no)))


def load_contracts(session: Session, ids: list[uuid.UUID]) -> list[Contract]:
    rows: dict[uuid.UUID, Contract] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(Contract)
            .where(Contract.id.in_(ids[start : start + CHUNK]))
            .options(
                undefer(Contract.signature_png),
                selectinload(Contract.members),
                selectinload(Contract.packages)
                .selectinload(ContractPackage.package)
                .selectinload(ServicePackage.items),
            )
        )
        rows.update((c.id, c) for c in session.scalars(stmt))
    return [rows[i] for i in ids if i in rows]


M = TypeVar("M", Resident, Household, Village, Team, Staff)


def load_rows(session: Session, model: type[M], ids: set[uuid.UUID], *options: ORMOption) -> dict[uuid.UUID, M]:
    found: dict[uuid.UUID, M] = {}
    listed = sorted(ids)
    for start in range(0, len(listed), CHUNK):
        stmt = select(model).where(model.id.in_(listed[start : start + CHUNK])).options(*options)
        found.update((row.id, row) for row in session.scalars(stmt))
    return found
