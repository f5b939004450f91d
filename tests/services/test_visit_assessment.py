"""What a saved follow-up gets from the rules: diabetes classified on glucose with the blood
pressure beside it, and the referral advice of the one rule (two in a row, a new
complication, danger values, danger signs), urgent where it should be."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from helpers import builders
from helpers.visit_world import Patient, got, make_patient
from sqlalchemy.orm import Session

from fdclient.domain import followup_rules as rules
from fdclient.domain.codes import ReferralUrgency
from fdclient.errors import ValidationError
from fdclient.models import DiabetesFollowup, HypertensionFollowup, Referral
from fdclient.services.visits import recording
from fdclient.services.visits.assessment import FollowupAdvice, assess_followup
from fdclient.services.visits.forms import DiabetesFollowupInput, HypertensionFollowupInput, ReferralInput
from fdclient.settings import BP_TARGET, set_setting


@pytest.fixture
def p(session: Session) -> Patient:
    return make_patient(session)


def advice(result: recording.RecordedVisit) -> FollowupAdvice:
    return got(result.advice)


def chronic(result: recording.RecordedVisit) -> HypertensionFollowupInput | DiabetesFollowupInput:
    form = result.visit.form
    assert isinstance(form, (HypertensionFollowupInput, DiabetesFollowupInput))
    return form


def test_a_diabetes_follow_up_is_classified_on_glucose_not_blood_pressure(p: Patient) -> None:
    # The case: glucose 5.5 and BP 135/85 under the 2025 target (76 years: <130/80).
    with builders.as_admin(p.session):
        set_setting(p.session, BP_TARGET, "guideline2025")
    result = p.record(p.dm(visit_date=date(2026, 2, 1), fasting_glucose=5.5, systolic=135, diastolic=85))
    assert chronic(result).classification == "1" and chronic(result).next_visit_date == date(2026, 5, 1)
    bp = got(advice(result).bp)
    assert bp.status is rules.ControlStatus.UNCONTROLLED and bp.target_key == "guideline2025"
    assert not advice(result).referral.refer and result.warnings == ()
    assert "不参与血糖控制分类" in str(advice(result).reasons[1])
    # The target the blood pressure was judged against is kept with the record.
    assert got(p.session.get(DiabetesFollowup, result.visit.id)).bp_target == "guideline2025"


def test_blood_pressure_at_a_danger_value_still_means_urgent_referral(p: Patient) -> None:
    result = p.record(p.dm(fasting_glucose=6.0, systolic=185, diastolic=100))
    assert chronic(result).classification == "1" and advice(result).urgent_referral
    assert chronic(result).next_visit_date == date(2026, 2, 15)


def test_two_in_a_row_counts_glucose_only(p: Patient) -> None:
    # Before the correction the first visit was “uncontrolled” for its blood pressure.
    p.record(p.dm(fasting_glucose=6.0, systolic=150, diastolic=95))
    second = p.record(p.dm(visit_date=date(2026, 2, 14), fasting_glucose=8.0))
    assert not advice(second).referral.refer
    third = p.record(p.dm(visit_date=date(2026, 2, 28), fasting_glucose=8.5))
    assert advice(third).referral_suggested and "连续两次" in str(advice(third).referral.reason)


def test_saving_uses_the_one_referral_rule(p: Patient) -> None:
    p.record(p.htn(systolic=150, diastolic=95))
    second = p.record(p.htn(visit_date=date(2026, 2, 14), systolic=152, diastolic=96))
    expected = rules.needs_referral([rules.classify_bp(150, 95, 75), rules.classify_bp(152, 96, 75)])
    assert advice(second).referral == expected
    assert any(str(w).startswith("建议转诊：连续两次随访控制不满意") for w in second.warnings)


def test_danger_symptoms_mean_urgent_referral(p: Patient) -> None:
    chest = p.record(p.htn(systolic=130, diastolic=80, symptoms=("6",)))
    assert advice(chest).urgent_referral and chronic(chest).classification == "1"
    assert chronic(chest).next_visit_date == date(2026, 2, 15)
    assert "出现危急情况（心悸胸闷）" in str(advice(chest).referral.reason)
    assert any(str(w).startswith("应紧急转诊：出现危急情况") for w in chest.warnings)
    headache = p.record(p.htn(visit_date=date(2026, 2, 2), systolic=130, diastolic=80, symptoms=("2",)))
    assert not advice(headache).referral.refer
    with_vomiting = p.record(p.htn(visit_date=date(2026, 2, 3), systolic=130, diastolic=80, symptoms=("2", "3")))
    assert advice(with_vomiting).urgent_referral


def test_a_ticked_danger_sign_is_kept_and_refers_urgently(p: Patient) -> None:
    result = p.record(p.dm(fasting_glucose=6.0, danger_signs=("1",)))
    assert advice(result).urgent_referral and "意识或行为改变" in str(advice(result).referral.reason)
    assert chronic(result).danger_signs == ("1",)
    assert got(p.session.get(DiabetesFollowup, result.visit.id)).danger_signs == ("1",)
    with pytest.raises(ValidationError, match="危急情况代码“12”不存在"):
        p.record(p.dm(visit_date=date(2026, 2, 2), fasting_glucose=6.0, danger_signs=("12",)))


def test_a_confirmed_referral_for_danger_signs_is_urgent(p: Patient) -> None:
    result = p.record(p.htn(systolic=130, diastolic=80, symptoms=("5",)), referral=ReferralInput("县人民医院"))
    referral = got(p.session.get(Referral, result.referral_id))
    assert referral.urgency == ReferralUrgency.URGENT and "呼吸困难" in referral.reason
    assert "危急情况" in got(chronic(result).referral_reason)


def test_a_new_complication_suggests_referral(p: Patient) -> None:
    first = p.record(p.htn(systolic=128, diastolic=78, classification="4"))
    assert advice(first).referral_suggested and "并发症" in str(advice(first).referral.reason)
    assert chronic(first).classification == "4" and chronic(first).next_visit_date == date(2026, 2, 15)
    # The same complication at the next follow-up is not new.
    again = p.record(p.htn(visit_date=date(2026, 2, 15), systolic=128, diastolic=78, classification="4"))
    assert not advice(again).referral.refer


def test_a_correction_is_advised_without_the_record_it_corrects(p: Patient) -> None:
    first = p.record(p.htn(systolic=150, diastolic=95))
    second = p.record(p.htn(visit_date=date(2026, 2, 14), systolic=152, diastolic=96))
    assert advice(second).referral_suggested
    # Correcting the first visit: the previous follow-up of its date is none.
    corrected = recording.correct_visit(
        p.session, first.visit.id, dataclasses.replace(chronic(first), notes="补记"), "补记备注"
    )
    assert not advice(corrected).referral.refer
    assert got(p.session.get(HypertensionFollowup, corrected.visit.id)).bp_target == "spec2017"


def test_assessing_writes_nothing(p: Patient) -> None:
    result = assess_followup(p.session, p.htn(systolic=130, diastolic=80, symptoms=("6",)))
    assert result.urgent_referral and result.classification == "1"


def test_the_advice_reads_in_english(p: Patient, english: None) -> None:
    result = p.record(p.dm(fasting_glucose=5.5, systolic=150, diastolic=95, danger_signs=("9",)))
    assert str(advice(result).reasons[1]).endswith(
        "(blood pressure is judged on its own and does not decide the glucose classification)"
    )
    assert [str(w) for w in result.warnings] == [
        "Refer urgently: Danger signs (temperature above 39 °C): give first aid, refer urgently and follow the "
        "referral up within 2 weeks. Confirm the referral and enter the institution."
    ]
