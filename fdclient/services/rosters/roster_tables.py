"""Temporary tables the roster reads its rows through, filled once per export for the day:

* ``roster_contract``: each resident covered on the day and the contract covering them,
  chosen as the indicators choose it (:mod:`fdclient.services.indicators.sql`: signed by
  then, the day within its term, not terminated, the member joined and not left; of two,
  the later start, then the later-made);
* ``roster_packages``: the names of each such contract's packages, in one text;
* ``roster_followups``: each resident's hypertension and diabetes follow-ups this year
  (current revisions, not voided, from 1 January of the day's year to the day) and the
  date of the latest.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    and_,
    case,
    func,
    insert,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from fdclient.domain.codes import VisitKind
from fdclient.models import ContractPackage, ServicePackage
from fdclient.services.indicators import sql as q

__all__ = ["CONTRACT", "FOLLOWUPS", "LIST_SEPARATOR", "PACKAGES", "roster_tables"]

#: Separator of several values in one cell (key populations, packages).
LIST_SEPARATOR = "、"

_META = MetaData()
CONTRACT = Table(
    "roster_contract",
    _META,
    Column("resident_id", Uuid, primary_key=True),
    Column("contract_id", Uuid),
    Column("rank", String),
)
PACKAGES = Table(
    "roster_packages",
    _META,
    Column("contract_id", Uuid, primary_key=True),
    Column("names", String),
)
FOLLOWUPS = Table(
    "roster_followups",
    _META,
    Column("resident_id", Uuid, primary_key=True),
    Column("hypertension", Integer),
    Column("diabetes", Integer),
    Column("latest", String),
)
_DROP = tuple(f"DROP TABLE IF EXISTS temp.{t.name}" for t in (CONTRACT, PACKAGES, FOLLOWUPS))
_DDL = (
    *_DROP,
    "CREATE TEMP TABLE roster_contract (resident_id CHAR(32) PRIMARY KEY, contract_id CHAR(32), rank TEXT)"
    " WITHOUT ROWID",
    "CREATE TEMP TABLE roster_packages (contract_id CHAR(32) PRIMARY KEY, names TEXT) WITHOUT ROWID",
    "CREATE TEMP TABLE roster_followups (resident_id CHAR(32) PRIMARY KEY, hypertension INTEGER,"
    " diabetes INTEGER, latest TEXT) WITHOUT ROWID",
)


def _in_force(c: Any, on: date) -> ColumnElement[bool]:
    """Contract ``c`` covers *on* (the definition of fdclient.services.indicators.sql)."""
    return and_(
        q.signed_by(c, on),
        c.c.start_date <= on,
        q.unindexed(c.c.end_date) >= on,
        or_(c.c.terminated_on.is_(None), c.c.terminated_on > on),
    )


def _member_covered(cm: Any, on: date) -> ColumnElement[bool]:
    return and_(
        or_(cm.c.joined_on.is_(None), cm.c.joined_on <= on),
        or_(cm.c.ended_on.is_(None), cm.c.ended_on > on),
    )


@contextmanager
def roster_tables(session: Session, on: date, village: uuid.UUID | None) -> Iterator[None]:
    """Fill the temporary tables for the day (dropped at the end of the block)."""
    conn = session.connection()
    for ddl in _DDL:
        conn.exec_driver_sql(ddl)
    try:
        c, cm, r = q.CONTRACTS, q.MEMBERS, q.RESIDENTS
        rank = type_coerce(c.c.start_date, String).concat(type_coerce(c.c.id, String))
        conditions = [_in_force(c, on), _member_covered(cm, on)]
        if village is not None:
            conditions.append(cm.c.resident_id.in_(select(r.c.id).where(r.c.village_id == village)))
        # SQLite takes the bare column of an aggregate query from the row of max().
        chosen = (
            select(cm.c.resident_id, c.c.id, func.max(rank))
            .select_from(cm.join(c, c.c.id == cm.c.contract_id))
            .where(*conditions)
            .group_by(cm.c.resident_id)
        )
        conn.execute(insert(CONTRACT).from_select(["resident_id", "contract_id", "rank"], chosen))

        cp, sp = ContractPackage.__table__, ServicePackage.__table__
        ordered = (
            select(cp.c.contract_id, sp.c.name)
            .select_from(cp.join(sp, sp.c.id == cp.c.package_id))
            .where(cp.c.contract_id.in_(select(CONTRACT.c.contract_id)))
            .order_by(cp.c.contract_id, sp.c.kind, sp.c.code)
            .subquery()
        )
        names = select(ordered.c.contract_id, func.group_concat(ordered.c.name, LIST_SEPARATOR)).group_by(
            ordered.c.contract_id
        )
        conn.execute(insert(PACKAGES).from_select(["contract_id", "names"], names))

        v, sup = q.VISITS, q.VISITS.alias("sup")
        in_village = [] if village is None else [v.c.resident_id.in_(select(r.c.id).where(r.c.village_id == village))]
        followups = (
            select(
                v.c.resident_id,
                func.count(case((v.c.kind == VisitKind.HYPERTENSION, 1))),
                func.count(case((v.c.kind == VisitKind.DIABETES, 1))),
                func.max(v.c.visit_date),
            )
            .where(
                v.c.kind.in_((VisitKind.HYPERTENSION, VisitKind.DIABETES)),
                v.c.voided_at.is_(None),
                # Through the covering (resident, kind, date) index in resident order, not
                # the date index (which would read every visit of the year from the table).
                q.unindexed(v.c.visit_date) >= date(on.year, 1, 1),
                q.unindexed(v.c.visit_date) <= on,
                v.c.id.not_in(select(sup.c.supersedes_id).where(sup.c.supersedes_id.is_not(None))),
                *in_village,
            )
            .group_by(v.c.resident_id)
        )
        conn.execute(insert(FOLLOWUPS).from_select(["resident_id", "hypertension", "diabetes", "latest"], followups))
        yield
    finally:
        if not conn.invalidated:
            for ddl in _DROP:
                conn.exec_driver_sql(ddl)
