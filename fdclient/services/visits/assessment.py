"""What a chronic-disease follow-up's readings and findings mean: classification, next visit
and referral advice, by the rules of :mod:`fdclient.domain.followup_rules` (the one place they
live; this module only gathers what they need from the store).

* Blood pressure is judged against the township's BP target (setting ``bp_target``) unless
  the caller names one, at the patient's age on the visit date; fasting glucose against the
  2017 specification's target.
* A hypertension follow-up is classified on blood pressure, a diabetes follow-up on fasting
  glucose; blood pressure at a diabetes follow-up is shown with its own status.
* The referral advice (:func:`followup_rules.needs_referral`) looks at the patient's previous
  follow-up of the same kind (its deciding reading, judged as it was then) for “two in a
  row”, at the form's classification 4 (并发症) for a new complication — when the previous
  follow-up was not classified so — and at the danger signs and symptoms of the form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, with_polymorphic

from fdclient.domain import followup_rules as rules
from fdclient.domain.codes import VisitKind
from fdclient.domain.key_populations import age_on
from fdclient.domain.roles import Permission
from fdclient.models import DiabetesFollowup, HypertensionFollowup, Resident, Visit
from fdclient.services.registry.residents import get_resident_row
from fdclient.services.visits.forms import DiabetesFollowupInput, HypertensionFollowupInput, kind_of_form
from fdclient.services.visits.records import current_only
from fdclient.settings import BP_TARGET, get_setting
from fdclient.store.context import require
from fdclient.text import Text, msg

__all__ = ["FollowupAdvice", "advise", "apply_advice", "assess_followup"]

ChronicInput = HypertensionFollowupInput | DiabetesFollowupInput

#: Form classification codes (codes.FOLLOWUP_CLASSIFICATION) the readings decide, and 4 并发症.
_CONTROLLED, _UNCONTROLLED, _COMPLICATION = "1", "2", "4"
_STATUS_OF_CLASSIFICATION = {
    _CONTROLLED: rules.ControlStatus.CONTROLLED,
    _UNCONTROLLED: rules.ControlStatus.UNCONTROLLED,
}


@dataclass(frozen=True)
class FollowupAdvice:
    """What the readings and findings suggest for a chronic-disease follow-up."""

    #: Suggested form classification code ('1' controlled, '2' uncontrolled) from the
    #: deciding reading; None without it.
    classification: str | None
    next_visit_due: date | None
    referral: rules.ReferralAdvice
    #: Explanations: the deciding reading, blood pressure at a diabetes follow-up, the referral.
    reasons: tuple[Text, ...]
    bp: rules.BpAssessment | None = None
    glucose: rules.GlucoseAssessment | None = None

    @property
    def urgent_referral(self) -> bool:
        return self.referral.urgent

    @property
    def referral_suggested(self) -> bool:
        """Refer, not urgently (two in a row not controlled, a new complication)."""
        return self.referral.refer and not self.referral.urgent


def assess_followup(
    session: Session,
    form: ChronicInput,
    *,
    bp_target: str | None = None,
    glucose_target: str = rules.DEFAULT_GLUCOSE_TARGET,
) -> FollowupAdvice:
    """Classify the readings on a follow-up form and advise (nothing is written). ``bp_target``
    is a key of ``followup_rules.BP_TARGETS``; None → the township's setting ``bp_target``."""
    require(session, Permission.RECORD_CLINICAL)
    return advise(session, form, bp_target=bp_target, glucose_target=glucose_target)


def advise(
    session: Session,
    form: ChronicInput,
    *,
    bp_target: str | None = None,
    glucose_target: str = rules.DEFAULT_GLUCOSE_TARGET,
    record_id: uuid.UUID | None = None,
) -> FollowupAdvice:
    """The advice for ``form``, leaving out the record ``record_id`` (the one a correction
    corrects) when looking at the previous follow-up; no permission check."""
    resident = get_resident_row(session, form.resident_id)
    target = bp_target if bp_target is not None else get_setting(session, BP_TARGET)
    bp = None
    if form.systolic is not None and form.diastolic is not None:
        bp = rules.classify_bp(form.systolic, form.diastolic, age_on(resident.birth_date, form.visit_date), target)
    glucose = None
    if isinstance(form, DiabetesFollowupInput) and form.fasting_glucose is not None:
        glucose = rules.classify_fasting_glucose(form.fasting_glucose, glucose_target)
    kind = kind_of_form(form)
    previous = _previous_followup(session, form, kind, record_id)
    outcome = rules.followup_outcome(
        kind,
        form.visit_date,
        bp=bp,
        glucose=glucose,
        previous=_deciding_reading(previous, resident, target, glucose_target) if previous is not None else None,
        danger_signs=rules.danger_findings(kind, form.symptoms, form.danger_signs),
        new_complication=form.classification == _COMPLICATION
        and getattr(previous, "classification", None) != _COMPLICATION,
    )
    classification = None if outcome.classification is None else str(outcome.classification)
    return FollowupAdvice(classification, outcome.next_due, outcome.referral, outcome.reasons, bp, glucose)


def _previous_followup(
    session: Session, form: ChronicInput, kind: VisitKind, before_record: uuid.UUID | None
) -> HypertensionFollowup | DiabetesFollowup | None:
    """The patient's latest follow-up of ``kind`` before the form's date (current revisions)."""
    poly = with_polymorphic(Visit, [HypertensionFollowup, DiabetesFollowup])
    query = (
        current_only(select(poly), poly)
        .where(poly.resident_id == form.resident_id, poly.kind == kind, poly.visit_date < form.visit_date)
        .order_by(poly.visit_date.desc())
    )
    if before_record is not None:
        query = query.where(poly.record_id != before_record)
    last = session.scalars(query.limit(1)).first()
    return last if isinstance(last, (HypertensionFollowup, DiabetesFollowup)) else None


def _deciding_reading(
    visit: HypertensionFollowup | DiabetesFollowup, resident: Resident, bp_target: str, glucose_target: str
) -> rules.Assessment | None:
    """The reading that decided a stored follow-up, judged against the target it was recorded under."""
    if isinstance(visit, DiabetesFollowup):
        return (
            None
            if visit.fasting_glucose is None
            else rules.classify_fasting_glucose(visit.fasting_glucose, glucose_target)
        )
    if visit.systolic is None or visit.diastolic is None:
        return None
    target = visit.bp_target if visit.bp_target is not None and visit.bp_target in rules.BP_TARGETS else bp_target
    return rules.classify_bp(visit.systolic, visit.diastolic, age_on(resident.birth_date, visit.visit_date), target)


def apply_advice(values: dict[str, Any], form: ChronicInput, advice: FollowupAdvice) -> list[Text]:
    """Fill the classification and next visit date the form left empty, and the BP target
    applied; return warnings where the typed ones disagree and where to refer."""
    if advice.bp is not None:
        values["bp_target"] = advice.bp.target_key
    warnings: list[Text] = []
    typed = values.get("classification")
    if advice.classification is not None:
        if typed is None:
            values["classification"] = advice.classification
        elif typed in _STATUS_OF_CLASSIFICATION and typed != advice.classification:
            deciding = advice.glucose if isinstance(form, DiabetesFollowupInput) else advice.bp
            warnings.append(
                msg(
                    "填写的分类“{label}”与测量结果不符：{reasons}",
                    "The classification entered, “{label}”, does not match the readings: {reasons}",
                    label=_STATUS_OF_CLASSIFICATION[typed].text,
                    reasons=deciding.reason if deciding is not None else rules.joined(advice.reasons),
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
    reason = advice.referral.reason
    if advice.urgent_referral and reason is not None:
        warnings.append(
            msg(
                "应紧急转诊：{reason}。请确认转诊并填写转诊机构。",
                "Refer urgently: {reason}. Confirm the referral and enter the institution.",
                reason=reason,
            )
        )
    elif advice.referral_suggested and reason is not None:
        warnings.append(
            msg(
                "建议转诊：{reason}。请确认转诊并填写转诊机构。",
                "Referral advised: {reason}. Confirm the referral and enter the institution.",
                reason=reason,
            )
        )
    return warnings
