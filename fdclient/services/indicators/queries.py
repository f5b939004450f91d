"""The aggregate queries behind the indicators: each runs one SQL statement grouped by
village (the per-kind fulfilment one by service kind, for the township) and yields
``(village_id, count name, value)``; :func:`fdclient.services.indicators.compute.compute_indicators`
turns the counts into indicators.

No ORM objects are loaded and nothing loops over residents in Python. The plans were
checked with EXPLAIN QUERY PLAN on a 100k-resident demo store (``bench/stats_bench.py
--plans``): one sequential scan of ``residents`` for the population, index look-ups for
everything joined to it, and ``+column`` (:func:`~fdclient.services.indicators.sql.unindexed`)
where an index would turn a scan into random reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

from sqlalchemy import (
    ColumnElement,
    FromClause,
    String,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from fdclient.domain.codes import PlannedServiceStatus, VisitKind
from fdclient.domain.followup_rules import BP_TARGETS, GLUCOSE_TARGETS
from fdclient.domain.key_populations import KeyPopulation
from fdclient.services.indicators import sql as q
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS, IndicatorDefinitions, period_start

__all__ = [
    "followups",
    "fulfilment",
    "fulfilment_by_kind",
    "households_by_village",
    "population_by_village",
    "renewals",
    "satisfaction",
]

Rows = Iterator[tuple[uuid.UUID, str, int]]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def population_by_village(
    session: Session,
    as_of: date,
    contracted_set: FromClause,
    definitions: IndicatorDefinitions = DEFAULT_DEFINITIONS,
) -> Rows:
    """Registered residents, contracted ones, key populations and chronic patients, per
    village: one scan of ``residents``, each looked up in *contracted_set* (the table of
    :func:`~fdclient.services.indicators.sql.contracted_residents`). Grouped by (village,
    contracted) so every count exists for the contracted group too."""
    r = q.RESIDENTS
    village = q.unindexed(r.c.village_id).label("village_id")
    contracted = case((contracted_set.c.resident_id.is_not(None), 1), else_=0)
    tags = q.key_population_conditions(r, as_of)
    chosen = list(definitions.key_populations)
    # Patients are counted whether or not the county counts them as key populations.
    counted = list(dict.fromkeys([*chosen, KeyPopulation.HYPERTENSION, KeyPopulation.DIABETES]))
    stmt = (
        select(
            village,
            contracted.label("contracted"),
            func.count().label("n"),
            _count_if(q.any_of([tags[t] for t in chosen])).label("kp"),
            *(_count_if(tags[t]).label(t.value) for t in counted),
        )
        .select_from(r.outerjoin(contracted_set, contracted_set.c.resident_id == r.c.id))
        .where(q.registered_on(r, as_of))
        .group_by(village, "contracted")
    )
    for row in session.execute(stmt):
        m = row._mapping
        figures = {
            "residents": row.n,
            "kp": row.kp,
            "hypertension_patients": m[KeyPopulation.HYPERTENSION.value],
            "diabetes_patients": m[KeyPopulation.DIABETES.value],
            **{f"tag:{t}": m[t.value] for t in chosen},
        }
        if row.contracted:
            figures.update({"contracted": row.n, "kp_contracted": row.kp})
            figures.update({f"tag_contracted:{t}": m[t.value] for t in chosen})
        for name, value in figures.items():
            yield row.village_id, name, value


def households_by_village(session: Session, as_of: date) -> Rows:
    """Non-voided households with at least one registered resident, per household village."""
    h, r = q.HOUSEHOLDS, q.RESIDENTS
    with_members = select(r.c.household_id).where(q.registered_on(r, as_of))
    village = q.unindexed(h.c.village_id)
    stmt = select(village, func.count()).where(h.c.voided_at.is_(None), h.c.id.in_(with_members)).group_by(village)
    for village_id, n in session.execute(stmt):
        yield village_id, "households", n


def renewals(session: Session, as_of: date, d: IndicatorDefinitions) -> Rows:
    """Contracts that expired in the period (signed, end date in the period, not terminated
    before their end), by the representative's village; renewed = a successor contract
    (``renewal_of_id``) signed by *as_of*."""
    c, nxt, rep = q.CONTRACTS.alias("c"), q.CONTRACTS.alias("nxt"), q.RESIDENTS.alias("rep")
    start = period_start(as_of, d.period_months)
    renewed = exists(select(1).where(nxt.c.renewal_of_id == c.c.id, q.signed_by(nxt, as_of)))
    stmt = (
        select(rep.c.village_id, func.count(), _count_if(renewed))
        .select_from(c.join(rep, rep.c.id == c.c.representative_id))
        .where(
            q.signed_by(c, as_of),
            c.c.end_date > start,
            c.c.end_date <= as_of,
            or_(c.c.terminated_on.is_(None), c.c.terminated_on > c.c.end_date),
        )
        .group_by(rep.c.village_id)
    )
    for village, expired, renewed_n in session.execute(stmt):
        yield village, "expired", expired
        yield village, "renewed", renewed_n


def _due_in_period(as_of: date, d: IndicatorDefinitions) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(due, done): a planned service is due in the period when its window ends in it and
    it was not cancelled; done when it was fulfilled by *as_of*."""
    ps = q.PLANNED
    start = period_start(as_of, d.period_months)
    due = and_(ps.c.window_end > start, ps.c.window_end <= as_of, ps.c.status != PlannedServiceStatus.CANCELLED)
    done = and_(ps.c.status == PlannedServiceStatus.DONE, ps.c.fulfilled_on <= as_of)
    return due, done


def fulfilment(session: Session, as_of: date, d: IndicatorDefinitions, contracted_set: FromClause) -> Rows:
    """Residents contracted on *as_of* with planned services due in the period, and those
    whose every such service was done by *as_of*, per village.

    Driven from *contracted_set*: each contracted resident's services due come from the
    covering index ``ix_planned_services_resident_due`` (resident, window end, status,
    fulfilled on), so no planned-service row is read and nothing is sorted."""
    ps, r = q.PLANNED, q.RESIDENTS
    due, done = _due_in_period(as_of, d)
    per_resident = (
        select(contracted_set.c.resident_id, func.min(case((done, 1), else_=0)).label("all_done"))
        .select_from(contracted_set.join(ps, ps.c.resident_id == contracted_set.c.resident_id))
        .where(due)
        .group_by(contracted_set.c.resident_id)
        .subquery("per_resident")
    )
    stmt = (
        select(r.c.village_id, func.count(), func.coalesce(func.sum(per_resident.c.all_done), 0))
        .select_from(per_resident.join(r, r.c.id == per_resident.c.resident_id))
        .where(q.registered_on(r, as_of))
        .group_by(r.c.village_id)
    )
    for village, with_due, fulfilled in session.execute(stmt):
        yield village, "with_due", with_due
        yield village, "fulfilled", fulfilled


def fulfilment_by_kind(session: Session, as_of: date, d: IndicatorDefinitions) -> Iterator[tuple[str, int, int]]:
    """Per service kind, for the township: (kind, planned services due in the period, of
    them done by *as_of*). All planned services count (they exist only for contract
    members), so this is one pass over the services due, without joining residents."""
    ps = q.PLANNED
    due, done = _due_in_period(as_of, d)
    stmt = select(ps.c.service_kind, func.count(), _count_if(done)).where(due).group_by(ps.c.service_kind)
    yield from session.execute(stmt).tuples()


def followups(session: Session, as_of: date, d: IndicatorDefinitions, kind: VisitKind) -> Rows:
    """Registered hypertension (or diabetes) patients with at least ``min_followups``
    current, non-voided follow-ups in the period, with any, and those whose latest one was
    controlled. (The patients themselves are counted by population_by_village.)

    Driven from the patients: ``+residents.id`` in the join keeps SQLite from reading the
    visits first, so each patient's follow-ups come from ``ix_visits_resident_kind_date``
    (resident, kind, date range). The latest follow-up is ``max(visit_date || id)`` per
    patient (ties on the date go to the later-created record: ids are UUIDv7), so only
    that visit's form row is read. Both rely on how SQLite stores dates ("2025-06-30")
    and UUIDs (32 hex digits), which is this store's database.
    """
    v, sup, r = q.VISITS, q.VISITS.alias("sup"), q.RESIDENTS
    hypertension = kind == VisitKind.HYPERTENSION
    form = q.HYPERTENSION if hypertension else q.DIABETES
    patient = (r.c.has_hypertension if hypertension else r.c.has_diabetes).is_(True)
    start = period_start(as_of, d.period_months)
    latest_key = type_coerce(v.c.visit_date, String).concat(type_coerce(v.c.id, String))
    per_patient = (
        select(r.c.village_id, r.c.birth_date, func.count().label("n"), func.max(latest_key).label("latest"))
        .select_from(r.join(v, v.c.resident_id == q.unindexed(r.c.id)))
        .where(
            q.registered_on(r, as_of),
            patient,
            v.c.kind == kind,
            v.c.voided_at.is_(None),
            v.c.visit_date > start,
            v.c.visit_date <= as_of,
            ~exists(select(1).where(sup.c.supersedes_id == v.c.id)),  # current revision
        )
        # Grouping by rowid keeps the scan of residents sequential (the id index
        # would turn it into 100k random reads).
        .group_by(literal_column("residents.rowid"))
        .subquery("per_patient")
    )
    latest_id = func.substr(per_patient.c.latest, _DATE_TEXT_LENGTH + 1)
    if hypertension:
        controlled = q.bp_controlled(
            per_patient.c.birth_date, form.c.systolic, form.c.diastolic, as_of, BP_TARGETS[d.bp_target]
        )
    else:
        controlled = form.c.fasting_glucose < GLUCOSE_TARGETS[d.glucose_target].fasting_below
    stmt = (
        select(
            per_patient.c.village_id, func.count(), _count_if(per_patient.c.n >= d.min_followups), _count_if(controlled)
        )
        .select_from(per_patient.join(form, type_coerce(form.c.id, String) == latest_id))
        .group_by(per_patient.c.village_id)
    )
    for village, followed, standard, controlled_n in session.execute(stmt):
        yield village, f"{kind}_followed", followed
        yield village, f"{kind}_standard", standard
        yield village, f"{kind}_controlled", controlled_n


#: Length of a date as SQLAlchemy stores it in SQLite ("2025-06-30").
_DATE_TEXT_LENGTH = 10


def satisfaction(session: Session, as_of: date, d: IndicatorDefinitions) -> Rows:
    """Non-voided surveys in the period by the resident's village, and the satisfied ones
    (the satisfied answer when given, otherwise score ≥ satisfied_min_score)."""
    s, r = q.SURVEYS, q.RESIDENTS
    start = period_start(as_of, d.period_months)
    satisfied = or_(
        s.c.satisfied.is_(True),
        and_(s.c.satisfied.is_(None), s.c.score >= d.satisfied_min_score),
    )
    stmt = (
        select(r.c.village_id, func.count(), _count_if(satisfied))
        .select_from(s.join(r, r.c.id == s.c.resident_id))
        .where(s.c.voided_at.is_(None), s.c.surveyed_on > start, s.c.surveyed_on <= as_of)
        .group_by(r.c.village_id)
    )
    for village, surveys, satisfied_n in session.execute(stmt):
        yield village, "surveys", surveys
        yield village, "satisfied", satisfied_n
