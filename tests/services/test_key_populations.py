"""Key-population tags, ages and birth-date bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fdclient.domain.key_populations import (
    AGE_BASED,
    CHILD_MAX_AGE,
    ELDERLY_MIN_AGE,
    OVERDUE_DAYS,
    POSTPARTUM_DAYS,
    PREGNANCY_DAYS,
    KeyPopulation,
    PersonFacts,
    PregnancyDates,
    age_on,
    birth_date_bounds,
    compute_tags,
)
from fdclient.errors import ValidationError
from fdclient.text import set_language

AS_OF = date(2026, 11, 22)
K = KeyPopulation


def test_constants():
    assert ELDERLY_MIN_AGE == 65
    assert CHILD_MAX_AGE == 6
    assert AGE_BASED == {K.ELDERLY, K.CHILD}


def test_labels():
    assert {tag.value: tag.label for tag in KeyPopulation} == {
        "elderly": "65岁及以上老年人",
        "child": "0-6岁儿童",
        "maternal": "孕产妇",
        "disabled": "残疾人",
        "poverty": "脱贫人口/低保/特困",
        "family_planning_special": "计划生育特殊家庭",
        "hypertension": "高血压患者",
        "diabetes": "2型糖尿病患者",
        "tuberculosis": "肺结核患者",
        "severe_mental": "严重精神障碍患者",
    }
    assert K("elderly") is K.ELDERLY
    assert K.DIABETES == "diabetes"  # StrEnum: stored as its value


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1961, 11, 22), date(2026, 11, 22), 65),
        (date(1961, 11, 23), date(2026, 11, 22), 64),
        (date(2026, 11, 22), date(2026, 11, 22), 0),
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(1999, 12, 31), date(2000, 1, 1), 0),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_age_on_rejects_birth_after_the_date():
    with pytest.raises(ValidationError, match="晚于计算年龄的日期") as info:
        age_on(date(2026, 11, 23), AS_OF)
    assert info.value.field == "birth_date"


def test_messages_render_in_english():
    set_language("en")
    try:
        with pytest.raises(ValidationError) as late:
            age_on(date(2026, 11, 23), AS_OF)
        assert late.value.message == (
            "The birth date 2026-11-23 is after the date the age is computed on, 2026-11-22; please check it"
        )
        with pytest.raises(ValidationError) as order:
            birth_date_bounds(AS_OF, 10, 5)
        assert order.value.message == "The age range is wrong: the lower age 10 is above the upper age 5"
        with pytest.raises(ValidationError) as bound:
            birth_date_bounds(AS_OF, max_age=151)
        assert bound.value.message == "An age must be between 0 and 150, not 151"
    finally:
        set_language("zh_CN")


def test_elderly_from_the_65th_birthday():
    assert K.ELDERLY in compute_tags(PersonFacts(birth_date=date(1961, 11, 22)), AS_OF)
    assert K.ELDERLY not in compute_tags(PersonFacts(birth_date=date(1961, 11, 23)), AS_OF)


def test_child_until_the_day_before_the_7th_birthday():
    assert compute_tags(PersonFacts(birth_date=date(2019, 11, 23)), AS_OF) == {K.CHILD}
    assert compute_tags(PersonFacts(birth_date=date(2019, 11, 22)), AS_OF) == frozenset()
    assert compute_tags(PersonFacts(birth_date=AS_OF), AS_OF) == {K.CHILD}  # born today


def test_no_age_tags_without_or_before_a_birth_date():
    assert compute_tags(PersonFacts(birth_date=None), AS_OF) == frozenset()
    assert compute_tags(PersonFacts(birth_date=AS_OF + timedelta(days=1)), AS_OF) == frozenset()


def _maternal_days(pregnancy: PregnancyDates, first: date, last: date) -> tuple[date, date] | None:
    """First and last day in [first, last] on which compute_tags gives the maternal tag."""
    facts = PersonFacts(birth_date=date(1995, 1, 1), pregnancies=(pregnancy,))
    days = [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if K.MATERNAL in compute_tags(facts, first + timedelta(days=n))
    ]
    return (days[0], days[-1]) if days else None


def test_maternal_needs_a_pregnancy_on_the_day():
    assert compute_tags(PersonFacts(birth_date=date(1995, 1, 1)), AS_OF) == frozenset()
    assert PREGNANCY_DAYS == 280 and OVERDUE_DAYS == 14 and POSTPARTUM_DAYS == 42


@pytest.mark.parametrize(
    ("pregnancy", "period"),
    [
        # Pregnant from the LMP; no delivery yet: until EDD + 14 days (LMP + 294 without an EDD).
        (PregnancyDates(last_menstrual_period=date(2026, 1, 10)), (date(2026, 1, 10), date(2026, 10, 31))),
        (
            PregnancyDates(date(2026, 1, 10), expected_delivery_date=date(2026, 10, 20)),
            (date(2026, 1, 10), date(2026, 11, 3)),
        ),
        # Only the EDD: pregnant from EDD - 280 days.
        (PregnancyDates(expected_delivery_date=date(2026, 10, 17)), (date(2026, 1, 10), date(2026, 10, 31))),
        # Delivered: postpartum from the delivery day up to and including 42 days after it.
        (PregnancyDates(date(2026, 1, 10), delivery_date=date(2026, 9, 30)), (date(2026, 1, 10), date(2026, 11, 11))),
        (PregnancyDates(delivery_date=date(2026, 9, 30)), (date(2026, 9, 30), date(2026, 11, 11))),
    ],
)
def test_maternal_holds_for_the_pregnancy_and_postpartum_periods_only(pregnancy, period):
    assert pregnancy.maternal_period() == period
    assert _maternal_days(pregnancy, date(2025, 12, 1), date(2027, 3, 1)) == period


def test_a_pregnancy_without_a_delivery_does_not_make_her_maternal_for_ever():
    # The old flag "pregnant" never expired; a recorded pregnancy does.
    pregnancy = PregnancyDates(expected_delivery_date=date(2025, 3, 1))
    facts = PersonFacts(birth_date=date(1995, 1, 1), pregnancies=(pregnancy,))
    assert compute_tags(facts, date(2025, 3, 15)) == {K.MATERNAL}
    assert compute_tags(facts, date(2025, 3, 16)) == frozenset()
    assert compute_tags(facts, AS_OF) == frozenset()


def test_pregnant_and_postpartum_days():
    pregnancy = PregnancyDates(date(2026, 1, 10), date(2026, 10, 17), date(2026, 10, 5))
    assert not pregnancy.is_pregnant_on(date(2026, 1, 9)) and pregnancy.is_pregnant_on(date(2026, 1, 10))
    assert pregnancy.is_pregnant_on(date(2026, 10, 4)) and not pregnancy.is_pregnant_on(date(2026, 10, 5))
    assert pregnancy.is_postpartum_on(date(2026, 10, 5)) and pregnancy.is_postpartum_on(date(2026, 11, 16))
    assert not pregnancy.is_postpartum_on(date(2026, 11, 17)) and not pregnancy.is_postpartum_on(date(2026, 10, 4))
    assert PregnancyDates().maternal_period() is None and not PregnancyDates().is_maternal_on(AS_OF)


def test_any_of_several_pregnancies_counts():
    first = PregnancyDates(delivery_date=date(2024, 5, 1))
    second = PregnancyDates(last_menstrual_period=date(2026, 8, 1))
    facts = PersonFacts(birth_date=date(1995, 1, 1), pregnancies=(first, second))
    assert compute_tags(facts, date(2024, 6, 1)) == {K.MATERNAL}
    assert compute_tags(facts, date(2025, 6, 1)) == frozenset()
    assert compute_tags(facts, AS_OF) == {K.MATERNAL}


@pytest.mark.parametrize(
    ("flag", "tag"),
    [
        ("has_hypertension", K.HYPERTENSION),
        ("has_diabetes", K.DIABETES),
        ("has_tuberculosis", K.TUBERCULOSIS),
        ("has_severe_mental_disorder", K.SEVERE_MENTAL),
        ("has_disability", K.DISABLED),
        ("in_poverty_programme", K.POVERTY),
        ("family_planning_special", K.FAMILY_PLANNING_SPECIAL),
    ],
)
def test_record_flags(flag, tag):
    facts = PersonFacts(birth_date=date(1980, 6, 1), **{flag: True})
    assert compute_tags(facts, AS_OF) == {tag}


def test_tags_combine():
    facts = PersonFacts(
        birth_date=date(1950, 1, 1),
        has_hypertension=True,
        has_diabetes=True,
        in_poverty_programme=True,
    )
    assert compute_tags(facts, AS_OF) == {K.ELDERLY, K.HYPERTENSION, K.DIABETES, K.POVERTY}


def test_facts_are_frozen():
    facts = PersonFacts(birth_date=None)
    with pytest.raises(AttributeError):
        facts.pregnancies = ()  # type: ignore[misc]


def test_birth_date_bounds_examples():
    assert birth_date_bounds(AS_OF, min_age=65) == (None, date(1961, 11, 22))
    assert birth_date_bounds(AS_OF, max_age=6) == (date(2019, 11, 23), None)
    assert birth_date_bounds(AS_OF, min_age=0, max_age=6) == (date(2019, 11, 23), AS_OF)
    assert birth_date_bounds(AS_OF, 35, 35) == (date(1990, 11, 23), date(1991, 11, 22))
    assert birth_date_bounds(AS_OF) == (None, None)
    # Reference date 29 Feb: 65 years earlier has no 29 Feb.
    assert birth_date_bounds(date(2024, 2, 29), min_age=65) == (None, date(1959, 2, 28))
    assert birth_date_bounds(date(2024, 2, 29), max_age=0) == (date(2023, 3, 1), None)


@pytest.mark.parametrize(
    ("min_age", "max_age", "expected"),
    [(-1, None, "年龄应在 0 到 150 岁之间"), (None, 151, "年龄应在"), (10, 5, "起始年龄 10 大于截止年龄 5")],
)
def test_birth_date_bounds_rejects_bad_ranges(min_age, max_age, expected):
    with pytest.raises(ValidationError, match=expected):
        birth_date_bounds(AS_OF, min_age, max_age)


@given(
    as_of=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    born_days_before=st.integers(min_value=0, max_value=120 * 366),
    min_age=st.one_of(st.none(), st.integers(0, 110)),
    span=st.one_of(st.none(), st.integers(0, 30)),
)
def test_birth_date_bounds_agree_with_age_on(as_of, born_days_before, min_age, span):
    max_age = None if span is None else (min_age or 0) + span
    born = as_of - timedelta(days=born_days_before)
    earliest, latest = birth_date_bounds(as_of, min_age, max_age)
    age = age_on(born, as_of)
    in_range = (min_age is None or age >= min_age) and (max_age is None or age <= max_age)
    in_interval = (earliest is None or earliest <= born) and (latest is None or born <= latest)
    assert in_range == in_interval


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    as_of=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
)
def test_age_tags_agree_with_age_on(born, as_of):
    tags = compute_tags(PersonFacts(birth_date=born), as_of)
    if born > as_of:
        assert tags == frozenset()
        return
    age = age_on(born, as_of)
    assert (K.ELDERLY in tags) == (age >= 65)
    assert (K.CHILD in tags) == (age <= 6)
    assert age == _birthdays_passed(born, as_of)


def _birthdays_passed(born: date, as_of: date) -> int:
    """Count birthdays up to as_of; a 29 Feb birthday falls on 1 Mar in common years."""
    count = 0
    for year in range(born.year + 1, as_of.year + 1):
        try:
            birthday = born.replace(year=year)
        except ValueError:
            birthday = date(year, 3, 1)
        count += birthday <= as_of
    return count
