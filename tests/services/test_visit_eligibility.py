"""Who a visit may be recorded for: the elderly check from 65 and once a calendar year, the
hypertension and diabetes follow-ups for patients with the diagnosis from 35, the age and
diagnosis limits of the generic service records — each refused with a plain message."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from helpers import builders
from helpers.visit_world import Patient, make_patient
from sqlalchemy.orm import Session

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.errors import RuleError
from fdclient.models import Resident
from fdclient.services.visits import recording
from fdclient.services.visits.forms import (
    DiabetesFollowupInput,
    ElderlyCheckInput,
    HypertensionFollowupInput,
    ServiceRecordInput,
)


@pytest.fixture
def p(session: Session) -> Patient:
    return make_patient(session)


def person(p: Patient, birth_date: date, **fields: Any) -> Resident:
    return builders.make_resident(p.session, p.village, name="李四", birth_date=birth_date, **fields)


def elderly(p: Patient, resident: Resident, day: date) -> ElderlyCheckInput:
    return ElderlyCheckInput(resident_id=resident.id, visit_date=day, doctor_id=p.doctor.id)


# --- the elderly annual check ---------------------------------------------------------------


def test_the_elderly_check_is_refused_below_65(p: Patient) -> None:
    young = person(p, date(1985, 1, 10))
    with pytest.raises(RuleError, match="老年人健康体检只面向 65 岁及以上的居民：李四 在 2026-03-01 为 41 岁"):
        p.record(elderly(p, young, date(2026, 3, 1)))


def test_the_age_is_the_age_on_the_visit_date(p: Patient) -> None:
    turning = person(p, date(1961, 4, 1))
    with pytest.raises(RuleError, match="为 64 岁"):
        p.record(elderly(p, turning, date(2026, 3, 31)))
    assert p.record(elderly(p, turning, date(2026, 4, 1))).visit.kind is VisitKind.ELDERLY_CHECK


def test_the_elderly_check_is_once_a_calendar_year(p: Patient) -> None:
    first = p.record(elderly(p, _head(p), date(2026, 3, 1))).visit
    with pytest.raises(RuleError, match="已做过老年人健康体检（2026-03-01）.*请更正那次的记录") as refused:
        p.record(elderly(p, _head(p), date(2026, 3, 3)))
    assert refused.value.field == "visit_date"
    # The first one can be corrected (also to another day of the year) ...
    corrected = recording.correct_visit(
        p.session, first.id, dataclasses.replace(first.form, visit_date=date(2026, 3, 2)), "日期录错"
    ).visit
    # ... and a check in another year is another year's.
    assert p.record(elderly(p, _head(p), date(2025, 12, 30))).visit.visit_date == date(2025, 12, 30)
    # Once the year's record is voided, the check can be recorded again.
    recording.void_visit(p.session, corrected.id, "录错居民")
    assert p.record(elderly(p, _head(p), date(2026, 5, 1))).visit.revision == 1


def _head(p: Patient) -> Resident:
    resident = p.session.get(Resident, p.head_id)
    assert resident is not None
    return resident


# --- hypertension and diabetes follow-ups ---------------------------------------------------


def test_a_hypertension_follow_up_needs_the_diagnosis(p: Patient) -> None:
    resident = person(p, date(1960, 5, 1))
    form = HypertensionFollowupInput(
        resident_id=resident.id, visit_date=date(2026, 3, 1), doctor_id=p.doctor.id, systolic=150, diastolic=95
    )
    with pytest.raises(RuleError, match="李四 的档案中没有高血压诊断.*请先在居民档案中登记高血压诊断"):
        p.record(form)
    builders.diagnose(p.session, resident.id, hypertension=True)
    assert p.record(form).visit.kind is VisitKind.HYPERTENSION


def test_a_diabetes_follow_up_needs_the_diagnosis(p: Patient) -> None:
    resident = person(p, date(1960, 5, 1), has_hypertension=True)
    form = DiabetesFollowupInput(
        resident_id=resident.id, visit_date=date(2026, 3, 1), doctor_id=p.doctor.id, fasting_glucose=6.0
    )
    with pytest.raises(RuleError, match="请先在居民档案中登记2型糖尿病诊断"):
        p.record(form)


def test_chronic_follow_ups_are_for_patients_from_35(p: Patient) -> None:
    child = person(p, date(2021, 3, 1), has_hypertension=True)
    form = HypertensionFollowupInput(
        resident_id=child.id, visit_date=date(2026, 3, 1), doctor_id=p.doctor.id, systolic=110, diastolic=70
    )
    with pytest.raises(RuleError, match="高血压随访只面向 35 岁及以上的居民：李四 在 2026-03-01 为 5 岁"):
        p.record(form)


# --- generic service records ----------------------------------------------------------------


def service(p: Patient, resident: Resident, kind: ServiceKind) -> ServiceRecordInput:
    return ServiceRecordInput(
        resident_id=resident.id, visit_date=date(2026, 3, 1), doctor_id=p.doctor.id, service_kind=kind
    )


def test_child_checks_are_for_children_to_6(p: Patient) -> None:
    six = person(p, date(2019, 3, 2))
    seven = person(p, date(2019, 3, 1))
    assert p.record(service(p, six, ServiceKind.CHILD_CHECK)).visit.kind is VisitKind.SERVICE
    with pytest.raises(RuleError, match="儿童健康检查只面向 0-6 岁的居民：李四 在 2026-03-01 为 7 岁"):
        p.record(service(p, seven, ServiceKind.CHILD_CHECK))


def test_maternal_care_is_not_for_men(p: Patient) -> None:
    with pytest.raises(RuleError, match="孕产妇健康管理只面向女性"):
        p.record(service(p, _head(p), ServiceKind.MATERNAL_CHECK))


def test_tuberculosis_and_mental_follow_ups_need_the_diagnosis(p: Patient) -> None:
    with pytest.raises(RuleError, match="请先在居民档案中登记肺结核诊断"):
        p.record(service(p, _head(p), ServiceKind.TB_FOLLOWUP))
    with pytest.raises(RuleError, match="请先在居民档案中登记严重精神障碍诊断"):
        p.record(service(p, _head(p), ServiceKind.MENTAL_FOLLOWUP))
    patient = person(p, date(1980, 1, 1), has_tuberculosis=True)
    assert p.record(service(p, patient, ServiceKind.TB_FOLLOWUP)).visit.kind is VisitKind.SERVICE


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        (ServiceKind.HYPERTENSION_FOLLOWUP, "高血压患者随访"),
        (ServiceKind.DIABETES_FOLLOWUP, "2型糖尿病患者随访"),
        (ServiceKind.ELDERLY_CHECK, "老年人健康体检"),
        (ServiceKind.HOME_VISIT, "入户服务"),
    ],
)
def test_services_with_a_form_of_their_own_are_not_service_records(p: Patient, kind: ServiceKind, form: str) -> None:
    with pytest.raises(RuleError, match=f"有自己的表单：请录入{form}"):
        p.record(service(p, _head(p), kind))


# --- English ---------------------------------------------------------------------------------


def test_the_messages_read_in_english(p: Patient, english: None) -> None:
    young = person(p, date(1985, 1, 10))
    with pytest.raises(RuleError) as refused:
        p.record(elderly(p, young, date(2026, 3, 1)))
    assert refused.value.message == (
        "The elderly health check is only for residents aged 65 and over: 李四 was 41 on 2026-03-01."
    )
    form = HypertensionFollowupInput(resident_id=young.id, visit_date=date(2026, 3, 1), doctor_id=p.doctor.id)
    with pytest.raises(RuleError) as refused:
        p.record(form)
    assert refused.value.message == (
        "李四's record has no hypertension diagnosis, so no hypertension follow-up can be recorded. Register the "
        "hypertension diagnosis in the resident's record first."
    )
    p.record(elderly(p, _head(p), date(2026, 3, 1)))
    with pytest.raises(RuleError) as refused:
        p.record(elderly(p, _head(p), date(2026, 4, 1)))
    assert refused.value.message == (
        "张三 already had the elderly health check of 2026 (on 2026-03-01); it is done once a year. If that record "
        "is wrong, correct it instead of recording another."
    )
