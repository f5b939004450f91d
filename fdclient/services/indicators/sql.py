"""SQL building blocks of the indicators: who is registered, who is contracted, who is a
key population, whose reading is controlled, all as of a date and all from dates only.

Each function returns a SQLAlchemy Core expression over the tables of the models, so the
queries in :mod:`fdclient.services.indicators.compute` aggregate in the database (GROUP BY
village) without loading rows. The definitions are spelled out in
:mod:`fdclient.services.indicators.definitions`.

:func:`key_population_conditions` is the SQL twin of
:func:`fdclient.domain.key_populations.compute_tags`, built from the same constants
(``ELDERLY_MIN_AGE``, ``CHILD_MAX_AGE`` through ``birth_date_bounds``); it belongs beside
``compute_tags`` and can move to ``key_populations.py`` once that module takes SQL helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Column,
    ColumnElement,
    Exists,
    FromClause,
    MetaData,
    String,
    Table,
    UnaryExpression,
    Uuid,
    and_,
    exists,
    false,
    insert,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.operators import custom_op

from fdclient.domain.codes import ContractStatus
from fdclient.domain.followup_rules import BpTarget
from fdclient.domain.key_populations import (
    CHILD_MAX_AGE,
    ELDERLY_MIN_AGE,
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
    Resident,
    SatisfactionSurvey,
    Village,
    Visit,
)

__all__ = [
    "CONTRACTED",
    "CONTRACTS",
    "HOUSEHOLDS",
    "HYPERTENSION",
    "DIABETES",
    "MEMBERS",
    "PLANNED",
    "RESIDENTS",
    "SURVEYS",
    "VILLAGES",
    "VISITS",
    "bp_controlled",
    "contracted_on",
    "contracted_residents",
    "day_end_utc",
    "key_population_conditions",
    "registered_on",
    "signed_by",
    "unindexed",
]

RESIDENTS = Resident.__table__
HOUSEHOLDS = Household.__table__
VILLAGES = Village.__table__
CONTRACTS = Contract.__table__
MEMBERS = ContractMember.__table__
PLANNED = PlannedService.__table__
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


def registered_on(r: FromClause, as_of: date) -> ColumnElement[bool]:
    """Resident ``r`` is in the registered population on *as_of*: not voided, not merged,
    born by then, and active on that day (no status change, or one after *as_of*)."""
    return and_(
        r.c.voided_at.is_(None),
        r.c.merged_into_id.is_(None),
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


def contracted_on(resident_id: ColumnElement, as_of: date) -> Exists:
    """The resident is covered on *as_of* by a signed contract in force, judged by dates
    only (today's ``status`` / ``is_active`` describe today, not *as_of*)."""
    c, cm = CONTRACTS.alias("c_on"), MEMBERS.alias("cm_on")
    return exists(
        select(1)
        .select_from(cm.join(c, c.c.id == cm.c.contract_id))
        .where(
            cm.c.resident_id == resident_id,
            signed_by(c, as_of),
            c.c.start_date <= as_of,
            c.c.end_date >= as_of,
            or_(c.c.terminated_on.is_(None), c.c.terminated_on > as_of),
            or_(cm.c.ended_on.is_(None), cm.c.ended_on > as_of),
        )
    )


#: Residents covered on the statistics date, computed once per report (see
#: :func:`contracted_residents`) so the population and fulfilment queries look each
#: resident up in a small temporary table instead of re-testing their contracts.
CONTRACTED = Table("stats_contracted", MetaData(), Column("resident_id", Uuid, primary_key=True))


@contextmanager
def contracted_residents(session: Session, as_of: date) -> Iterator[Table]:
    """A temporary table of the residents covered on *as_of* (:func:`contracted_on`'s
    rule), driven from the contracts in force rather than from every resident."""
    c, cm = CONTRACTS, MEMBERS
    covered = (
        select(cm.c.resident_id)
        .distinct()
        .select_from(c.join(cm, cm.c.contract_id == c.c.id))
        .where(
            signed_by(c, as_of),
            c.c.start_date <= as_of,
            c.c.end_date >= as_of,
            or_(c.c.terminated_on.is_(None), c.c.terminated_on > as_of),
            or_(cm.c.ended_on.is_(None), cm.c.ended_on > as_of),
        )
    )
    conn = session.connection()
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.stats_contracted")
    conn.exec_driver_sql("CREATE TEMP TABLE stats_contracted (resident_id CHAR(32) PRIMARY KEY) WITHOUT ROWID")
    try:
        conn.execute(insert(CONTRACTED).from_select(["resident_id"], covered))
        yield CONTRACTED
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS temp.stats_contracted")


def key_population_conditions(r: FromClause, as_of: date) -> dict[KeyPopulation, ColumnElement[bool]]:
    """For every key population, the SQL condition that resident ``r`` belongs to it on
    *as_of*, mirroring ``compute_tags``: the age-based ones are birth-date ranges (indexed
    column, no per-row age computation)."""
    _, elderly_latest = birth_date_bounds(as_of, min_age=ELDERLY_MIN_AGE)
    child_earliest, _ = birth_date_bounds(as_of, max_age=CHILD_MAX_AGE)
    disabilities = type_coerce(r.c.disabilities, String)
    conditions = {
        KeyPopulation.ELDERLY: r.c.birth_date <= elderly_latest,
        KeyPopulation.CHILD: r.c.birth_date.between(child_earliest, as_of),
        KeyPopulation.MATERNAL: or_(r.c.pregnant.is_(True), r.c.postpartum_until >= as_of),
        # CodeSet: '' is no answer and '1' is 无残疾; any other code is a disability.
        KeyPopulation.DISABLED: disabilities.not_in(("", "1")),
        KeyPopulation.POVERTY: r.c.poverty_status.is_not(None),
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
