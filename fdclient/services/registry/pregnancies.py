"""Pregnancies with their dates (孕产妇): what makes a resident maternal, and for how long.

A pregnancy records at least one of the last menstrual period (末次月经, LMP), the expected
delivery date (预产期, EDD) and the delivery date (分娩日期); the maternal tag holds for the
period :meth:`fdclient.domain.key_populations.PregnancyDates.maternal_period` gives
(pregnant from the LMP or EDD − 280 days until the delivery, or until EDD + 14 days while
none is recorded; postpartum 42 days after the delivery). The rules of the dates:

* not before the resident's birth (nor the start the EDD implies); the LMP and the
  delivery not after today; the EDD at most 280 days after today (the pregnancy has begun);
* LMP and EDD together agree within 28 days with EDD = LMP + 280 days (Naegele's rule);
  the delivery comes after the pregnancy's start;
* a man (sex code 1) has no pregnancies; two pregnancies of one woman do not overlap
  (from the start, or the delivery when no start is known, to the delivery or the
  latest day she counts as pregnant).

Adding, recording the delivery and voiding need ``REGISTER_RESIDENTS``; reading needs
``VIEW_RECORDS``. The indicators count the same period in SQL
(``fdclient.services.indicators.sql``; a test compares the two).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fdclient.domain.key_populations import PREGNANCY_DAYS, PregnancyDates
from fdclient.domain.roles import Permission
from fdclient.domain.validation import check_date_in_life
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Pregnancy, Resident
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import MALE, get_resident_row
from fdclient.services.voiding import void_row
from fdclient.store.context import require, today
from fdclient.text import msg

#: How far the EDD may be from LMP + 280 days when both are given.
NAEGELE_TOLERANCE_DAYS = 28
LMP = msg("末次月经日期", "last menstrual period")
EDD = msg("预产期", "expected delivery date")
DELIVERY = msg("分娩日期", "delivery date")
PREGNANCY = msg("该孕产记录", "the pregnancy")


@dataclass(frozen=True)
class PregnancyInfo:
    id: uuid.UUID
    resident_id: uuid.UUID
    last_menstrual_period: date | None
    expected_delivery_date: date | None
    delivery_date: date | None
    #: First and last day the resident is maternal (孕产妇) by this pregnancy.
    maternal_from: date
    maternal_until: date
    voided: bool


def pregnancy_info(p: Pregnancy) -> PregnancyInfo:
    period = p.dates.maternal_period()
    assert period is not None  # the database refuses a pregnancy without a date
    return PregnancyInfo(
        p.id,
        p.resident_id,
        p.last_menstrual_period,
        p.expected_delivery_date,
        p.delivery_date,
        period[0],
        period[1],
        p.voided_at is not None,
    )


def _span(dates: PregnancyDates) -> tuple[date, date]:
    """From the start (or the delivery, when no start is known) to the delivery or the
    last day pregnant: what two pregnancies may not share."""
    first = dates.start() or dates.delivery_date
    last = dates.delivery_date or dates.last_pregnant_day()
    assert first is not None and last is not None
    return first, last


def check_pregnancy_dates(dates: PregnancyDates, *, birth_date: date, today: date) -> PregnancyDates:
    """The rules of the dates of one pregnancy (see the module docstring)."""
    lmp, edd, delivered = dates.last_menstrual_period, dates.expected_delivery_date, dates.delivery_date
    if lmp is None and edd is None and delivered is None:
        raise ValidationError(
            msg(
                "请至少填写末次月经日期、预产期或分娩日期中的一项。",
                "Please give at least one of the last menstrual period, the expected delivery date and the "
                "delivery date.",
            ),
            field="last_menstrual_period",
        )
    for day, label, field in ((lmp, LMP, "last_menstrual_period"), (delivered, DELIVERY, "delivery_date")):
        if day is not None:
            check_date_in_life(day, label=label, field=field, birth_date=birth_date, today=today)
    if edd is not None and edd > today + timedelta(days=PREGNANCY_DAYS):
        raise ValidationError(
            msg(
                "预产期 {edd} 太晚：怀孕已经开始，预产期最晚在今天之后 280 天（{latest}）。",
                "The expected delivery date {edd} is too late: the pregnancy has begun, so the delivery is expected "
                "at most 280 days from today ({latest}).",
                edd=edd.isoformat(),
                latest=(today + timedelta(days=PREGNANCY_DAYS)).isoformat(),
            ),
            field="expected_delivery_date",
        )
    if edd is not None and lmp is None and edd - timedelta(days=PREGNANCY_DAYS) < birth_date:
        raise ValidationError(
            msg(
                "预产期 {edd} 不合理：按此推算怀孕开始于出生日期 {birth} 之前，请核对。",
                "The expected delivery date {edd} is not plausible: the pregnancy would have begun before the "
                "birth date {birth}. Please check it.",
                edd=edd.isoformat(),
                birth=birth_date.isoformat(),
            ),
            field="expected_delivery_date",
        )
    if lmp is not None and edd is not None:
        naegele = lmp + timedelta(days=PREGNANCY_DAYS)
        if abs((edd - naegele).days) > NAEGELE_TOLERANCE_DAYS:
            raise ValidationError(
                msg(
                    "预产期 {edd} 与末次月经 {lmp} 不符：按末次月经推算预产期约为 {naegele}，请核对。",
                    "The expected delivery date {edd} does not match the last menstrual period {lmp}: counted from "
                    "it the delivery is expected about {naegele}. Please check them.",
                    edd=edd.isoformat(),
                    lmp=lmp.isoformat(),
                    naegele=naegele.isoformat(),
                ),
                field="expected_delivery_date",
            )
    start = dates.start()
    if delivered is not None and start is not None and delivered <= start:
        raise ValidationError(
            msg(
                "分娩日期 {day} 应在怀孕开始（{start}）之后，请核对。",
                "The delivery date {day} must come after the start of the pregnancy ({start}): please check it.",
                day=delivered.isoformat(),
                start=start.isoformat(),
            ),
            field="delivery_date",
        )
    return dates


def _check_no_overlap(session: Session, r: Resident, dates: PregnancyDates, own_id: uuid.UUID | None) -> None:
    first, last = _span(dates)
    for other in r.pregnancies:
        if other.voided_at is not None or other.id == own_id:
            continue
        other_first, other_last = _span(other.dates)
        if first <= other_last and other_first <= last:
            raise RuleError(
                msg(
                    "{name} 在 {first} 至 {last} 已有一次孕产记录，与这次的日期重叠。请核对日期，或先登记上次的分娩、"
                    "作废错误的记录。",
                    "{name} already has a pregnancy from {first} to {last}, which overlaps these dates. Check the "
                    "dates, or record that pregnancy's delivery or void it if it is wrong.",
                    name=r.name,
                    first=other_first.isoformat(),
                    last=other_last.isoformat(),
                ),
                field="last_menstrual_period",
            )


def add_pregnancy(
    session: Session,
    resident_id: uuid.UUID,
    *,
    last_menstrual_period: date | None = None,
    expected_delivery_date: date | None = None,
    delivery_date: date | None = None,
) -> PregnancyInfo:
    """Record a pregnancy of the resident with what is known of its dates."""
    require(session, Permission.REGISTER_RESIDENTS)
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(
            msg(
                "居民 {name} 的档案已作废，不能登记孕产情况。",
                "The file of {name} has been voided: no pregnancy can be recorded.",
                name=r.name,
            )
        )
    if r.sex == MALE:
        raise ValidationError(
            msg(
                "{name} 的性别为男，不能登记孕产情况，请核对性别或所选居民。",
                "{name} is male and cannot be recorded as pregnant: check the sex or the resident chosen.",
                name=r.name,
            ),
            field="resident_id",
        )
    dates = PregnancyDates(last_menstrual_period, expected_delivery_date, delivery_date)
    check_pregnancy_dates(dates, birth_date=r.birth_date, today=today(session))
    _check_no_overlap(session, r, dates, None)
    row = Pregnancy(
        resident_id=r.id,
        last_menstrual_period=last_menstrual_period,
        expected_delivery_date=expected_delivery_date,
        delivery_date=delivery_date,
    )
    r.pregnancies.append(row)
    session.flush()
    return pregnancy_info(row)


def _pregnancy(session: Session, pregnancy_id: uuid.UUID) -> Pregnancy:
    return fetch(session, Pregnancy, pregnancy_id, PREGNANCY, "pregnancy_id")


def record_delivery(session: Session, pregnancy_id: uuid.UUID, delivery_date: date) -> PregnancyInfo:
    """Record the day a pregnancy ended: from then she is postpartum for 42 days."""
    require(session, Permission.REGISTER_RESIDENTS)
    row = _pregnancy(session, pregnancy_id)
    if row.voided_at is not None or row.delivery_date is not None:
        raise RuleError(
            msg(
                "该孕产记录已作废或已登记分娩（{day}），不能再登记分娩；如有误请作废后重新登记。",
                "The pregnancy has been voided or its delivery recorded ({day}): it cannot be recorded again; if it "
                "is wrong, void it and record it anew.",
                day=row.delivery_date.isoformat() if row.delivery_date else msg("已作废", "voided"),
            ),
            field="delivery_date",
        )
    r = get_resident_row(session, row.resident_id)
    dates = PregnancyDates(row.last_menstrual_period, row.expected_delivery_date, delivery_date)
    check_pregnancy_dates(dates, birth_date=r.birth_date, today=today(session))
    _check_no_overlap(session, r, dates, row.id)
    row.delivery_date = delivery_date
    session.flush()
    return pregnancy_info(row)


def void_pregnancy(session: Session, pregnancy_id: uuid.UUID, reason: str) -> PregnancyInfo:
    require(session, Permission.REGISTER_RESIDENTS)
    row = _pregnancy(session, pregnancy_id)
    void_row(session, row, reason, label=msg("该孕产记录", "The pregnancy"))
    session.flush()
    return pregnancy_info(row)


def pregnancies_of(session: Session, resident_id: uuid.UUID) -> tuple[PregnancyInfo, ...]:
    """The resident's pregnancies, the latest first, voided ones included (marked)."""
    require(session, Permission.VIEW_RECORDS)
    r = get_resident_row(session, resident_id)
    return tuple(sorted(map(pregnancy_info, r.pregnancies), key=lambda p: p.maternal_from, reverse=True))
