"""Visit forms (履约记录表单): the input dataclasses of the visit kinds and their checking.

* Field names are the model's columns (BMI is computed, never typed); a form maps to its model
  through :data:`MODEL_OF_FORM`, and a stored kind back to its form through :data:`FORM_OF_KIND`.
* Who may record, correct or void a record: :data:`PERMISSION_OF_KIND` for the kinds with a
  form of their own (home visits need no physician), :data:`PERMISSION_OF_SERVICE_KIND` for a
  generic service record, by the service it records (:func:`permission_for`).
* :func:`check_form` checks codes, lengths, measurements and blood pressure pairs and returns
  the normalised column values; it needs no database. Classification and suggestions are
  made by :mod:`fdclient.services.visits.recording`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from fdclient.domain import codes
from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.roles import Permission
from fdclient.domain.validation import check_blood_pressure, check_measurement
from fdclient.errors import ValidationError
from fdclient.models import DiabetesFollowup, ElderlyCheck, HomeVisit, HypertensionFollowup, ServiceRecord, Visit
from fdclient.text import Text, msg

__all__ = [
    "FORM_OF_KIND",
    "KIND_TEXT",
    "MODEL_OF_FORM",
    "PERMISSION_OF_KIND",
    "PERMISSION_OF_SERVICE_KIND",
    "SERVICE_TEXT",
    "DiabetesFollowupInput",
    "ElderlyCheckInput",
    "HomeVisitInput",
    "HypertensionFollowupInput",
    "MedicationInput",
    "ReferralInput",
    "ServiceRecordInput",
    "VisitInput",
    "check_form",
    "kind_of_form",
    "permission_for",
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
    #: Danger signs found (codes.DANGER_SIGN).
    danger_signs: tuple[str, ...] = ()
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


@dataclass(frozen=True, kw_only=True)
class ServiceRecordInput(VisitInput):
    """A service without a form of its own: which service, and what was done."""

    service_kind: ServiceKind
    summary: str | None = None


@dataclass(frozen=True)
class _Kind:
    kind: VisitKind
    form: type[VisitInput]
    model: type[Visit]
    #: What recording, correcting or voiding one needs (physician work or not); None when
    #: it depends on the service recorded (PERMISSION_OF_SERVICE_KIND).
    permission: Permission | None
    #: The kind in messages.
    text: Text


_KINDS = (
    _Kind(
        VisitKind.HYPERTENSION,
        HypertensionFollowupInput,
        HypertensionFollowup,
        Permission.RECORD_CLINICAL,
        msg(VisitKind.HYPERTENSION.label, "a hypertension follow-up"),
    ),
    _Kind(
        VisitKind.DIABETES,
        DiabetesFollowupInput,
        DiabetesFollowup,
        Permission.RECORD_CLINICAL,
        msg(VisitKind.DIABETES.label, "a type 2 diabetes follow-up"),
    ),
    _Kind(
        VisitKind.ELDERLY_CHECK,
        ElderlyCheckInput,
        ElderlyCheck,
        Permission.RECORD_CLINICAL,
        msg(VisitKind.ELDERLY_CHECK.label, "an elderly health check"),
    ),
    _Kind(
        VisitKind.HOME_VISIT,
        HomeVisitInput,
        HomeVisit,
        Permission.RECORD_SERVICES,
        msg(VisitKind.HOME_VISIT.label, "a home visit"),
    ),
    _Kind(VisitKind.SERVICE, ServiceRecordInput, ServiceRecord, None, msg(VisitKind.SERVICE.label, "a service record")),
)
#: The model each form is stored as.
MODEL_OF_FORM: dict[type[VisitInput], type[Visit]] = {k.form: k.model for k in _KINDS}
#: The form of a stored ``kind``.
FORM_OF_KIND: dict[VisitKind, type[VisitInput]] = {k.kind: k.form for k in _KINDS}
#: The permission recording, correcting or voiding a visit of each kind with a form of its
#: own needs.
PERMISSION_OF_KIND: dict[VisitKind, Permission] = {k.kind: k.permission for k in _KINDS if k.permission is not None}
#: The permission a generic service record needs, by the service it records: physician
#: work (assessing, examining, prescribing, following up patients) or not (education,
#: consultation). Kinds with a form of their own are not recorded this way.
PERMISSION_OF_SERVICE_KIND: Mapping[ServiceKind, Permission] = MappingProxyType(
    {
        ServiceKind.HEALTH_ASSESSMENT: Permission.RECORD_CLINICAL,
        ServiceKind.HEALTH_EDUCATION: Permission.RECORD_SERVICES,
        ServiceKind.CONSULTATION: Permission.RECORD_SERVICES,
        ServiceKind.TCM: Permission.RECORD_CLINICAL,
        ServiceKind.CHILD_CHECK: Permission.RECORD_CLINICAL,
        ServiceKind.MATERNAL_CHECK: Permission.RECORD_CLINICAL,
        ServiceKind.MENTAL_FOLLOWUP: Permission.RECORD_CLINICAL,
        ServiceKind.TB_FOLLOWUP: Permission.RECORD_CLINICAL,
        ServiceKind.LONG_PRESCRIPTION: Permission.RECORD_CLINICAL,
    }
)
#: Each kind as named in messages.
KIND_TEXT: dict[VisitKind, Text] = {k.kind: k.text for k in _KINDS}
#: Each service kind as named in messages (its English name from codes.ServiceKind).
SERVICE_TEXT: Mapping[ServiceKind, Text] = MappingProxyType({k: codes.in_sentence(k.text) for k in ServiceKind})
_KIND_OF_FORM: dict[type[VisitInput], VisitKind] = {k.form: k.kind for k in _KINDS}


def kind_of_form(form: VisitInput) -> VisitKind:
    """The kind a form is stored as (a TypeError for anything that is not a visit form)."""
    kind = _KIND_OF_FORM.get(type(form))
    if kind is None:
        raise TypeError(f"not a visit form: {type(form).__name__}")
    return kind


def permission_for(kind: VisitKind, service_kind: str | None = None) -> Permission:
    """What recording, correcting or voiding a record of ``kind`` needs; for a generic
    service record, by its ``service_kind`` (one not recorded this way needs RECORD_CLINICAL:
    the use case then refuses it with its reason)."""
    if kind is not VisitKind.SERVICE:
        return PERMISSION_OF_KIND[kind]
    try:
        return PERMISSION_OF_SERVICE_KIND.get(ServiceKind(str(service_kind)), Permission.RECORD_CLINICAL)
    except ValueError:
        return Permission.RECORD_CLINICAL


def _codes_text(table: dict[str, str]) -> Text:
    """The codes of a table for a message: with their Chinese labels, or bare in English."""
    return msg("、".join(f"{k} {v}" for k, v in table.items()), ", ".join(table))


#: Single-choice code fields: (label, code table).
_CODES: dict[str, tuple[Text, dict[str, str]]] = {
    "mode": (msg("随访方式", "visit mode"), codes.VISIT_MODE),
    "classification": (msg("此次随访分类", "classification of this follow-up"), codes.FOLLOWUP_CLASSIFICATION),
    "psychological_adjustment": (msg("心理调整", "psychological adjustment"), codes.ADJUSTMENT),
    "compliance_behaviour": (msg("遵医行为", "compliance with medical advice"), codes.ADJUSTMENT),
    "medication_compliance": (msg("服药依从性", "medication compliance"), codes.MEDICATION_COMPLIANCE),
    "salt_intake": (msg("摄盐情况", "salt intake"), codes.SALT_INTAKE),
    "salt_target": (msg("摄盐目标", "salt intake target"), codes.SALT_INTAKE),
    "dorsalis_pedis": (msg("足背动脉搏动", "dorsalis pedis pulse"), codes.DORSALIS_PEDIS),
    "hypoglycaemia": (msg("低血糖反应", "hypoglycaemic reactions"), codes.HYPOGLYCAEMIA),
    "health_self_assessment": (msg("健康状态自我评估", "self-assessed health"), codes.SELF_ASSESSMENT),
    "cognition_screen": (msg("认知功能", "cognitive function"), codes.SCREEN_RESULT),
    "emotion_screen": (msg("情感状态", "emotional state"), codes.SCREEN_RESULT),
    "ecg": (msg("心电图", "ECG"), codes.EXAM_RESULT),
    "abdominal_ultrasound": (msg("腹部B超", "abdominal ultrasound"), codes.EXAM_RESULT),
    "evaluation": (msg("健康评价", "health evaluation"), codes.EXAM_RESULT),
    "service_kind": (msg("服务项目", "service"), codes.SERVICE_KIND),
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


@dataclass(frozen=True)
class _Range:
    """A number on a form that validation.MEASUREMENTS does not cover (bounds inclusive)."""

    label: Text
    unit: Text
    low: float
    high: float
    whole: bool


def _range(zh: str, en: str, unit_zh: str, unit_en: str, low: float, high: float, whole: bool) -> _Range:
    return _Range(msg(zh, en), msg(unit_zh, unit_en), low, high, whole)


_RANGES = {
    "bmi_target": _range("目标体质指数", "target BMI", "kg/m²", "kg/m²", 10, 60, False),
    "cigarettes_per_day": _range("日吸烟量", "cigarettes per day", "支", "cigarettes", 0, 200, True),
    "cigarettes_target": _range("日吸烟量目标", "target cigarettes per day", "支", "cigarettes", 0, 200, True),
    "alcohol_per_day": _range("日饮酒量", "alcohol per day", "两", "liang", 0, 50, False),
    "alcohol_target": _range("日饮酒量目标", "target alcohol per day", "两", "liang", 0, 50, False),
    "exercise_times_per_week": _range("运动次数", "exercise sessions", "次/周", "per week", 0, 50, True),
    "exercise_target_times": _range("运动次数目标", "target exercise sessions", "次/周", "per week", 0, 50, True),
    "exercise_minutes": _range("每次运动时间", "minutes per session", "分钟", "minutes", 0, 600, True),
    "exercise_target_minutes": _range(
        "每次运动时间目标", "target minutes per session", "分钟", "minutes", 0, 600, True
    ),
    "staple_food_g": _range("主食量", "staple food", "克/天", "g/day", 0, 3000, True),
    "staple_food_target_g": _range("主食量目标", "target staple food", "克/天", "g/day", 0, 3000, True),
    "respiration": _range("呼吸频率", "respiratory rate", "次/分钟", "per minute", 5, 80, True),
    "self_care_score": _range("老年人生活自理能力评分", "elderly self-care score", "分", "points", 0, 37, True),
    "haemoglobin_g_l": _range("血红蛋白", "haemoglobin", "g/L", "g/L", 20, 250, False),
    "total_cholesterol": _range("总胆固醇", "total cholesterol", "mmol/L", "mmol/L", 0.5, 30, False),
    "triglycerides": _range("甘油三酯", "triglycerides", "mmol/L", "mmol/L", 0.1, 60, False),
    "ldl_cholesterol": _range("低密度脂蛋白胆固醇", "LDL cholesterol", "mmol/L", "mmol/L", 0.1, 20, False),
    "hdl_cholesterol": _range("高密度脂蛋白胆固醇", "HDL cholesterol", "mmol/L", "mmol/L", 0.1, 10, False),
    "creatinine_umol_l": _range("血清肌酐", "serum creatinine", "μmol/L", "μmol/L", 5, 3000, False),
    "alt_u_l": _range("血清谷丙转氨酶", "serum ALT", "U/L", "U/L", 0, 5000, False),
    "ast_u_l": _range("血清谷草转氨酶", "serum AST", "U/L", "U/L", 0, 5000, False),
}
_BP_PAIRS = (("systolic", "diastolic"), ("systolic_left", "diastolic_left"), ("systolic_right", "diastolic_right"))


def _multi(form: VisitInput) -> dict[str, tuple[Text, dict[str, str]]]:
    """Multiple-choice code fields of the form: (label, code table)."""
    danger = (msg("危急情况", "danger sign"), codes.DANGER_SIGN)
    if isinstance(form, HypertensionFollowupInput):
        return {"symptoms": (msg("症状", "symptom"), codes.HYPERTENSION_SYMPTOM), "danger_signs": danger}
    if isinstance(form, DiabetesFollowupInput):
        return {"symptoms": (msg("症状", "symptom"), codes.DIABETES_SYMPTOM), "danger_signs": danger}
    if isinstance(form, HomeVisitInput):
        return {"purposes": (msg("服务内容", "service"), codes.HOME_VISIT_PURPOSE)}
    return {}


def _number(name: str, value: Any) -> float | int:
    if name in _MEASURED:
        number = check_measurement(_MEASURED[name], value)
        return int(number) if name in ("heart_rate", "pulse") else number
    spec = _RANGES[name]
    number = float(value)
    if spec.whole and number != int(number):
        raise ValidationError(
            msg(
                "{label}应为整数（{unit}），实际为 {number}。",
                "{label} must be a whole number ({unit}), not {number}.",
                label=spec.label,
                unit=spec.unit,
                number=f"{number:g}",
            ),
            field=name,
        )
    if not spec.low <= number <= spec.high:
        raise ValidationError(
            msg(
                "{label} {number} {unit} 超出合理范围（{low}–{high} {unit}），请核对。",
                "{label} {number} {unit} is outside the plausible range ({low}–{high} {unit}); please check.",
                label=spec.label,
                unit=spec.unit,
                number=f"{number:g}",
                low=f"{spec.low:g}",
                high=f"{spec.high:g}",
            ),
            field=name,
        )
    return int(number) if spec.whole else number


def _chosen_codes(name: str, value: Any, label: Text, table: dict[str, str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(str(c).strip() for c in value if str(c).strip()))
    bad = [c for c in chosen if c not in table]
    if bad:
        raise ValidationError(
            msg("{label}代码“{code}”不存在。", "There is no {label} code “{code}”.", label=label, code=bad[0]),
            field=name,
        )
    if name == "symptoms" and "1" in chosen and len(chosen) > 1:
        raise ValidationError(
            msg("症状选了“无症状”就不能再选其他症状。", "“No symptoms” cannot be combined with other symptoms."),
            field=name,
        )
    return chosen


def _text(name: str, value: str, limit: int | None) -> str | None:
    text = value.strip() or None
    if text is not None and name in _CODES and text not in _CODES[name][1]:
        label, table = _CODES[name]
        raise ValidationError(
            msg(
                "{label}代码“{code}”不存在，应为：{known}。",
                "There is no {label} code “{code}”; use one of: {known}.",
                label=label,
                code=text,
                known=_codes_text(table),
            ),
            field=name,
        )
    if text is not None and limit and len(text) > limit:
        raise ValidationError(
            msg(
                "这段文字太长：最多 {limit} 个字，实际为 {length} 个。",
                "This text is too long: at most {limit} characters, got {length}.",
                limit=limit,
                length=len(text),
            ),
            field=name,
        )
    return text


def _check_medications(form: VisitInput) -> None:
    medications: tuple[MedicationInput, ...] = getattr(form, "medications", ())
    for position, med in enumerate(medications, 1):
        if not med.name.strip():
            raise ValidationError(
                msg("第 {n} 种药物缺少药名。", "Medicine {n} has no name.", n=position), field="medications"
            )
        if med.times_per_day is not None and not 1 <= med.times_per_day <= 12:
            raise ValidationError(
                msg(
                    "药物“{name}”每日次数应在 1 到 12 之间，实际为 {times}。",
                    "Medicine “{name}”: times per day must be between 1 and 12, not {times}.",
                    name=med.name,
                    times=med.times_per_day,
                ),
                field="medications",
            )


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
            value = _chosen_codes(name, value, *multi[name])
        elif isinstance(value, str):
            value = _text(name, value, getattr(columns[name].type, "length", None))
        elif value is not None and (name in _MEASURED or name in _RANGES):
            value = _number(name, value)
        values[name] = value
    for high, low in _BP_PAIRS:
        if high in values and (values[high] is None) != (values[low] is None):
            raise ValidationError(
                msg("血压要同时填写收缩压和舒张压。", "Enter both the systolic and the diastolic blood pressure."),
                field=high,
            )
        if values.get(high) is not None:
            values[high], values[low] = check_blood_pressure(values[high], values[low])
    if isinstance(form, ServiceRecordInput) and values["service_kind"] is None:
        raise ValidationError(msg("请选择服务项目。", "Choose the service."), field="service_kind")
    if form.next_visit_date is not None and form.next_visit_date <= form.visit_date:
        raise ValidationError(
            msg("下次随访日期应晚于本次随访日期。", "The next visit date must be after this visit's date."),
            field="next_visit_date",
        )
    _check_medications(form)
    return values
