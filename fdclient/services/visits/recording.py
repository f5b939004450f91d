"""Recording visits (履约记录): hypertension and diabetes follow-ups, the elderly yearly check,
door-to-door visits and generic service records (DOMAIN.md §5), their corrections and voids.

* Who may: follow-ups, elderly checks, referrals and their corrections and voids need
  ``RECORD_CLINICAL``; home visits ``RECORD_SERVICES``; a generic service record what its
  service needs (``forms.PERMISSION_OF_SERVICE_KIND``).
* Whether it may be recorded for the resident (age, diagnosis, once a year, date):
  :mod:`fdclient.services.visits.eligibility`. The forms and their checking:
  :mod:`fdclient.services.visits.forms`.
* A follow-up's readings are classified and the referral advised by
  :mod:`fdclient.services.visits.assessment`: when the form leaves them empty, the
  classification and next visit date are the suggested ones; a Referral row is written
  when the user confirms one (``referral=``), urgent when the advice is.
* The visit belongs to the contract in force for the resident on the visit date and
  fulfils an open planned service of its kind in that contract only
  (:mod:`fdclient.services.visits.fulfilment`).
* A record is never edited: ``correct_visit`` writes a new revision (same ``record_id``,
  ``revision + 1``, ``supersedes_id``) and moves the fulfilment to it; the database triggers
  refuse any UPDATE of clinical columns or DELETE. ``void_visit`` voids with a reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fdclient.domain.codes import ReferralUrgency, VisitKind
from fdclient.domain.roles import Permission
from fdclient.domain.validation import bmi
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Medication, Referral, Visit, new_id
from fdclient.services.contracts import plan as service_plan
from fdclient.services.visits import fulfilment
from fdclient.services.visits.assessment import FollowupAdvice, advise, apply_advice
from fdclient.services.visits.eligibility import check_eligible
from fdclient.services.visits.forms import (
    KIND_TEXT,
    MODEL_OF_FORM,
    DiabetesFollowupInput,
    ElderlyCheckInput,
    HomeVisitInput,
    HypertensionFollowupInput,
    MedicationInput,
    ReferralInput,
    ServiceRecordInput,
    VisitInput,
    check_form,
    kind_of_form,
    permission_for,
)
from fdclient.services.visits.records import VisitRecord, check_current, visit_record, visit_row
from fdclient.services.voiding import clean_reason, void_row
from fdclient.store.context import require
from fdclient.text import CHINESE, Text, msg

__all__ = [
    "RecordedVisit",
    "correct_visit",
    "record_diabetes_followup",
    "record_elderly_check",
    "record_home_visit",
    "record_hypertension_followup",
    "record_service",
    "record_visit",
    "void_visit",
]


@dataclass(frozen=True)
class RecordedVisit:
    visit: VisitRecord
    advice: FollowupAdvice | None
    #: The planned service the visit fulfilled, if any.
    fulfilled_service_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    #: Things the user should look at (e.g. “下次随访日期晚于建议日期”, a referral advised).
    warnings: tuple[Text, ...]


@dataclass(frozen=True)
class _Prepared:
    values: dict[str, Any]
    advice: FollowupAdvice | None
    warnings: tuple[Text, ...]


def _permission(form: VisitInput) -> Permission:
    return permission_for(kind_of_form(form), getattr(form, "service_kind", None))


def _prepare(session: Session, form: VisitInput, bp_target: str | None, record_id: uuid.UUID | None) -> _Prepared:
    values = check_form(form)
    check_eligible(session, form, record_id)
    warnings: list[Text] = []
    advice = None
    if isinstance(form, (HypertensionFollowupInput, DiabetesFollowupInput)):
        advice = advise(session, form, bp_target=bp_target, record_id=record_id)
        warnings = apply_advice(values, form, advice)
    if values.get("weight_kg") and values.get("height_cm"):
        values["bmi"] = bmi(values["weight_kg"], values["height_cm"])
    return _Prepared(values, advice, tuple(warnings))


def _insert(session: Session, form: VisitInput, prepared: _Prepared, **revision: Any) -> Visit:
    visit_id = new_id()
    contract_id = service_plan.covering_contract(session, form.resident_id, form.visit_date)
    visit = MODEL_OF_FORM[type(form)](
        id=visit_id, **prepared.values, **{"record_id": visit_id, "contract_id": contract_id, **revision}
    )
    session.add(visit)
    medications: tuple[MedicationInput, ...] = getattr(form, "medications", ())
    for position, med in enumerate(medications, 1):
        visit.medications.append(
            Medication(position=position, name=med.name.strip(), times_per_day=med.times_per_day, dose=med.dose)
        )
    return visit


def _reasons_for_the_record(advice: FollowupAdvice | None) -> str:
    """Why refer, as written into the (Chinese) medical record: the referral advice's
    reasons, else the readings'."""
    if advice is None:
        return ""
    reason = advice.referral.reason
    if reason is None:
        return "；".join(r.render(CHINESE) for r in advice.reasons)
    return reason.render(CHINESE)


def record_visit(
    session: Session,
    form: VisitInput,
    *,
    referral: ReferralInput | None = None,
    bp_target: str | None = None,
) -> RecordedVisit:
    """Record any visit form; see the module docstring for what happens. ``bp_target``: a key
    of ``followup_rules.BP_TARGETS``; None → the township's setting ``bp_target``."""
    require(session, _permission(form))
    if referral is not None:
        require(session, Permission.RECORD_CLINICAL)
    prepared = _prepare(session, form, bp_target, None)
    if referral is not None and {"referral_reason", "referral_institution"} <= prepared.values.keys():
        reason = referral.reason or _reasons_for_the_record(prepared.advice)
        prepared.values["referral_reason"] = prepared.values["referral_reason"] or reason[:100] or None
        prepared.values["referral_institution"] = prepared.values["referral_institution"] or referral.institution[:100]
    visit = _insert(session, form, prepared)
    session.flush()
    service = fulfilment.fulfil_new_visit(session, visit)
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


def record_service(session: Session, form: ServiceRecordInput) -> RecordedVisit:
    """Record a service without a form of its own (health assessment, health education, TCM
    guidance, ...): RECORD_CLINICAL or RECORD_SERVICES by the service."""
    return record_visit(session, form)


# --- revisions -----------------------------------------------------------------------------


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
    require(session, _permission(new_data))
    old = visit_row(session, visit_id)
    require(session, permission_for(VisitKind(old.kind), getattr(old, "service_kind", None)))
    check_current(session, old)
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
    )
    session.flush()
    services = fulfilment.move_fulfilment(session, old, new)
    session.flush()
    return RecordedVisit(
        visit_record(new), prepared.advice, services[0].id if services else None, None, prepared.warnings
    )


def void_visit(session: Session, visit_id: uuid.UUID, reason: str) -> VisitRecord:
    """Void the current revision of a record (by the unit of work's actor); the planned
    service it fulfilled reopens."""
    visit = visit_row(session, visit_id)
    require(session, permission_for(VisitKind(visit.kind), getattr(visit, "service_kind", None)))
    check_current(session, visit)
    void_row(session, visit, reason, label=msg("该随访记录", "This visit record"))
    for service in service_plan.services_of_visit(session, visit.id):
        service_plan.reopen(service)
    session.flush()
    return visit_record(visit)
