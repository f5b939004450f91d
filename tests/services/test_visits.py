"""Visit records: validation, classification and suggestions, referrals, fulfilment of planned
services, the revision chain, voiding and the current view."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import builders
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fdclient.errors import RuleError, ValidationError
from fdclient.models import (
    AuditEntry,
    HypertensionFollowup,
    Medication,
    PlannedService,
    Referral,
    Resident,
    ServicePackage,
    Staff,
    Village,
)
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import packages
from fdclient.services.registry import resident_status
from fdclient.services.visits import recording as visits
from fdclient.services.visits.forms import (
    DiabetesFollowupInput,
    ElderlyCheckInput,
    HomeVisitInput,
    HypertensionFollowupInput,
    MedicationInput,
    ReferralInput,
)
from fdclient.settings import set_setting
from fdclient.store import Store

TODAY = builders.TODAY


@dataclass
class World:
    session: Session
    doctor: Staff
    head_id: object
    contract: contracts.ContractInfo

    def htn(self, **fields: object) -> HypertensionFollowupInput:
        base = dict(resident_id=self.head_id, visit_date=date(2026, 2, 1), doctor_id=self.doctor.id)
        return HypertensionFollowupInput(**{**base, **fields})

    def record(self, form, **options: object) -> visits.RecordedVisit:
        return visits.record_visit(self.session, form, today=TODAY, **options)

    def service(self, sequence: int, kind: str = "hypertension_followup") -> PlannedService:
        return self.session.scalars(
            select(PlannedService).where(
                PlannedService.resident_id == self.head_id,
                PlannedService.service_kind == kind,
                PlannedService.sequence == sequence,
            )
        ).one()


@pytest.fixture
def w(store: Store) -> Iterator[World]:
    with store.session() as s:
        village = builders.make_village(s)
        team, doctor = builders.make_team(s, villages=[village])
        builders.act_as(s, doctor.id)
        household = builders.make_household(
            s, village, members=[("张三", date(1950, 3, 1), 1, "01")], has_hypertension=True, has_diabetes=True
        )
        diabetes = packages.create_package(
            s,
            code="TNB",
            name="糖尿病服务包",
            kind="personalised",
            target_population="diabetes",
            fee_total_fen=0,
            fee_insurance_fen=0,
            fee_public_health_fen=0,
            fee_resident_fen=0,
            items=[packages.PackageItemInput("糖尿病随访", "diabetes_followup", 4)],
        )
        contract = builders.make_signed_contract(
            s, household, team, doctor, [builders.make_hypertension_package(s), s.get(ServicePackage, diabetes.id)]
        )
        yield World(s, doctor, household.head_id, contract)


# --- recording and suggestions ----------------------------------------------------------------


def test_uncontrolled_reading_suggests_classification_and_a_visit_within_two_weeks(w: World) -> None:
    result = w.record(w.htn(systolic=150, diastolic=95, weight_kg=70, height_cm=170))
    visit = result.visit
    assert visit.form.classification == "2" and visit.form.next_visit_date == date(2026, 2, 15)
    assert visit.bmi == 24.2 and visit.revision == 1 and visit.record_id == visit.id
    assert result.advice.urgent_referral is False and "未达到控制目标" in result.advice.reasons[0]
    assert w.session.get(HypertensionFollowup, visit.id).bp_target == "spec2017"


def test_controlled_reading_suggests_three_months(w: World) -> None:
    visit = w.record(w.htn(systolic=128, diastolic=78)).visit
    assert (visit.form.classification, visit.form.next_visit_date) == ("1", date(2026, 5, 1))


def test_the_bp_target_is_a_setting(w: World) -> None:
    # 135/85 at 75 years: controlled under the 2017 specification, not under the 2025 guideline.
    assert w.record(w.htn(systolic=135, diastolic=85)).visit.form.classification == "1"
    later = w.record(w.htn(visit_date=date(2026, 2, 10), systolic=135, diastolic=85), bp_target="guideline2025")
    assert later.visit.form.classification == "2" and "2025" in later.advice.reasons[0]


def test_without_a_named_target_the_township_setting_decides(w: World) -> None:
    # 135/85 at 60 years: controlled under the default setting (2017 specification), not once the
    # township follows the 2025 guideline (<130/80 below 80 years).
    head = w.session.get(Resident, w.head_id)
    village = w.session.get(Village, head.village_id)
    resident = builders.make_resident(w.session, village, name="王芳", birth_date=date(1965, 6, 1), sex=2)
    form = w.htn(resident_id=resident.id, systolic=135, diastolic=85)
    first = w.record(form)
    assert first.visit.form.classification == "1" and first.advice.bp.age == 60
    assert w.session.get(HypertensionFollowup, first.visit.id).bp_target == "spec2017"
    set_setting(w.session, "bp_target", "guideline2025")
    later = w.record(dataclasses.replace(form, visit_date=date(2026, 2, 10)))
    assert later.visit.form.classification == "2" and "2025" in later.advice.reasons[0]
    assert w.session.get(HypertensionFollowup, later.visit.id).bp_target == "guideline2025"
    # A correction is classified the same way; a target the caller names still wins.
    corrected = visits.correct_visit(w.session, first.visit.id, form, "按新目标复核", today=TODAY)
    assert corrected.visit.form.classification == "2"
    named = w.record(dataclasses.replace(form, visit_date=date(2026, 2, 20)), bp_target="spec2017")
    assert named.visit.form.classification == "1"


def test_typed_values_win_but_disagreement_is_reported(w: World) -> None:
    result = w.record(w.htn(systolic=150, diastolic=95, classification="1", next_visit_date=date(2026, 5, 1)))
    assert result.visit.form.classification == "1" and result.visit.form.next_visit_date == date(2026, 5, 1)
    assert any("与测量结果不符" in x for x in result.warnings)
    assert any("晚于建议的最晚日期 2026-02-15" in x for x in result.warnings)


def test_danger_reading_flags_urgent_referral_and_a_confirmed_referral_is_recorded(w: World) -> None:
    unconfirmed = w.record(w.htn(systolic=185, diastolic=100))
    assert unconfirmed.advice.urgent_referral and unconfirmed.referral_id is None
    assert any("紧急转诊" in x for x in unconfirmed.warnings)
    confirmed = w.record(
        w.htn(visit_date=date(2026, 2, 2), systolic=182, diastolic=112),
        referral=ReferralInput("县人民医院", department="心内科"),
    )
    referral = w.session.get(Referral, confirmed.referral_id)
    assert (referral.urgency, referral.institution, referral.visit_id) == ("urgent", "县人民医院", confirmed.visit.id)
    assert "收缩压≥180" in referral.reason and "舒张压≥110" in referral.reason
    assert confirmed.visit.form.referral_institution == "县人民医院"


def test_uncontrolled_twice_suggests_referral(w: World) -> None:
    assert w.record(w.htn(systolic=150, diastolic=95)).advice.referral_suggested is False
    second = w.record(w.htn(visit_date=date(2026, 2, 14), systolic=152, diastolic=96))
    assert second.advice.referral_suggested and any("连续两次" in r for r in second.advice.reasons)


def test_diabetes_follow_up_classifies_glucose(w: World) -> None:
    base = dict(resident_id=w.head_id, visit_date=date(2026, 2, 1), doctor_id=w.doctor.id)
    high = w.record(DiabetesFollowupInput(**base, fasting_glucose=17.2, hba1c=9.1, symptoms=("2", "4")))
    assert high.advice.urgent_referral and high.visit.form.classification == "2"
    assert high.visit.form.symptoms == ("2", "4")
    assert high.fulfilled_service_id == w.service(1, "diabetes_followup").id
    ok = w.record(
        DiabetesFollowupInput(
            **{**base, "visit_date": date(2026, 4, 10)}, fasting_glucose=6.1, systolic=130, diastolic=80
        )
    )
    assert ok.visit.form.classification == "1" and ok.fulfilled_service_id == w.service(2, "diabetes_followup").id
    # Glucose controlled but blood pressure not: the follow-up is not controlled.
    mixed = w.record(
        DiabetesFollowupInput(
            **{**base, "visit_date": date(2026, 4, 20)}, fasting_glucose=6.1, systolic=150, diastolic=80
        )
    )
    assert mixed.visit.form.classification == "2" and mixed.visit.form.next_visit_date == date(2026, 5, 4)


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
def test_bad_forms_are_refused_in_chinese(w: World, fields: dict, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        w.record(w.htn(**fields))


def test_medications_are_kept_in_order(w: World) -> None:
    meds = (MedicationInput("氨氯地平", 1, "5mg"), MedicationInput("缬沙坦", 1, "80mg"))
    visit = w.record(w.htn(systolic=130, diastolic=80, medications=meds)).visit
    assert visit.form.medications == meds
    rows = w.session.scalars(
        select(Medication).where(Medication.visit_id == visit.id).order_by(Medication.position)
    ).all()
    assert [(m.position, m.name) for m in rows] == [(1, "氨氯地平"), (2, "缬沙坦")]


def test_no_visits_after_death(w: World) -> None:
    resident_status.mark_deceased(w.session, w.head_id, date(2026, 3, 1), today=TODAY)
    with pytest.raises(RuleError, match="死亡"):
        w.record(w.htn(visit_date=date(2026, 3, 5)))


def test_elderly_check_and_home_visit(w: World) -> None:
    base = dict(resident_id=w.head_id, visit_date=date(2026, 3, 1), doctor_id=w.doctor.id)
    check = w.record(
        ElderlyCheckInput(
            **base, height_cm=165, weight_kg=60, self_care_score=2, systolic_left=135, diastolic_left=80, ecg="1"
        )
    )
    assert check.visit.kind == "elderly_check" and check.visit.bmi == 22.0
    with pytest.raises(ValidationError, match="生活自理能力评分"):
        w.record(ElderlyCheckInput(**base, self_care_score=38))
    home = w.record(HomeVisitInput(**base, purposes=("3", "5"), systolic=140, diastolic=85, summary="测血压，指导用药"))
    assert home.visit.form.purposes == ("3", "5") and home.fulfilled_service_id == w.service(1, "home_visit").id
    with pytest.raises(ValidationError, match="服务内容代码“9”"):
        w.record(HomeVisitInput(**base, purposes=("9",)))


# --- fulfilment -----------------------------------------------------------------------------


def test_a_visit_fulfils_its_window_then_the_earliest_overdue(w: World) -> None:
    in_second = w.record(w.htn(visit_date=date(2026, 5, 10), systolic=130, diastolic=80))
    assert in_second.fulfilled_service_id == w.service(2).id
    assert w.service(2).status == "done" and w.service(2).fulfilled_on == date(2026, 5, 10)
    assert w.service(2).visit_id == in_second.visit.id and in_second.visit.contract_id == w.contract.id
    again = w.record(w.htn(visit_date=date(2026, 5, 20), systolic=130, diastolic=80))
    assert again.fulfilled_service_id == w.service(1).id
    third = w.record(w.htn(visit_date=date(2026, 5, 25), systolic=130, diastolic=80))
    assert third.fulfilled_service_id is None and third.visit.contract_id == w.contract.id


# --- revisions, voiding, current view -----------------------------------------------------


def test_correction_writes_a_new_revision_and_moves_the_fulfilment(w: World) -> None:
    first = w.record(w.htn(systolic=150, diastolic=95)).visit
    corrected = visits.correct_visit(
        w.session,
        first.id,
        dataclasses.replace(first.form, systolic=130, diastolic=85, classification=None, next_visit_date=None),
        "血压抄错",
        today=TODAY,
    )
    new = corrected.visit
    assert (new.record_id, new.revision, new.supersedes_id, new.correction_reason) == (
        first.id,
        2,
        first.id,
        "血压抄错",
    )
    assert new.form.classification == "1" and new.form.systolic == 130
    old_row = w.session.get(HypertensionFollowup, first.id)
    w.session.refresh(old_row)
    assert (old_row.systolic, old_row.classification) == (150, "2")
    assert w.service(1).visit_id == new.id and w.service(1).status == "done"
    assert [v.id for v in visits.current_visits(w.session, w.head_id)] == [new.id]
    assert [v.revision for v in visits.visit_history(w.session, first.id)] == [1, 2]
    with pytest.raises(RuleError, match="第 2 版"):
        visits.correct_visit(w.session, first.id, first.form, "再改", today=TODAY)
    with pytest.raises(ValidationError, match="更正必须填写原因"):
        visits.correct_visit(w.session, new.id, new.form, " ", today=TODAY)
    third = visits.correct_visit(
        w.session, new.id, dataclasses.replace(new.form, notes="补记"), "补充备注", today=TODAY
    ).visit
    assert (third.revision, third.supersedes_id, third.record_id) == (3, new.id, first.id)


def test_correction_cannot_change_the_resident(w: World) -> None:
    first = w.record(w.htn(systolic=130, diastolic=80)).visit
    village = w.session.get(Village, w.session.get(Resident, w.head_id).village_id)
    other = builders.make_resident(w.session, village, name="李四")
    with pytest.raises(RuleError, match="作废该记录"):
        visits.correct_visit(
            w.session, first.id, dataclasses.replace(first.form, resident_id=other.id), "录错人", today=TODAY
        )
    with pytest.raises(RuleError, match="记录类型"):
        visits.correct_visit(
            w.session,
            first.id,
            HomeVisitInput(resident_id=w.head_id, visit_date=date(2026, 2, 1), doctor_id=w.doctor.id),
            "改类型",
            today=TODAY,
        )


def test_the_old_revision_cannot_be_edited_through_the_orm(w: World) -> None:
    first = w.record(w.htn(systolic=150, diastolic=95)).visit
    w.session.commit()
    row = w.session.get(HypertensionFollowup, first.id)
    row.systolic = 120
    with pytest.raises(IntegrityError, match="immutable"):
        w.session.flush()
    w.session.rollback()


def test_void_reopens_the_planned_service_and_hides_the_record(w: World) -> None:
    visit = w.record(w.htn(systolic=130, diastolic=80)).visit
    with pytest.raises(ValidationError, match="原因"):
        visits.void_visit(w.session, visit.id, "", by=w.doctor.id)
    voided = visits.void_visit(w.session, visit.id, "录错居民", by=w.doctor.id)
    assert voided.voided and voided.void_reason == "录错居民"
    assert w.service(1).status == "planned" and w.service(1).visit_id is None
    assert visits.current_visits(w.session, w.head_id) == ()
    entry = w.session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == visit.id, AuditEntry.action == "void")
    ).one()
    assert entry.actor_id == w.doctor.id and entry.changes["void_reason"] == [None, "录错居民"]
    with pytest.raises(RuleError, match="作废"):
        visits.correct_visit(w.session, visit.id, visit.form, "改", today=TODAY)


def test_current_visits_by_kind_newest_first(w: World) -> None:
    a = w.record(w.htn(visit_date=date(2026, 2, 1), systolic=130, diastolic=80)).visit
    b = w.record(w.htn(visit_date=date(2026, 4, 1), systolic=130, diastolic=80)).visit
    d = w.record(
        DiabetesFollowupInput(
            resident_id=w.head_id, visit_date=date(2026, 3, 1), doctor_id=w.doctor.id, fasting_glucose=6.0
        )
    ).visit
    assert [v.id for v in visits.current_visits(w.session, w.head_id)] == [b.id, d.id, a.id]
    assert [v.id for v in visits.current_visits(w.session, w.head_id, "hypertension")] == [b.id, a.id]
    assert isinstance(visits.current_visits(w.session, w.head_id, "diabetes")[0].form, DiabetesFollowupInput)


def test_recording_is_audited_with_the_actor(w: World) -> None:
    visit = w.record(w.htn(systolic=130, diastolic=80)).visit
    entries = w.session.scalars(select(AuditEntry).where(AuditEntry.row_id == visit.id)).all()
    assert ("insert", "visits") in {(e.action, e.table_name) for e in entries}
    assert all(e.actor_id == w.doctor.id for e in entries)
    insert = next(e for e in entries if e.action == "insert")
    assert insert.changes["systolic"] == 130 and insert.changes["visit_date"] == "2026-02-01"
