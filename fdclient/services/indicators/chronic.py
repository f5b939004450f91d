"""Chronic disease management (高血压, 2型糖尿病) as the 2017 specification counts it: per
cell (village, team, doctor), the patients with at least one follow-up in the period
(managed), those with enough face-to-face ones (standardised), and those whose latest one
was on target (controlled). The patients themselves are counted by
:func:`~fdclient.services.indicators.queries.population`, and under the ``estimated``
denominator of 健康管理率 estimated from each village's adults
(:func:`estimated_patients`); the rules are in
:mod:`fdclient.services.indicators.definitions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from sqlalchemy import FromClause, String, case, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from fdclient.domain.codes import VisitKind
from fdclient.domain.control_targets import BP_TARGETS, GLUCOSE_TARGETS
from fdclient.domain.management_denominators import estimate_patients
from fdclient.services.indicators import sql as q
from fdclient.services.indicators.definitions import IndicatorDefinitions, period_start
from fdclient.services.indicators.queries import count_if
from fdclient.services.indicators.tally import Counted, Scope

__all__ = ["DISEASES", "estimated_patients", "followups"]

#: The diseases whose management is counted, as the counts name them.
DISEASES = (VisitKind.HYPERTENSION.value, VisitKind.DIABETES.value)

#: Length of a date as SQLAlchemy stores it in SQLite ("2025-06-30").
_DATE_TEXT_LENGTH = 10


def followups(
    session: Session,
    as_of: date,
    d: IndicatorDefinitions,
    kind: VisitKind,
    village: uuid.UUID | None = None,
    covered: FromClause | None = None,
) -> Counted:
    """Managed, standardised and controlled hypertension (or diabetes) patients per cell.

    Driven from the patients: ``+residents.id`` in the join keeps SQLite from reading the
    visits first, so each patient's follow-ups come from ``ix_visits_resident_kind_date``
    (resident, kind, date range). The latest follow-up is ``max(visit_date || id)`` per
    patient (ties on the date go to the later-created record: ids are UUIDv7), so only
    that visit's form row is read. Both rely on how SQLite stores dates ("2025-06-30")
    and UUIDs (32 hex digits), which is this store's database. The team and doctor are
    those of the contract covering each managed patient on *as_of*
    (:func:`~fdclient.services.indicators.sql.with_team`)."""
    v, sup, r = q.VISITS, q.VISITS.alias("sup"), q.RESIDENTS
    hypertension = kind == VisitKind.HYPERTENSION
    form = q.HYPERTENSION if hypertension else q.DIABETES
    patient = (r.c.has_hypertension if hypertension else r.c.has_diabetes).is_(True)
    start = period_start(as_of, d.period_months)
    latest_key = type_coerce(v.c.visit_date, String).concat(type_coerce(v.c.id, String))
    in_village = [] if village is None else [r.c.village_id == village]
    per_patient = (
        select(
            r.c.id.label("resident_id"),
            r.c.village_id,
            r.c.birth_date,
            func.count(case((v.c.mode.in_(d.counted_modes), 1))).label("counted"),
            func.max(latest_key).label("latest"),
        )
        .select_from(r.join(v, v.c.resident_id == q.unindexed(r.c.id)))
        .where(
            q.registered(r, as_of),
            patient,
            *in_village,
            v.c.kind == kind,
            v.c.voided_at.is_(None),
            v.c.visit_date > start,
            v.c.visit_date <= as_of,
            # The current revision: none supersedes it. The few corrected ids are read
            # once (the non-null end of the supersedes_id index), not probed per visit.
            v.c.id.not_in(select(sup.c.supersedes_id).where(sup.c.supersedes_id.is_not(None))),
        )
        # Grouping by rowid keeps the scan of residents sequential (the id index
        # would turn it into 100k random reads).
        .group_by(literal_column("residents.rowid"))
        .subquery("per_patient")
    )
    p = per_patient
    latest_id = func.substr(p.c.latest, _DATE_TEXT_LENGTH + 1)
    if hypertension:
        controlled = q.bp_controlled(p.c.birth_date, form.c.systolic, form.c.diastolic, as_of, BP_TARGETS[d.bp_target])
    else:
        # Glucose alone decides a diabetes patient's control, never blood pressure.
        controlled = form.c.fasting_glucose < GLUCOSE_TARGETS[d.glucose_target].fasting_below
    rows, team, doctor = q.with_team(
        p.join(form, type_coerce(form.c.id, String) == latest_id), p.c.resident_id, as_of, covered
    )
    stmt = (
        select(
            p.c.village_id,
            team,
            doctor,
            func.count(),
            count_if(p.c.counted >= d.min_followups),
            count_if(controlled),
        )
        .select_from(rows)
        .group_by(p.c.village_id, team, doctor)
    )
    for village_key, team, doctor, managed, standardised, controlled_n in session.execute(stmt):
        scope = Scope(village_key, team, doctor)
        yield scope, f"{kind}_managed", managed
        yield scope, f"{kind}_standardised", standardised
        yield scope, f"{kind}_controlled", controlled_n


def estimated_patients(adults: Mapping[uuid.UUID, int], d: IndicatorDefinitions) -> Counted:
    """The estimated patients of each village (the ``estimated`` denominator of 健康管理率):
    its registered adults (*adults*, by village, from
    :func:`~fdclient.services.indicators.queries.population`) × the adult prevalence,
    rounded to a whole number per village. Counted for the village and so for the
    township, whose estimate is the sum of its villages' (never for a team or doctor)."""
    for village, n in adults.items():
        for disease in DISEASES:
            yield Scope(village), f"{disease}_estimated", estimate_patients(n, d.prevalence(disease))
