"""Visit records (履约记录): follow-up forms, the elderly annual check, door-to-door visits and
the generic service record of services without a form of their own.

A visit record is medical documentation: it is never updated or deleted. A correction is a
new revision (same ``record_id``, ``revision + 1``, ``supersedes_id`` pointing at the row
it corrects); the current revision of a record is the one nothing supersedes. The store's
migrations add triggers that refuse UPDATE of clinical columns and any DELETE, so the rule
holds even for code that forgets it. Voiding (with who, when, why) is the only change.

Forms follow the national basic public health service specification, 3rd edition (2017).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, Voidable, voidable_args


class Visit(Synced, Voidable, Base):
    __tablename__ = "visits"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("kind", codes.VISIT_KIND), name="kind_code"),
        CheckConstraint(codes.sql_in("mode", codes.VISIT_MODE), name="mode_code"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint("(revision = 1) = (supersedes_id IS NULL)", name="revision_chain"),
        CheckConstraint("next_visit_date IS NULL OR next_visit_date > visit_date", name="next_after"),
        # Covers a patient's follow-ups in a period (voided_at, mode and id included so the
        # indicators never read the table for them).
        Index("ix_visits_resident_kind_date", "resident_id", "kind", "visit_date", "voided_at", "mode", "id"),
        # Not unique: two corrections of one visit made offline on two laptops both survive.
        Index("ix_visits_record_revision", "record_id", "revision"),
    )
    __mapper_args__ = {"polymorphic_on": "kind"}

    #: Shared by every revision of one record; equals the first revision's id.
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    revision: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("visits.id"), index=True, default=None)
    correction_reason: Mapped[str | None] = mapped_column(String(200), default=None)

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("contracts.id"), index=True, default=None)
    kind: Mapped[str] = mapped_column(String(20))
    visit_date: Mapped[date] = mapped_column(index=True)
    mode: Mapped[str] = mapped_column(String(1), default="2")
    doctor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    next_visit_date: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(String(500), default=None)

    medications: Mapped[list[Medication]] = relationship(order_by="Medication.position")


class ChronicFollowupFields:
    """Fields shared by the hypertension and type 2 diabetes follow-up forms."""

    symptoms: Mapped[tuple[str, ...]] = mapped_column(default=())
    symptom_other: Mapped[str | None] = mapped_column(String(100), default=None)
    #: Danger signs found (codes.DANGER_SIGN): each one means urgent referral.
    danger_signs: Mapped[tuple[str, ...]] = mapped_column(default=(), server_default="")
    systolic: Mapped[int | None] = mapped_column(default=None)
    diastolic: Mapped[int | None] = mapped_column(default=None)
    weight_kg: Mapped[float | None] = mapped_column(default=None)
    weight_target_kg: Mapped[float | None] = mapped_column(default=None)
    height_cm: Mapped[float | None] = mapped_column(default=None)
    bmi: Mapped[float | None] = mapped_column(default=None)
    bmi_target: Mapped[float | None] = mapped_column(default=None)
    other_signs: Mapped[str | None] = mapped_column(String(100), default=None)
    cigarettes_per_day: Mapped[int | None] = mapped_column(default=None)
    cigarettes_target: Mapped[int | None] = mapped_column(default=None)
    #: Alcohol in liang (两, 50 ml of spirits) per day, as on the form.
    alcohol_per_day: Mapped[float | None] = mapped_column(default=None)
    alcohol_target: Mapped[float | None] = mapped_column(default=None)
    exercise_times_per_week: Mapped[int | None] = mapped_column(default=None)
    exercise_minutes: Mapped[int | None] = mapped_column(default=None)
    exercise_target_times: Mapped[int | None] = mapped_column(default=None)
    exercise_target_minutes: Mapped[int | None] = mapped_column(default=None)
    psychological_adjustment: Mapped[str | None] = mapped_column(String(1), default=None)
    compliance_behaviour: Mapped[str | None] = mapped_column(String(1), default=None)
    auxiliary_exam: Mapped[str | None] = mapped_column(String(200), default=None)
    medication_compliance: Mapped[str | None] = mapped_column(String(1), default=None)
    adverse_reaction: Mapped[str | None] = mapped_column(String(100), default=None)
    classification: Mapped[str | None] = mapped_column(String(1), default=None)
    referral_reason: Mapped[str | None] = mapped_column(String(100), default=None)
    referral_institution: Mapped[str | None] = mapped_column(String(100), default=None)


def _chronic_checks(table: str) -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint("systolic IS NULL OR systolic BETWEEN 40 AND 300", name="systolic_range"),
        CheckConstraint("diastolic IS NULL OR diastolic BETWEEN 20 AND 200", name="diastolic_range"),
        CheckConstraint("systolic IS NULL OR diastolic IS NULL OR systolic > diastolic", name="bp_order"),
        CheckConstraint(
            codes.sql_in("classification", codes.FOLLOWUP_CLASSIFICATION, nullable=True), name="classification_code"
        ),
        CheckConstraint(
            codes.sql_in("medication_compliance", codes.MEDICATION_COMPLIANCE, nullable=True), name="compliance_code"
        ),
        CheckConstraint(
            codes.sql_in("psychological_adjustment", codes.ADJUSTMENT, nullable=True), name="adjustment_code"
        ),
        CheckConstraint(codes.sql_in("compliance_behaviour", codes.ADJUSTMENT, nullable=True), name="behaviour_code"),
    )


class HypertensionFollowup(ChronicFollowupFields, Visit):
    """高血压患者随访服务记录表."""

    __tablename__ = "hypertension_followups"
    __table_args__ = (
        *_chronic_checks("hypertension_followups"),
        CheckConstraint(codes.sql_in("salt_intake", codes.SALT_INTAKE, nullable=True), name="salt_code"),
        CheckConstraint(codes.sql_in("salt_target", codes.SALT_INTAKE, nullable=True), name="salt_target_code"),
    )
    __mapper_args__ = {"polymorphic_identity": "hypertension"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"), primary_key=True)
    heart_rate: Mapped[int | None] = mapped_column(default=None)
    salt_intake: Mapped[str | None] = mapped_column(String(1), default=None)
    salt_target: Mapped[str | None] = mapped_column(String(1), default=None)
    #: Which control target was applied (a key of domain.followup_rules.BP_TARGETS).
    bp_target: Mapped[str | None] = mapped_column(String(30), default=None)


class DiabetesFollowup(ChronicFollowupFields, Visit):
    """2型糖尿病患者随访服务记录表."""

    __tablename__ = "diabetes_followups"
    __table_args__ = (
        *_chronic_checks("diabetes_followups"),
        CheckConstraint(codes.sql_in("dorsalis_pedis", codes.DORSALIS_PEDIS, nullable=True), name="pulse_code"),
        CheckConstraint(codes.sql_in("hypoglycaemia", codes.HYPOGLYCAEMIA, nullable=True), name="hypo_code"),
        CheckConstraint("fasting_glucose IS NULL OR fasting_glucose BETWEEN 0.5 AND 50", name="glucose_range"),
        CheckConstraint("hba1c IS NULL OR hba1c BETWEEN 2 AND 25", name="hba1c_range"),
    )
    __mapper_args__ = {"polymorphic_identity": "diabetes"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"), primary_key=True)
    dorsalis_pedis: Mapped[str | None] = mapped_column(String(1), default=None)
    staple_food_g: Mapped[int | None] = mapped_column(default=None)
    staple_food_target_g: Mapped[int | None] = mapped_column(default=None)
    fasting_glucose: Mapped[float | None] = mapped_column(default=None)
    hba1c: Mapped[float | None] = mapped_column(default=None)
    hba1c_date: Mapped[date | None] = mapped_column(default=None)
    hypoglycaemia: Mapped[str | None] = mapped_column(String(1), default=None)
    insulin_type: Mapped[str | None] = mapped_column(String(50), default=None)
    insulin_dose: Mapped[str | None] = mapped_column(String(50), default=None)
    #: Which control target the blood pressure was judged against (shown beside the
    #: glucose classification, not deciding it); a key of followup_rules.BP_TARGETS.
    bp_target: Mapped[str | None] = mapped_column(String(30), default=None)


class ElderlyCheck(Visit):
    """老年人健康体检 (the yearly check of residents 65+, health check form, abridged)."""

    __tablename__ = "elderly_checks"
    __table_args__ = (
        CheckConstraint("self_care_score IS NULL OR self_care_score BETWEEN 0 AND 37", name="self_care_range"),
        CheckConstraint(
            codes.sql_in("health_self_assessment", codes.SELF_ASSESSMENT, nullable=True), name="self_assessment_code"
        ),
        CheckConstraint(codes.sql_in("cognition_screen", codes.SCREEN_RESULT, nullable=True), name="cognition_code"),
        CheckConstraint(codes.sql_in("emotion_screen", codes.SCREEN_RESULT, nullable=True), name="emotion_code"),
        CheckConstraint(codes.sql_in("ecg", codes.EXAM_RESULT, nullable=True), name="ecg_code"),
        CheckConstraint(codes.sql_in("abdominal_ultrasound", codes.EXAM_RESULT, nullable=True), name="ultrasound_code"),
        CheckConstraint(codes.sql_in("evaluation", codes.EXAM_RESULT, nullable=True), name="evaluation_code"),
    )
    __mapper_args__ = {"polymorphic_identity": "elderly_check"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"), primary_key=True)
    symptoms: Mapped[str | None] = mapped_column(String(200), default=None)
    temperature_c: Mapped[float | None] = mapped_column(default=None)
    pulse: Mapped[int | None] = mapped_column(default=None)
    respiration: Mapped[int | None] = mapped_column(default=None)
    systolic_left: Mapped[int | None] = mapped_column(default=None)
    diastolic_left: Mapped[int | None] = mapped_column(default=None)
    systolic_right: Mapped[int | None] = mapped_column(default=None)
    diastolic_right: Mapped[int | None] = mapped_column(default=None)
    height_cm: Mapped[float | None] = mapped_column(default=None)
    weight_kg: Mapped[float | None] = mapped_column(default=None)
    waist_cm: Mapped[float | None] = mapped_column(default=None)
    bmi: Mapped[float | None] = mapped_column(default=None)
    health_self_assessment: Mapped[str | None] = mapped_column(String(1), default=None)
    #: 老年人生活自理能力评估: 0-3 independent, 4-8 mild, 9-18 moderate, >= 19 dependent.
    self_care_score: Mapped[int | None] = mapped_column(default=None)
    cognition_screen: Mapped[str | None] = mapped_column(String(1), default=None)
    emotion_screen: Mapped[str | None] = mapped_column(String(1), default=None)
    haemoglobin_g_l: Mapped[float | None] = mapped_column(default=None)
    fasting_glucose: Mapped[float | None] = mapped_column(default=None)
    total_cholesterol: Mapped[float | None] = mapped_column(default=None)
    triglycerides: Mapped[float | None] = mapped_column(default=None)
    ldl_cholesterol: Mapped[float | None] = mapped_column(default=None)
    hdl_cholesterol: Mapped[float | None] = mapped_column(default=None)
    creatinine_umol_l: Mapped[float | None] = mapped_column(default=None)
    alt_u_l: Mapped[float | None] = mapped_column(default=None)
    ast_u_l: Mapped[float | None] = mapped_column(default=None)
    ecg: Mapped[str | None] = mapped_column(String(1), default=None)
    abdominal_ultrasound: Mapped[str | None] = mapped_column(String(1), default=None)
    evaluation: Mapped[str | None] = mapped_column(String(1), default=None)
    abnormal_findings: Mapped[str | None] = mapped_column(String(300), default=None)
    health_guidance: Mapped[str | None] = mapped_column(String(300), default=None)


class HomeVisit(Visit):
    """A generic door-to-door visit (入户服务): what was done, with optional measurements."""

    __tablename__ = "home_visits"
    __table_args__ = (
        CheckConstraint("systolic IS NULL OR systolic BETWEEN 40 AND 300", name="systolic_range"),
        CheckConstraint("diastolic IS NULL OR diastolic BETWEEN 20 AND 200", name="diastolic_range"),
    )
    __mapper_args__ = {"polymorphic_identity": "home_visit"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"), primary_key=True)
    purposes: Mapped[tuple[str, ...]] = mapped_column(default=())
    summary: Mapped[str | None] = mapped_column(String(500), default=None)
    systolic: Mapped[int | None] = mapped_column(default=None)
    diastolic: Mapped[int | None] = mapped_column(default=None)
    blood_glucose: Mapped[float | None] = mapped_column(default=None)


class ServiceRecord(Visit):
    """服务记录: a service of a kind without a form of its own (health assessment, health
    education, consultation, TCM guidance, long prescription, ...): which service, and what
    was done. Date, mode, who and notes are the visit's."""

    __tablename__ = "service_records"
    __table_args__ = (CheckConstraint(codes.sql_in("service_kind", codes.SERVICE_KIND), name="service_kind_code"),)
    __mapper_args__ = {"polymorphic_identity": "service"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"), primary_key=True)
    service_kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str | None] = mapped_column(String(500), default=None)


class Medication(Synced, Base):
    """A medicine on a follow-up form (name, times a day, dose); immutable with its visit."""

    __tablename__ = "medications"
    __table_args__ = (
        CheckConstraint("times_per_day IS NULL OR times_per_day BETWEEN 1 AND 12", name="times_range"),
        Index("uq_medications_visit_position", "visit_id", "position", unique=True),
    )

    visit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"))
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    times_per_day: Mapped[int | None] = mapped_column(default=None)
    dose: Mapped[str | None] = mapped_column(String(50), default=None)
