"""Key populations (重点人群), signed first (DOMAIN.md §3).

Age-based tags derive from the birth date on a reference date:

* elderly (65岁及以上老年人): age ≥ :data:`ELDERLY_MIN_AGE` (65) in full years;
* child (0-6岁儿童): age ≤ :data:`CHILD_MAX_AGE` (6), i.e. under 7 on the reference date.

Ages are full years (周岁): the age goes up on the birthday. Someone born on 29 February
turns a year older on 1 March in common years (on 28 February they have not yet reached
their birthday).

The other tags come from the record (:class:`PersonFacts`). Maternal (孕产妇) holds for the
periods of the resident's pregnancies (:class:`PregnancyDates`), and only then:

* pregnant from the last menstrual period (LMP; when only the expected delivery date, EDD,
  is known: EDD − 280 days) up to the day before the delivery; without a delivery date,
  up to and including EDD + 14 days (42 weeks), or LMP + 294 days when there is no EDD;
* postpartum from the delivery date up to and including the 42nd day after it (the
  产后42天 check).

The two periods join, so a pregnancy is maternal on the days of one interval,
:meth:`PregnancyDates.maternal_period`.

For SQL, :func:`birth_date_bounds` turns an age range on a date into a birth-date interval,
so a query filters ``birth_date BETWEEN earliest AND latest`` on an index instead of
computing every resident's age.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from fdclient.domain.codes import CodeEnum
from fdclient.errors import ValidationError
from fdclient.text import msg

__all__ = [
    "AGE_BASED",
    "CHILD_MAX_AGE",
    "ELDERLY_MIN_AGE",
    "MAX_AGE",
    "OVERDUE_DAYS",
    "POSTPARTUM_DAYS",
    "PREGNANCY_DAYS",
    "KeyPopulation",
    "PersonFacts",
    "PregnancyDates",
    "age_on",
    "birth_date_bounds",
    "compute_tags",
]

#: Elderly from this age (full years) on.
ELDERLY_MIN_AGE = 65
#: Children up to and including this age (full years): 0-6 means under 7.
CHILD_MAX_AGE = 6
#: Largest age accepted by birth_date_bounds.
MAX_AGE = 150


class KeyPopulation(CodeEnum):
    """A key-population tag; the value is stable (stored, synced), the label is the Chinese
    name printed on forms and rosters."""

    ELDERLY = "elderly", "65岁及以上老年人"
    CHILD = "child", "0-6岁儿童"
    MATERNAL = "maternal", "孕产妇"
    DISABLED = "disabled", "残疾人"
    POVERTY = "poverty", "脱贫人口/低保/特困"
    FAMILY_PLANNING_SPECIAL = "family_planning_special", "计划生育特殊家庭"
    HYPERTENSION = "hypertension", "高血压患者"
    DIABETES = "diabetes", "2型糖尿病患者"
    TUBERCULOSIS = "tuberculosis", "肺结核患者"
    SEVERE_MENTAL = "severe_mental", "严重精神障碍患者"


#: Tags that depend only on the birth date and the reference date.
AGE_BASED = frozenset({KeyPopulation.ELDERLY, KeyPopulation.CHILD})

#: Days from the last menstrual period to the expected delivery date (Naegele's rule).
PREGNANCY_DAYS = 280
#: Days after the expected delivery date a pregnancy without a recorded delivery still
#: counts (to 42 weeks).
OVERDUE_DAYS = 14
#: Days after the delivery that are postpartum (产褥期, up to the 42-day check).
POSTPARTUM_DAYS = 42


@dataclass(frozen=True)
class PregnancyDates:
    """The dates of one pregnancy as recorded; at least one is known."""

    last_menstrual_period: date | None = None
    expected_delivery_date: date | None = None
    #: The day the pregnancy ended (分娩日期).
    delivery_date: date | None = None

    def start(self) -> date | None:
        """First day pregnant: the LMP, else EDD − 280 days (None with a delivery date only)."""
        if self.last_menstrual_period is not None:
            return self.last_menstrual_period
        if self.expected_delivery_date is not None:
            return self.expected_delivery_date - timedelta(days=PREGNANCY_DAYS)
        return None

    def last_pregnant_day(self) -> date | None:
        """Last day pregnant: the day before delivery, else EDD + 14, else LMP + 294."""
        if self.delivery_date is not None:
            return self.delivery_date - timedelta(days=1)
        if self.expected_delivery_date is not None:
            return self.expected_delivery_date + timedelta(days=OVERDUE_DAYS)
        if self.last_menstrual_period is not None:
            return self.last_menstrual_period + timedelta(days=PREGNANCY_DAYS + OVERDUE_DAYS)
        return None

    def maternal_period(self) -> tuple[date, date] | None:
        """First and last day (inclusive) the pregnancy makes its mother maternal (孕产妇):
        pregnant, then postpartum up to delivery + 42 days. None when no date is known."""
        first = self.start() or self.delivery_date
        if first is None:
            return None
        if self.delivery_date is not None:
            return first, self.delivery_date + timedelta(days=POSTPARTUM_DAYS)
        last = self.last_pregnant_day()
        assert last is not None  # a start means an LMP or an EDD
        return first, last

    def is_pregnant_on(self, day: date) -> bool:
        start, last = self.start(), self.last_pregnant_day()
        return start is not None and last is not None and start <= day <= last

    def is_postpartum_on(self, day: date) -> bool:
        return self.delivery_date is not None and 0 <= (day - self.delivery_date).days <= POSTPARTUM_DAYS

    def is_maternal_on(self, day: date) -> bool:
        period = self.maternal_period()
        return period is not None and period[0] <= day <= period[1]


@dataclass(frozen=True)
class PersonFacts:
    """What the record says about a resident, as needed for the tags."""

    #: None when unknown: no age-based tag then.
    birth_date: date | None
    has_hypertension: bool = False
    has_diabetes: bool = False
    has_tuberculosis: bool = False
    has_severe_mental_disorder: bool = False
    has_disability: bool = False
    #: Any poverty or relief status (脱贫户, 监测对象, 低保, 特困).
    in_poverty_programme: bool = False
    family_planning_special: bool = False
    #: Pregnancies not voided, with their dates.
    pregnancies: tuple[PregnancyDates, ...] = ()


def age_on(birth_date: date, as_of: date) -> int:
    """Age in full years on *as_of* (周岁). A birth date after *as_of* is rejected."""
    if birth_date > as_of:
        raise ValidationError(
            msg(
                "出生日期 {birth_date} 晚于计算年龄的日期 {as_of}，请核对",
                "The birth date {birth_date} is after the date the age is computed on, {as_of}; please check it",
                birth_date=birth_date.isoformat(),
                as_of=as_of.isoformat(),
            ),
            field="birth_date",
        )
    before_birthday = (as_of.month, as_of.day) < (birth_date.month, birth_date.day)
    return as_of.year - birth_date.year - before_birthday


def compute_tags(facts: PersonFacts, as_of: date) -> frozenset[KeyPopulation]:
    """Key-population tags of a person on *as_of*.

    A person born after *as_of* (or with no birth date) gets no age-based tag.
    """
    tags: set[KeyPopulation] = set()
    if facts.birth_date is not None and facts.birth_date <= as_of:
        age = age_on(facts.birth_date, as_of)
        if age >= ELDERLY_MIN_AGE:
            tags.add(KeyPopulation.ELDERLY)
        if age <= CHILD_MAX_AGE:
            tags.add(KeyPopulation.CHILD)
    if any(p.is_maternal_on(as_of) for p in facts.pregnancies):
        tags.add(KeyPopulation.MATERNAL)
    flags = {
        KeyPopulation.DISABLED: facts.has_disability,
        KeyPopulation.POVERTY: facts.in_poverty_programme,
        KeyPopulation.FAMILY_PLANNING_SPECIAL: facts.family_planning_special,
        KeyPopulation.HYPERTENSION: facts.has_hypertension,
        KeyPopulation.DIABETES: facts.has_diabetes,
        KeyPopulation.TUBERCULOSIS: facts.has_tuberculosis,
        KeyPopulation.SEVERE_MENTAL: facts.has_severe_mental_disorder,
    }
    tags.update(tag for tag, present in flags.items() if present)
    return frozenset(tags)


def birth_date_bounds(
    as_of: date, min_age: int | None = None, max_age: int | None = None
) -> tuple[date | None, date | None]:
    """Birth-date interval ``(earliest, latest)``, both inclusive, of people whose age on
    *as_of* is between *min_age* and *max_age* (inclusive; None = no bound).

    ``age_on(b, as_of)`` is within the ages exactly when ``earliest <= b <= latest``
    (``None`` on a side means open). Use it as::

        earliest, latest = birth_date_bounds(as_of, min_age=ELDERLY_MIN_AGE)
        query.where(Resident.birth_date <= latest)          # 65 and older

        earliest, latest = birth_date_bounds(as_of, max_age=CHILD_MAX_AGE)
        query.where(Resident.birth_date.between(earliest, as_of))  # 0-6, born by as_of

    ``latest`` is the last birth date whose owner has reached *min_age* on *as_of*: the same
    day *min_age* years earlier (28 Feb when that year has no 29 Feb). ``earliest`` is the
    day after the last birth date of someone who has reached ``max_age + 1``. Note that
    without *min_age* the upper bound is None: add ``birth_date <= as_of`` yourself if
    people born later must be left out.
    """
    for name, value in (("min_age", min_age), ("max_age", max_age)):
        if value is not None and not 0 <= value <= MAX_AGE:
            raise ValidationError(
                msg(
                    "年龄应在 0 到 {most} 岁之间，实际为 {value}",
                    "An age must be between 0 and {most}, not {value}",
                    most=MAX_AGE,
                    value=value,
                ),
                field=name,
            )
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationError(
            msg(
                "年龄范围不对：起始年龄 {min_age} 大于截止年龄 {max_age}",
                "The age range is wrong: the lower age {min_age} is above the upper age {max_age}",
                min_age=min_age,
                max_age=max_age,
            ),
            field="min_age",
        )
    latest = _reached_age_by(as_of, min_age) if min_age is not None else None
    earliest = _reached_age_by(as_of, max_age + 1) + timedelta(days=1) if max_age is not None else None
    return earliest, latest


def _reached_age_by(as_of: date, years: int) -> date:
    """Latest birth date of someone aged at least *years* on *as_of*."""
    year = as_of.year - years
    day = min(as_of.day, calendar.monthrange(year, as_of.month)[1])
    return date(year, as_of.month, day)
