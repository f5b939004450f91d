"""Visit records (履约记录): hypertension and diabetes follow-ups, the elderly yearly check and
door-to-door visits (DOMAIN.md §5).

* Forms are frozen dataclasses whose field names are the model's columns; BMI is computed.
* Readings are checked (:mod:`validation`) and classified (:mod:`followup_rules`): when the
  form leaves them empty, the classification and next visit date are the suggested ones
  (uncontrolled → within 2 weeks); readings at danger level are flagged for urgent referral
  and a Referral row is written when the user confirms one (``referral=``).
* A visit fulfils the open planned service of its kind whose window contains the visit date
  (or the earliest overdue one).
* A record is never edited: ``correct_visit`` writes a new revision (same ``record_id``,
  ``revision + 1``, ``supersedes_id``) and moves the fulfilment to it; the database triggers
  refuse any UPDATE of clinical columns or DELETE. ``void_visit`` voids with a reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, with_polymorphic

from ..errors import RuleError, ValidationError
from ..models import (
    ContractMember, DiabetesFollowup, ElderlyCheck, HomeVisit, HypertensionFollowup, Medication, Referral, Staff,
    Visit, codes, new_id,
)
from . import followup_rules as rules
from . import service_plan
from .key_populations import age_on
from .residents import get_resident_row
from .validation import bmi, check_blood_pressure, check_measurement
from .voiding import clean_reason, void_row

__all__ = [
    "DiabetesFollowupInput", "ElderlyCheckInput", "FollowupAdvice", "HomeVisitInput", "HypertensionFollowupInput",
    "MedicationInput", "RecordedVisit", "ReferralInput", "VisitRecord", "assess_followup", "correct_visit",
    "current_visits", "record_diabetes_followup", "record_elderly_check", "record_home_visit",
    "record_hypertension_followup", "record_visit", "visit_history", "void_visit",
]

# --- forms ---------------------------------------------------------------------------------


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


_CODES = {
    "mode": ("随访方式", codes.VISIT_MODE), "classification": ("此次随访分类", codes.FOLLOWUP_CLASSIFICATION),
    "psychological_adjustment": ("心理调整", codes.ADJUSTMENT), "compliance_behaviour": ("遵医行为", codes.ADJUSTMENT),
    "medication_compliance": ("服药依从性", codes.MEDICATION_COMPLIANCE),
    "salt_intake": ("摄盐情况", codes.SALT_INTAKE), "salt_target": ("摄盐目标", codes.SALT_INTAKE),
    "dorsalis_pedis": ("足背动脉搏动", codes.DORSALIS_PEDIS), "hypoglycaemia": ("低血糖反应", codes.HYPOGLYCAEMIA),
    "health_self_assessment": ("健康状态自我评估", codes.SELF_ASSESSMENT),
    "cognition_screen": ("认知功能", codes.SCREEN_RESULT), "emotion_screen": ("情感状态", codes.SCREEN_RESULT),
    "ecg": ("心电图", codes.EXAM_RESULT), "abdominal_ultrasound": ("腹部B超", codes.EXAM_RESULT),
    "evaluation": ("健康评价", codes.EXAM_RESULT),
}
# Fields checked against validation.MEASUREMENTS.
_MEASURED = {
    "weight_kg": "weight", "weight_target_kg": "weight", "height_cm": "height", "heart_rate": "heart_rate",
    "pulse": "heart_rate", "fasting_glucose": "fasting_glucose", "hba1c": "hba1c", "temperature_c": "temperature",
    "waist_cm": "waist", "blood_glucose": "random_glucose",
}
# Other numbers: (label, unit, minimum, maximum, whole number).
_RANGES = {
    "bmi_target": ("目标体质指数", "kg/m²", 10, 60, False),
    "cigarettes_per_day": ("日吸烟量", "支", 0, 200, True), "cigarettes_target": ("日吸烟量目标", "支", 0, 200, True),
    "alcohol_per_day": ("日饮酒量", "两", 0, 50, False), "alcohol_target": ("日饮酒量目标", "两", 0, 50, False),
    "exercise_times_per_week": ("运动次数", "次/周", 0, 50, True), "exercise_target_times": ("运动次数目标", "次/周", 0, 50, True),
    "exercise_minutes": ("每次运动时间", "分钟", 0, 600, True), "exercise_target_minutes": ("每次运动时间目标", "分钟", 0, 600, True),
    "staple_food_g": ("主食量", "克/天", 0, 3000, True), "staple_food_target_g": ("主食量目标", "克/天", 0, 3000, True),
    "respiration": ("呼吸频率", "次/分钟", 5, 80, True),
    "self_care_score": ("老年人生活自理能力评分", "分", 0, 37, True),
    "haemoglobin_g_l": ("血红蛋白", "g/L", 20, 250, False),
    "total_cholesterol": ("总胆固醇", "mmol/L", 0.5, 30, False), "triglycerides": ("甘油三酯", "mmol/L", 0.1, 60, False),
    "ldl_cholesterol": ("低密度脂蛋白胆固醇", "mmol/L", 0.1, 20, False),
    "hdl_cholesterol": ("高密度脂蛋白胆固醇", "mmol/L", 0.1, 10, False),
    "creatinine_umol_l": ("血清肌酐", "μmol/L", 5, 3000, False),
    "alt_u_l": ("血清谷丙转氨酶", "U/L", 0, 5000, False), "ast_u_l": ("血清谷草转氨酶", "U/L", 0, 5000, False),
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
    columns = _MODELS[type(form)].__mapper__.columns
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
                raise ValidationError(f"{label}代码“{value}”不存在，应为：{'、'.join(f'{k} {v}' for k, v in table.items())}。", field=name)
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
            raise ValidationError(f"药物“{med.name}”每日次数应在 1 到 12 之间，实际为 {med.times_per_day}。", field="medications")
    return values


_MODELS: dict[type[VisitInput], type[Visit]] = {
    HypertensionFollowupInput: HypertensionFollowup, DiabetesFollowupInput: DiabetesFollowup,
    ElderlyCheckInput: ElderlyCheck, HomeVisitInput: HomeVisit,
}
_FORMS = {model.__mapper__.polymorphic_identity: form for form, model in _MODELS.items()}


@dataclass(frozen=True)
class FollowupAdvice:
    """What the readings suggest for a chronic-disease follow-up."""

    #: Suggested form classification code ('1' controlled, '2' uncontrolled), None without readings.
    classification: str | None
    next_visit_due: date | None
    urgent_referral: bool
    #: Refer (not urgently): uncontrolled at this and the previous follow-up.
    referral_suggested: bool
    #: Chinese explanations, one per reading.
    reasons: tuple[str, ...]
    bp: rules.BpAssessment | None = None
    glucose: rules.GlucoseAssessment | None = None


@dataclass(frozen=True)
class VisitRecord:
    id: uuid.UUID
    record_id: uuid.UUID
    revision: int
    supersedes_id: uuid.UUID | None
    correction_reason: str | None
    kind: str
    contract_id: uuid.UUID | None
    bmi: float | None
    voided: bool
    void_reason: str | None
    #: The form as recorded (pass an edited copy to correct_visit).
    form: VisitInput

    @property
    def visit_date(self) -> date:
        return self.form.visit_date

    @property
    def resident_id(self) -> uuid.UUID:
        return self.form.resident_id


@dataclass(frozen=True)
class RecordedVisit:
    visit: VisitRecord
    advice: FollowupAdvice | None
    #: The planned service the visit fulfilled, if any.
    fulfilled_service_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    #: Things the user should look at, in Chinese (e.g. “下次随访日期晚于建议日期”).
    warnings: tuple[str, ...]


def visit_record(v: Visit) -> VisitRecord:
    form_cls = _FORMS[v.kind]
    values = {f.name: getattr(v, f.name) for f in fields(form_cls) if f.name != "medications"}
    meds = tuple(MedicationInput(m.name, m.times_per_day, m.dose) for m in v.medications)
    form = form_cls(**values, medications=meds) if "medications" in {f.name for f in fields(form_cls)} else form_cls(**values)
    return VisitRecord(
        id=v.id, record_id=v.record_id, revision=v.revision, supersedes_id=v.supersedes_id,
        correction_reason=v.correction_reason, kind=v.kind, contract_id=v.contract_id,
        bmi=getattr(v, "bmi", None), voided=v.voided_at is not None, void_reason=v.void_reason, form=form,
    )


# --- assessing -----------------------------------------------------------------------------


def _previous_classification(session: Session, form: VisitInput, kind: str, before_record: uuid.UUID | None) -> str | None:
    poly = with_polymorphic(Visit, [HypertensionFollowup, DiabetesFollowup])
    query = (
        _current(select(poly), poly)
        .where(poly.resident_id == form.resident_id, poly.kind == kind, poly.visit_date < form.visit_date)
        .order_by(poly.visit_date.desc())
    )
    if before_record is not None:
        query = query.where(poly.record_id != before_record)
    last = session.scalars(query).first()
    return getattr(last, "classification", None) if last is not None else None


def assess_followup(
    session: Session, form: HypertensionFollowupInput | DiabetesFollowupInput, *,
    bp_target: str = rules.DEFAULT_BP_TARGET, glucose_target: str = rules.DEFAULT_GLUCOSE_TARGET,
    _record_id: uuid.UUID | None = None,
) -> FollowupAdvice:
    """Classify the readings on a follow-up form (nothing is written)."""
    resident = get_resident_row(session, form.resident_id)
    bp = glucose = None
    if form.systolic is not None and form.diastolic is not None:
        bp = rules.classify_bp(form.systolic, form.diastolic, age_on(resident.birth_date, form.visit_date), bp_target)
    if isinstance(form, DiabetesFollowupInput) and form.fasting_glucose is not None:
        glucose = rules.classify_fasting_glucose(form.fasting_glucose, glucose_target)
    found = [a for a in (bp, glucose) if a is not None]
    if not found:
        return FollowupAdvice(None, None, False, False, ())
    urgent = any(a.status is rules.ControlStatus.URGENT_REFERRAL for a in found)
    controlled = all(a.status is rules.ControlStatus.CONTROLLED for a in found)
    reasons = [a.reason for a in found]
    kind = "hypertension" if isinstance(form, HypertensionFollowupInput) else "diabetes"
    refer = False
    if not controlled and not urgent and _previous_classification(session, form, kind, _record_id) == "2":
        refer = True
        reasons.append("连续两次随访控制不满意，建议转诊到上级医院，2 周内主动随访转诊情况")
    due = min(rules.next_followup_due(form.visit_date, a) for a in found)
    return FollowupAdvice("1" if controlled else "2", due, urgent, refer, tuple(reasons), bp, glucose)


# --- recording ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    values: dict[str, Any]
    advice: FollowupAdvice | None
    warnings: tuple[str, ...]


def _prepare(session: Session, form: VisitInput, today: date, bp_target: str, record_id: uuid.UUID | None) -> _Prepared:
    if type(form) not in _MODELS:
        raise TypeError(f"not a visit form: {type(form).__name__}")
    resident = get_resident_row(session, form.resident_id)
    if resident.voided_at is not None:
        raise RuleError(f"居民 {resident.name} 的档案已作废，不能录入随访。")
    if not resident.birth_date <= form.visit_date <= today:
        raise ValidationError(
            f"随访日期 {form.visit_date.isoformat()} 不对：应在出生日期 {resident.birth_date.isoformat()} 之后、今天之前。",
            field="visit_date",
        )
    if resident.status == "deceased" and form.visit_date > resident.status_changed_on:
        raise RuleError(f"{resident.name} 已于 {resident.status_changed_on.isoformat()} 死亡，不能录入之后的随访。")
    if session.get(Staff, form.doctor_id) is None:
        raise ValidationError("找不到随访医生，请刷新后重试。", field="doctor_id")
    values = check_form(form)
    warnings: list[str] = []
    advice = None
    if isinstance(form, (HypertensionFollowupInput, DiabetesFollowupInput)):
        advice = assess_followup(session, form, bp_target=bp_target, _record_id=record_id)
        if isinstance(form, HypertensionFollowupInput) and advice.bp is not None:
            values["bp_target"] = advice.bp.target_key
        if advice.classification is not None:
            if values["classification"] is None:
                values["classification"] = advice.classification
            elif values["classification"] in ("1", "2") and values["classification"] != advice.classification:
                warnings.append(
                    f"填写的分类“{codes.FOLLOWUP_CLASSIFICATION[values['classification']]}”与测量结果不符："
                    + "；".join(advice.reasons)
                )
        if advice.next_visit_due is not None:
            if form.next_visit_date is None:
                values["next_visit_date"] = advice.next_visit_due
            elif form.next_visit_date > advice.next_visit_due:
                warnings.append(
                    f"下次随访日期 {form.next_visit_date.isoformat()} 晚于建议的最晚日期 {advice.next_visit_due.isoformat()}。"
                )
        if advice.urgent_referral:
            warnings.append("测量结果属危急情况，应紧急转诊：请确认转诊并填写转诊机构。")
    if {"weight_kg", "height_cm"} <= values.keys() and values["weight_kg"] and values["height_cm"]:
        values["bmi"] = bmi(values["weight_kg"], values["height_cm"])
    return _Prepared(values, advice, tuple(warnings))


def _insert(session: Session, form: VisitInput, prepared: _Prepared, **revision: Any) -> Visit:
    visit_id = new_id()
    visit = _MODELS[type(form)](id=visit_id, **prepared.values, **{"record_id": visit_id, **revision})
    session.add(visit)
    for position, med in enumerate(getattr(form, "medications", ()), 1):
        visit.medications.append(Medication(position=position, name=med.name.strip(), times_per_day=med.times_per_day, dose=med.dose))
    return visit


def _active_contract_id(session: Session, resident_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(
        select(ContractMember.contract_id).where(ContractMember.resident_id == resident_id, ContractMember.is_active)
    )


def record_visit(
    session: Session, form: VisitInput, *, referral: ReferralInput | None = None,
    bp_target: str = rules.DEFAULT_BP_TARGET, today: date | None = None,
) -> RecordedVisit:
    """Record any visit form; see the module docstring for what happens."""
    prepared = _prepare(session, form, today or date.today(), bp_target, None)
    kind = _MODELS[type(form)].__mapper__.polymorphic_identity
    service = service_plan.find_open_service(session, form.resident_id, service_plan.VISIT_SERVICE_KIND[kind], form.visit_date)
    contract_id = service.contract_id if service is not None else _active_contract_id(session, form.resident_id)
    if referral is not None and {"referral_reason", "referral_institution"} <= prepared.values.keys():
        reasons = prepared.advice.reasons if prepared.advice else ()
        prepared.values["referral_reason"] = prepared.values["referral_reason"] or (referral.reason or "；".join(reasons))[:100] or None
        prepared.values["referral_institution"] = prepared.values["referral_institution"] or referral.institution[:100]
    visit = _insert(session, form, prepared, contract_id=contract_id)
    session.flush()
    if service is not None:
        service_plan.fulfil(service, visit)
    referral_id = _refer(session, visit, referral, prepared.advice) if referral is not None else None
    session.flush()
    return RecordedVisit(visit_record(visit), prepared.advice, service.id if service else None, referral_id, prepared.warnings)


def _refer(session: Session, visit: Visit, referral: ReferralInput, advice: FollowupAdvice | None) -> uuid.UUID:
    institution = referral.institution.strip()
    if not institution:
        raise ValidationError("请填写转诊机构。", field="institution")
    urgent = referral.urgent if referral.urgent is not None else bool(advice and advice.urgent_referral)
    reason = (referral.reason or "").strip() or ("；".join(advice.reasons) if advice else "")
    if not reason:
        raise ValidationError("请填写转诊原因。", field="reason")
    row = Referral(
        resident_id=visit.resident_id, visit_id=visit.id, urgency="urgent" if urgent else "routine",
        referred_on=visit.visit_date, reason=reason[:200], institution=institution[:100],
        department=(referral.department or "").strip() or None, doctor_id=visit.doctor_id,
    )
    session.add(row)
    session.flush()
    return row.id


def record_hypertension_followup(session: Session, form: HypertensionFollowupInput, **options: Any) -> RecordedVisit:
    return record_visit(session, form, **options)


def record_diabetes_followup(session: Session, form: DiabetesFollowupInput, **options: Any) -> RecordedVisit:
    return record_visit(session, form, **options)


def record_elderly_check(session: Session, form: ElderlyCheckInput, *, today: date | None = None) -> RecordedVisit:
    return record_visit(session, form, today=today)


def record_home_visit(session: Session, form: HomeVisitInput, *, today: date | None = None) -> RecordedVisit:
    return record_visit(session, form, today=today)


# --- revisions -----------------------------------------------------------------------------


def _current(query, entity):
    newer = Visit.__table__.alias("newer")
    return query.where(entity.voided_at.is_(None), ~exists(select(newer.c.id).where(newer.c.supersedes_id == entity.id)))


def _current_row(session: Session, visit_id: uuid.UUID) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise ValidationError("找不到该随访记录，请刷新后重试。", field="visit_id")
    if visit.voided_at is not None:
        raise RuleError(f"该记录已于 {visit.voided_at:%Y-%m-%d} 作废（原因：{visit.void_reason}），不能再更正或作废。")
    newer = session.scalar(select(Visit).where(Visit.supersedes_id == visit.id))
    if newer is not None:
        raise RuleError(f"该记录已有更新的版本（第 {newer.revision} 版），请在最新版本上操作。")
    return visit


def correct_visit(
    session: Session, visit_id: uuid.UUID, new_data: VisitInput, reason: str, *,
    bp_target: str = rules.DEFAULT_BP_TARGET, today: date | None = None,
) -> RecordedVisit:
    """Write a corrected revision of a visit record; the old revision stays unchanged."""
    old = _current_row(session, visit_id)
    text = clean_reason(reason, what="更正")
    if _FORMS[old.kind] is not type(new_data):
        raise RuleError(f"更正不能改变记录类型（原记录是{codes.VISIT_KIND[old.kind]}）。")
    if new_data.resident_id != old.resident_id:
        raise RuleError("更正不能改变记录所属的居民：请作废该记录，再为正确的居民重新录入。")
    prepared = _prepare(session, new_data, today or date.today(), bp_target, old.record_id)
    new = _insert(
        session, new_data, prepared, record_id=old.record_id, revision=old.revision + 1, supersedes_id=old.id,
        correction_reason=text, contract_id=old.contract_id,
    )
    session.flush()
    services = service_plan.services_of_visit(session, old.id)
    if not services:
        kind = service_plan.VISIT_SERVICE_KIND[old.kind]
        services = [s for s in [service_plan.find_open_service(session, old.resident_id, kind, new.visit_date)] if s]
    for service in services:
        service_plan.fulfil(service, new)
    session.flush()
    return RecordedVisit(visit_record(new), prepared.advice, services[0].id if services else None, None, prepared.warnings)


def void_visit(session: Session, visit_id: uuid.UUID, reason: str, by: uuid.UUID | None = None) -> VisitRecord:
    """Void the current revision of a record; the planned service it fulfilled reopens."""
    visit = _current_row(session, visit_id)
    void_row(session, visit, reason, label="该随访记录", by=by)
    for service in service_plan.services_of_visit(session, visit.id):
        service_plan.reopen(service)
    session.flush()
    return visit_record(visit)


def current_visits(session: Session, resident_id: uuid.UUID, kind: str | None = None) -> tuple[VisitRecord, ...]:
    """The resident's records in their current revision (not superseded, not voided), newest first."""
    poly = with_polymorphic(Visit, "*")
    query = _current(select(poly), poly).where(poly.resident_id == resident_id)
    if kind is not None:
        query = query.where(poly.kind == kind)
    return tuple(visit_record(v) for v in session.scalars(query.order_by(poly.visit_date.desc(), poly.id.desc())))


def visit_history(session: Session, record_id: uuid.UUID) -> tuple[VisitRecord, ...]:
    """Every revision of one record, oldest first (voided ones included)."""
    poly = with_polymorphic(Visit, "*")
    rows = session.scalars(select(poly).where(poly.record_id == record_id).order_by(poly.revision))
    return tuple(visit_record(v) for v in rows)

