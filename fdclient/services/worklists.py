"""Work lists (工作清单): what the family doctors have to do next, one row per thing to do.

* follow-ups overdue, and due this week (the rest of the calendar week, today included):
  each hypertension or type 2 diabetes patient's next follow-up is the next visit date
  of their latest current follow-up record of that disease; without one, three months
  after that visit; a patient never followed up is overdue (without a due date, listed
  after the others when sorted by it);
* contracts expiring within 30 or 60 days: signed contracts in force whose end date
  falls in that time and that have no signed renewal, one row per contract (its
  representative is the resident to open);
* key-population residents not signed: registered residents of a key population who
  are not covered by a contract on the day;
* planned services due: services of an active contract still open whose window has
  started by the end of this week (overdue when the window has ended).

Every list can be narrowed to one village, one team or one family doctor (the team and
doctor of the contract; for residents not signed, the teams serving their village and
their responsible doctor) and is sorted in SQL by any column. A list is read in two
steps, as a lazy table model wants: :func:`worklist_keys` returns the keys of all rows in
order (nothing else), :func:`worklist_rows` the rows of some keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus, PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.roles import Permission, Role
from fdclient.models.staff import team_villages
from fdclient.services.indicators import sql as q
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS
from fdclient.services.township import store_township
from fdclient.store.context import require, today

__all__ = [
    "FOLLOWUP_INTERVAL_DAYS",
    "SortColumn",
    "WorklistChoice",
    "WorklistChoices",
    "WorklistFilter",
    "WorklistKind",
    "WorklistRow",
    "worklist_choices",
    "worklist_keys",
    "worklist_rows",
    "week_end",
]

#: A follow-up record without a next visit date is followed three months later (the
#: national specification's quarterly follow-up).
FOLLOWUP_INTERVAL_DAYS = 90


class WorklistKind(StrEnum):
    FOLLOWUPS_OVERDUE = "followups_overdue"
    FOLLOWUPS_THIS_WEEK = "followups_this_week"
    EXPIRING_30 = "expiring_30"
    EXPIRING_60 = "expiring_60"
    KEY_NOT_SIGNED = "key_not_signed"
    SERVICES_DUE = "services_due"


class SortColumn(StrEnum):
    NAME = "name"
    AGE = "age"
    VILLAGE = "village"
    PHONE = "phone"
    SUBJECT = "subject"
    DUE = "due"
    TEAM = "team"
    DOCTOR = "doctor"


@dataclass(frozen=True)
class WorklistFilter:
    kind: WorklistKind = WorklistKind.FOLLOWUPS_OVERDUE
    village_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None


@dataclass(frozen=True)
class WorklistRow:
    """One thing to do. ``key`` is unique within its list (a patient and disease, a
    contract, a resident, a planned service)."""

    key: str
    resident_id: uuid.UUID
    name: str
    sex: int
    birth_date: date
    village_name: str
    phone: str | None
    #: What is to be done (a follow-up's disease, a contract number, the key populations,
    #: a service), in Chinese as the data is.
    subject: str
    #: When it is (was) due; None for a resident not signed or a patient never followed up.
    due: date | None
    team_name: str | None
    doctor_name: str | None
    #: The last follow-up of a follow-up row.
    last_visit: date | None = None
    #: A follow-up row of a patient who was never followed up (no due date).
    never_followed_up: bool = False


@dataclass(frozen=True)
class WorklistChoice:
    id: uuid.UUID
    name: str
    #: A village's code (empty for teams and doctors).
    code: str = ""


@dataclass(frozen=True)
class WorklistChoices:
    """What the lists can be narrowed to."""

    villages: tuple[WorklistChoice, ...]
    teams: tuple[WorklistChoice, ...]
    doctors: tuple[WorklistChoice, ...]


def week_end(day: date) -> date:
    """The Sunday of *day*'s calendar week."""
    return day + timedelta(days=6 - day.weekday())


# --- the sources: one subquery per list ---------------------------------------------------------
#
# Columns: key (text), resident_id, due (date), subject (text), last_visit (date),
# team_id, doctor_id. ``residents`` restricts a source to some residents (a page of rows).


def _labels(column: ColumnElement[Any], labels: dict[Any, str]) -> ColumnElement[str]:
    return case({str(code): label for code, label in labels.items()}, value=column, else_=column)


def _followups(as_of: date, overdue: bool, residents: Sequence[uuid.UUID] | None) -> Subquery:
    v, sup, r = q.VISITS, q.VISITS.alias("sup"), q.RESIDENTS
    parts = []
    for kind, patient in ((VisitKind.HYPERTENSION, r.c.has_hypertension), (VisitKind.DIABETES, r.c.has_diabetes)):
        latest_key = type_coerce(v.c.visit_date, String).concat(type_coerce(v.c.id, String))
        # The latest current follow-up of each patient (SQLite takes the bare columns
        # from the row of max()).
        latest = (
            select(v.c.resident_id, v.c.visit_date, v.c.next_visit_date, func.max(latest_key).label("k"))
            .where(
                v.c.kind == kind,
                v.c.voided_at.is_(None),
                v.c.visit_date <= as_of,
                v.c.id.not_in(select(sup.c.supersedes_id).where(sup.c.supersedes_id.is_not(None))),
            )
            .group_by(v.c.resident_id)
        )
        if residents is not None:
            latest = latest.where(v.c.resident_id.in_(residents))
        lt = latest.subquery(f"latest_{kind}")
        # A patient never followed up has no due date: they are overdue from the start.
        due = type_coerce(
            func.coalesce(lt.c.next_visit_date, func.date(lt.c.visit_date, f"+{FOLLOWUP_INTERVAL_DAYS} days")), Date
        )
        rows, team, doctor = q.with_team(r.outerjoin(lt, lt.c.resident_id == r.c.id), r.c.id, as_of, None)
        conditions = [q.registered(r, as_of), patient.is_(True)]
        if residents is not None:
            conditions.append(r.c.id.in_(residents))
        conditions.append(
            or_(lt.c.resident_id.is_(None), due < as_of) if overdue else and_(due >= as_of, due <= week_end(as_of))
        )
        parts.append(
            select(
                (type_coerce(r.c.id, String) + literal(f":{kind}")).label("key"),
                r.c.id.label("resident_id"),
                due.label("due"),
                literal(kind.label).label("subject"),
                lt.c.visit_date.label("last_visit"),
                team.label("team_id"),
                doctor.label("doctor_id"),
            )
            .select_from(rows)
            .where(*conditions)
        )
    return parts[0].union_all(parts[1]).subquery("src")


def _expiring(as_of: date, days: int, residents: Sequence[uuid.UUID] | None) -> Subquery:
    c, renewal = q.CONTRACTS, q.CONTRACTS.alias("renewal")
    renewed = exists().where(renewal.c.renewal_of_id == c.c.id, q.signed_by(renewal, as_of))
    stmt = select(
        type_coerce(c.c.id, String).label("key"),
        c.c.representative_id.label("resident_id"),
        c.c.end_date.label("due"),
        c.c.contract_no.label("subject"),
        type_coerce(null(), Date).label("last_visit"),
        c.c.team_id,
        c.c.doctor_id,
    ).where(
        c.c.status == ContractStatus.ACTIVE,
        c.c.voided_at.is_(None),
        q.signed_by(c, as_of),
        c.c.start_date <= as_of,
        c.c.end_date >= as_of,
        c.c.end_date <= as_of + timedelta(days=days),
        or_(c.c.terminated_on.is_(None), c.c.terminated_on > as_of),
        ~renewed,
    )
    if residents is not None:
        stmt = stmt.where(c.c.representative_id.in_(residents))
    return stmt.subquery("src")


def _key_populations_of(r: Any, as_of: date) -> tuple[ColumnElement[bool], ColumnElement[str]]:
    """(belongs to a key population, the labels of its key populations joined by 、)."""
    conditions = q.key_population_conditions(r, as_of)
    wanted = [(tag, conditions[tag]) for tag in DEFAULT_DEFINITIONS.key_populations]
    labels: ColumnElement[str] = literal("")
    for tag, condition in wanted:
        labels = labels + case((condition, literal(tag.label + "、")), else_=literal(""))
    return q.any_of([condition for _tag, condition in wanted]), func.rtrim(labels, "、")


def _not_signed(session: Session, as_of: date, residents: Sequence[uuid.UUID] | None) -> Subquery:
    r = q.RESIDENTS
    key_population, labels = _key_populations_of(r, as_of)
    covered_ids = _covered_ids(session, as_of, residents)
    stmt = select(
        type_coerce(r.c.id, String).label("key"),
        r.c.id.label("resident_id"),
        type_coerce(null(), Date).label("due"),
        labels.label("subject"),
        type_coerce(null(), Date).label("last_visit"),
        # The first team serving the village (for display; the filter takes any of them).
        select(func.min(team_villages.c.team_id))
        .where(team_villages.c.village_id == r.c.village_id, team_villages.c.voided_at.is_(None))
        .scalar_subquery()
        .label("team_id"),
        r.c.responsible_doctor_id.label("doctor_id"),
    ).where(q.registered(r, as_of), key_population, r.c.id.not_in(covered_ids))
    if residents is not None:
        stmt = stmt.where(r.c.id.in_(residents))
    return stmt.subquery("src")


def _covered_ids(session: Session, as_of: date, residents: Sequence[uuid.UUID] | None) -> Select[Any]:
    """The residents covered by a contract on *as_of* (of *residents* when given)."""
    c, cm = q.CONTRACTS, q.MEMBERS
    stmt = (
        select(cm.c.resident_id)
        .select_from(cm.join(c, c.c.id == cm.c.contract_id))
        .where(
            q.signed_by(c, as_of),
            c.c.start_date <= as_of,
            c.c.end_date >= as_of,
            or_(c.c.terminated_on.is_(None), c.c.terminated_on > as_of),
            or_(cm.c.joined_on.is_(None), cm.c.joined_on <= as_of),
            or_(cm.c.ended_on.is_(None), cm.c.ended_on > as_of),
        )
    )
    if residents is not None:
        stmt = stmt.where(cm.c.resident_id.in_(residents))
    return stmt


def _services_due(as_of: date, residents: Sequence[uuid.UUID] | None) -> Subquery:
    p, c = q.PLANNED, q.CONTRACTS
    stmt = (
        select(
            type_coerce(p.c.id, String).label("key"),
            p.c.resident_id,
            p.c.window_end.label("due"),
            _labels(p.c.service_kind, {k.value: k.label for k in ServiceKind}).label("subject"),
            type_coerce(null(), Date).label("last_visit"),
            c.c.team_id,
            c.c.doctor_id,
        )
        .select_from(p.join(c, c.c.id == p.c.contract_id))
        .where(
            p.c.status == PlannedServiceStatus.PLANNED,
            p.c.window_start <= week_end(as_of),
            c.c.status == ContractStatus.ACTIVE,
            c.c.voided_at.is_(None),
            or_(c.c.terminated_on.is_(None), c.c.terminated_on > as_of),
        )
    )
    if residents is not None:
        stmt = stmt.where(p.c.resident_id.in_(residents))
    return stmt.subquery("src")


def _source(session: Session, kind: WorklistKind, as_of: date, residents: Sequence[uuid.UUID] | None) -> Subquery:
    if kind in (WorklistKind.FOLLOWUPS_OVERDUE, WorklistKind.FOLLOWUPS_THIS_WEEK):
        return _followups(as_of, kind == WorklistKind.FOLLOWUPS_OVERDUE, residents)
    if kind in (WorklistKind.EXPIRING_30, WorklistKind.EXPIRING_60):
        return _expiring(as_of, 30 if kind == WorklistKind.EXPIRING_30 else 60, residents)
    if kind == WorklistKind.KEY_NOT_SIGNED:
        return _not_signed(session, as_of, residents)
    return _services_due(as_of, residents)


def _listing(session: Session, f: WorklistFilter, as_of: date, residents: Sequence[uuid.UUID] | None = None) -> Any:
    """(statement over the source joined to residents, villages, teams and staff, the
    sort expressions by column)."""
    src = _source(session, f.kind, as_of, residents)
    r, vil, team, doctor = q.RESIDENTS, q.VILLAGES, q.TEAMS, q.STAFF
    joined = (
        src.join(r, r.c.id == src.c.resident_id)
        .join(vil, vil.c.id == r.c.village_id)
        .outerjoin(team, team.c.id == src.c.team_id)
        .outerjoin(doctor, doctor.c.id == src.c.doctor_id)
    )
    conditions: list[ColumnElement[bool]] = [vil.c.township_id == store_township(session).id]
    if f.village_id is not None:
        conditions.append(r.c.village_id == f.village_id)
    if f.team_id is not None:
        if f.kind == WorklistKind.KEY_NOT_SIGNED:
            conditions.append(
                exists().where(
                    team_villages.c.team_id == f.team_id,
                    team_villages.c.village_id == r.c.village_id,
                    team_villages.c.voided_at.is_(None),
                )
            )
        else:
            conditions.append(src.c.team_id == f.team_id)
    if f.doctor_id is not None:
        conditions.append(src.c.doctor_id == f.doctor_id)
    sort: dict[SortColumn, ColumnElement[Any]] = {
        SortColumn.NAME: r.c.name_pinyin,
        SortColumn.AGE: r.c.birth_date,
        SortColumn.VILLAGE: vil.c.code,
        SortColumn.PHONE: r.c.phone,
        SortColumn.SUBJECT: src.c.subject,
        SortColumn.DUE: src.c.due,
        SortColumn.TEAM: team.c.name,
        SortColumn.DOCTOR: doctor.c.name,
    }
    return joined, conditions, sort, src, r, vil, team, doctor


def worklist_keys(
    session: Session,
    f: WorklistFilter,
    sort: SortColumn = SortColumn.DUE,
    descending: bool = False,
    as_of: date | None = None,
) -> list[str]:
    """The keys of list ``f.kind`` (narrowed by the filter) sorted by *sort* (then by
    name and key, so the order is stable)."""
    require(session, Permission.VIEW_RECORDS)
    as_of = as_of or today(session)
    joined, conditions, sorts, src, r, *_ = _listing(session, f, as_of)
    column = sorts[sort]
    # Ascending by age: the youngest (the latest birth date) first.
    primary = column.desc() if descending != (sort == SortColumn.AGE) else column.asc()
    # NULLs (no due date, no team) last whichever the direction.
    stmt = (
        select(src.c.key)
        .select_from(joined)
        .where(*conditions)
        .order_by(case((column.is_(None), 1), else_=0), primary, r.c.name_pinyin, src.c.key)
    )
    return list(session.scalars(stmt))


def worklist_rows(
    session: Session, f: WorklistFilter, keys: Sequence[str], as_of: date | None = None
) -> dict[str, WorklistRow]:
    """The rows of *keys* (from :func:`worklist_keys` with the same filter and day); a
    key no longer in the list is missing from the answer."""
    require(session, Permission.VIEW_RECORDS)
    if not keys:
        return {}
    as_of = as_of or today(session)
    residents = _residents_of(session, f.kind, keys)
    joined, conditions, _sorts, src, r, vil, team, doctor = _listing(session, f, as_of, residents)
    stmt = (
        select(
            src.c.key,
            src.c.resident_id,
            r.c.name,
            r.c.sex,
            r.c.birth_date,
            vil.c.name.label("village_name"),
            r.c.phone,
            src.c.subject,
            src.c.due,
            src.c.last_visit,
            team.c.name.label("team_name"),
            doctor.c.name.label("doctor_name"),
        )
        .select_from(joined)
        .where(*conditions, src.c.key.in_(list(keys)))
    )
    follow_ups = f.kind in (WorklistKind.FOLLOWUPS_OVERDUE, WorklistKind.FOLLOWUPS_THIS_WEEK)
    result = {}
    for row in session.execute(stmt):
        result[row.key] = WorklistRow(
            key=row.key,
            resident_id=row.resident_id,
            name=row.name,
            sex=row.sex,
            birth_date=row.birth_date,
            village_name=row.village_name,
            phone=row.phone,
            subject=row.subject or "",
            due=_as_date(row.due),
            team_name=row.team_name,
            doctor_name=row.doctor_name,
            last_visit=_as_date(row.last_visit),
            never_followed_up=follow_ups and row.last_visit is None,
        )
    return result


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _residents_of(session: Session, kind: WorklistKind, keys: Sequence[str]) -> list[uuid.UUID]:
    """The residents the rows of *keys* are about (to compute only their rows)."""
    if kind in (WorklistKind.FOLLOWUPS_OVERDUE, WorklistKind.FOLLOWUPS_THIS_WEEK):
        return sorted({uuid.UUID(key.split(":")[0]) for key in keys})
    if kind == WorklistKind.KEY_NOT_SIGNED:
        return [uuid.UUID(key) for key in keys]
    ids = [uuid.UUID(key) for key in keys]
    if kind in (WorklistKind.EXPIRING_30, WorklistKind.EXPIRING_60):
        c = q.CONTRACTS
        return list(session.scalars(select(c.c.representative_id).where(c.c.id.in_(ids))))
    p = q.PLANNED
    return list(session.scalars(select(p.c.resident_id).where(p.c.id.in_(ids))))


def worklist_choices(session: Session) -> WorklistChoices:
    """The township's villages (by code), teams (in the order they were made) and
    doctors (by name) for the filters."""
    require(session, Permission.VIEW_RECORDS)
    township = store_township(session).id
    vil, team, staff = q.VILLAGES, q.TEAMS, q.STAFF
    villages = session.execute(
        select(vil.c.id, vil.c.name, vil.c.code).where(vil.c.township_id == township).order_by(vil.c.code)
    )
    teams = session.execute(
        select(team.c.id, team.c.name)
        .where(team.c.township_id == township, team.c.active.is_(True))
        .order_by(team.c.id)
    )
    doctors = session.execute(
        select(staff.c.id, staff.c.name)
        .where(
            staff.c.township_id == township, staff.c.role.in_((Role.DOCTOR, Role.SPECIALIST)), staff.c.active.is_(True)
        )
        .order_by(staff.c.name, staff.c.id)
    )
    return WorklistChoices(
        villages=tuple(WorklistChoice(row.id, row.name, row.code) for row in villages),
        teams=tuple(WorklistChoice(row.id, row.name) for row in teams),
        doctors=tuple(WorklistChoice(row.id, row.name) for row in doctors),
    )
