"""Visit records (履约记录): hypertension and diabetes follow-ups, the elderly yearly check and
door-to-door visits (DOMAIN.md §5). The forms and their checking are in
:mod:`fdclient.services.visits.forms`.

* Who may: follow-ups, elderly checks, referrals and their corrections and voids need
  ``RECORD_CLINICAL``; home visits (and their corrections and voids) ``RECORD_SERVICES``;
  reading a resident's visits ``VIEW_RECORDS``. A visit may not be dated after today by
  the unit of work's clock.
* Readings are checked (:mod:`fdclient.domain.validation`) and classified
  (:mod:`fdclient.domain.followup_rules`) against the township's BP target (setting
  ``bp_target``) unless the caller names one: when the form leaves them empty, the
  classification and next visit date are the suggested ones (uncontrolled → within 2
  weeks); readings at danger level are flagged for urgent referral and a Referral row is
  written when the user confirms one (``referral=``).
* A visit fulfils the open planned service of its kind whose window contains the visit date
  (or the earliest overdue one).
* A record is never edited: ``correct_visit`` writes a new revision (same ``record_id``,
  ``revision + 1``, ``supersedes_id``) and moves the fulfilment to it; the database triggers
  refuse any UPDATE of clinical columns or DELETE. ``void_visit`` voids with a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, with_polymorphic
from sqlalchemy.orm.util import AliasedClass

from fdclient.domain import followup_rules as rules
from fdclient.domain.codes import ReferralUrgency, ResidentStatus, VisitKind
from fdclient.domain.key_populations import age_on
from fdclient.domain.roles import Permission
from fdclient.domain.time import china_date
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
    KIND_TEXT,
    MODEL_OF_FORM,
    PERMISSION_OF_KIND,
    DiabetesFollowupInput,
    ElderlyCheckInput,
    HomeVisitInput,
    HypertensionFollowupInput,
    MedicationInput,
    ReferralInput,
    VisitInput,
    check_form,
    kind_of_form,
)
from fdclient.services.voiding import clean_reason, void_row
from fdclient.settings import BP_TARGET, get_setting
from fdclient.store.context import require, today
from fdclient.text import CHINESE, Text, msg

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

#: Form classification codes the readings decide (codes.FOLLOWUP_CLASSIFICATION).
_CONTROLLED, _UNCONTROLLED = "1", "2"
_STATUS_OF_CLASSIFICATION = {
    _CONTROLLED: rules.ControlStatus.CONTROLLED,
    _UNCONTROLLED: rules.ControlStatus.UNCONTROLLED,
}

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
    #: Explanations, one per reading (and one for a suggested referral).
    reasons: tuple[Text, ...]
    bp: rules.BpAssessment | None = None
    glucose: rules.GlucoseAssessment | None = None


@dataclass(frozen=True)
class VisitRecord:
    id: uuid.UUID
    record_id: uuid.UUID
    revision: int
    supersedes_id: uuid.UUID | None
    correction_reason: str | None
    kind: VisitKind
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
    #: Things the user should look at (e.g. “下次随访日期晚于建议日期”).
    warnings: tuple[Text, ...]


def visit_record(v: Visit) -> VisitRecord:
    kind = VisitKind(v.kind)
    form_cls = FORM_OF_KIND[kind]
    names = {f.name for f in fields(form_cls)}
    values: dict[str, Any] = {name: getattr(v, name) for name in names if name != "medications"}
    if "medications" in names:
        values["medications"] = tuple(MedicationInput(m.name, m.times_per_day, m.dose) for m in v.medications)
    return VisitRecord(
        id=v.id,
        record_id=v.record_id,
        revision=v.revision,
        supersedes_id=v.supersedes_id,
        correction_reason=v.correction_reason,
        kind=kind,
        contract_id=v.contract_id,
        bmi=getattr(v, "bmi", None),
        voided=v.voided_at is not None,
        void_reason=v.void_reason,
        form=form_cls(**values),
    )


def _joined(texts: Sequence[Text]) -> Text:
    """Several explanations in one message, separated as each language does."""
    params = {f"_{i}": t for i, t in enumerate(texts)}
    slots = [f"{{{name}}}" for name in params]
    return msg("；".join(slots), "; ".join(slots), **params)


# --- assessing -----------------------------------------------------------------------------


def _current(query: Select[tuple[Visit]], entity: AliasedClass[Visit]) -> Select[tuple[Visit]]:
    """Only current revisions: not voided, and no revision supersedes them."""
    newer = Visit.__table__.alias("newer")
    return query.where(
        entity.voided_at.is_(None), ~exists(select(newer.c.id).where(newer.c.supersedes_id == entity.id))
    )


def _previous_classification(
    session: Session, form: VisitInput, kind: VisitKind, before_record: uuid.UUID | None
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
) -> FollowupAdvice:
    """Classify the readings on a follow-up form (nothing is written). ``bp_target`` is a key
    of ``followup_rules.BP_TARGETS``; None → the township's setting ``bp_target``."""
    require(session, Permission.RECORD_CLINICAL)
    return _assess(session, form, bp_target, glucose_target, None)


def _assess(
    session: Session,
    form: HypertensionFollowupInput | DiabetesFollowupInput,
    bp_target: str | None,
    glucose_target: str,
    record_id: uuid.UUID | None,
) -> FollowupAdvice:
    resident = get_resident_row(session, form.resident_id)
    bp = glucose = None
    if form.systolic is not None and form.diastolic is not None:
        target = bp_target if bp_target is not None else get_setting(session, BP_TARGET)
        bp = rules.classify_bp(form.systolic, form.diastolic, age_on(resident.birth_date, form.visit_date), target)
    if isinstance(form, DiabetesFollowupInput) and form.fasting_glucose is not None:
        glucose = rules.classify_fasting_glucose(form.fasting_glucose, glucose_target)
    found: list[rules.Assessment] = [a for a in (bp, glucose) if a is not None]
    if not found:
        return FollowupAdvice(None, None, False, False, ())
    urgent = any(a.status is rules.ControlStatus.URGENT_REFERRAL for a in found)
    controlled = all(a.status is rules.ControlStatus.CONTROLLED for a in found)
    reasons = [a.reason for a in found]
    kind = kind_of_form(form)
    refer = False
    if not controlled and not urgent and _previous_classification(session, form, kind, record_id) == _UNCONTROLLED:
        refer = True
        weeks = rules.UNCONTROLLED_FOLLOWUP_DAYS // 7
        reasons.append(
            msg(
                "连续两次随访控制不满意，建议转诊到上级医院，{weeks} 周内主动随访转诊情况",
                "Not on target at two follow-ups in a row: refer to a higher-level hospital and follow the "
                "referral up within {weeks} weeks",
                weeks=weeks,
            )
        )
    due = min(rules.next_followup_due(form.visit_date, a) for a in found)
    classification = _CONTROLLED if controlled else _UNCONTROLLED
    return FollowupAdvice(classification, due, urgent, refer, tuple(reasons), bp, glucose)


# --- recording ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    values: dict[str, Any]
    advice: FollowupAdvice | None
    warnings: tuple[Text, ...]


def _check_resident_and_date(session: Session, form: VisitInput) -> None:
    resident = get_resident_row(session, form.resident_id)
    if resident.voided_at is not None:
        raise RuleError(
            msg(
                "居民 {name} 的档案已作废，不能录入随访。",
                "The record of resident {name} is void: no visits can be recorded for them.",
                name=resident.name,
            )
        )
    if not resident.birth_date <= form.visit_date <= today(session):
        raise ValidationError(
            msg(
                "随访日期 {day} 不对：应在出生日期 {birth} 之后、今天之前。",
                "The visit date {day} is wrong: it must be after the date of birth ({birth}) and not after today.",
                day=form.visit_date.isoformat(),
                birth=resident.birth_date.isoformat(),
            ),
            field="visit_date",
        )
    died = resident.status_changed_on
    if resident.status == ResidentStatus.DECEASED and died is not None and form.visit_date > died:
        raise RuleError(
            msg(
                "{name} 已于 {day} 死亡，不能录入之后的随访。",
                "{name} died on {day}: no visits after that date can be recorded.",
                name=resident.name,
                day=died.isoformat(),
            )
        )
    if session.get(Staff, form.doctor_id) is None:
        raise ValidationError(
            msg("找不到随访医生，请刷新后重试。", "The visiting doctor was not found; refresh and try again."),
            field="doctor_id",
        )


def _advise(values: dict[str, Any], form: VisitInput, advice: FollowupAdvice) -> list[Text]:
    """Fill the classification and next visit date the form left empty; warn where the
    typed ones disagree with the readings."""
    warnings: list[Text] = []
    typed = values.get("classification")
    if advice.classification is not None:
        if typed is None:
            values["classification"] = advice.classification
        elif typed in _STATUS_OF_CLASSIFICATION and typed != advice.classification:
            warnings.append(
                msg(
                    "填写的分类“{label}”与测量结果不符：{reasons}",
                    "The classification entered, “{label}”, does not match the readings: {reasons}",
                    label=_STATUS_OF_CLASSIFICATION[typed].text,
                    reasons=_joined(advice.reasons),
                )
            )
    if advice.next_visit_due is not None:
        if form.next_visit_date is None:
            values["next_visit_date"] = advice.next_visit_due
        elif form.next_visit_date > advice.next_visit_due:
            warnings.append(
                msg(
                    "下次随访日期 {typed} 晚于建议的最晚日期 {due}。",
                    "The next visit date {typed} is later than the latest suggested date, {due}.",
                    typed=form.next_visit_date.isoformat(),
                    due=advice.next_visit_due.isoformat(),
                )
            )
    if advice.urgent_referral:
        warnings.append(
            msg(
                "测量结果属危急情况，应紧急转诊：请确认转诊并填写转诊机构。",
                "The readings are a danger sign and call for urgent referral: confirm the referral and enter "
                "the institution.",
            )
        )
    return warnings


def _prepare(session: Session, form: VisitInput, bp_target: str | None, record_id: uuid.UUID | None) -> _Prepared:
    _check_resident_and_date(session, form)
    values = check_form(form)
    warnings: list[Text] = []
    advice = None
    if isinstance(form, (HypertensionFollowupInput, DiabetesFollowupInput)):
        advice = _assess(session, form, bp_target, rules.DEFAULT_GLUCOSE_TARGET, record_id)
        if isinstance(form, HypertensionFollowupInput) and advice.bp is not None:
            values["bp_target"] = advice.bp.target_key
        warnings = _advise(values, form, advice)
    if values.get("weight_kg") and values.get("height_cm"):
        values["bmi"] = bmi(values["weight_kg"], values["height_cm"])
    return _Prepared(values, advice, tuple(warnings))


def _insert(session: Session, form: VisitInput, prepared: _Prepared, **revision: Any) -> Visit:
    visit_id = new_id()
    visit = MODEL_OF_FORM[type(form)](id=visit_id, **prepared.values, **{"record_id": visit_id, **revision})
    session.add(visit)
    medications: tuple[MedicationInput, ...] = getattr(form, "medications", ())
    for position, med in enumerate(medications, 1):
        visit.medications.append(
            Medication(position=position, name=med.name.strip(), times_per_day=med.times_per_day, dose=med.dose)
        )
    return visit


def _active_contract_id(session: Session, resident_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(
        select(ContractMember.contract_id).where(ContractMember.resident_id == resident_id, ContractMember.is_active)
    )


def _reasons_for_the_record(advice: FollowupAdvice | None) -> str:
    """The advice's explanations as written into the (Chinese) medical record."""
    return _joined(advice.reasons).render(CHINESE) if advice else ""


def record_visit(
    session: Session,
    form: VisitInput,
    *,
    referral: ReferralInput | None = None,
    bp_target: str | None = None,
) -> RecordedVisit:
    """Record any visit form; see the module docstring for what happens. ``bp_target``: a key
    of ``followup_rules.BP_TARGETS``; None → the township's setting ``bp_target``."""
    kind = kind_of_form(form)
    require(session, PERMISSION_OF_KIND[kind])
    if referral is not None:
        require(session, Permission.RECORD_CLINICAL)
    prepared = _prepare(session, form, bp_target, None)
    service = service_plan.find_open_service(
        session, form.resident_id, service_plan.VISIT_SERVICE_KIND[kind], form.visit_date
    )
    contract_id = service.contract_id if service is not None else _active_contract_id(session, form.resident_id)
    if referral is not None and {"referral_reason", "referral_institution"} <= prepared.values.keys():
        reason = referral.reason or _reasons_for_the_record(prepared.advice)
        prepared.values["referral_reason"] = prepared.values["referral_reason"] or reason[:100] or None
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
        raise ValidationError(
            msg("请填写转诊机构。", "Enter the institution the patient is referred to."), field="institution"
        )
    urgent = referral.urgent if referral.urgent is not None else bool(advice and advice.urgent_referral)
    reason = (referral.reason or "").strip() or _reasons_for_the_record(advice)
    if not reason:
        raise ValidationError(msg("请填写转诊原因。", "Enter the reason for the referral."), field="reason")
    row = Referral(
        resident_id=visit.resident_id,
        visit_id=visit.id,
        urgency=ReferralUrgency.URGENT if urgent else ReferralUrgency.ROUTINE,
        referred_on=visit.visit_date,
        reason=reason[:200],
        institution=institution[:100],
        department=(referral.department or "").strip() or None,
        doctor_id=visit.doctor_id,
    )
    session.add(row)
    session.flush()
    return row.id


def record_hypertension_followup(
    session: Session,
    form: HypertensionFollowupInput,
    *,
    referral: ReferralInput | None = None,
    bp_target: str | None = None,
) -> RecordedVisit:
    return record_visit(session, form, referral=referral, bp_target=bp_target)


def record_diabetes_followup(
    session: Session,
    form: DiabetesFollowupInput,
    *,
    referral: ReferralInput | None = None,
    bp_target: str | None = None,
) -> RecordedVisit:
    return record_visit(session, form, referral=referral, bp_target=bp_target)


def record_elderly_check(session: Session, form: ElderlyCheckInput) -> RecordedVisit:
    return record_visit(session, form)


def record_home_visit(session: Session, form: HomeVisitInput) -> RecordedVisit:
    return record_visit(session, form)


# --- revisions -----------------------------------------------------------------------------


def _visit_row(session: Session, visit_id: uuid.UUID) -> Visit:
    return fetch(session, Visit, visit_id, msg("该随访记录", "the visit record"), "visit_id")


def _check_current(session: Session, visit: Visit) -> None:
    """Only the current revision of a record may be corrected or voided."""
    if visit.voided_at is not None:
        raise RuleError(
            msg(
                "该记录已于 {day} 作废（原因：{reason}），不能再更正或作废。",
                "This record was voided on {day} (reason: {reason}) and can no longer be corrected or voided.",
                day=china_date(visit.voided_at).isoformat(),
                reason=visit.void_reason,
            )
        )
    newer = session.scalar(select(Visit).where(Visit.supersedes_id == visit.id))
    if newer is not None:
        raise RuleError(
            msg(
                "该记录已有更新的版本（第 {revision} 版），请在最新版本上操作。",
                "This record has a newer revision (revision {revision}); work on the latest one.",
                revision=newer.revision,
            )
        )


def correct_visit(
    session: Session,
    visit_id: uuid.UUID,
    new_data: VisitInput,
    reason: str,
    *,
    bp_target: str | None = None,
) -> RecordedVisit:
    """Write a corrected revision of a visit record; the old revision stays unchanged."""
    kind = kind_of_form(new_data)
    require(session, PERMISSION_OF_KIND[kind])
    old = _visit_row(session, visit_id)
    _check_current(session, old)
    text = clean_reason(reason, what=msg("更正", "correcting"))
    old_kind = VisitKind(old.kind)
    if kind is not old_kind:
        raise RuleError(
            msg(
                "更正不能改变记录类型（原记录是{kind}）。",
                "A correction cannot change the kind of record (this one is {kind}).",
                kind=KIND_TEXT[old_kind],
            )
        )
    if new_data.resident_id != old.resident_id:
        raise RuleError(
            msg(
                "更正不能改变记录所属的居民：请作废该记录，再为正确的居民重新录入。",
                "A correction cannot move a record to another resident: void it and record it again for the "
                "right resident.",
            )
        )
    prepared = _prepare(session, new_data, bp_target, old.record_id)
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
        found = service_plan.find_open_service(
            session, old.resident_id, service_plan.VISIT_SERVICE_KIND[kind], new.visit_date
        )
        services = [found] if found is not None else []
    for service in services:
        service_plan.fulfil(service, new)
    session.flush()
    return RecordedVisit(
        visit_record(new), prepared.advice, services[0].id if services else None, None, prepared.warnings
    )


def void_visit(session: Session, visit_id: uuid.UUID, reason: str) -> VisitRecord:
    """Void the current revision of a record (by the unit of work's actor); the planned
    service it fulfilled reopens."""
    visit = _visit_row(session, visit_id)
    require(session, PERMISSION_OF_KIND[VisitKind(visit.kind)])
    _check_current(session, visit)
    void_row(session, visit, reason, label=msg("该随访记录", "This visit record"))
    for service in service_plan.services_of_visit(session, visit.id):
        service_plan.reopen(service)
    session.flush()
    return visit_record(visit)


def current_visits(session: Session, resident_id: uuid.UUID, kind: VisitKind | None = None) -> tuple[VisitRecord, ...]:
    """The resident's records in their current revision (not superseded, not voided), newest first."""
    require(session, Permission.VIEW_RECORDS)
    poly = with_polymorphic(Visit, "*")
    query = _current(select(poly), poly).where(poly.resident_id == resident_id)
    if kind is not None:
        query = query.where(poly.kind == kind)
    return tuple(visit_record(v) for v in session.scalars(query.order_by(poly.visit_date.desc(), poly.id.desc())))


def visit_history(session: Session, record_id: uuid.UUID) -> tuple[VisitRecord, ...]:
    """Every revision of one record, oldest first (voided ones included)."""
    require(session, Permission.VIEW_RECORDS)
    poly = with_polymorphic(Visit, "*")
    rows = session.scalars(select(poly).where(poly.record_id == record_id).order_by(poly.revision))
    return tuple(visit_record(v) for v in rows)
