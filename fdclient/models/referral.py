"""Referrals (双向转诊) and satisfaction surveys (满意度调查)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fdclient.domain import codes
from fdclient.models.base import Base, Synced, Voidable, voidable_args


class Referral(Synced, Voidable, Base):
    __tablename__ = "referrals"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("direction", codes.REFERRAL_DIRECTION), name="direction_code"),
        CheckConstraint(codes.sql_in("urgency", codes.REFERRAL_URGENCY), name="urgency_code"),
        CheckConstraint("outcome_on IS NULL OR outcome_on >= referred_on", name="outcome_after"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"), index=True)
    #: The follow-up that led to the referral, when there was one.
    visit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("visits.id"), default=None)
    direction: Mapped[str] = mapped_column(String(4), default="up")
    urgency: Mapped[str] = mapped_column(String(8), default="routine")
    referred_on: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(50), default=None)
    doctor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    outcome: Mapped[str | None] = mapped_column(String(200), default=None)
    outcome_on: Mapped[date | None] = mapped_column(default=None)


class SatisfactionSurvey(Synced, Voidable, Base):
    __tablename__ = "satisfaction_surveys"
    __table_args__ = voidable_args(
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("score IS NOT NULL OR satisfied IS NOT NULL", name="has_answer"),
        CheckConstraint(codes.sql_in("channel", codes.SURVEY_CHANNEL), name="channel_code"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("contracts.id"), default=None)
    surveyed_on: Mapped[date] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(10), default="phone")
    #: A 0-100 score, or only satisfied / not satisfied, depending on the county's survey.
    score: Mapped[int | None] = mapped_column(default=None)
    satisfied: Mapped[bool | None] = mapped_column(default=None)
    comments: Mapped[str | None] = mapped_column(String(500), default=None)
    surveyor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"), default=None)
