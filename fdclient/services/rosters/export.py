"""The rows of the signed-residents roster (签约居民花名册, DOMAIN.md §7), read in batches.

One row per registered resident on the day (the indicators' definition:
:func:`fdclient.services.indicators.sql.registered`), ordered by village code, household
address, household (the head first, then by relationship and birth date). With
``signed_only``, only the residents covered on the day by a signed contract in force.

The contract of a row is the one covering the resident on the day, as the indicators
choose it; the follow-up counts are this year's (本年): see
:mod:`fdclient.services.rosters.roster_tables`.

Reading is SQL only: three small temporary tables (contracts in force, their packages,
this year's follow-ups) and one ordered select per village read in batches (no ORM object
per resident), so a township of 100k residents streams in constant memory and its first
rows come at once. Values come out
as plain tuples in the order of :data:`ROW_KEYS`: dates as :class:`datetime.date`, codes
as their Chinese labels, the key populations as one text; the phone is the resident's
own, else the household's; the follow-up counts are given for the patients of the disease
only (None for everyone else); None where there is nothing. Reading needs ``EXPORT``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, String, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.roles import Permission
from fdclient.domain.time import CHINA_UTC_OFFSET_HOURS
from fdclient.errors import ValidationError
from fdclient.services.indicators import sql as q
from fdclient.services.registry.village_lists import EXPIRING_DAYS
from fdclient.services.rosters.roster_tables import CONTRACT, FOLLOWUPS, LIST_SEPARATOR, PACKAGES, roster_tables
from fdclient.services.township import store_township
from fdclient.store.context import require, today
from fdclient.text import msg

__all__ = [
    "BATCH_ROWS",
    "ROW_KEYS",
    "RosterSelection",
    "RosterVillage",
    "SignState",
    "roster_batches",
    "roster_villages",
]

#: Rows fetched from the database at a time.
BATCH_ROWS = 2000

#: The order of the values in a row (the roster's columns without 序号, see
#: fdclient.rosters.columns).
ROW_KEYS = (
    "village_code",
    "village",
    "household_head",
    "relationship",
    "name",
    "sex",
    "birth_date",
    "age",
    "id_number",
    "health_record_no",
    "phone",
    "address",
    "key_populations",
    "contract_no",
    "packages",
    "signed_on",
    "start_date",
    "end_date",
    "team",
    "doctor",
    "contract_status",
    "hypertension_followups",
    "diabetes_followups",
    "last_followup",
)


class SignState:
    """The 签约状态 column."""

    SIGNED = "已签约"
    EXPIRING = "即将到期"
    NOT_SIGNED = "未签约"


@dataclass(frozen=True)
class RosterSelection:
    """Which residents: the township's, or one village's (by its 12-digit code), all
    registered or only the signed."""

    village_code: str | None = None
    signed_only: bool = False


@dataclass(frozen=True)
class RosterVillage:
    id: uuid.UUID
    code: str
    name: str
    #: Rows the roster has for it.
    rows: int


# --- the rows -------------------------------------------------------------------------------


def _as_text(column: Any) -> Any:
    """The stored text of a date column ("2025-06-30"): parsed by date.fromisoformat, much
    faster than the dialect's date processing."""
    return type_coerce(column, String)


def _tag_mask(r: Any, on: date) -> Any:
    """The key populations of ``r`` on *on* as a bit mask (bit i: the i-th KeyPopulation)."""
    conditions = q.key_population_conditions(r, on)
    return sum(
        (case((conditions[tag], 1 << i), else_=0) for i, tag in enumerate(KeyPopulation)),
        start=literal(0),
    )


def _age(r: Any, on: date) -> Any:
    """Age in full years on *on* (the birthday counts; 29 February turns a year older on
    1 March in common years), as :func:`fdclient.domain.key_populations.age_on`."""
    birth = r.c.birth_date
    return (
        literal(on.year)
        - func.cast(func.strftime("%Y", birth), Integer)
        - case((func.strftime("%m-%d", birth) > on.strftime("%m-%d"), 1), else_=0)
    )


def _rows_statement(on: date, village: uuid.UUID, signed_only: bool) -> Any:
    r, h, v = q.RESIDENTS, q.HOUSEHOLDS, q.VILLAGES
    head = q.RESIDENTS.alias("head")
    c, t, s = q.CONTRACTS, q.TEAMS, q.STAFF
    rc, pk, fu = CONTRACT, PACKAGES, FOLLOWUPS
    signed_day = func.date(c.c.signed_at, f"+{CHINA_UTC_OFFSET_HOURS} hours")
    joined = (
        r.join(v, v.c.id == r.c.village_id)
        .outerjoin(h, h.c.id == r.c.household_id)
        .outerjoin(head, head.c.id == h.c.head_id)
        .outerjoin(rc, rc.c.resident_id == r.c.id)
        .outerjoin(c, c.c.id == rc.c.contract_id)
        .outerjoin(pk, pk.c.contract_id == rc.c.contract_id)
        .outerjoin(t, t.c.id == c.c.team_id)
        .outerjoin(s, s.c.id == c.c.doctor_id)
        .outerjoin(fu, fu.c.resident_id == r.c.id)
    )
    stmt = (
        select(
            v.c.code,
            v.c.name,
            head.c.name,
            r.c.relationship_to_head,
            r.c.name,
            r.c.sex,
            _as_text(r.c.birth_date),
            _age(r, on),
            r.c.id_number,
            r.c.health_record_no,
            func.coalesce(r.c.phone, h.c.phone),
            h.c.address,
            _tag_mask(r, on),
            c.c.contract_no,
            pk.c.names,
            signed_day,
            _as_text(c.c.start_date),
            _as_text(c.c.end_date),
            t.c.name,
            s.c.name,
            # A count for the patients only (0 is then news); blank for everyone else.
            case((r.c.has_hypertension.is_(True), func.coalesce(fu.c.hypertension, 0))),
            case((r.c.has_diabetes.is_(True), func.coalesce(fu.c.diabetes, 0))),
            fu.c.latest,
        )
        .select_from(joined)
        .where(r.c.village_id == village, q.registered(r, on))
    )
    if signed_only:
        stmt = stmt.where(rc.c.resident_id.is_not(None))
    head_first = case((r.c.id == h.c.head_id, 0), else_=1)
    return stmt.order_by(h.c.address, h.c.id, head_first, r.c.relationship_to_head, r.c.birth_date, r.c.id)


class _Labels:
    """Codes to the labels printed on the roster, cached."""

    def __init__(self, on: date) -> None:
        self.soon = on + timedelta(days=EXPIRING_DAYS)
        self._tags: dict[int, str] = {}
        self._tag_order = list(KeyPopulation)

    def tags(self, mask: int) -> str:
        text = self._tags.get(mask)
        if text is None:
            text = LIST_SEPARATOR.join(tag.label for i, tag in enumerate(self._tag_order) if mask & (1 << i))
            self._tags[mask] = text
        return text


_RELATIONSHIP: dict[str | None, str] = {code: label for code, label in codes.RELATIONSHIP.items()}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _convert(raw: Any, labels: _Labels) -> tuple[Any, ...]:
    (
        village_code,
        village,
        head,
        relationship,
        name,
        sex,
        birth,
        age,
        id_number,
        record_no,
        phone,
        address,
        mask,
        contract_no,
        packages,
        signed_on,
        start,
        end,
        team,
        doctor,
        hypertension,
        diabetes,
        latest,
    ) = raw
    end_date = _day(end)
    if end_date is None:
        state = SignState.NOT_SIGNED
    elif end_date <= labels.soon:
        state = SignState.EXPIRING
    else:
        state = SignState.SIGNED
    return (
        village_code,
        village,
        head,
        _RELATIONSHIP.get(relationship),
        name,
        codes.SEX.get(str(sex), ""),
        _day(birth),
        age,
        id_number,
        record_no,
        phone,
        address,
        labels.tags(mask) if mask else None,
        contract_no,
        packages,
        _day(signed_on),
        _day(start),
        end_date,
        team,
        doctor,
        state,
        hypertension,
        diabetes,
        _day(latest),
    )


def _village_id(session: Session, selection: RosterSelection) -> uuid.UUID | None:
    if selection.village_code is None:
        return None
    code = selection.village_code.strip()
    found = session.scalar(select(q.VILLAGES.c.id).where(q.VILLAGES.c.code == code))
    if found is None:
        raise ValidationError(
            msg(
                "没有代码为 {code} 的村（居）委会。请用 12 位村代码（可在“居民档案”页或 fdclient stats 中查看）。",
                "There is no village with the code {code}. Give the 12-digit village code (see the residents page or "
                "fdclient stats).",
                code=code,
            ),
            field="village",
        )
    return found


def roster_villages(session: Session, selection: RosterSelection) -> list[RosterVillage]:
    """The villages the roster covers, by code, with the number of rows of each (villages
    without any included)."""
    require(session, Permission.EXPORT)
    on = today(session)
    village = _village_id(session, selection)
    township = store_township(session)
    r = q.RESIDENTS
    counted = select(r.c.village_id, func.count().label("n")).where(q.registered(r, on))
    if selection.signed_only:
        with q.covered_residents(session, on, village) as covered:
            counted = counted.where(r.c.id.in_(select(covered.c.resident_id)))
            return _villages(session, township.id, village, counted)
    return _villages(session, township.id, village, counted)


def _villages(session: Session, township_id: uuid.UUID, village: uuid.UUID | None, counted: Any) -> list[RosterVillage]:
    r, v = q.RESIDENTS, q.VILLAGES
    if village is not None:
        counted = counted.where(r.c.village_id == village)
    sub = counted.group_by(r.c.village_id).subquery()
    stmt = (
        select(v.c.id, v.c.code, v.c.name, func.coalesce(sub.c.n, 0))
        .select_from(v.outerjoin(sub, sub.c.village_id == v.c.id))
        .where(v.c.township_id == township_id)
        .order_by(v.c.code)
    )
    if village is not None:
        stmt = stmt.where(v.c.id == village)
    return [RosterVillage(i, code, name, n) for i, code, name, n in session.execute(stmt)]


def roster_batches(session: Session, selection: RosterSelection, batch_rows: int = BATCH_ROWS) -> Iterator[list[tuple]]:
    """The roster's rows (values in :data:`ROW_KEYS` order) in lists of up to
    *batch_rows*, read as they are consumed: one statement per village, in the order of
    their codes (each sorts only its own rows, so the first rows come at once)."""
    require(session, Permission.EXPORT)
    on = today(session)
    village = _village_id(session, selection)
    labels = _Labels(on)
    if village is not None:
        villages = [village]
    else:
        township = store_township(session)
        villages = list(
            session.scalars(
                select(q.VILLAGES.c.id).where(q.VILLAGES.c.township_id == township.id).order_by(q.VILLAGES.c.code)
            )
        )
    with roster_tables(session, on, village):
        connection = session.connection()
        for village_id in villages:
            result = connection.execute(_rows_statement(on, village_id, selection.signed_only))
            try:
                while chunk := result.fetchmany(batch_rows):
                    yield [_convert(raw, labels) for raw in chunk]
            finally:
                result.close()
