"""Indicators (DOMAIN.md §6) on a small hand-built township with every figure worked out
(the township, its teams and doctors: :mod:`helpers.indicator_township`).

Each corrected rule of issue 6 has a test here that fails under the old behaviour: phone
follow-ups never make management standardised, 规范管理率 and the control rate are shares
of the managed patients, diabetes control is glucose alone, a past date ignores later
registrations and counts services cancelled later as open, and every figure exists per
team and doctor.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from helpers import builders
from helpers.indicator_township import (
    AS_OF,
    CODE_A,
    CODE_B,
    CODE_C,
    PAST,
    TOWNSHIP_CODE,
    TOWNSHIP_NAME,
    VOID,
    Builder,
    build_township,
)
from sqlalchemy import case, select

from fdclient.domain.codes import PlannedServiceStatus, ServiceKind
from fdclient.domain.key_populations import KeyPopulation, PersonFacts, PregnancyDates, compute_tags
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, ValidationError
from fdclient.models import Contract, Pregnancy, Resident, Village, new_id
from fdclient.services.indicators import sql as q
from fdclient.services.indicators.compute import (
    AreaIndicators,
    IndicatorReport,
    TeamIndicators,
    compute_indicators,
    village_indicators,
)
from fdclient.services.indicators.definitions import (
    DEFAULT_DEFINITIONS,
    PHONE_MODE,
    IndicatorDefinitions,
    period_start,
)
from fdclient.services.indicators.report import report_to_json, report_to_text
from fdclient.services.indicators.summary import TownshipSummary, load_summary
from fdclient.settings import (
    BP_TARGET,
    DIABETES_PREVALENCE,
    HYPERTENSION_PREVALENCE,
    MANAGEMENT_DENOMINATOR,
    SETTINGS,
    Setting,
    get_setting,
    set_setting,
)
from fdclient.store import Store
from fdclient.text import set_language


@pytest.fixture
def ids(store: Store) -> dict[str, uuid.UUID]:
    """The hand-built township in ``store``: its ids by name."""
    return build_township(store)


@pytest.fixture
def township(store: Store, ids: dict[str, uuid.UUID]) -> Store:
    return store


def report_on(store: Store, as_of: date, definitions: IndicatorDefinitions = DEFAULT_DEFINITIONS) -> IndicatorReport:
    return compute_indicators(store, as_of, definitions)


def village(report: IndicatorReport, code: str) -> AreaIndicators:
    return next(v for v in report.villages if v.code == code)


def pair(area: AreaIndicators, key: str) -> tuple[int, int, float | None]:
    item = area.indicator(key)
    return item.numerator, item.denominator, item.value


def test_population_and_coverage_today(township: Store) -> None:
    report = report_on(township, AS_OF)
    t = report.township
    # a4 died and a5 is voided; b5 is merged; b4 moved out only after the date.
    assert (t.residents, t.households, t.contracted_residents) == (8, 3, 4)
    # a3 left C1, a6's C2 was terminated, b3's contract is a draft, b4 signed after the day.
    assert pair(t, "coverage") == (4, 8, 0.5)
    a, b, c = (village(report, code) for code in (CODE_A, CODE_B, CODE_C))
    assert (a.residents, a.households, a.contracted_residents) == (4, 2, 2)
    assert (b.residents, b.households, b.contracted_residents) == (4, 1, 2)  # HB2 is voided
    assert (c.residents, c.households, c.contracted_residents) == (0, 0, 0)
    assert [v.code for v in report.villages] == [CODE_A, CODE_B, CODE_C]
    assert (t.code, t.name) == (TOWNSHIP_CODE, TOWNSHIP_NAME)


def test_a_past_date_uses_the_dates_not_todays_status(township: Store) -> None:
    report = report_on(township, PAST)
    t = report.township
    # a4 was alive; a6 (C2, terminated later), a2 (C7, expired later), b1 and b2 (C3,
    # status "renewed" today) were covered; C1 had not started.
    assert (t.residents, t.households, t.contracted_residents) == (9, 4, 4)
    assert pair(t, "coverage")[:2] == (4, 9)
    assert t.value("coverage") == pytest.approx(4 / 9)
    assert report_on(township, AS_OF).township.value("coverage") == 0.5
    assert village(report, CODE_A).contracted_residents == 2


def test_overlapping_contracts_count_a_resident_once(township: Store) -> None:
    # On 10 Jan 2025 a2 is in both C1 (from 1 Jan) and C7 (to 14 Jan).
    t = report_on(township, date(2025, 1, 10)).township
    assert (t.residents, t.contracted_residents) == (9, 6)


def test_terminated_and_expired_contracts_stop_on_their_date(township: Store) -> None:
    def contracted(day: date) -> int:
        return village(report_on(township, day), CODE_A).contracted_residents

    # Village A: a1, a2, a3 in C1 from 1 Jan; a3 leaves 1 Mar; a6 terminated 1 Apr.
    assert contracted(date(2025, 2, 28)) == 4
    assert contracted(date(2025, 3, 1)) == 3
    assert contracted(date(2025, 3, 31)) == 3
    assert contracted(date(2025, 4, 1)) == 2


def test_signing_day_is_the_local_day(township: Store) -> None:
    # C6 was signed at 17:30 UTC on 30 June, which is 1 July in Beijing.
    assert village(report_on(township, AS_OF), CODE_B).contracted_residents == 2
    assert village(report_on(township, date(2025, 7, 1)), CODE_B).contracted_residents == 3


def test_key_populations(township: Store) -> None:
    report = report_on(township, AS_OF)
    t = report.township
    assert pair(t, "key_population_coverage")[:2] == (3, 7)
    assert t.value("key_population_coverage") == pytest.approx(3 / 7)
    assert pair(village(report, CODE_A), "key_population_coverage")[:2] == (1, 3)
    assert pair(village(report, CODE_B), "key_population_coverage")[:2] == (2, 4)
    expected = {
        "elderly": (2, 3),
        "child": (0, 1),
        "maternal": (0, 1),
        "disabled": (0, 1),
        "poverty": (1, 1),
        "hypertension": (2, 2),
        "diabetes": (0, 2),
        "tuberculosis": (0, 0),
        "family_planning_special": (0, 0),
        "severe_mental": (0, 0),
    }
    assert {k: pair(t, f"coverage_{k}")[:2] for k in expected} == expected
    assert t.value("coverage_tuberculosis") is None
    # b4 turns 65 on AS_OF (born 30 June 1960): elderly that day, not the day before.
    day_before = report_on(township, date(2025, 6, 29)).township
    assert pair(day_before, "coverage_elderly")[:2] == (2, 2)


def test_key_populations_are_configuration(township: Store) -> None:
    age_only = replace(DEFAULT_DEFINITIONS, key_populations=(KeyPopulation.ELDERLY, KeyPopulation.CHILD))
    t = report_on(township, AS_OF, age_only).township
    assert pair(t, "key_population_coverage")[:2] == (2, 4)  # a1, a3, b1, b4
    assert "0-6岁儿童" in t.indicator("key_population_coverage").formula_zh
    assert "coverage_poverty" not in {i.key for i in t.indicators}


def test_key_population_sql_matches_compute_tags(store: Store) -> None:
    births = [
        date(1960, 2, 29),
        date(1960, 3, 1),
        date(1959, 2, 28),
        date(2017, 3, 1),
        date(2017, 2, 28),
        date(2024, 2, 29),
        date(1990, 1, 1),
    ]
    flags: list[dict[str, Any]] = [
        {},
        {"relief_statuses": ("3", "1")},
        {"disabilities": ("1", "3")},
        {"family_planning_special": True},
        {"has_tuberculosis": True},
        {"has_severe_mental_disorder": True},
        {"disabilities": ("1",)},
    ]
    pregnancies = [
        (),
        (PregnancyDates(last_menstrual_period=date(2024, 6, 1)),),  # to LMP + 294 days
        (PregnancyDates(expected_delivery_date=date(2025, 3, 1)),),  # EDD − 280 .. EDD + 14
        (PregnancyDates(delivery_date=date(2025, 1, 18)),),  # postpartum to 1 March
        (PregnancyDates(date(2023, 6, 1), delivery_date=date(2024, 2, 29)),),
        (PregnancyDates(date(2023, 1, 1), date(2023, 10, 8), date(2023, 10, 1)), PregnancyDates(date(2024, 12, 1))),
    ]
    with store.write() as session:
        b = Builder(session, store.info.township_id)
        h = b.household(b.village(CODE_A, "东村"))
        session.flush()
        for i, born in enumerate(births):
            for j, extra in enumerate(flags):
                for k, dates in enumerate(pregnancies):
                    person = b.resident(f"p{i}_{j}_{k}", h, born, sex=2, **extra)
                    session.flush()
                    for p in dates:
                        session.add(
                            Pregnancy(
                                id=new_id(),
                                resident_id=person.id,
                                last_menstrual_period=p.last_menstrual_period,
                                expected_delivery_date=p.expected_delivery_date,
                                delivery_date=p.delivery_date,
                            )
                        )
                    # A voided pregnancy never counts.
                    if k == 0:
                        session.add(
                            Pregnancy(id=new_id(), resident_id=person.id, delivery_date=date(2025, 2, 1), **VOID)
                        )
    r = q.RESIDENTS
    for as_of in (date(2025, 2, 28), date(2025, 3, 1), date(2024, 2, 29), date(2025, 3, 16)):
        conditions = q.key_population_conditions(r, as_of)
        columns = [case((cond, True), else_=False).label(tag.value) for tag, cond in conditions.items()]
        with store.read() as session:
            rows = session.execute(select(r.c.id, *columns)).all()
            people = {p.id: p for p in session.scalars(select(Resident))}
            facts_of = {
                p.id: PersonFacts(
                    birth_date=p.birth_date,
                    has_hypertension=p.has_hypertension,
                    has_diabetes=p.has_diabetes,
                    has_tuberculosis=p.has_tuberculosis,
                    has_severe_mental_disorder=p.has_severe_mental_disorder,
                    has_disability=p.has_disability,
                    in_poverty_programme=bool(p.relief_statuses),
                    family_planning_special=p.family_planning_special,
                    pregnancies=p.pregnancy_dates,
                )
                for p in people.values()
            }
        assert len(rows) == len(births) * len(flags) * len(pregnancies)
        maternal = 0
        for row in rows:
            sql_tags = {tag for tag in KeyPopulation if row._mapping[tag.value]}
            expected = set(compute_tags(facts_of[row.id], as_of))
            assert sql_tags == expected, (people[row.id].name, as_of)
            maternal += KeyPopulation.MATERNAL in expected
        assert maternal > 0


def test_renewal_rate(township: Store) -> None:
    report = report_on(township, AS_OF)
    # Expired in the period: C3 (renewed by C4) and C7 (not renewed); C2 was terminated.
    assert pair(report.township, "renewal_rate") == (1, 2, 0.5)
    assert pair(village(report, CODE_A), "renewal_rate") == (0, 1, 0.0)  # C7, a2's
    assert pair(village(report, CODE_B), "renewal_rate") == (1, 1, 1.0)
    # On 27 Dec 2024 C4 was not signed yet, and C3 had not expired: nothing to renew.
    assert pair(report_on(township, date(2024, 12, 27)).township, "renewal_rate") == (0, 0, None)


def test_fulfilment_rate(township: Store) -> None:
    report = report_on(township, AS_OF)
    t = report.township
    # Contracted with services due: a1 (one follow-up done late), a2 (done; the cancelled
    # one does not count), b1 (last year's check, done). b2 has nothing due; a6 is not
    # contracted any more.
    assert pair(t, "fulfilment_rate")[:2] == (2, 3)
    assert t.value("fulfilment_rate") == pytest.approx(2 / 3)
    assert pair(village(report, CODE_A), "fulfilment_rate") == (1, 2, 0.5)
    assert pair(village(report, CODE_B), "fulfilment_rate") == (1, 1, 1.0)
    # Per kind, for the township: every planned service due (a6's undone check included).
    assert pair(t, "fulfilment_rate_health_assessment") == (3, 4, 0.75)
    assert pair(t, "fulfilment_rate_hypertension_followup") == (1, 2, 0.5)
    assert "fulfilment_rate_consultation" not in {i.key for i in t.indicators}  # cancelled
    assert not any(i.key.startswith("fulfilment_rate_") for v in report.villages for i in v.indicators)
    # A week later a1's follow-up is done, but the second quarter's window has ended:
    # done by 7 July counts for a statistics date of 7 July.
    later = report_on(township, date(2025, 7, 7)).township
    assert pair(later, "fulfilment_rate_hypertension_followup") == (2, 2, 1.0)


def test_chronic_disease_management(township: Store) -> None:
    report = report_on(township, AS_OF)
    t = report.township
    # a1: 3 current records (the corrected one counts once, the voided one and the one
    # before the period not at all); b2: 4 records, latest corrected to 128/78.
    assert pair(t, "hypertension_managed") == (2, 2, 1.0)
    assert pair(t, "hypertension_standardised") == (1, 2, 0.5)
    assert pair(t, "hypertension_controlled") == (1, 2, 0.5)  # a1's latest is 145/85
    assert pair(village(report, CODE_A), "hypertension_standardised") == (0, 1, 0.0)
    assert pair(village(report, CODE_B), "hypertension_controlled") == (1, 1, 1.0)
    # a6 was followed up once (6.5 mmol/L), b3 never: b3 is a patient, not managed.
    assert pair(t, "diabetes_managed") == (1, 2, 0.5)
    assert pair(t, "diabetes_standardised") == (0, 1, 0.0)
    assert pair(t, "diabetes_controlled") == (1, 1, 1.0)


def test_standardisation_and_control_are_shares_of_the_managed(township: Store) -> None:
    """Both rates divide by the managed patients (年内已管理), never by all patients: b3 has
    the diagnosis but no follow-up, so she is in no denominator but 健康管理率's."""
    t = report_on(township, AS_OF).township
    for disease in ("hypertension", "diabetes"):
        managed = t.indicator(f"{disease}_managed").numerator
        assert t.indicator(f"{disease}_standardised").denominator == managed
        assert t.indicator(f"{disease}_controlled").denominator == managed
    assert t.indicator("diabetes_managed").denominator == 2
    assert t.indicator("diabetes_standardised").denominator == 1


def test_phone_followups_manage_but_never_standardise(township: Store, ids: dict[str, uuid.UUID]) -> None:
    """Four phone calls make a patient managed, not 规范管理 (face-to-face only); a county
    that counts them says so in the definitions."""
    with township.write() as session:
        b = Builder(session, township.info.township_id, dict(ids))
        h = b.household(session.get_one(Village, ids[CODE_A]))
        session.flush()
        caller = b.resident("a7", h, date(1955, 1, 1), has_hypertension=True)
        session.flush()
        for day in (date(2024, 8, 1), date(2024, 11, 1), date(2025, 2, 1), date(2025, 5, 1)):
            b.followup(caller, day, (128, 76), mode=PHONE_MODE)
        b.followup(session.get_one(Resident, ids["b2"]), date(2025, 6, 20), (126, 76), mode=PHONE_MODE)
    t = report_on(township, AS_OF).township
    assert pair(t, "hypertension_managed")[:2] == (3, 3)
    assert pair(t, "hypertension_standardised")[:2] == (1, 3)  # b2's four at the clinic
    # The latest follow-up decides control whatever its mode: b2's phone call, a7's.
    assert pair(t, "hypertension_controlled")[:2] == (2, 3)
    phone_counts = replace(DEFAULT_DEFINITIONS, phone_followups_count=True)
    counted = report_on(township, AS_OF, phone_counts).township
    assert pair(counted, "hypertension_standardised")[:2] == (2, 3)
    assert "电话随访不计" in t.indicator("hypertension_standardised").formula_zh
    assert "电话" in counted.indicator("hypertension_standardised").formula_zh


def test_diabetes_control_is_fasting_glucose_alone(admin_store: Store) -> None:
    """Fasting glucose 5.5 with blood pressure 135/85 (above the 2025 target) is a
    controlled diabetes patient; 8.0 with 110/70 is not."""
    ids = build_township(admin_store)
    with admin_store.write() as session:
        set_setting(session, BP_TARGET, "guideline2025")
        b = Builder(session, admin_store.info.township_id, ids)
        b3, a6 = session.get_one(Resident, ids["b3"]), session.get_one(Resident, ids["a6"])
        b.followup(b3, date(2025, 6, 20), (5.5, 135, 85), diabetes=True)
        b.followup(a6, date(2025, 6, 20), (8.0, 110, 70), diabetes=True)
    t = compute_indicators(admin_store, AS_OF).township
    assert pair(t, "diabetes_managed")[:2] == (2, 2)
    assert pair(t, "diabetes_controlled")[:2] == (1, 2)
    assert "只看血糖" in t.indicator("diabetes_controlled").formula_zh


def test_followup_rules_are_configuration(township: Store) -> None:
    three = replace(DEFAULT_DEFINITIONS, min_followups=3)
    t = report_on(township, AS_OF, three).township
    assert pair(t, "hypertension_standardised") == (2, 2, 1.0)
    assert "≥3次" in t.indicator("hypertension_standardised").formula_zh
    # 145/85 at 75 years old is controlled under the looser elderly target.
    elderly150 = replace(DEFAULT_DEFINITIONS, bp_target="spec2017_elderly150")
    assert pair(report_on(township, AS_OF, elderly150).township, "hypertension_controlled") == (2, 2, 1.0)


def test_satisfaction(township: Store) -> None:
    report = report_on(township, AS_OF)
    # a1 satisfied, a2 score 85, b1 score 60, b2 answered "no" despite a 90; the voided
    # survey and the one before the period do not count.
    assert pair(report.township, "satisfaction") == (2, 4, 0.5)
    assert pair(village(report, CODE_A), "satisfaction") == (2, 2, 1.0)
    assert pair(village(report, CODE_B), "satisfaction") == (0, 2, 0.0)


def test_zero_denominators_give_none(township: Store, store_as: Callable[[Role], Store]) -> None:
    c = village(report_on(township, AS_OF), CODE_C)
    assert all(i.value is None and i.numerator == 0 == i.denominator for i in c.indicators)
    assert len(c.indicators) == len(village(report_on(township, AS_OF), CODE_A).indicators)
    empty = report_on(store_as(Role.NURSE), AS_OF)  # the scene: a township with no villages yet
    assert empty.villages == ()
    assert all(i.value is None and i.denominator == 0 for i in empty.township.indicators)


def _adds_up(whole: AreaIndicators, parts: list[AreaIndicators], keys: set[str]) -> None:
    for item in whole.indicators:
        if item.key in keys:
            assert item.numerator == sum(p.indicator(item.key).numerator for p in parts), item.key
            assert item.denominator == sum(p.indicator(item.key).denominator for p in parts), item.key
            assert item.value is None or 0.0 <= item.value <= 1.0


@pytest.mark.parametrize("as_of", [AS_OF, PAST, date(2025, 1, 10), date(2025, 7, 7)])
def test_villages_teams_and_doctors_add_up(township: Store, as_of: date) -> None:
    report = report_on(township, as_of)
    t = report.township
    for field_name in ("residents", "households", "contracted_residents"):
        assert getattr(t, field_name) == sum(getattr(v, field_name) for v in report.villages)
    village_keys = {i.key for i in report.villages[0].indicators}
    assert village_keys == {i.key for i in t.indicators if not i.key.startswith("fulfilment_rate_")}
    _adds_up(t, list(report.villages), village_keys)
    # Every covered resident is in one team; a team is the sum of its doctors.
    assert t.contracted_residents == sum(team.team.contracted_residents for team in report.teams)
    for team in report.teams:
        assert {i.key for i in team.team.indicators} == village_keys
        _adds_up(team.team, list(team.doctors), village_keys)
        assert team.team.households <= sum(d.households for d in team.doctors)


def test_a_past_date_ignores_later_registrations(township: Store, ids: dict[str, uuid.UUID]) -> None:
    """a2's file was made on 5 January 2025: on 31 December 2024 she was nobody's
    resident yet, though her contract C7 covered that day."""
    with township.write() as session:
        session.get_one(Resident, ids["a2"]).registered_on = date(2025, 1, 5)
    past = report_on(township, PAST).township
    assert (past.residents, past.contracted_residents) == (8, 3)
    assert pair(past, "coverage")[:2] == (3, 8)
    now = report_on(township, AS_OF).township
    assert (now.residents, now.contracted_residents) == (8, 4)


def test_a_service_cancelled_after_the_day_was_open_on_it(township: Store, ids: dict[str, uuid.UUID]) -> None:
    """A follow-up due by 31 March and cancelled on 1 May was open, not done, on 15 April."""
    with township.write() as session:
        b = Builder(session, township.info.township_id, dict(ids))
        c1, a2 = session.get_one(Contract, ids["C1"]), session.get_one(Resident, ids["a2"])
        window = (date(2025, 1, 1), date(2025, 3, 31))
        cancelled = PlannedServiceStatus.CANCELLED
        b.planned(c1, a2, ServiceKind.CONSULTATION, window, status=cancelled, closed_on=date(2025, 5, 1))
    april = report_on(township, date(2025, 4, 15)).township
    assert pair(april, "fulfilment_rate")[:2] == (2, 3)  # a1, b1 done; a2 not
    assert pair(april, "fulfilment_rate_consultation")[:2] == (0, 1)
    # Once closed, it is no longer due: on AS_OF a2 has done all that was due.
    assert pair(report_on(township, AS_OF).township, "fulfilment_rate")[:2] == (2, 3)
    assert "fulfilment_rate_consultation" not in {i.key for i in report_on(township, AS_OF).township.indicators}


def _team(report: IndicatorReport, name: str) -> TeamIndicators:
    return next(team for team in report.teams if team.team.name == name)


def test_figures_per_team_and_doctor(township: Store, ids: dict[str, uuid.UUID]) -> None:
    """The team and doctor of each resident's contract in force: a1, a2 with 第一团队 (李医生);
    b1, b2 with 第二团队 (王医生); a6's contract was terminated, so her diabetes counts in
    the township and village A only. C7, which expired unrenewed, was 赵医生's."""
    report = report_on(township, AS_OF)
    assert [team.team.name for team in report.teams] == ["第一团队", "第二团队"]
    first, second = _team(report, "第一团队"), _team(report, "第二团队")
    assert first.team.code == str(ids["T1"])
    assert [(d.name, d.code) for d in first.doctors] == [("李医生", str(ids["D1"])), ("赵医生", str(ids["D3"]))]
    assert [d.name for d in second.doctors] == ["王医生"]
    t1, li, zhao, t2 = first.team, first.doctors[0], first.doctors[1], second.team
    assert (t1.residents, t1.households, t1.contracted_residents) == (2, 1, 2)
    assert pair(t1, "coverage") == (2, 2, 1.0)
    assert pair(t1, "key_population_coverage")[:2] == (1, 1)
    assert pair(t1, "renewal_rate") == (0, 1, 0.0)
    assert (pair(li, "renewal_rate")[:2], pair(zhao, "renewal_rate")[:2]) == ((0, 0), (0, 1))
    assert zhao.residents == 0
    assert pair(t1, "fulfilment_rate")[:2] == (1, 2)
    assert pair(t1, "satisfaction")[:2] == (2, 2)
    assert [pair(t1, f"hypertension_{k}")[:2] for k in ("managed", "standardised", "controlled")] == [
        (1, 1),
        (0, 1),
        (0, 1),
    ]
    assert pair(t1, "diabetes_managed")[:2] == (0, 0)
    assert (t2.residents, t2.households) == (2, 1)
    assert [
        pair(t2, k)[:2] for k in ("key_population_coverage", "renewal_rate", "fulfilment_rate", "satisfaction")
    ] == [
        (2, 2),
        (1, 1),
        (1, 1),
        (0, 2),
    ]
    assert [pair(t2, f"hypertension_{k}")[:2] for k in ("managed", "standardised", "controlled")] == [
        (1, 1),
        (1, 1),
        (1, 1),
    ]
    assert second.doctors[0].indicators == t2.indicators
    assert pair(report.township, "diabetes_managed")[:2] == (1, 2)


def test_a_resident_in_two_contracts_counts_for_the_later_one(township: Store) -> None:
    """On 10 January 2025 a2 is covered by C1 (李医生, from 1 January) and C7 (赵医生, to 14
    January): she counts once, for C1's doctor."""
    report = report_on(township, date(2025, 1, 10))
    first = _team(report, "第一团队")
    # 赵医生 has nothing to count that day (C7 expires only on 14 January).
    assert [(d.name, d.contracted_residents) for d in first.doctors] == [("李医生", 4)]
    assert (first.team.contracted_residents, first.team.households) == (4, 2)  # a1-a3, a6
    assert _team(report, "第二团队").team.contracted_residents == 2


def test_a_household_counts_once_for_its_team(township: Store, ids: dict[str, uuid.UUID]) -> None:
    """a3 signs with 赵医生 on 1 April 2025 while a1 and a2 stay with 李医生: household HA1
    counts for both doctors, and once for 第一团队."""
    with township.write() as session:
        b = Builder(session, township.info.township_id, dict(ids), n=100)
        b.contract([session.get_one(Resident, ids["a3"])], date(2025, 4, 1), date(2026, 3, 31), doctor="D3")
    first = _team(report_on(township, AS_OF), "第一团队")
    assert [(d.name, d.households, d.contracted_residents) for d in first.doctors] == [
        ("李医生", 1, 2),
        ("赵医生", 1, 1),
    ]
    assert (first.team.households, first.team.contracted_residents) == (1, 3)


@pytest.mark.parametrize("as_of", [AS_OF, PAST, date(2025, 1, 10), date(2025, 4, 15)])
def test_one_village_alone_gives_its_row_of_the_report(township: Store, ids: dict[str, uuid.UUID], as_of: date) -> None:
    report = report_on(township, as_of)
    for code in (CODE_A, CODE_B, CODE_C):
        assert village_indicators(township, ids[code], as_of, DEFAULT_DEFINITIONS) == village(report, code)


def test_one_village_needs_a_sign_in_and_a_village(township: Store, ids: dict[str, uuid.UUID]) -> None:
    assert village_indicators(township, ids[CODE_A]).code == CODE_A  # today by the store's clock
    nobody = Store(township.engine, township.paths, township.info, None, township.clock, township.key)
    with pytest.raises(PermissionDenied):
        village_indicators(nobody, ids[CODE_A], AS_OF)
    with pytest.raises(ValidationError) as caught:
        village_indicators(township, ids["T1"], AS_OF)
    set_language("en")
    try:
        assert caught.value.message == "Could not find the village: refresh and try again."
    finally:
        set_language("zh_CN")


def test_every_indicator_shows_its_formula(township: Store) -> None:
    six_months = replace(DEFAULT_DEFINITIONS, period_months=6)
    items = report_on(township, AS_OF, six_months).township.indicators
    assert all(i.name_zh and "÷" in i.formula_zh and "{" not in i.formula_zh for i in items)
    assert "近6个月" in next(i for i in items if i.key == "renewal_rate").formula_zh
    assert len({i.key for i in items}) == len(items)


def test_period_start() -> None:
    assert period_start(date(2025, 6, 30), 12) == date(2024, 6, 30)
    assert period_start(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert period_start(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert period_start(date(2025, 1, 15), 3) == date(2024, 10, 15)


def test_load_summary(township: Store) -> None:
    with township.read() as session:
        summary = load_summary(session, as_of=AS_OF)
        assert summary == TownshipSummary(TOWNSHIP_CODE, TOWNSHIP_NAME, 3, 3, 8, 4, 0.5)
        past = load_summary(session, as_of=PAST)
        assert (past.households, past.residents, past.contracted_residents) == (4, 9, 4)


def test_load_summary_of_an_empty_store(store: Store) -> None:
    with store.read() as session:
        summary = load_summary(session)
    assert summary == TownshipSummary(TOWNSHIP_CODE, TOWNSHIP_NAME, 0, 0, 0, 0, None)


def test_the_statistics_date_defaults_to_the_stores_today(township: Store) -> None:
    """Without a date, the figures are those of today by the store's clock (the scene's
    2026-06-01), not the computer's."""
    today = builders.TODAY
    assert compute_indicators(township).as_of == today
    assert compute_indicators(township, definitions=DEFAULT_DEFINITIONS) == report_on(township, today)
    with township.read() as session:
        assert load_summary(session) == load_summary(session, as_of=today)


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), date(2026, 3, 1)])
def test_side_by_side_units_of_work_give_the_same_report(township: Store, as_of: date) -> None:
    serial = compute_indicators(township, as_of, side_by_side=False)
    concurrent = compute_indicators(township, as_of, side_by_side=True)
    assert concurrent == serial
    assert serial.township.residents > 0


def test_the_township_bp_target_setting_decides_the_control_rate(admin_store: Store) -> None:
    build_township(admin_store)
    as_of = date(2024, 12, 31)  # a1's latest follow-up is 132/82: < 140/90, not < 130/80
    default = compute_indicators(admin_store, as_of).township.indicator("hypertension_controlled")
    with admin_store.write() as session:
        set_setting(session, BP_TARGET, "guideline2025")
    stricter = compute_indicators(admin_store, as_of).township.indicator("hypertension_controlled")
    assert "130/80" in stricter.formula_zh and "140/90" in default.formula_zh
    assert stricter.denominator == default.denominator
    assert stricter.numerator < default.numerator, (stricter, default)


# --- the denominator of 健康管理率: a township setting naming its source ----------------


def _estimated(store: Store, hypertension: int | None = None, diabetes: int | None = None) -> None:
    """Switch *store*'s township to the estimated denominator (optionally with its own
    prevalence rates, per mille)."""
    with store.write() as session:
        set_setting(session, MANAGEMENT_DENOMINATOR, "estimated")
        if hypertension is not None:
            set_setting(session, HYPERTENSION_PREVALENCE, hypertension)
        if diabetes is not None:
            set_setting(session, DIABETES_PREVALENCE, diabetes)


def test_the_management_denominator_is_the_registered_patients_by_default(admin_store: Store) -> None:
    build_township(admin_store)
    with admin_store.read() as session:
        assert get_setting(session, MANAGEMENT_DENOMINATOR) == "registered"
        assert (get_setting(session, HYPERTENSION_PREVALENCE), get_setting(session, DIABETES_PREVALENCE)) == (252, 97)
    report = compute_indicators(admin_store, AS_OF)
    assert report == report_on(admin_store, AS_OF, DEFAULT_DEFINITIONS)
    t = report.township
    assert pair(t, "hypertension_managed") == (2, 2, 1.0)
    assert pair(t, "diabetes_managed") == (1, 2, 0.5)
    assert t.indicator("hypertension_managed").formula_zh.endswith(
        "÷ 在册高血压患者数（国家基本公共卫生服务规范（第三版，2017））"
    )
    assert all(area.estimates == () for area in (t, *report.villages))
    assert "估算" not in t.indicator("diabetes_managed").formula_zh


def test_the_estimated_denominator_is_adults_times_prevalence_per_village(admin_store: Store) -> None:
    """Adults on AS_OF: village A a1, a2, a6 (a3 is a child, a4 dead, a5 voided) = 3;
    village B b1, b2, b3, b4 = 4; village C none. At 252‰ and 97‰: A 0.756 → 1 and
    0.291 → 0, B 1.008 → 1 and 0.388 → 0; the township's is the villages' sum, 2 and 0
    (not 7 × 9.7% = 0.679 → 1)."""
    build_township(admin_store)
    _estimated(admin_store)
    report = compute_indicators(admin_store, AS_OF)
    t, a, b, c = report.township, *(village(report, code) for code in (CODE_A, CODE_B, CODE_C))
    assert pair(t, "hypertension_managed") == (2, 2, 1.0)
    assert pair(a, "hypertension_managed") == (1, 1, 1.0)
    assert pair(b, "hypertension_managed") == (1, 1, 1.0)
    assert pair(t, "diabetes_managed") == (1, 0, None)
    assert pair(c, "hypertension_managed") == (0, 0, None)
    assert [(e.disease, e.registered, e.adults, e.estimated) for e in t.estimates] == [
        ("hypertension", 2, 7, 2),
        ("diabetes", 2, 7, 0),
    ]
    assert [(e.registered, e.adults, e.estimated) for e in a.estimates] == [(1, 3, 1), (1, 3, 0)]
    assert (t.patients("hypertension"), t.patients("diabetes")) == (2, 2)
    # The numerators and the other rates do not change.
    default = report_on(admin_store, AS_OF)
    for key in ("hypertension_standardised", "hypertension_controlled", "diabetes_controlled", "coverage"):
        assert pair(t, key) == pair(default.township, key), key
    assert t.indicator("diabetes_managed").numerator == default.township.indicator("diabetes_managed").numerator


def test_the_prevalence_settings_decide_the_estimate_rounded_half_up(admin_store: Store) -> None:
    """At 500‰ and 200‰: A 3 × 0.5 = 1.5 → 2 and 0.6 → 1; B 4 × 0.5 = 2 and 0.8 → 1."""
    build_township(admin_store)
    _estimated(admin_store, hypertension=500, diabetes=200)
    report = compute_indicators(admin_store, AS_OF)
    t, a, b = report.township, village(report, CODE_A), village(report, CODE_B)
    assert pair(t, "hypertension_managed") == (2, 4, 0.5)
    assert (pair(a, "hypertension_managed"), pair(b, "hypertension_managed")) == ((1, 2, 0.5), (1, 2, 0.5))
    assert pair(t, "diabetes_managed") == (1, 2, 0.5)
    assert (pair(a, "diabetes_managed"), pair(b, "diabetes_managed")) == ((1, 1, 1.0), (0, 1, 0.0))
    _adds_up(t, list(report.villages), {"hypertension_managed", "diabetes_managed"})
    # The dashboard's one village gives its row of the report.
    for code in (CODE_A, CODE_B, CODE_C):
        with admin_store.read() as session:
            village_id = session.scalars(select(Village.id).where(Village.code == code)).one()
        assert village_indicators(admin_store, village_id, AS_OF) == village(report, code)


def test_an_adult_is_18_on_the_day(admin_store: Store) -> None:
    """Someone born on 30 June 2007 is an adult on 30 June 2025, not the day before: at
    500‰ village C's estimate is 1 (0.5 rounds up), then 0."""
    ids = build_township(admin_store)
    with admin_store.write() as session:
        b = Builder(session, admin_store.info.township_id, ids)
        h = b.household(session.get_one(Village, ids[CODE_C]))
        session.flush()
        b.resident("c1", h, date(2007, 6, 30))
    _estimated(admin_store, hypertension=500)
    on_the_day = village(compute_indicators(admin_store, AS_OF), CODE_C)
    day_before = village(compute_indicators(admin_store, date(2025, 6, 29)), CODE_C)
    assert [(e.adults, e.estimated) for e in on_the_day.estimates] == [(1, 1), (1, 0)]
    assert [(e.adults, e.estimated) for e in day_before.estimates] == [(0, 0), (0, 0)]


def test_teams_and_doctors_keep_the_registered_patients(admin_store: Store) -> None:
    build_township(admin_store)
    _estimated(admin_store, hypertension=500)
    report = compute_indicators(admin_store, AS_OF)
    first = _team(report, "第一团队")
    for unit in (first.team, *first.doctors):
        assert unit.estimates == ()
    assert pair(first.team, "hypertension_managed")[:2] == (1, 1)  # a1, registered
    assert "团队、家庭医生没有辖区人口，不按人口估算" in first.team.indicator("hypertension_managed").formula_zh
    assert "估算数" not in first.team.indicator("hypertension_managed").formula_zh


def test_the_formula_names_the_rule_and_its_sources(admin_store: Store) -> None:
    build_township(admin_store)
    _estimated(admin_store)
    t = compute_indicators(admin_store, AS_OF).township
    hypertension = t.indicator("hypertension_managed").formula_zh
    assert "÷ 辖区高血压患者估算数（国家基本公共卫生服务规范（第三版，2017）：辖区常住成年人口总数" in hypertension
    assert "成年人高血压患病率" in hypertension and "在册18岁及以上居民数" in hypertension
    assert "252‰（《中国居民营养与慢性病状况报告（2015年）》全国数）" in hypertension
    assert "97‰（《中国居民营养与慢性病状况报告（2015年）》全国数）" in t.indicator("diabetes_managed").formula_zh
    # A county's own survey figure is named as such.
    with admin_store.write() as session:
        set_setting(session, DIABETES_PREVALENCE, 112)
    local = compute_indicators(admin_store, AS_OF).township.indicator("diabetes_managed").formula_zh
    assert "112‰（乡镇设置的本地调查数）" in local and "2015年" not in local
    # Only the management rate's formula changes.
    assert "估算" not in t.indicator("hypertension_standardised").formula_zh


def test_stats_json_adds_the_estimate_and_keeps_its_keys(admin_store: Store) -> None:
    build_township(admin_store)
    _estimated(admin_store, hypertension=500, diabetes=200)
    report = compute_indicators(admin_store, AS_OF)
    data = report_to_json(report)
    assert data["hypertension"] == {
        "patients": 2,
        "managed": 2,
        "standardised": 1,
        "controlled": 1,
        "management_rate": 0.5,
        "standardisation_rate": 0.5,
        "control_rate": 0.5,
        "estimated_patients": 4,
        "adults": 7,
    }
    assert data["villages"][0]["diabetes"]["estimated_patients"] == 1
    team = data["teams"][0]
    assert "estimated_patients" not in team["hypertension"] and team["hypertension"]["patients"] == 1
    text = report_to_text(report)
    assert "估算患者" in text and "团队和医生为在册患者数" in text
    assert "估算患者" not in report_to_text(report_on(admin_store, AS_OF))


def test_a_bad_denominator_setting_is_refused_in_chinese(admin_store: Store) -> None:
    with admin_store.write() as session, pytest.raises(ValidationError, match="健康管理率的分母") as info:
        set_setting(session, MANAGEMENT_DENOMINATOR, "population")
    assert info.value.field == "management_denominator"
    assert "可选：registered、estimated" in info.value.message
    with admin_store.write() as session, pytest.raises(ValidationError) as info:
        set_setting(session, HYPERTENSION_PREVALENCE, 1001)
    assert "成年人高血压患病率" in info.value.message and "应为 0 到 1000 之间的整数" in info.value.message
    assert "《中国居民营养与慢性病状况报告（2015年）》" in info.value.message
    # 25.2% is 252‰, a whole number; a fraction is refused.
    prevalence: Setting[Any] = SETTINGS["diabetes_prevalence_per_mille"]
    with admin_store.write() as session, pytest.raises(ValidationError, match="成年人糖尿病患病率"):
        set_setting(session, prevalence, 9.7)
    with admin_store.read() as session:
        assert get_setting(session, MANAGEMENT_DENOMINATOR) == "registered"
        assert (get_setting(session, HYPERTENSION_PREVALENCE), get_setting(session, DIABETES_PREVALENCE)) == (252, 97)
