"""The aggregate queries behind the indicators (the chronic-disease ones are in
:mod:`fdclient.services.indicators.chronic`): each runs one SQL statement grouped by cell
(village, team, doctor; see :mod:`fdclient.services.indicators.tally`) and yields
``(scope, count name, value)``. With ``village``, each one counts that village only,
driven from its residents (what the dashboard shows on a click).

No ORM objects are loaded and nothing loops over residents in Python. The plans were
checked with EXPLAIN QUERY PLAN on a 100k-resident demo store (``bench/stats_bench.py
--plans``): one sequential scan of ``residents`` for the population, index look-ups for
everything joined to it, and ``+column`` (:func:`~fdclient.services.indicators.sql.unindexed`)
where an index would turn a scan into random reads.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, FromClause, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from fdclient.domain.codes import PlannedServiceStatus, ServiceKind
from fdclient.domain.key_populations import KeyPopulation, birth_date_bounds
from fdclient.domain.management_denominators import ADULT_MIN_AGE
from fdclient.services.indicators import sql as q
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS, IndicatorDefinitions, period_start
from fdclient.services.indicators.tally import Counted, Scope

__all__ = [
    "count_if",
    "fulfilment",
    "fulfilment_by_kind",
    "households",
    "population",
    "renewals",
    "satisfaction",
    "team_households",
]


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _in_village(column: ColumnElement, village: uuid.UUID | None) -> list[ColumnElement[bool]]:
    return [] if village is None else [column == village]


def population(
    session: Session,
    as_of: date,
    covered: FromClause,
    definitions: IndicatorDefinitions = DEFAULT_DEFINITIONS,
    village: uuid.UUID | None = None,
) -> Counted:
    """Registered residents, key populations and chronic patients per cell (and the
    adults, when the definitions estimate the patients): one scan of ``residents``, each
    looked up in *covered* (the table of
    :func:`~fdclient.services.indicators.sql.covered_residents`). A cell with a team is
    covered, so its counts are also the contracted ones."""
    r = q.RESIDENTS
    village_id = q.unindexed(r.c.village_id).label("village_id")
    tags = q.key_population_conditions(r, as_of)
    chosen = list(definitions.key_populations)
    # Patients are counted whether or not the county counts them as key populations.
    counted = list(dict.fromkeys([*chosen, KeyPopulation.HYPERTENSION, KeyPopulation.DIABETES]))
    # The adults, only for the estimated denominator of 健康管理率 (nothing added otherwise).
    adults = []
    if definitions.estimates_patients:
        _, adult_latest = birth_date_bounds(as_of, min_age=ADULT_MIN_AGE)
        adults.append(count_if(r.c.birth_date <= adult_latest).label("adults"))
    stmt = (
        select(
            village_id,
            covered.c.team_id,
            covered.c.doctor_id,
            func.count().label("n"),
            count_if(q.any_of([tags[t] for t in chosen])).label("kp"),
            *(count_if(tags[t]).label(t.value) for t in counted),
            *adults,
        )
        .select_from(r.outerjoin(covered, covered.c.resident_id == r.c.id))
        .where(q.registered(r, as_of), *_in_village(r.c.village_id, village))
        .group_by(village_id, covered.c.team_id, covered.c.doctor_id)
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
        if adults:
            figures["adults"] = row.adults
        if row.team_id is not None:
            figures.update({"contracted": row.n, "kp_contracted": row.kp})
            figures.update({f"tag_contracted:{t}": m[t.value] for t in chosen})
        scope = Scope(row.village_id, row.team_id, row.doctor_id)
        for name, value in figures.items():
            yield scope, name, value


def households(session: Session, as_of: date, village: uuid.UUID | None = None) -> Counted:
    """Non-voided households with at least one registered resident, per household village."""
    h, r = q.HOUSEHOLDS, q.RESIDENTS
    with_members = select(r.c.household_id).where(q.registered(r, as_of), *_in_village(r.c.village_id, village))
    village_id = q.unindexed(h.c.village_id)
    stmt = (
        select(village_id, func.count())
        .where(h.c.voided_at.is_(None), h.c.id.in_(with_members), *_in_village(h.c.village_id, village))
        .group_by(village_id)
    )
    for village_key, n in session.execute(stmt):
        yield Scope(village_key), "households", n


def team_households(session: Session, covered: FromClause) -> Counted:
    """Per team and per doctor of a team: the non-voided households with a member they
    cover (not a sum of cells: a household can have members with two doctors)."""
    h, sc = q.HOUSEHOLDS, covered
    of_covered = sc.join(h, h.c.id == sc.c.household_id)
    for keys in ((sc.c.team_id, sc.c.doctor_id), (sc.c.team_id,)):
        stmt = (
            select(*keys, func.count(sc.c.household_id.distinct()))
            .select_from(of_covered)
            .where(h.c.voided_at.is_(None))
            .group_by(*keys)
        )
        for team, *doctor, n in session.execute(stmt):
            yield Scope(None, team, doctor[0] if doctor else None, summed=False), "households", n


def renewals(session: Session, as_of: date, d: IndicatorDefinitions, village: uuid.UUID | None = None) -> Counted:
    """Contracts that expired in the period (signed, end date in the period, not terminated
    before their end), by the representative's village and the contract's team and
    doctor; renewed = a successor contract (``renewal_of_id``) signed by *as_of*."""
    c, nxt, rep = q.CONTRACTS.alias("c"), q.CONTRACTS.alias("nxt"), q.RESIDENTS.alias("rep")
    start = period_start(as_of, d.period_months)
    renewed = exists(select(1).where(nxt.c.renewal_of_id == c.c.id, q.signed_by(nxt, as_of)))
    in_village = []
    if village is not None:
        # A representative is a covered member (individual contracts) or a member of the
        # covered household: the village's contracts are among those of its residents'
        # covered rows and of its households, found through their indexes.
        cm, r, h = q.MEMBERS, q.RESIDENTS, q.HOUSEHOLDS
        of_members = select(cm.c.contract_id).where(
            cm.c.resident_id.in_(select(r.c.id).where(r.c.village_id == village))
        )
        of_households = select(h.c.id).where(h.c.village_id == village)
        in_village = [
            rep.c.village_id == village,
            or_(c.c.id.in_(of_members), c.c.household_id.in_(of_households)),
        ]
    stmt = (
        select(rep.c.village_id, c.c.team_id, c.c.doctor_id, func.count(), count_if(renewed))
        .select_from(c.join(rep, rep.c.id == c.c.representative_id))
        .where(
            q.signed_by(c, as_of),
            c.c.end_date > start,
            c.c.end_date <= as_of,
            or_(c.c.terminated_on.is_(None), c.c.terminated_on > c.c.end_date),
            *in_village,
        )
        .group_by(rep.c.village_id, c.c.team_id, c.c.doctor_id)
    )
    for village_key, team, doctor, expired, renewed_n in session.execute(stmt):
        scope = Scope(village_key, team, doctor)
        yield scope, "expired", expired
        yield scope, "renewed", renewed_n


def _due_in_period(as_of: date, d: IndicatorDefinitions) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(due, done): a planned service is due in the period when its window ends in it and
    it was not closed on or before *as_of* (one cancelled later was open on the day); done
    when it was fulfilled by *as_of*."""
    ps = q.PLANNED
    start = period_start(as_of, d.period_months)
    open_on_the_day = or_(ps.c.status != PlannedServiceStatus.CANCELLED, ps.c.closed_on > as_of)
    due = and_(ps.c.window_end > start, ps.c.window_end <= as_of, open_on_the_day)
    done = and_(ps.c.status == PlannedServiceStatus.DONE, ps.c.fulfilled_on <= as_of)
    return due, done


def fulfilment(session: Session, as_of: date, d: IndicatorDefinitions, covered: FromClause) -> Counted:
    """Residents covered on *as_of* (all of *covered*: of one village when it was built
    for one) with planned services due in the period, and those whose every such service
    was done by *as_of*, per cell.

    Driven from *covered*: each covered resident's services due come from the covering
    index ``ix_planned_services_resident_due`` (resident, window end, status, fulfilled
    on, closed on), so no planned-service row is read and nothing is sorted."""
    ps, sc = q.PLANNED, covered
    due, done = _due_in_period(as_of, d)
    per_resident = (
        select(sc.c.village_id, sc.c.team_id, sc.c.doctor_id, func.min(case((done, 1), else_=0)).label("all_done"))
        .select_from(sc.join(ps, ps.c.resident_id == sc.c.resident_id))
        .where(due)
        .group_by(sc.c.resident_id)
        .subquery("per_resident")
    )
    p = per_resident
    stmt = select(p.c.village_id, p.c.team_id, p.c.doctor_id, func.count(), func.sum(p.c.all_done)).group_by(
        p.c.village_id, p.c.team_id, p.c.doctor_id
    )
    for village_key, team, doctor, with_due, fulfilled in session.execute(stmt):
        scope = Scope(village_key, team, doctor)
        yield scope, "with_due", with_due
        yield scope, "fulfilled", fulfilled


def fulfilment_by_kind(session: Session, as_of: date, d: IndicatorDefinitions) -> Counted:
    """Per service kind, for the township: planned services due in the period and of them
    done by *as_of*. All planned services count (they exist only for contract members),
    so this is one pass over the services due, without joining residents."""
    ps = q.PLANNED
    due, done = _due_in_period(as_of, d)
    # Naming every kind lets SQLite read ix_planned_services_kind_due one kind at a time,
    # only the entries due in the period, instead of the whole index.
    every_kind = ps.c.service_kind.in_(list(ServiceKind))
    stmt = select(ps.c.service_kind, func.count(), count_if(done)).where(every_kind, due).group_by(ps.c.service_kind)
    for kind, due_n, done_n in session.execute(stmt):
        yield Scope(), f"kind_due:{kind}", due_n
        yield Scope(), f"kind_done:{kind}", done_n


def satisfaction(
    session: Session,
    as_of: date,
    d: IndicatorDefinitions,
    village: uuid.UUID | None = None,
    covered: FromClause | None = None,
) -> Counted:
    """Non-voided surveys in the period per cell of the surveyed resident on *as_of*
    (:func:`~fdclient.services.indicators.sql.with_team`), and the satisfied ones (the
    satisfied answer when given, otherwise score ≥ satisfied_min_score)."""
    s, r = q.SURVEYS, q.RESIDENTS
    start = period_start(as_of, d.period_months)
    satisfied = or_(
        s.c.satisfied.is_(True),
        and_(s.c.satisfied.is_(None), s.c.score >= d.satisfied_min_score),
    )
    rows, team, doctor = q.with_team(s.join(r, r.c.id == s.c.resident_id), s.c.resident_id, as_of, covered)
    stmt = (
        select(r.c.village_id, team, doctor, func.count(), count_if(satisfied))
        .select_from(rows)
        .where(
            s.c.voided_at.is_(None),
            s.c.surveyed_on > start,
            s.c.surveyed_on <= as_of,
            *_in_village(r.c.village_id, village),
        )
        .group_by(r.c.village_id, team, doctor)
    )
    for village_key, team_id, doctor_id, surveys, satisfied_n in session.execute(stmt):
        scope = Scope(village_key, team_id, doctor_id)
        yield scope, "surveys", surveys
        yield scope, "satisfied", satisfied_n
