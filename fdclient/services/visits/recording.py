"""Visit records (履约记录): hypertension and diabetes follow-ups, the elderly yearly check and
door-to-door visits (DOMAIN.md §5). The forms and their checking are in :mod:`visit_forms`.

* Readings are checked (:mod:`validation`) and classified (:mod:`followup_rules`) against the
  township's BP target (setting ``bp_target``) unless the caller names one: when the form
  leaves them empty, the classification and next visit date are the suggested ones
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

from fdclient.domain import codes
from fdclient.domain import followup_rules as rules
from fdclient.domain.key_populations import age_on
from fdclient.domain.validation import bmi
from fdclient.errors import RuleError, ValidationError
from fdclient.models import (
    ContractMember,
    DiabetesFollowup,
    HypertensionFollowup,
    Medication,
    Referral,
    Staff,
    Visit,
    new_id,
)
from fdclient.services.contracts import plan as service_plan
from fdclient.services.lookup import fetch
from fdclient.services.registry.residents import get_resident_row
from fdclient.services.visits.forms import (
    FORM_OF_KIND,
    MODEL_OF_FORM,
    DiabetesFollowupInput,
    ElderlyCheckInput,
    HomeVisitInput,
    HypertensionFollowupInput,
    MedicationInput,
    ReferralInput,
    VisitInput,
    check_form,
)
from fdclient.services.voiding import clean_reason, void_row
from fdclient.settings import get_setting

__all__ = [
    "FollowupAdvice",
    "RecordedVisit",
    "VisitRecord",
    "assess_followup",
    "correct_visit",
    "current_visits",
    "record_diabetes_followup",
    "record_elderly_check",
    "record_home_visit",
    "record_hypertension_followup",
    "record_visit",
    "visit_history",
    "void_visit",
]

# --- results -------------------------------------------------------------------------------


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
    form_cls = FORM_OF_KIND[v.kind]
    values = {f.name: getattr(v, f.name) for f in fields(form_cls) if f.name != "medications"}
    meds = tuple(MedicationInput(m.name, m.times_per_day, m.dose) for m in v.medications)
    form = (
        form_cls(**values, medications=meds)
        if "medications" in {f.name for f in fields(form_cls)}
        else form_cls(**values)
    )
    return VisitRecord(
        id=v.id,
        record_id=v.record_id,
        revision=v.revision,
        supersedes_id=v.supersedes_id,
        correction_reason=v.correction_reason,
        kind=v.kind,
        contract_id=v.contract_id,
        bmi=getattr(v, "bmi", None),
        voided=v.voided_at is not None,
        void_reason=v.void_reason,
        form=form,
    )


# --- assessing -----------------------------------------------------------------------------


def _previous_classification(
    session: Session, form: VisitInput, kind: str, before_record: uuid.UUID | None
) -> str | None:
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
    session: Session,
    form: HypertensionFollowupInput | DiabetesFollowupInput,
    *,
    bp_target: str | None = None,
    glucose_target: str = rules.DEFAULT_GLUCOSE_TARGET,
    _record_id: uuid.UUID | None = None,
) -> FollowupAdvice:
    """Classify the readings on a follow-up form (nothing is written). ``bp_target`` is a key
    of ``followup_rules.BP_TARGETS``; None → the township's setting ``bp_target``."""
    resident = get_resident_row(session, form.resident_id)
    bp = glucose = None
    if form.systolic is not None and form.diastolic is not None:
        if bp_target is None:
            bp_target = get_setting(session, "bp_target")
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


def _prepare(
    session: Session, form: VisitInput, today: date, bp_target: str | None, record_id: uuid.UUID | None
) -> _Prepared:
    if type(form) not in MODEL_OF_FORM:
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
    visit = MODEL_OF_FORM[type(form)](id=visit_id, **prepared.values, **{"record_id": visit_id, **revision})
    session.add(visit)
    for position, med in enumerate(getattr(form, "medications", ()), 1):
        visit.medications.append(
            Medication(position=position, name=med.name.strip(), times_per_day=med.times_per_day, dose=med.dose)
        )
    return visit


def _active_contract_id(session: Session, resident_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(
        select(ContractMember.contract_id).where(ContractMember.resident_id == resident_id, ContractMember.is_active)
    )


def record_visit(
    session: Session,
    form: VisitInput,
    *,
    referral: ReferralInput | None = None,
    bp_target: str | None = None,
    today: date | None = None,
) -> RecordedVisit:
    """Record any visit form; see the module docstring for what happens. ``bp_target``: a key
    of ``followup_rules.BP_TARGETS``; None → the township's setting ``bp_target``."""
    prepared = _prepare(session, form, today or date.today(), bp_target, None)
    kind = MODEL_OF_FORM[type(form)].__mapper__.polymorphic_identity
    service = service_plan.find_open_service(
        session, form.resident_id, service_plan.VISIT_SERVICE_KIND[kind], form.visit_date
    )
    contract_id = service.contract_id if service is not None else _active_contract_id(session, form.resident_id)
    if referral is not None and {"referral_reason", "referral_institution"} <= prepared.values.keys():
        reasons = prepared.advice.reasons if prepared.advice else ()
        prepared.values["referral_reason"] = (
            prepared.values["referral_reason"] or (referral.reason or "；".join(reasons))[:100] or None
        )
        prepared.values["referral_institution"] = prepared.values["referral_institution"] or referral.institution[:100]
    visit = _insert(session, form, prepared, contract_id=contract_id)
    session.flush()
    if service is not None:
        service_plan.fulfil(service, visit)
    referral_id = _refer(session, visit, referral, prepared.advice) if referral is not None else None
    session.flush()
    return RecordedVisit(
        visit_record(visit), prepared.advice, service.id if service else None, referral_id, prepared.warnings
    )


def _refer(session: Session, visit: Visit, referral: ReferralInput, advice: FollowupAdvice | None) -> uuid.UUID:
    institution = referral.institution.strip()
    if not institution:
        raise ValidationError("请填写转诊机构。", field="institution")
    urgent = referral.urgent if referral.urgent is not None else bool(advice and advice.urgent_referral)
    reason = (referral.reason or "").strip() or ("；".join(advice.reasons) if advice else "")
    if not reason:
        raise ValidationError("请填写转诊原因。", field="reason")
    row = Referral(
        resident_id=visit.resident_id,
        visit_id=visit.id,
        urgency="urgent" if urgent else "routine",
        referred_on=visit.visit_date,
        reason=reason[:200],
        institution=institution[:100],
        department=(referral.department or "").strip() or None,
        doctor_id=visit.doctor_id,
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
    return query.where(
        entity.voided_at.is_(None), ~exists(select(newer.c.id).where(newer.c.supersedes_id == entity.id))
    )


def _current_row(session: Session, visit_id: uuid.UUID) -> Visit:
    visit = fetch(session, Visit, visit_id, "该随访记录", "visit_id")
    if visit.voided_at is not None:
        raise RuleError(f"该记录已于 {visit.voided_at:%Y-%m-%d} 作废（原因：{visit.void_reason}），不能再更正或作废。")
    newer = session.scalar(select(Visit).where(Visit.supersedes_id == visit.id))
    if newer is not None:
        raise RuleError(f"该记录已有更新的版本（第 {newer.revision} 版），请在最新版本上操作。")
    return visit


def correct_visit(
    session: Session,
    visit_id: uuid.UUID,
    new_data: VisitInput,
    reason: str,
    *,
    bp_target: str | None = None,
    today: date | None = None,
) -> RecordedVisit:
    """Write a corrected revision of a visit record; the old revision stays unchanged."""
    old = _current_row(session, visit_id)
    text = clean_reason(reason, what="更正")
    if FORM_OF_KIND[old.kind] is not type(new_data):
        raise RuleError(f"更正不能改变记录类型（原记录是{codes.VISIT_KIND[old.kind]}）。")
    if new_data.resident_id != old.resident_id:
        raise RuleError("更正不能改变记录所属的居民：请作废该记录，再为正确的居民重新录入。")
    prepared = _prepare(session, new_data, today or date.today(), bp_target, old.record_id)
    new = _insert(
        session,
        new_data,
        prepared,
        record_id=old.record_id,
        revision=old.revision + 1,
        supersedes_id=old.id,
        correction_reason=text,
        contract_id=old.contract_id,
    )
    session.flush()
    services = service_plan.services_of_visit(session, old.id)
    if not services:
        kind = service_plan.VISIT_SERVICE_KIND[old.kind]
        services = [s for s in [service_plan.find_open_service(session, old.resident_id, kind, new.visit_date)] if s]
    for service in services:
        service_plan.fulfil(service, new)
    session.flush()
    return RecordedVisit(
        visit_record(new), prepared.advice, services[0].id if services else None, None, prepared.warnings
    )


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
