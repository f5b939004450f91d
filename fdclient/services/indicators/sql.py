"""SQL building blocks of the indicators: who is registered, who is covered by which
contract, who is a key population, whose reading is controlled, all as of a date and all
from dates only.

Each function returns a SQLAlchemy Core expression over the tables of the models, so the
queries in :mod:`fdclient.services.indicators.queries` aggregate in the database without
loading rows. The definitions are spelled out in
:mod:`fdclient.services.indicators.definitions`.

:func:`key_population_conditions` is the SQL twin of
:func:`fdclient.domain.key_populations.compute_tags`, built from the same constants
(``ELDERLY_MIN_AGE``, ``CHILD_MAX_AGE`` through ``birth_date_bounds``, the pregnancy
periods of ``PregnancyDates``); it belongs beside ``compute_tags`` and can move to
``key_populations.py`` once that module takes SQL helpers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Column,
    ColumnElement,
    FromClause,
    MetaData,
    ScalarSelect,
    String,
    Table,
    UnaryExpression,
    Uuid,
    and_,
    false,
    func,
    insert,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.operators import custom_op

from fdclient.domain.codes import ContractStatus
from fdclient.domain.control_targets import BpTarget
from fdclient.domain.key_populations import (
    CHILD_MAX_AGE,
    ELDERLY_MIN_AGE,
    OVERDUE_DAYS,
    POSTPARTUM_DAYS,
    PREGNANCY_DAYS,
    KeyPopulation,
    birth_date_bounds,
)
from fdclient.domain.time import start_of_china_day
from fdclient.models import (
    Contract,
    ContractMember,
    DiabetesFollowup,
    Household,
    HypertensionFollowup,
    PlannedService,
    Pregnancy,
    Resident,
    SatisfactionSurvey,
    Staff,
    Team,
    Village,
    Visit,
)

__all__ = [
    "CONTRACTS",
    "COVERED",
    "DIABETES",
    "HOUSEHOLDS",
    "HYPERTENSION",
    "MEMBERS",
    "PLANNED",
    "PREGNANCIES",
    "RESIDENTS",
    "STAFF",
    "SURVEYS",
    "TEAMS",
    "VILLAGES",
    "VISITS",
    "any_of",
    "bp_controlled",
    "with_team",
    "covered_residents",
    "day_end_utc",
    "key_population_conditions",
    "registered",
    "signed_by",
    "unindexed",
]

RESIDENTS = Resident.__table__
HOUSEHOLDS = Household.__table__
VILLAGES = Village.__table__
TEAMS = Team.__table__
STAFF = Staff.__table__
CONTRACTS = Contract.__table__
MEMBERS = ContractMember.__table__
PLANNED = PlannedService.__table__
PREGNANCIES = Pregnancy.__table__
VISITS = Visit.__table__
HYPERTENSION = HypertensionFollowup.__table__
DIABETES = DiabetesFollowup.__table__
SURVEYS = SatisfactionSurvey.__table__


def unindexed(column: ColumnElement) -> ColumnElement:
    """``+column``: the same value, but SQLite will not drive the scan through an index
    on it (its documented way to disqualify an index). Used where a condition matches
    nearly every row (``birth_date <= D``) or where reading the table in index order
    (``GROUP BY village_id``) would turn one sequential scan into a random lookup per row;
    without ``ANALYZE`` statistics the planner picks those indexes."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def registered(r: FromClause, as_of: date) -> ColumnElement[bool]:
    """Resident ``r`` is in the registered population on *as_of*: registered (建档) by then,
    not voided, not merged, born by then, and active on that day (no status change, or
    one after *as_of*)."""
    return and_(
        r.c.voided_at.is_(None),
        r.c.merged_into_id.is_(None),
        unindexed(r.c.registered_on) <= as_of,
        unindexed(r.c.birth_date) <= as_of,
        or_(r.c.status_changed_on.is_(None), r.c.status_changed_on > as_of),
    )


def day_end_utc(as_of: date) -> datetime:
    """The end of *as_of* in China (the one time zone of the program), as UTC: signing
    times are stored in UTC and judged by the China day."""
    return start_of_china_day(as_of + timedelta(days=1))


def signed_by(c: FromClause, as_of: date) -> ColumnElement[bool]:
    """Contract ``c`` had been signed by the end of *as_of* (local time)."""
    return and_(c.c.status != ContractStatus.DRAFT, c.c.signed_at < day_end_utc(as_of))


def _in_force(c: FromClause, as_of: date) -> ColumnElement[bool]:
    """Contract ``c`` was signed by *as_of*, covers that day and was not terminated by then
    (the end date matches most contracts of a year: not through its index)."""
    return and_(
        signed_by(c, as_of),
        c.c.start_date <= as_of,
        unindexed(c.c.end_date) >= as_of,
        or_(c.c.terminated_on.is_(None), c.c.terminated_on > as_of),
    )


def _member_covered(cm: FromClause, as_of: date) -> ColumnElement[bool]:
    """Covered row ``cm`` had joined by *as_of* and not left by then."""
    return and_(
        or_(cm.c.joined_on.is_(None), cm.c.joined_on <= as_of),
        or_(cm.c.ended_on.is_(None), cm.c.ended_on > as_of),
    )


def _rank(c: FromClause) -> ColumnElement[str]:
    """Which of a resident's overlapping contracts counts: the latest start, then the
    later-created (ids are UUIDv7, 32 hex digits as SQLite stores them)."""
    return type_coerce(c.c.start_date, String).concat(type_coerce(c.c.id, String))


#: Registered residents covered on the statistics date, with the team and family doctor
#: of their contract in force and their village and household, computed once per unit of
#: work (see :func:`covered_residents`) so the queries look each resident up in a small
#: temporary table instead of re-testing their contracts and re-reading their record.
COVERED = Table(
    "stats_covered",
    MetaData(),
    Column("resident_id", Uuid, primary_key=True),
    Column("team_id", Uuid),
    Column("doctor_id", Uuid),
    Column("village_id", Uuid),
    Column("household_id", Uuid),
)
_IN_FORCE = Table(
    "stats_in_force",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("team_id", Uuid),
    Column("doctor_id", Uuid),
    Column("rank", String),
)
_COVERED_DROP = ("DROP TABLE IF EXISTS temp.stats_covered", "DROP TABLE IF EXISTS temp.stats_in_force")
_COVERED_DDL = (
    *_COVERED_DROP,
    "CREATE TEMP TABLE stats_in_force (id CHAR(32) PRIMARY KEY, team_id CHAR(32), doctor_id CHAR(32),"
    " rank TEXT) WITHOUT ROWID",
    "CREATE TEMP TABLE stats_covered (resident_id CHAR(32) PRIMARY KEY, team_id CHAR(32), doctor_id CHAR(32),"
    " village_id CHAR(32), household_id CHAR(32)) WITHOUT ROWID",
)


@contextmanager
def covered_residents(session: Session, as_of: date, village: uuid.UUID | None = None) -> Iterator[Table]:
    """A temporary table of the residents registered and covered on *as_of* (of *village*
    only when given), each with the team and doctor of the contract that covers them (when
    two contracts overlap on the day, the later one: :func:`_rank`), their village and
    their household.

    The contracts in force go first into a small table of their own (one sequential
    read of ``contracts``), then the covered rows are read in resident order and looked up
    there: about twice as fast as looking each contract up through its UUID index."""
    c, cm, r = CONTRACTS, MEMBERS, RESIDENTS
    conn = session.connection()
    for sql in _COVERED_DDL:
        conn.exec_driver_sql(sql)
    try:
        in_force = select(c.c.id, c.c.team_id, c.c.doctor_id, _rank(c)).where(_in_force(c, as_of))
        conditions = [_member_covered(cm, as_of)]
        if village is not None:
            # Only the village's residents and their contracts, through the indexes.
            villagers = select(r.c.id).where(r.c.village_id == village)
            conditions.append(cm.c.resident_id.in_(villagers))
            theirs = select(cm.c.contract_id).where(cm.c.resident_id.in_(villagers))
            in_force = in_force.where(c.c.id.in_(theirs))
        conn.execute(insert(_IN_FORCE).from_select(["id", "team_id", "doctor_id", "rank"], in_force))
        f = _IN_FORCE
        # SQLite takes the bare columns of an aggregate query from the row of max().
        latest = (
            select(cm.c.resident_id, f.c.team_id, f.c.doctor_id, func.max(f.c.rank))
            .select_from(cm.join(f, f.c.id == cm.c.contract_id))
            .where(*conditions)
            .group_by(cm.c.resident_id)
            .subquery()
        )
        rows = select(latest.c.resident_id, latest.c.team_id, latest.c.doctor_id, r.c.village_id, r.c.household_id)
        rows = rows.select_from(latest.join(r, r.c.id == latest.c.resident_id)).where(registered(r, as_of))
        conn.execute(
            insert(COVERED).from_select(["resident_id", "team_id", "doctor_id", "village_id", "household_id"], rows)
        )
        yield COVERED
    finally:
        for sql in _COVERED_DROP:
            conn.exec_driver_sql(sql)


def _contract_in_force_of(resident_id: ColumnElement, as_of: date) -> ScalarSelect[uuid.UUID]:
    """The id of the contract covering the resident on *as_of* (the one
    :func:`covered_residents` picks), or NULL."""
    c, cm = CONTRACTS.alias("c_of"), MEMBERS.alias("cm_of")
    return (
        select(c.c.id)
        .select_from(cm.join(c, c.c.id == cm.c.contract_id))
        .where(cm.c.resident_id == resident_id, _in_force(c, as_of), _member_covered(cm, as_of))
        .order_by(_rank(c).desc())
        .limit(1)
        .scalar_subquery()
    )


def with_team(
    rows: FromClause, resident_id: ColumnElement, as_of: date, covered: FromClause | None
) -> tuple[FromClause, ColumnElement, ColumnElement]:
    """*rows* joined to the team and doctor covering each row's resident on *as_of*:
    ``(joined, team_id, doctor_id)``, both NULL for a resident not covered. From the
    *covered* table when there is one; otherwise looked up per row (for queries over a few
    residents, such as the patients, where building the whole table would cost more)."""
    if covered is not None:
        return rows.outerjoin(covered, covered.c.resident_id == resident_id), covered.c.team_id, covered.c.doctor_id
    c = CONTRACTS.alias("c_team")
    joined = rows.outerjoin(c, c.c.id == _contract_in_force_of(resident_id, as_of))
    return joined, c.c.team_id, c.c.doctor_id


def _maternal_on(as_of: date) -> ColumnElement[bool]:
    """Pregnancy row ``p`` makes its mother maternal on *as_of*: the period of
    ``PregnancyDates.maternal_period`` contains the day, written as bounds on the columns
    (no date arithmetic per row)."""
    p = PREGNANCIES
    lmp, edd, delivered = p.c.last_menstrual_period, p.c.expected_delivery_date, p.c.delivery_date
    started = or_(
        and_(lmp.is_not(None), lmp <= as_of),
        and_(lmp.is_(None), edd.is_not(None), edd <= as_of + timedelta(days=PREGNANCY_DAYS)),
        and_(lmp.is_(None), edd.is_(None), delivered <= as_of),
    )
    not_over = or_(
        and_(delivered.is_not(None), delivered >= as_of - timedelta(days=POSTPARTUM_DAYS)),
        and_(delivered.is_(None), edd.is_not(None), edd >= as_of - timedelta(days=OVERDUE_DAYS)),
        and_(delivered.is_(None), edd.is_(None), lmp >= as_of - timedelta(days=PREGNANCY_DAYS + OVERDUE_DAYS)),
    )
    return and_(p.c.voided_at.is_(None), started, not_over)


def key_population_conditions(r: FromClause, as_of: date) -> dict[KeyPopulation, ColumnElement[bool]]:
    """For every key population, the SQL condition that resident ``r`` belongs to it on
    *as_of*, mirroring ``compute_tags``: the age-based ones are birth-date ranges (indexed
    column, no per-row age computation); maternal is membership of the (few) residents
    with a pregnancy covering the day, computed once per statement."""
    _, elderly_latest = birth_date_bounds(as_of, min_age=ELDERLY_MIN_AGE)
    child_earliest, _ = birth_date_bounds(as_of, max_age=CHILD_MAX_AGE)
    disabilities = type_coerce(r.c.disabilities, String)
    maternal = select(PREGNANCIES.c.resident_id).where(_maternal_on(as_of))
    conditions = {
        KeyPopulation.ELDERLY: r.c.birth_date <= elderly_latest,
        KeyPopulation.CHILD: r.c.birth_date.between(child_earliest, as_of),
        KeyPopulation.MATERNAL: r.c.id.in_(maternal),
        # CodeSet: '' is no answer and '1' is 无残疾; any other code is a disability.
        KeyPopulation.DISABLED: disabilities.not_in(("", "1")),
        KeyPopulation.POVERTY: type_coerce(r.c.relief_statuses, String) != "",
        KeyPopulation.FAMILY_PLANNING_SPECIAL: r.c.family_planning_special.is_(True),
        KeyPopulation.HYPERTENSION: r.c.has_hypertension.is_(True),
        KeyPopulation.DIABETES: r.c.has_diabetes.is_(True),
        KeyPopulation.TUBERCULOSIS: r.c.has_tuberculosis.is_(True),
        KeyPopulation.SEVERE_MENTAL: r.c.has_severe_mental_disorder.is_(True),
    }
    missing = set(KeyPopulation) - set(conditions)
    if missing:  # a new tag in key_populations.py needs its SQL here
        raise NotImplementedError(f"no SQL condition for key populations {sorted(missing)}")
    return conditions


def any_of(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*conditions) if conditions else false()


def bp_controlled(
    birth_date: ColumnElement,
    systolic: ColumnElement,
    diastolic: ColumnElement,
    as_of: date,
    target: BpTarget,
) -> ColumnElement[bool]:
    """The reading is below the target band of the patient's age on *as_of* (a missing
    reading is not controlled)."""
    branches = []
    for i, band in enumerate(target.bands):
        upper = target.bands[i + 1].min_age - 1 if i + 1 < len(target.bands) else None
        earliest, latest = birth_date_bounds(as_of, min_age=band.min_age, max_age=upper)
        age_ok = []
        if earliest is not None:
            age_ok.append(birth_date >= earliest)
        if latest is not None:
            age_ok.append(birth_date <= latest)
        branches.append(and_(*age_ok, systolic < band.systolic_below, diastolic < band.diastolic_below))
    return or_(*branches)
