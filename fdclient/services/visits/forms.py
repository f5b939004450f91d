"""Visit forms (履约记录表单): the input dataclasses of the four visit kinds and their checking.

* Field names are the model's columns (BMI is computed, never typed); a form maps to its model
  through :data:`MODEL_OF_FORM`, and a stored kind back to its form through :data:`FORM_OF_KIND`.
* :func:`check_form` checks codes, lengths, measurements and blood pressure pairs and returns
  the normalised column values; it needs no database. Classification and suggestions are
  made by :mod:`visits`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from fdclient.domain import codes
from fdclient.domain.validation import check_blood_pressure, check_measurement
from fdclient.errors import ValidationError
from fdclient.models import DiabetesFollowup, ElderlyCheck, HomeVisit, HypertensionFollowup, Visit

__all__ = [
    "FORM_OF_KIND",
    "MODEL_OF_FORM",
    "DiabetesFollowupInput",
    "ElderlyCheckInput",
    "HomeVisitInput",
    "HypertensionFollowupInput",
    "MedicationInput",
    "ReferralInput",
    "VisitInput",
    "check_form",
]


@dataclass(frozen=True)
class MedicationInput:
    name: str
    times_per_day: int | None = None
    dose: str | None = None


@dataclass(frozen=True)
class ReferralInput:
    """A referral the user confirmed; reason and urgency default to the advice."""

    institution: str
    reason: str | None = None
    department: str | None = None
    urgent: bool | None = None


@dataclass(frozen=True, kw_only=True)
class VisitInput:
    resident_id: uuid.UUID
    visit_date: date
    doctor_id: uuid.UUID
    mode: str = "2"
    #: None on a follow-up → the suggested date.
    next_visit_date: date | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class _ChronicInput(VisitInput):
    symptoms: tuple[str, ...] = ()
    symptom_other: str | None = None
    systolic: int | None = None
    diastolic: int | None = None
    weight_kg: float | None = None
    weight_target_kg: float | None = None
    height_cm: float | None = None
    bmi_target: float | None = None
    other_signs: str | None = None
    cigarettes_per_day: int | None = None
    cigarettes_target: int | None = None
    alcohol_per_day: float | None = None
    alcohol_target: float | None = None
    exercise_times_per_week: int | None = None
    exercise_minutes: int | None = None
    exercise_target_times: int | None = None
    exercise_target_minutes: int | None = None
    psychological_adjustment: str | None = None
    compliance_behaviour: str | None = None
    auxiliary_exam: str | None = None
    medication_compliance: str | None = None
    adverse_reaction: str | None = None
    #: None → the suggested classification.
    classification: str | None = None
    referral_reason: str | None = None
    referral_institution: str | None = None
    medications: tuple[MedicationInput, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HypertensionFollowupInput(_ChronicInput):
    heart_rate: int | None = None
    salt_intake: str | None = None
    salt_target: str | None = None


@dataclass(frozen=True, kw_only=True)
class DiabetesFollowupInput(_ChronicInput):
    dorsalis_pedis: str | None = None
    staple_food_g: int | None = None
    staple_food_target_g: int | None = None
    fasting_glucose: float | None = None
    hba1c: float | None = None
    hba1c_date: date | None = None
    hypoglycaemia: str | None = None
    insulin_type: str | None = None
    insulin_dose: str | None = None


@dataclass(frozen=True, kw_only=True)
class ElderlyCheckInput(VisitInput):
    symptoms: str | None = None
    temperature_c: float | None = None
    pulse: int | None = None
    respiration: int | None = None
    systolic_left: int | None = None
    diastolic_left: int | None = None
    systolic_right: int | None = None
    diastolic_right: int | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    waist_cm: float | None = None
    health_self_assessment: str | None = None
    self_care_score: int | None = None
    cognition_screen: str | None = None
    emotion_screen: str | None = None
    haemoglobin_g_l: float | None = None
    fasting_glucose: float | None = None
    total_cholesterol: float | None = None
    triglycerides: float | None = None
    ldl_cholesterol: float | None = None
    hdl_cholesterol: float | None = None
    creatinine_umol_l: float | None = None
    alt_u_l: float | None = None
    ast_u_l: float | None = None
    ecg: str | None = None
    abdominal_ultrasound: str | None = None
    evaluation: str | None = None
    abnormal_findings: str | None = None
    health_guidance: str | None = None


@dataclass(frozen=True, kw_only=True)
class HomeVisitInput(VisitInput):
    purposes: tuple[str, ...] = ()
    summary: str | None = None
    systolic: int | None = None
    diastolic: int | None = None
    blood_glucose: float | None = None


#: The model each form is stored as; FORM_OF_KIND maps a stored ``kind`` back to its form.
MODEL_OF_FORM: dict[type[VisitInput], type[Visit]] = {
    HypertensionFollowupInput: HypertensionFollowup,
    DiabetesFollowupInput: DiabetesFollowup,
    ElderlyCheckInput: ElderlyCheck,
    HomeVisitInput: HomeVisit,
}
FORM_OF_KIND = {model.__mapper__.polymorphic_identity: form for form, model in MODEL_OF_FORM.items()}


_CODES = {
    "mode": ("随访方式", codes.VISIT_MODE),
    "classification": ("此次随访分类", codes.FOLLOWUP_CLASSIFICATION),
    "psychological_adjustment": ("心理调整", codes.ADJUSTMENT),
    "compliance_behaviour": ("遵医行为", codes.ADJUSTMENT),
    "medication_compliance": ("服药依从性", codes.MEDICATION_COMPLIANCE),
    "salt_intake": ("摄盐情况", codes.SALT_INTAKE),
    "salt_target": ("摄盐目标", codes.SALT_INTAKE),
    "dorsalis_pedis": ("足背动脉搏动", codes.DORSALIS_PEDIS),
    "hypoglycaemia": ("低血糖反应", codes.HYPOGLYCAEMIA),
    "health_self_assessment": ("健康状态自我评估", codes.SELF_ASSESSMENT),
    "cognition_screen": ("认知功能", codes.SCREEN_RESULT),
    "emotion_screen": ("情感状态", codes.SCREEN_RESULT),
    "ecg": ("心电图", codes.EXAM_RESULT),
    "abdominal_ultrasound": ("腹部B超", codes.EXAM_RESULT),
    "evaluation": ("健康评价", codes.EXAM_RESULT),
}
# Fields checked against validation.MEASUREMENTS.
_MEASURED = {
    "weight_kg": "weight",
    "weight_target_kg": "weight",
    "height_cm": "height",
    "heart_rate": "heart_rate",
    "pulse": "heart_rate",
    "fasting_glucose": "fasting_glucose",
    "hba1c": "hba1c",
    "temperature_c": "temperature",
    "waist_cm": "waist",
    "blood_glucose": "random_glucose",
}
# Other numbers: (label, unit, minimum, maximum, whole number).
_RANGES = {
    "bmi_target": ("目标体质指数", "kg/m²", 10, 60, False),
    "cigarettes_per_day": ("日吸烟量", "支", 0, 200, True),
    "cigarettes_target": ("日吸烟量目标", "支", 0, 200, True),
    "alcohol_per_day": ("日饮酒量", "两", 0, 50, False),
    "alcohol_target": ("日饮酒量目标", "两", 0, 50, False),
    "exercise_times_per_week": ("运动次数", "次/周", 0, 50, True),
    "exercise_target_times": ("运动次数目标", "次/周", 0, 50, True),
    "exercise_minutes": ("每次运动时间", "分钟", 0, 600, True),
    "exercise_target_minutes": ("每次运动时间目标", "分钟", 0, 600, True),
    "staple_food_g": ("主食量", "克/天", 0, 3000, True),
    "staple_food_target_g": ("主食量目标", "克/天", 0, 3000, True),
    "respiration": ("呼吸频率", "次/分钟", 5, 80, True),
    "self_care_score": ("老年人生活自理能力评分", "分", 0, 37, True),
    "haemoglobin_g_l": ("血红蛋白", "g/L", 20, 250, False),
    "total_cholesterol": ("总胆固醇", "mmol/L", 0.5, 30, False),
    "triglycerides": ("甘油三酯", "mmol/L", 0.1, 60, False),
    "ldl_cholesterol": ("低密度脂蛋白胆固醇", "mmol/L", 0.1, 20, False),
    "hdl_cholesterol": ("高密度脂蛋白胆固醇", "mmol/L", 0.1, 10, False),
    "creatinine_umol_l": ("血清肌酐", "μmol/L", 5, 3000, False),
    "alt_u_l": ("血清谷丙转氨酶", "U/L", 0, 5000, False),
    "ast_u_l": ("血清谷草转氨酶", "U/L", 0, 5000, False),
}
_BP_PAIRS = (("systolic", "diastolic"), ("systolic_left", "diastolic_left"), ("systolic_right", "diastolic_right"))


def _multi(form: VisitInput) -> dict[str, tuple[str, dict[str, str]]]:
    if isinstance(form, HypertensionFollowupInput):
        return {"symptoms": ("症状", codes.HYPERTENSION_SYMPTOM)}
    if isinstance(form, DiabetesFollowupInput):
        return {"symptoms": ("症状", codes.DIABETES_SYMPTOM)}
    if isinstance(form, HomeVisitInput):
        return {"purposes": ("服务内容", codes.HOME_VISIT_PURPOSE)}
    return {}


def _number(name: str, value: Any) -> float | int:
    if name in _MEASURED:
        number = check_measurement(_MEASURED[name], value)
        return int(number) if name in ("heart_rate", "pulse") else number
    label, unit, low, high, whole = _RANGES[name]
    number = float(value)
    if whole and number != int(number):
        raise ValidationError(f"{label}应为整数（{unit}），实际为 {number:g}。", field=name)
    if not low <= number <= high:
        raise ValidationError(f"{label} {number:g} {unit} 超出合理范围（{low}–{high} {unit}），请核对。", field=name)
    return int(number) if whole else number


def check_form(form: VisitInput) -> dict[str, Any]:
    """Checked, normalised column values of a form (medications apart)."""
    columns = MODEL_OF_FORM[type(form)].__mapper__.columns
    multi = _multi(form)
    values: dict[str, Any] = {}
    for f in fields(form):
        name, value = f.name, getattr(form, f.name)
        if name == "medications":
            continue
        if name in multi:
            label, table = multi[name]
            chosen = tuple(dict.fromkeys(str(c).strip() for c in value if str(c).strip()))
            bad = [c for c in chosen if c not in table]
            if bad:
                raise ValidationError(f"{label}代码“{bad[0]}”不存在。", field=name)
            if name == "symptoms" and "1" in chosen and len(chosen) > 1:
                raise ValidationError("症状选了“无症状”就不能再选其他症状。", field=name)
            value = chosen
        elif isinstance(value, str):
            value = value.strip() or None
            if value is not None and name in _CODES and value not in _CODES[name][1]:
                label, table = _CODES[name]
                raise ValidationError(
                    f"{label}代码“{value}”不存在，应为：{'、'.join(f'{k} {v}' for k, v in table.items())}。", field=name
                )
            limit = getattr(columns[name].type, "length", None)
            if value is not None and limit and len(value) > limit:
                raise ValidationError(f"“{value[:10]}…”太长：最多 {limit} 个字。", field=name)
        elif value is not None and (name in _MEASURED or name in _RANGES):
            value = _number(name, value)
        values[name] = value
    for high, low in _BP_PAIRS:
        if high in values and (values[high] is None) != (values[low] is None):
            raise ValidationError("血压要同时填写收缩压和舒张压。", field=high)
        if values.get(high) is not None:
            values[high], values[low] = check_blood_pressure(values[high], values[low])
    if form.next_visit_date is not None and form.next_visit_date <= form.visit_date:
        raise ValidationError("下次随访日期应晚于本次随访日期。", field="next_visit_date")
    for position, med in enumerate(getattr(form, "medications", ()), 1):
        if not med.name.strip():
            raise ValidationError(f"第 {position} 种药物缺少药名。", field="medications")
        if med.times_per_day is not None and not 1 <= med.times_per_day <= 12:
            raise ValidationError(
                f"药物“{med.name}”每日次数应在 1 到 12 之间，实际为 {med.times_per_day}。", field="medications"
            )
    return values
