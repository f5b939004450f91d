"""Hypertension and diabetes follow-up rules (DOMAIN.md §5): control targets, classification
(diabetes on glucose alone), danger values and signs, and the one referral rule."""

from __future__ import annotations

from datetime import date

import pytest

from fdclient.domain.codes import DANGER_SIGN, VisitKind
from fdclient.domain.followup_rules import (
    BP_TARGETS,
    DEFAULT_BP_TARGET,
    GLUCOSE_TARGETS,
    BpAssessment,
    BpBand,
    BpTarget,
    ControlStatus,
    classify_bp,
    classify_fasting_glucose,
    danger_findings,
    followup_outcome,
    needs_referral,
    next_followup_due,
)
from fdclient.errors import ValidationError
from fdclient.text import CHINESE, ENGLISH, msg

C, U, R = ControlStatus.CONTROLLED, ControlStatus.UNCONTROLLED, ControlStatus.URGENT_REFERRAL


def test_targets_name_their_source() -> None:
    assert DEFAULT_BP_TARGET == "spec2017"
    assert str(BP_TARGETS["spec2017"].source) == "国家基本公共卫生服务规范（第三版，2017）"
    assert str(BP_TARGETS["guideline2025"].source) == "国家基层高血压防治管理指南（2025版）"
    assert "2017" in str(BP_TARGETS["spec2017_elderly150"].source)
    for key, target in BP_TARGETS.items():
        assert target.key == key
        assert target.source.render(ENGLISH).isascii()
    assert GLUCOSE_TARGETS["spec2017"].fasting_below == 7.0


@pytest.mark.parametrize(
    ("systolic", "diastolic", "status"),
    [
        (139, 89, C),
        (140, 89, U),
        (139, 90, U),
        (120, 80, C),
        (179, 109, U),
        (180, 100, R),
        (150, 110, R),
        (200, 120, R),
    ],
)
def test_spec2017_classification(systolic: int, diastolic: int, status: ControlStatus) -> None:
    result = classify_bp(systolic, diastolic, 50, "spec2017")
    assert result.status is status
    assert result.form_classification == (1 if status is C else 2)


@pytest.mark.parametrize(
    ("age", "systolic", "status"),
    [(64, 145, U), (65, 145, C), (65, 149, C), (65, 150, U), (90, 139, C)],
)
def test_elderly_150_target_applies_from_65(age: int, systolic: int, status: ControlStatus) -> None:
    result = classify_bp(systolic, 85, age, "spec2017_elderly150")
    assert result.status is status
    assert result.systolic_below == (150 if age >= 65 else 140)


@pytest.mark.parametrize(
    ("age", "reading", "status", "target_text"),
    [
        (79, (129, 79), C, (130, 80)),
        (79, (130, 79), U, (130, 80)),
        (79, (129, 80), U, (130, 80)),
        (79, (135, 78), U, (130, 80)),
        (80, (135, 78), C, (140, 90)),
        (80, (140, 85), U, (140, 90)),
    ],
)
def test_guideline2025_targets_by_age(
    age: int, reading: tuple[int, int], status: ControlStatus, target_text: tuple[int, int]
) -> None:
    result = classify_bp(reading[0], reading[1], age, BP_TARGETS["guideline2025"])
    assert result.status is status
    assert (result.systolic_below, result.diastolic_below) == target_text
    assert str(result.target_source) == "国家基层高血压防治管理指南（2025版）"


def test_danger_thresholds_do_not_depend_on_the_target() -> None:
    lenient = BpTarget(key="lenient", source=msg("测试", "test"), bands=(BpBand(0, 200, 120),))
    assert classify_bp(175, 105, 50, lenient).status is C
    assert classify_bp(185, 100, 50, lenient).status is R
    assert classify_bp(150, 112, 50, lenient).status is R


def test_reason_texts() -> None:
    assert str(classify_bp(120, 80, 50).reason) == (
        "血压 120/80 mmHg，达到控制目标（<140/90 mmHg，国家基本公共卫生服务规范（第三版，2017））"
    )
    assert str(classify_bp(150, 85, 50).reason).endswith("2 周内随访")
    assert str(classify_bp(185, 100, 50).reason) == (
        "血压 185/100 mmHg，收缩压≥180 mmHg，属危急情况，应紧急转诊，2 周内主动随访转诊情况"
    )
    assert "收缩压≥180 mmHg且舒张压≥110 mmHg" in str(classify_bp(190, 115, 50).reason)
    assert "舒张压≥110 mmHg，属危急情况" in str(classify_bp(150, 112, 50).reason)


def test_reason_texts_in_english(english: None) -> None:
    assert str(classify_bp(120, 80, 50).reason) == (
        "blood pressure 120/80 mmHg: on target (<140/90 mmHg, National Basic Public Health Service "
        "Specification, 3rd edition (2017))"
    )
    assert str(classify_bp(150, 85, 50, "guideline2025").reason).endswith("(2025 edition)); follow up within 2 weeks")
    assert "systolic ≥ 180 mmHg and diastolic ≥ 110 mmHg: a danger sign" in str(classify_bp(190, 115, 50).reason)
    assert str(classify_fasting_glucose(3.5).reason).startswith("fasting glucose 3.5 mmol/L (≤ 3.9 mmol/L, hypo")
    assert str(ControlStatus.UNCONTROLLED.text) == "not controlled"
    assert str(needs_referral([_bp(U), _bp(U)]).reason).startswith(
        "Not on target at two follow-ups in a row (blood pressure 150/95 mmHg; blood pressure 150/95 mmHg)"
    )
    with pytest.raises(ValidationError) as info:
        classify_bp(120, 80, 200)
    assert info.value.message == "Age must be between 0 and 150 years, not 200"
    with pytest.raises(ValidationError) as info:
        classify_bp(120, 80, 50, "spec1999")
    assert info.value.message == (
        "Unknown blood-pressure control target “spec1999”; choose one of: spec2017, spec2017_elderly150, guideline2025"
    )


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValidationError, match="收缩压 300 mmHg 超出合理范围"):
        classify_bp(300, 80, 50)
    with pytest.raises(ValidationError, match="应高于舒张压"):
        classify_bp(80, 120, 50)
    with pytest.raises(ValidationError, match="年龄应在 0 到 150 岁之间"):
        classify_bp(120, 80, -1)
    with pytest.raises(ValidationError, match="未知的血压控制目标“spec1999”") as info:
        classify_bp(120, 80, 50, "spec1999")
    assert "spec2017、spec2017_elderly150" in info.value.message
    with pytest.raises(ValidationError, match="未知的血糖控制目标"):
        classify_fasting_glucose(6.0, "nope")


@pytest.mark.parametrize(
    "bands",
    [(), (BpBand(18, 140, 90),), (BpBand(0, 140, 90), BpBand(80, 150, 90), BpBand(65, 150, 90))],
)
def test_target_bands_must_start_at_zero_and_ascend(bands: tuple[BpBand, ...]) -> None:
    with pytest.raises(ValueError):
        BpTarget(key="bad", source=msg("测试", "test"), bands=bands)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (3.8, R),
        (3.9, R),
        (4.0, C),
        (6.9, C),
        (7.0, U),
        (12.0, U),
        (16.6, U),
        (16.7, R),
        (25.0, R),
        ("5.6", C),
    ],
)
def test_fasting_glucose(value: float | str, status: ControlStatus) -> None:
    result = classify_fasting_glucose(value)
    assert result.status is status
    assert str(result.target_source) == "国家基本公共卫生服务规范（第三版，2017）"


def test_glucose_reasons_and_range() -> None:
    assert "低血糖" in str(classify_fasting_glucose(3.5).reason)
    assert "≥16.7 mmol/L" in str(classify_fasting_glucose(18).reason)
    assert "<7.0 mmol/L" in str(classify_fasting_glucose(8).reason)
    with pytest.raises(ValidationError, match="空腹血糖 50 mmol/L 超出合理范围"):
        classify_fasting_glucose(50)


def test_next_followup_due() -> None:
    controlled = classify_bp(120, 80, 50)
    uncontrolled = classify_bp(150, 95, 50)
    urgent = classify_bp(190, 100, 50)
    assert next_followup_due(date(2026, 3, 10), controlled) == date(2026, 6, 10)
    assert next_followup_due(date(2025, 11, 30), controlled) == date(2026, 2, 28)
    assert next_followup_due(date(2026, 11, 30), controlled) == date(2027, 2, 28)
    assert next_followup_due(date(2027, 11, 30), controlled) == date(2028, 2, 29)
    assert next_followup_due(date(2026, 3, 10), uncontrolled) == date(2026, 3, 24)
    assert next_followup_due(date(2026, 12, 25), urgent) == date(2027, 1, 8)
    assert next_followup_due(date(2026, 3, 10), classify_fasting_glucose(9.0)) == date(2026, 3, 24)


def _bp(status: ControlStatus) -> BpAssessment:
    return {C: classify_bp(120, 80, 50), U: classify_bp(150, 95, 50), R: classify_bp(185, 95, 50)}[status]


@pytest.mark.parametrize(
    ("history", "refer", "urgent"),
    [
        ([], False, False),
        ([U], False, False),
        ([C, U], False, False),
        ([U, C], False, False),
        ([U, C, U], False, False),
        ([C, U, U], True, False),
        ([U, U], True, False),
        ([C, R], True, True),
        ([R, U], True, False),  # urgent earlier, uncontrolled now: still two in a row
        ([R, C], False, False),
    ],
)
def test_needs_referral(history: list[ControlStatus], refer: bool, urgent: bool) -> None:
    advice = needs_referral([_bp(s) for s in history])
    assert (advice.refer, advice.urgent) == (refer, urgent)
    assert (advice.reason is not None) == refer


def test_referral_reasons() -> None:
    advice = needs_referral([_bp(U), classify_bp(160, 98, 50)])
    assert str(advice.reason) == (
        "连续两次随访控制不满意（血压 150/95 mmHg；血压 160/98 mmHg），建议转诊到上级医院，2 周内主动随访转诊情况"
    )
    urgent = needs_referral([_bp(R)])
    assert urgent.reason == _bp(R).reason
    complication = needs_referral([_bp(C)], new_complication=True)
    assert complication.refer and not complication.urgent
    assert "并发症" in str(complication.reason)


def test_glucose_history_refers_too() -> None:
    history = [classify_fasting_glucose(8.0), classify_fasting_glucose(9.5)]
    advice = needs_referral(history)
    assert advice.refer
    assert "空腹血糖 8 mmol/L；空腹血糖 9.5 mmol/L" in str(advice.reason)


# --- what decides control ----------------------------------------------------------------

HTN, DM = VisitKind.HYPERTENSION, VisitKind.DIABETES
DAY = date(2026, 3, 10)


def test_diabetes_is_classified_on_glucose_alone() -> None:
    # Glucose 5.5 on target, BP 135/85 not on the 2025 target at 60: controlled, seen in 3 months.
    bp = classify_bp(135, 85, 60, "guideline2025")
    outcome = followup_outcome(DM, DAY, bp=bp, glucose=classify_fasting_glucose(5.5))
    assert bp.status is U and outcome.blood_pressure_aside is bp
    assert outcome.classification == 1 and outcome.next_due == date(2026, 6, 10)
    assert not outcome.referral.refer
    assert str(outcome.reasons[0]).startswith("空腹血糖 5.5 mmol/L，达到控制目标")
    assert str(outcome.reasons[1]).endswith("（血压单独评价，不参与血糖控制分类）")
    # Without glucose nothing decides; blood pressure alone suggests no classification.
    alone = followup_outcome(DM, DAY, bp=bp)
    assert (alone.classification, alone.next_due, alone.referral.refer) == (None, None, False)


def test_hypertension_is_classified_on_blood_pressure() -> None:
    outcome = followup_outcome(HTN, DAY, bp=classify_bp(150, 95, 60))
    assert (outcome.classification, outcome.next_due, outcome.blood_pressure_aside) == (2, date(2026, 3, 24), None)
    with pytest.raises(ValueError):
        followup_outcome(VisitKind.HOME_VISIT, DAY, bp=None)


def test_danger_blood_pressure_at_a_diabetes_follow_up_still_refers_urgently() -> None:
    outcome = followup_outcome(DM, DAY, bp=classify_bp(185, 100, 60), glucose=classify_fasting_glucose(6.0))
    assert outcome.classification == 1 and outcome.referral.urgent and outcome.next_due == date(2026, 3, 24)
    assert "收缩压≥180 mmHg" in str(outcome.referral.reason)


def test_two_in_a_row_looks_at_the_deciding_readings_only() -> None:
    # The previous diabetes follow-up had glucose on target (its blood pressure was not).
    outcome = followup_outcome(
        DM,
        DAY,
        bp=classify_bp(120, 70, 60),
        glucose=classify_fasting_glucose(8.0),
        previous=classify_fasting_glucose(6.0),
    )
    assert not outcome.referral.refer and outcome.next_due == date(2026, 3, 24)
    twice = followup_outcome(
        DM, DAY, bp=None, glucose=classify_fasting_glucose(8.0), previous=classify_fasting_glucose(9.0)
    )
    assert twice.referral.refer and not twice.referral.urgent
    # No reading today: an earlier danger value is not today's.
    nothing = followup_outcome(HTN, DAY, bp=None, previous=classify_bp(190, 100, 60))
    assert not nothing.referral.refer


def test_a_new_complication_refers_and_brings_the_next_visit_forward() -> None:
    outcome = followup_outcome(HTN, DAY, bp=classify_bp(120, 80, 60), new_complication=True)
    assert outcome.referral.refer and not outcome.referral.urgent and outcome.next_due == date(2026, 3, 24)
    assert outcome.classification == 1 and "并发症" in str(outcome.reasons[-1])


# --- danger signs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "symptoms", "signs", "found"),
    [
        (HTN, ("6",), (), ["心悸胸闷"]),
        (HTN, ("5",), (), ["呼吸困难"]),
        (HTN, ("7",), (), ["鼻衄出血不止"]),
        (HTN, ("2", "3"), (), ["头痛头晕伴恶心呕吐"]),
        (HTN, ("2",), (), []),
        (HTN, ("3",), (), []),
        (HTN, ("4", "8", "9", "10"), (), []),
        (HTN, ("1",), ("1", "5"), ["意识或行为改变", "胸痛、胸闷或心悸"]),
        (DM, ("2", "3", "4", "5", "6", "9"), (), []),
        (DM, (), ("7",), ["呼气有烂苹果样丙酮味"]),
    ],
)
def test_danger_findings(kind: VisitKind, symptoms: tuple[str, ...], signs: tuple[str, ...], found: list[str]) -> None:
    assert [str(t) for t in danger_findings(kind, symptoms, signs)] == found


def test_every_danger_sign_reads_in_english() -> None:
    for code, label in DANGER_SIGN.items():
        (text,) = danger_findings(DM, (), (code,))
        assert text.render(CHINESE) == label and text.render(ENGLISH).isascii() is (code != "9")


def test_danger_signs_refer_urgently() -> None:
    advice = needs_referral([_bp(C)], danger_signs=danger_findings(HTN, ("2", "3", "6"), ()))
    assert advice.refer and advice.urgent
    assert str(advice.reason) == (
        "出现危急情况（心悸胸闷、头痛头晕伴恶心呕吐），应在处理后紧急转诊，2 周内主动随访转诊情况"
    )
    assert advice.reasons[0].render(ENGLISH) == (
        "Danger signs (palpitations or chest tightness, headache or dizziness with nausea or vomiting): give first "
        "aid, refer urgently and follow the referral up within 2 weeks"
    )


def test_readings_that_do_not_decide_count_for_danger_only() -> None:
    glucose_ok = [classify_fasting_glucose(6.0)]
    assert needs_referral(glucose_ok, also_measured=[_bp(R)]).urgent
    assert not needs_referral(glucose_ok, also_measured=[_bp(U)]).refer
    assert not needs_referral(
        [classify_fasting_glucose(6.0), classify_fasting_glucose(6.5)], also_measured=[_bp(U)]
    ).refer


def test_urgent_grounds_replace_two_in_a_row_but_a_complication_is_still_named() -> None:
    advice = needs_referral([_bp(U), _bp(R)], new_complication=True)
    assert advice.urgent and len(advice.reasons) == 2
    assert advice.reasons[0] == _bp(R).reason and "并发症" in str(advice.reasons[1])
