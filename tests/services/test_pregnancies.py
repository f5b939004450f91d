"""Pregnancies with their dates: the maternal tag for its period only, and the rules of the
dates (the indicators' SQL of the period is compared with the rule in test_indicators)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from helpers import builders
from sqlalchemy.orm import Session

from fdclient.domain.key_populations import KeyPopulation
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import Resident, Village
from fdclient.services.registry import pregnancies, residents
from fdclient.text import set_language

MATERNAL = KeyPopulation.MATERNAL


@pytest.fixture
def village(session: Session) -> Village:
    return builders.make_village(session, name="罗家村")


@pytest.fixture
def woman(session: Session, village: Village) -> Resident:
    return builders.make_resident(session, village, name="李梅", birth_date=date(1995, 3, 1), sex=2)


def tags_on(session: Session, resident: Resident, day: date) -> frozenset[KeyPopulation]:
    with builders.on_day(session, day):
        return residents.get_resident(session, resident.id).key_populations


def test_pregnant_then_postpartum_for_42_days_and_then_not(session: Session, woman: Resident) -> None:
    with builders.on_day(session, date(2026, 2, 20)):
        info = pregnancies.add_pregnancy(session, woman.id, last_menstrual_period=date(2026, 1, 10))
    assert (info.maternal_from, info.maternal_until) == (date(2026, 1, 10), date(2026, 10, 31))
    assert MATERNAL not in tags_on(session, woman, date(2026, 1, 9))
    assert MATERNAL in tags_on(session, woman, date(2026, 1, 10))
    with builders.on_day(session, date(2026, 10, 8)):
        delivered = pregnancies.record_delivery(session, info.id, date(2026, 10, 5))
    assert delivered.maternal_until == date(2026, 11, 16)
    assert MATERNAL in tags_on(session, woman, date(2026, 11, 16))
    assert MATERNAL not in tags_on(session, woman, date(2026, 11, 17))


def test_an_undelivered_pregnancy_expires_two_weeks_after_the_expected_date(session: Session, woman: Resident) -> None:
    # The old "pregnant" flag had no date and never expired.
    pregnancies.add_pregnancy(session, woman.id, expected_delivery_date=date(2025, 11, 1))
    assert MATERNAL in tags_on(session, woman, date(2025, 11, 15))
    assert MATERNAL not in tags_on(session, woman, date(2025, 11, 16))
    assert MATERNAL not in residents.get_resident(session, woman.id).key_populations


def test_a_man_has_no_pregnancies(session: Session, village: Village, woman: Resident) -> None:
    man = builders.make_resident(session, village, birth_date=date(1990, 1, 1), sex=1)
    with pytest.raises(ValidationError, match="性别为男，不能登记孕产情况"):
        pregnancies.add_pregnancy(session, man.id, last_menstrual_period=date(2026, 3, 1))
    pregnancies.add_pregnancy(session, woman.id, last_menstrual_period=date(2026, 3, 1))
    form = dataclasses.replace(residents.resident_form(session, woman.id), sex=1, confirm_mismatch=True)
    with pytest.raises(RuleError, match="有孕产记录，性别不能为男"):
        residents.update_resident(session, woman.id, form)


@pytest.mark.parametrize(
    ("dates", "words", "field"),
    [
        ({}, "至少填写末次月经日期、预产期或分娩日期中的一项", "last_menstrual_period"),
        ({"last_menstrual_period": date(2026, 6, 2)}, "末次月经日期 2026-06-02 晚于今天", "last_menstrual_period"),
        ({"delivery_date": date(2026, 6, 2)}, "分娩日期 2026-06-02 晚于今天", "delivery_date"),
        ({"last_menstrual_period": date(1995, 2, 1)}, "早于出生日期 1995-03-01", "last_menstrual_period"),
        ({"expected_delivery_date": date(2027, 3, 9)}, "预产期 2027-03-09 太晚", "expected_delivery_date"),
        ({"expected_delivery_date": date(1995, 6, 1)}, "怀孕开始于出生日期 1995-03-01 之前", "expected_delivery_date"),
        (
            {"last_menstrual_period": date(2026, 3, 1), "expected_delivery_date": date(2026, 10, 1)},
            "按末次月经推算预产期约为 2026-12-06",
            "expected_delivery_date",
        ),
        (
            {"last_menstrual_period": date(2026, 3, 1), "delivery_date": date(2026, 3, 1)},
            "应在怀孕开始（2026-03-01）之后",
            "delivery_date",
        ),
    ],
)
def test_the_dates_are_checked(session: Session, woman: Resident, dates: dict, words: str, field: str) -> None:
    with pytest.raises(ValidationError, match=words) as error:
        pregnancies.add_pregnancy(session, woman.id, **dates)
    assert error.value.field == field


def test_two_pregnancies_do_not_overlap(session: Session, woman: Resident) -> None:
    first = pregnancies.add_pregnancy(session, woman.id, last_menstrual_period=date(2024, 1, 1))
    with pytest.raises(RuleError, match="在 2024-01-01 至 2024-10-21 已有一次孕产记录"):
        pregnancies.add_pregnancy(session, woman.id, expected_delivery_date=date(2024, 12, 1))
    pregnancies.record_delivery(session, first.id, date(2024, 9, 20))
    second = pregnancies.add_pregnancy(session, woman.id, expected_delivery_date=date(2026, 1, 1))
    with pytest.raises(RuleError, match="已登记分娩（2024-09-20）"):
        pregnancies.record_delivery(session, first.id, date(2024, 9, 21))
    pregnancies.void_pregnancy(session, second.id, "预产期录错")
    third = pregnancies.add_pregnancy(session, woman.id, expected_delivery_date=date(2025, 12, 20))
    listed = pregnancies.pregnancies_of(session, woman.id)
    assert [(p.id, p.voided) for p in listed] == [(second.id, True), (third.id, False), (first.id, False)]


def test_permissions_and_english(session: Session, woman: Resident) -> None:
    with builders.acting_as(session, builders.actor_named(session, "gongwei")):
        info = pregnancies.add_pregnancy(session, woman.id, last_menstrual_period=date(2026, 4, 1))
    with builders.as_admin(session):
        with pytest.raises(PermissionDenied, match="登记家庭和居民"):
            pregnancies.record_delivery(session, info.id, date(2026, 5, 1))
        with pytest.raises(PermissionDenied, match="查看居民档案"):
            pregnancies.pregnancies_of(session, woman.id)
    set_language("en")
    try:
        with pytest.raises(ValidationError) as late:
            pregnancies.add_pregnancy(session, woman.id, expected_delivery_date=date(2027, 3, 9))
        assert late.value.message == (
            "The expected delivery date 2027-03-09 is too late: the pregnancy has begun, so the delivery is "
            "expected at most 280 days from today (2027-03-08)."
        )
        with pytest.raises(RuleError) as overlap:
            pregnancies.add_pregnancy(session, woman.id, last_menstrual_period=date(2026, 5, 1))
        assert overlap.value.message.startswith("李梅 already has a pregnancy from 2026-04-01 to 2027-01-20")
    finally:
        set_language("zh_CN")
