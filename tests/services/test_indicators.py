"""Indicators (DOMAIN.md §6) on a small hand-built township with every figure worked out.

Statistics date AS_OF = 2025-06-30 (period 2024-06-30 exclusive .. 2025-06-30), PAST =
2024-12-31. Village A (…201) and B (…202) have people; village C (…203) has none.

=====  =========================================  ===========================================
who    record                                     contracts
=====  =========================================  ===========================================
a1     1950, hypertension                         C1 household HA1 2025-01-01..12-31
a2     1980                                       C1; C7 individual 2024-01-15..2025-01-14
                                                  (expired, not renewed)
a3     2021 (child)                               C1, left on 2025-03-01
a4     1990, deceased 2025-02-01 (HA3)            -
a5     1985, voided (HA3)                         -
a6     1970, diabetes (HA2)                       C2 2024-07-01..2025-06-30 terminated 04-01
b1     1958-08-01 (elderly)                       C3 2024 (renewed by C4 2025)
b2     2000, poverty, disabilities '1' (none),    C3, C4
       hypertension
b3     1995, disability '2', postpartum until     C5 draft
       2025-07-15, diabetes
b4     1960-06-30 (65 on AS_OF), moved out        C6 2025-06-01.., signed 2025-07-01 01:30
       2025-07-02; in voided household HB2        Beijing time
b5     merged into b1                             -
=====  =========================================  ===========================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

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
    Builder,
    build_township,
)
from sqlalchemy import case, select

from fdclient.domain.key_populations import KeyPopulation, PersonFacts, compute_tags
from fdclient.domain.roles import Role
from fdclient.models import (
    Resident,
)
from fdclient.services.indicators import sql as q
from fdclient.services.indicators.compute import AreaIndicators, IndicatorReport, compute_indicators
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS, IndicatorDefinitions, period_start
from fdclient.services.indicators.summary import TownshipSummary, load_summary
from fdclient.settings import BP_TARGET, set_setting
from fdclient.store import Store


@pytest.fixture
def township(store: Store) -> Store:
    build_township(store)
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
    assert pair(t, "coverage") == (4, 9, pytest.approx(4 / 9))
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
    assert pair(t, "key_population_coverage") == (3, 7, pytest.approx(3 / 7))
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
    with store.write() as session:
        b = Builder(session, store.info.township_id)
        h = b.household(b.village(CODE_A, "东村"))
        session.flush()
        births = [
            date(1960, 2, 29),
            date(1960, 3, 1),
            date(1959, 2, 28),
            date(2017, 3, 1),
            date(2017, 2, 28),
            date(2024, 2, 29),
            date(1990, 1, 1),
        ]
        flags = [
            {},
            {"pregnant": True},
            {"postpartum_until": date(2025, 2, 28)},
            {"disabilities": ("1", "3")},
            {"poverty_status": "4"},
            {"family_planning_special": True},
            {"has_tuberculosis": True},
            {"has_severe_mental_disorder": True},
            {"disabilities": ("1",)},
        ]
        for i, born in enumerate(births):
            for j, extra in enumerate(flags):
                b.resident(f"p{i}_{j}", h, born, **extra)
    r = q.RESIDENTS
    for as_of in (date(2025, 2, 28), date(2025, 3, 1), date(2024, 2, 29)):
        conditions = q.key_population_conditions(r, as_of)
        columns = [case((cond, True), else_=False).label(tag.value) for tag, cond in conditions.items()]
        with store.read() as session:
            rows = session.execute(select(r.c.id, *columns)).all()
            people = {p.id: p for p in session.scalars(select(Resident))}
        assert len(rows) == len(births) * len(flags)
        for row in rows:
            p = people[row.id]
            facts = PersonFacts(
                birth_date=p.birth_date,
                has_hypertension=p.has_hypertension,
                has_diabetes=p.has_diabetes,
                has_tuberculosis=p.has_tuberculosis,
                has_severe_mental_disorder=p.has_severe_mental_disorder,
                has_disability=p.has_disability,
                in_poverty_programme=p.poverty_status is not None,
                family_planning_special=p.family_planning_special,
                pregnant=p.pregnant,
                postpartum_until=p.postpartum_until,
            )
            sql_tags = {tag for tag in KeyPopulation if row._mapping[tag.value]}
            assert sql_tags == set(compute_tags(facts, as_of)), (p.birth_date, as_of)


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
    assert pair(t, "fulfilment_rate") == (2, 3, pytest.approx(2 / 3))
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


def test_followup_standardisation_and_control(township: Store) -> None:
    report = report_on(township, AS_OF)
    t = report.township
    # a1: 3 current records (the corrected one counts once, the voided one and the one
    # before the period not at all); b2: 4 records, latest corrected to 128/78.
    assert pair(t, "hypertension_standardised") == (1, 2, 0.5)
    assert pair(t, "hypertension_controlled") == (1, 2, 0.5)  # a1's latest is 145/85
    assert pair(village(report, CODE_A), "hypertension_standardised") == (0, 1, 0.0)
    assert pair(village(report, CODE_B), "hypertension_controlled") == (1, 1, 1.0)
    assert pair(t, "diabetes_standardised") == (0, 2, 0.0)  # a6 once, b3 never
    assert pair(t, "diabetes_controlled") == (1, 1, 1.0)  # a6's 6.5 mmol/L


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


@pytest.mark.parametrize("as_of", [AS_OF, PAST, date(2025, 1, 10), date(2025, 7, 7)])
def test_villages_add_up_to_the_township(township: Store, as_of: date) -> None:
    report = report_on(township, as_of)
    t = report.township
    for field_name in ("residents", "households", "contracted_residents"):
        assert getattr(t, field_name) == sum(getattr(v, field_name) for v in report.villages)
    village_keys = {i.key for i in report.villages[0].indicators}
    assert village_keys == {i.key for i in t.indicators if not i.key.startswith("fulfilment_rate_")}
    for item in t.indicators:
        if item.key not in village_keys:
            continue
        parts = [v.indicator(item.key) for v in report.villages]
        assert item.numerator == sum(p.numerator for p in parts), item.key
        assert item.denominator == sum(p.denominator for p in parts), item.key
        assert item.value is None or 0.0 <= item.value <= 1.0


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
