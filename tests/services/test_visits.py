"""Visit records: validation, classification and suggestions, referrals, fulfilment of planned
services, the revision chain, voiding, the current view, and who may do what. The rules of
the follow-ups themselves, eligibility and the generic service record have files of their
own (test_visit_*.py)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from helpers import builders
from helpers.scene import CLOCK
from helpers.visit_world import Patient, got, make_patient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fdclient.domain.codes import AuditAction, PlannedServiceStatus, ReferralUrgency, ServiceKind, VisitKind
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import AuditEntry, HypertensionFollowup, Medication, Referral, Staff, Visit
from fdclient.services.registry import resident_status
from fdclient.services.visits import recording as visits
from fdclient.services.visits import records
from fdclient.services.visits.assessment import FollowupAdvice, assess_followup
from fdclient.services.visits.forms import (
    FORM_OF_KIND,
    MODEL_OF_FORM,
    DiabetesFollowupInput,
    ElderlyCheckInput,
    HomeVisitInput,
    HypertensionFollowupInput,
    MedicationInput,
    ReferralInput,
)
from fdclient.settings import BP_TARGET, set_setting
from fdclient.store import Store

TODAY = builders.TODAY


def chronic(visit: records.VisitRecord) -> HypertensionFollowupInput | DiabetesFollowupInput:
    assert isinstance(visit.form, (HypertensionFollowupInput, DiabetesFollowupInput))
    return visit.form


def home_form(visit: records.VisitRecord) -> HomeVisitInput:
    assert isinstance(visit.form, HomeVisitInput)
    return visit.form


def advice(result: visits.RecordedVisit) -> FollowupAdvice:
    return got(result.advice)


@pytest.fixture
def w(session: Session) -> Patient:
    return make_patient(session)


# --- recording and suggestions ----------------------------------------------------------------


def test_uncontrolled_reading_suggests_classification_and_a_visit_within_two_weeks(w: Patient) -> None:
    result = w.record(w.htn(systolic=150, diastolic=95, weight_kg=70, height_cm=170))
    visit = result.visit
    assert chronic(visit).classification == "2" and chronic(visit).next_visit_date == date(2026, 2, 15)
    assert visit.bmi == 24.2 and visit.revision == 1 and visit.record_id == visit.id
    assert advice(result).urgent_referral is False and "未达到控制目标" in str(advice(result).reasons[0])
    assert got(w.session.get(HypertensionFollowup, visit.id)).bp_target == "spec2017"


def test_controlled_reading_suggests_three_months(w: Patient) -> None:
    visit = w.record(w.htn(systolic=128, diastolic=78)).visit
    assert (chronic(visit).classification, chronic(visit).next_visit_date) == ("1", date(2026, 5, 1))


def test_the_bp_target_is_a_setting(w: Patient) -> None:
    # 135/85 at 75 years: controlled under the 2017 specification, not under the 2025 guideline.
    assert chronic(w.record(w.htn(systolic=135, diastolic=85)).visit).classification == "1"
    later = w.record(w.htn(visit_date=date(2026, 2, 10), systolic=135, diastolic=85), bp_target="guideline2025")
    assert chronic(later.visit).classification == "2" and "2025" in str(advice(later).reasons[0])


def test_without_a_named_target_the_township_setting_decides(w: Patient) -> None:
    # 135/85 at 60 years: controlled under the default setting (2017 specification), not once the
    # township follows the 2025 guideline (<130/80 below 80 years).
    resident = builders.make_resident(
        w.session, w.village, name="王芳", birth_date=date(1965, 6, 1), sex=2, has_hypertension=True
    )
    form = w.htn(resident_id=resident.id, systolic=135, diastolic=85)
    first = w.record(form)
    assert chronic(first.visit).classification == "1" and got(advice(first).bp).age == 60
    assert got(w.session.get(HypertensionFollowup, first.visit.id)).bp_target == "spec2017"
    with builders.as_admin(w.session):
        set_setting(w.session, BP_TARGET, "guideline2025")
    later = w.record(dataclasses.replace(form, visit_date=date(2026, 2, 10)))
    assert chronic(later.visit).classification == "2" and "2025" in str(advice(later).reasons[0])
    assert got(w.session.get(HypertensionFollowup, later.visit.id)).bp_target == "guideline2025"
    # A correction is classified the same way; a target the caller names still wins.
    corrected = visits.correct_visit(w.session, first.visit.id, form, "按新目标复核")
    assert chronic(corrected.visit).classification == "2"
    named = w.record(dataclasses.replace(form, visit_date=date(2026, 2, 20)), bp_target="spec2017")
    assert chronic(named.visit).classification == "1"


def test_typed_values_win_but_disagreement_is_reported(w: Patient) -> None:
    result = w.record(w.htn(systolic=150, diastolic=95, classification="1", next_visit_date=date(2026, 5, 1)))
    assert chronic(result.visit).classification == "1" and chronic(result.visit).next_visit_date == date(2026, 5, 1)
    assert any("填写的分类“控制满意”与测量结果不符" in str(x) for x in result.warnings)
    assert any("晚于建议的最晚日期 2026-02-15" in str(x) for x in result.warnings)


def test_danger_reading_flags_urgent_referral_and_a_confirmed_referral_is_recorded(w: Patient) -> None:
    unconfirmed = w.record(w.htn(systolic=185, diastolic=100))
    assert advice(unconfirmed).urgent_referral and unconfirmed.referral_id is None
    assert any("紧急转诊" in str(x) for x in unconfirmed.warnings)
    confirmed = w.record(
        w.htn(visit_date=date(2026, 2, 2), systolic=182, diastolic=112),
        referral=ReferralInput("县人民医院", department="心内科"),
    )
    referral = got(w.session.get(Referral, confirmed.referral_id))
    assert (referral.urgency, referral.institution, referral.visit_id) == (
        ReferralUrgency.URGENT,
        "县人民医院",
        confirmed.visit.id,
    )
    # The medical record keeps the reasons in Chinese.
    assert "收缩压≥180" in referral.reason and "舒张压≥110" in referral.reason
    assert chronic(confirmed.visit).referral_institution == "县人民医院"


def test_uncontrolled_twice_suggests_referral(w: Patient) -> None:
    assert advice(w.record(w.htn(systolic=150, diastolic=95))).referral_suggested is False
    second = w.record(w.htn(visit_date=date(2026, 2, 14), systolic=152, diastolic=96))
    assert advice(second).referral_suggested and any("连续两次" in str(r) for r in advice(second).reasons)


def test_diabetes_follow_up_records_glucose_and_fulfils_its_service(w: Patient) -> None:
    high = w.record(w.dm(fasting_glucose=17.2, hba1c=9.1, symptoms=("2", "4")))
    assert advice(high).urgent_referral and chronic(high.visit).classification == "2"
    assert chronic(high.visit).symptoms == ("2", "4")
    assert high.fulfilled_service_id == w.service_on(date(2026, 2, 1), ServiceKind.DIABETES_FOLLOWUP).id
    ok = w.record(w.dm(visit_date=date(2026, 4, 10), fasting_glucose=6.1, systolic=130, diastolic=80))
    assert chronic(ok.visit).classification == "1"
    assert ok.fulfilled_service_id == w.service_on(date(2026, 4, 10), ServiceKind.DIABETES_FOLLOWUP).id


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"systolic": 80, "diastolic": 95}, "收缩压（80 mmHg）应高于舒张压"),
        ({"systolic": 150}, "同时填写"),
        ({"systolic": 300, "diastolic": 90}, "超出合理范围"),
        ({"weight_kg": 700}, "体重"),
        ({"mode": "4"}, "随访方式代码“4”不存在"),
        ({"symptoms": ("1", "2")}, "无症状"),
        ({"salt_intake": "5"}, "摄盐情况"),
        ({"cigarettes_per_day": 1.5}, "整数"),
        ({"next_visit_date": date(2026, 2, 1)}, "晚于本次随访日期"),
        ({"visit_date": date(2026, 6, 2)}, "今天之前"),
        ({"medications": (MedicationInput("  "),)}, "药名"),
        ({"medications": (MedicationInput("二甲双胍", 20),)}, "1 到 12"),
    ],
)
def test_bad_forms_are_refused_in_chinese(w: Patient, fields: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        w.record(w.htn(**fields))


def test_medications_are_kept_in_order(w: Patient) -> None:
    meds = (MedicationInput("氨氯地平", 1, "5mg"), MedicationInput("缬沙坦", 1, "80mg"))
    visit = w.record(w.htn(systolic=130, diastolic=80, medications=meds)).visit
    assert chronic(visit).medications == meds
    rows = w.session.scalars(
        select(Medication).where(Medication.visit_id == visit.id).order_by(Medication.position)
    ).all()
    assert [(m.position, m.name) for m in rows] == [(1, "氨氯地平"), (2, "缬沙坦")]


def test_no_visits_after_death(w: Patient) -> None:
    resident_status.mark_deceased(w.session, w.head_id, date(2026, 3, 1))
    with pytest.raises(RuleError, match="死亡"):
        w.record(w.htn(visit_date=date(2026, 3, 5)))


def test_elderly_check_and_home_visit(w: Patient) -> None:
    base: dict[str, Any] = dict(resident_id=w.head_id, visit_date=date(2026, 3, 1), doctor_id=w.doctor.id)
    with pytest.raises(ValidationError, match="生活自理能力评分"):
        w.record(ElderlyCheckInput(**base, self_care_score=38))
    check = w.record(
        ElderlyCheckInput(
            **base, height_cm=165, weight_kg=60, self_care_score=2, systolic_left=135, diastolic_left=80, ecg="1"
        )
    )
    assert check.visit.kind is VisitKind.ELDERLY_CHECK and check.visit.bmi == 22.0
    home = w.record(HomeVisitInput(**base, purposes=("3", "5"), systolic=140, diastolic=85, summary="测血压，指导用药"))
    assert (
        home_form(home.visit).purposes == ("3", "5")
        and home.fulfilled_service_id == w.service(1, ServiceKind.HOME_VISIT).id
    )
    with pytest.raises(ValidationError, match="服务内容代码“9”"):
        w.record(HomeVisitInput(**base, purposes=("9",)))


# --- fulfilment -----------------------------------------------------------------------------


def test_a_visit_fulfils_its_window_then_the_earliest_overdue(w: Patient) -> None:
    in_second = w.record(w.htn(visit_date=date(2026, 5, 10), systolic=130, diastolic=80))
    assert in_second.fulfilled_service_id == w.service(2).id
    assert w.service(2).status == PlannedServiceStatus.DONE and w.service(2).fulfilled_on == date(2026, 5, 10)
    assert w.service(2).visit_id == in_second.visit.id and in_second.visit.contract_id == w.contract.id
    again = w.record(w.htn(visit_date=date(2026, 5, 20), systolic=130, diastolic=80))
    assert again.fulfilled_service_id == w.service(1).id
    third = w.record(w.htn(visit_date=date(2026, 5, 25), systolic=130, diastolic=80))
    assert third.fulfilled_service_id is None and third.visit.contract_id == w.contract.id


# --- revisions, voiding, current view -----------------------------------------------------


def test_correction_writes_a_new_revision_and_moves_the_fulfilment(w: Patient) -> None:
    first = w.record(w.htn(systolic=150, diastolic=95)).visit
    corrected = visits.correct_visit(
        w.session,
        first.id,
        dataclasses.replace(chronic(first), systolic=130, diastolic=85, classification=None, next_visit_date=None),
        "血压抄错",
    )
    new = corrected.visit
    assert (new.record_id, new.revision, new.supersedes_id, new.correction_reason) == (
        first.id,
        2,
        first.id,
        "血压抄错",
    )
    assert chronic(new).classification == "1" and chronic(new).systolic == 130
    old_row = got(w.session.get(HypertensionFollowup, first.id))
    w.session.refresh(old_row)
    assert (old_row.systolic, old_row.classification) == (150, "2")
    assert w.service(1).visit_id == new.id and w.service(1).status == PlannedServiceStatus.DONE
    assert [v.id for v in records.current_visits(w.session, w.head_id)] == [new.id]
    assert [v.revision for v in records.visit_history(w.session, first.id)] == [1, 2]
    with pytest.raises(RuleError, match="第 2 版"):
        visits.correct_visit(w.session, first.id, first.form, "再改")
    with pytest.raises(ValidationError, match="更正原因"):
        visits.correct_visit(w.session, new.id, new.form, " ")
    third = visits.correct_visit(w.session, new.id, dataclasses.replace(chronic(new), notes="补记"), "补充备注").visit
    assert (third.revision, third.supersedes_id, third.record_id) == (3, new.id, first.id)


def test_correction_cannot_change_the_resident(w: Patient) -> None:
    first = w.record(w.htn(systolic=130, diastolic=80)).visit
    other = builders.make_resident(w.session, w.village, name="李四")
    with pytest.raises(RuleError, match="作废该记录"):
        visits.correct_visit(w.session, first.id, dataclasses.replace(first.form, resident_id=other.id), "录错人")
    with pytest.raises(RuleError, match="原记录是高血压患者随访"):
        visits.correct_visit(
            w.session,
            first.id,
            HomeVisitInput(resident_id=w.head_id, visit_date=date(2026, 2, 1), doctor_id=w.doctor.id),
            "改类型",
        )


def test_the_old_revision_cannot_be_edited_through_the_orm(store: Store) -> None:
    with store.write() as session:
        w = make_patient(session)
        first = w.record(w.htn(systolic=150, diastolic=95)).visit
    with pytest.raises(RuleError) as refused, store.write() as session:
        row = got(session.get(HypertensionFollowup, first.id))
        row.systolic = 120
        session.flush()
    # The store's trigger refused it; the unit of work reports a broken rule.
    assert isinstance(refused.value.__context__, IntegrityError) and "immutable" in str(refused.value.__context__)
    with store.read() as session:
        assert got(session.get(HypertensionFollowup, first.id)).systolic == 150


def test_void_reopens_the_planned_service_and_hides_the_record(w: Patient) -> None:
    visit = w.record(w.htn(systolic=130, diastolic=80)).visit
    with pytest.raises(ValidationError, match="原因"):
        visits.void_visit(w.session, visit.id, "")
    voided = visits.void_visit(w.session, visit.id, "录错居民")
    assert voided.voided and voided.void_reason == "录错居民"
    row = got(w.session.get(Visit, visit.id))
    assert (row.voided_by_id, row.voided_at) == (w.doctor.id, CLOCK.now())
    assert w.service(1).status == PlannedServiceStatus.PLANNED and w.service(1).visit_id is None
    assert records.current_visits(w.session, w.head_id) == ()
    entry = w.session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == visit.id, AuditEntry.action == AuditAction.VOID)
    ).one()
    assert entry.actor_id == w.doctor.id and entry.changes["void_reason"] == [None, "录错居民"]
    with pytest.raises(RuleError, match="作废"):
        visits.correct_visit(w.session, visit.id, visit.form, "改")


def test_current_visits_by_kind_newest_first(w: Patient) -> None:
    a = w.record(w.htn(visit_date=date(2026, 2, 1), systolic=130, diastolic=80)).visit
    b = w.record(w.htn(visit_date=date(2026, 4, 1), systolic=130, diastolic=80)).visit
    d = w.record(
        DiabetesFollowupInput(
            resident_id=w.head_id, visit_date=date(2026, 3, 1), doctor_id=w.doctor.id, fasting_glucose=6.0
        )
    ).visit
    assert [v.id for v in records.current_visits(w.session, w.head_id)] == [b.id, d.id, a.id]
    assert [v.id for v in records.current_visits(w.session, w.head_id, VisitKind.HYPERTENSION)] == [b.id, a.id]
    assert isinstance(records.current_visits(w.session, w.head_id, VisitKind.DIABETES)[0].form, DiabetesFollowupInput)


def test_recording_is_audited_with_the_actor(w: Patient) -> None:
    visit = w.record(w.htn(systolic=130, diastolic=80)).visit
    entries = w.session.scalars(select(AuditEntry).where(AuditEntry.row_id == visit.id)).all()
    assert (AuditAction.INSERT, "visits") in {(e.action, e.table_name) for e in entries}
    assert all(e.actor_id == w.doctor.id and e.subject_id == w.head_id for e in entries)
    insert = next(e for e in entries if e.action == AuditAction.INSERT)
    assert insert.changes["systolic"] == 130 and insert.changes["visit_date"] == "2026-02-01"
    assert insert.at == CLOCK.now()


def test_each_kind_has_its_form_and_model() -> None:
    for kind, form in FORM_OF_KIND.items():
        assert MODEL_OF_FORM[form].__mapper__.polymorphic_identity == kind
    assert set(FORM_OF_KIND) == set(VisitKind)


# --- time --------------------------------------------------------------------------------


def test_today_is_the_unit_of_works_day(w: Patient) -> None:
    with pytest.raises(ValidationError, match="今天之前"):
        w.record(w.htn(visit_date=date(2026, 6, 2)))
    with builders.on_day(w.session, date(2026, 6, 2)):
        assert w.record(w.htn(visit_date=date(2026, 6, 2))).visit.visit_date == date(2026, 6, 2)


# --- who may -----------------------------------------------------------------------------


@dataclass
class Field:
    """A resident of the nurse's store and a follow-up a doctor recorded for them."""

    session: Session
    nurse: Staff
    resident_id: uuid.UUID
    followup_id: uuid.UUID

    def home_visit(self, **fields: Any) -> HomeVisitInput:
        base: dict[str, Any] = dict(resident_id=self.resident_id, visit_date=date(2026, 3, 1), doctor_id=self.nurse.id)
        return HomeVisitInput(**{**base, **fields})


@pytest.fixture
def nurse_field(store_as: Callable[[Role], Store]) -> Iterator[Field]:
    store = store_as(Role.NURSE)
    with store.write() as s:
        village = builders.make_village(s)
        resident = builders.make_resident(s, village, birth_date=date(1950, 3, 1), has_hypertension=True)
        doctor = builders.actor_named(s, "doctor")
        with builders.acting_as(s, doctor):
            followup = visits.record_hypertension_followup(
                s,
                HypertensionFollowupInput(
                    resident_id=resident.id,
                    visit_date=date(2026, 2, 1),
                    doctor_id=doctor.staff_id,
                    systolic=150,
                    diastolic=95,
                ),
            )
        assert store.actor is not None
        yield Field(s, got(s.get(Staff, store.actor.staff_id)), resident.id, followup.visit.id)


def test_a_nurse_records_corrects_and_voids_home_visits(nurse_field: Field) -> None:
    f = nurse_field
    home = visits.record_home_visit(f.session, f.home_visit(purposes=("3",), systolic=140, diastolic=85)).visit
    corrected = visits.correct_visit(
        f.session, home.id, dataclasses.replace(home_form(home), summary="测血压"), "补记"
    ).visit
    assert corrected.revision == 2
    assert visits.void_visit(f.session, corrected.id, "录错居民").voided
    assert {v.kind for v in records.current_visits(f.session, f.resident_id)} == {VisitKind.HYPERTENSION}


def test_a_nurse_may_not_do_physician_work(nurse_field: Field) -> None:
    f = nurse_field
    followup = HypertensionFollowupInput(
        resident_id=f.resident_id, visit_date=date(2026, 3, 1), doctor_id=f.nurse.id, systolic=130, diastolic=80
    )
    elderly = ElderlyCheckInput(resident_id=f.resident_id, visit_date=date(2026, 3, 1), doctor_id=f.nurse.id)
    diabetes = DiabetesFollowupInput(
        resident_id=f.resident_id, visit_date=date(2026, 3, 1), doctor_id=f.nurse.id, fasting_glucose=6.0
    )
    with pytest.raises(PermissionDenied, match="记录随访、体检和转诊"):
        visits.record_hypertension_followup(f.session, followup)
    with pytest.raises(PermissionDenied):
        visits.record_diabetes_followup(f.session, diabetes)
    with pytest.raises(PermissionDenied):
        visits.record_elderly_check(f.session, elderly)
    with pytest.raises(PermissionDenied):
        assess_followup(f.session, followup)
    with pytest.raises(PermissionDenied):
        visits.record_visit(f.session, f.home_visit(), referral=ReferralInput("县人民医院", "血压高"))
    with pytest.raises(PermissionDenied):
        visits.correct_visit(f.session, f.followup_id, followup, "改")
    with pytest.raises(PermissionDenied):
        visits.void_visit(f.session, f.followup_id, "录错")
    assert got(f.session.get(Visit, f.followup_id)).voided_at is None
    assert f.session.scalars(select(Referral)).all() == []


def test_the_administrator_may_neither_record_nor_read_visits(w: Patient) -> None:
    visit = w.record(w.htn(systolic=130, diastolic=80)).visit
    home = HomeVisitInput(resident_id=w.head_id, visit_date=date(2026, 3, 1), doctor_id=w.doctor.id)
    with builders.as_admin(w.session):
        with pytest.raises(PermissionDenied, match="记录上门服务"):
            visits.record_home_visit(w.session, home)
        with pytest.raises(PermissionDenied, match="记录随访、体检和转诊"):
            visits.void_visit(w.session, visit.id, "录错")
        with pytest.raises(PermissionDenied, match="查看居民档案"):
            records.current_visits(w.session, w.head_id)
        with pytest.raises(PermissionDenied, match="查看居民档案"):
            records.visit_history(w.session, visit.record_id)
    assert [v.id for v in records.current_visits(w.session, w.head_id)] == [visit.id]


# --- English -----------------------------------------------------------------------------


def test_messages_and_advice_read_in_english(w: Patient, english: None) -> None:
    with pytest.raises(ValidationError) as info:
        w.record(w.htn(mode="4"))
    assert info.value.message == "There is no visit mode code “4”; use one of: 1, 2, 3."
    with pytest.raises(ValidationError) as info:
        w.record(w.htn(cigarettes_per_day=1.5))
    assert info.value.message == "cigarettes per day must be a whole number (cigarettes), not 1.5."
    with pytest.raises(ValidationError) as info:
        w.record(w.htn(visit_date=date(2026, 6, 2)))
    assert info.value.message == (
        "The visit date 2026-06-02 is wrong: it must be after the date of birth (1950-03-01) and not after today."
    )
    result = w.record(w.htn(systolic=150, diastolic=95, classification="1", next_visit_date=date(2026, 5, 1)))
    assert [str(x) for x in result.warnings] == [
        "The classification entered, “controlled”, does not match the readings: blood pressure 150/95 mmHg: not "
        "on target (<140/90 mmHg, National Basic Public Health Service Specification, 3rd edition (2017)); "
        "follow up within 2 weeks",
        "The next visit date 2026-05-01 is later than the latest suggested date, 2026-02-15.",
    ]
    with pytest.raises(RuleError) as rule:
        visits.correct_visit(
            w.session,
            result.visit.id,
            HomeVisitInput(resident_id=w.head_id, visit_date=date(2026, 2, 1), doctor_id=w.doctor.id),
            "改类型",
        )
    assert rule.value.message == "A correction cannot change the kind of record (this one is a hypertension follow-up)."
