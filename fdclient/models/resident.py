"""Residents: the personal information form (个人基本信息表) of the national basic public
health service specification, 3rd edition (2017), with its national codes (DOMAIN.md §3).

The ID number is an attribute with a type, not the key: newborns have none yet, and some
residents carry a passport or a permit. At most one non-voided resident holds a given
(type, number): the residents service checks it before saving (the database does not:
rows pulled from another laptop must fit, and the county server merges the same person
registered twice).

The record cover (封面) names the day the file was made (建档日期, ``registered_on``: coverage
"as of a date" counts the residents registered by then), who made it (建档人) and the
responsible doctor (责任医生). Past history (既往史) is rows: diagnoses with their date, and
surgery, trauma and transfusion events; pregnancies are rows with their dates.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fdclient.domain import codes
from fdclient.domain.key_populations import PregnancyDates
from fdclient.domain.time import CHINA_UTC_OFFSET_HOURS, china_date
from fdclient.models.base import Base, Synced, Voidable, clock_now, digits_check, voidable_args
from fdclient.models.household import Household

#: The family-history columns, one per relative on the form.
FAMILY_HISTORY_COLUMNS = (
    "family_history_father",
    "family_history_mother",
    "family_history_siblings",
    "family_history_children",
)
#: What a raw insert that names no registration date gets (the database's own clock, in
#: China time); the ORM and Core inserts give the unit of work's date instead.
REGISTERED_ON_SERVER_DEFAULT = f"(date('now', '+{CHINA_UTC_OFFSET_HOURS} hours'))"


def clock_today(context: Any) -> date:
    """A column default: today in China by the clock of the unit of work running the insert."""
    return china_date(clock_now(context))


class Resident(Synced, Voidable, Base):
    __tablename__ = "residents"
    __table_args__ = voidable_args(
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("sex IN (0, 1, 2, 9)", name="sex_code"),
        CheckConstraint(codes.sql_in("id_type", codes.ID_TYPE), name="id_type_code"),
        CheckConstraint(
            "id_number IS NULL OR id_type NOT IN ('01', '07') OR (length(id_number) = 18"
            " AND ltrim(substr(id_number, 1, 17), '0123456789') = ''"
            " AND substr(id_number, 18, 1) IN ('0','1','2','3','4','5','6','7','8','9','X'))",
            name="id_number_format",
        ),
        CheckConstraint(digits_check("health_record_no", 17, nullable=True), name="record_no_digits"),
        CheckConstraint(digits_check("card_code", 12, nullable=True), name="card_code_digits"),
        CheckConstraint(codes.sql_in("ethnicity", codes.ETHNICITY, nullable=True), name="ethnicity_code"),
        CheckConstraint(
            codes.sql_in("relationship_to_head", codes.RELATIONSHIP, nullable=True), name="relationship_code"
        ),
        CheckConstraint(codes.sql_in("resident_type", codes.RESIDENT_TYPE, nullable=True), name="resident_type_code"),
        CheckConstraint(codes.sql_in("blood_abo", codes.BLOOD_ABO, nullable=True), name="blood_abo_code"),
        CheckConstraint(codes.sql_in("blood_rh", codes.BLOOD_RH, nullable=True), name="blood_rh_code"),
        CheckConstraint(codes.sql_in("education", codes.EDUCATION, nullable=True), name="education_code"),
        CheckConstraint(codes.sql_in("occupation", codes.OCCUPATION, nullable=True), name="occupation_code"),
        CheckConstraint(codes.sql_in("marital_status", codes.MARITAL_STATUS, nullable=True), name="marital_code"),
        CheckConstraint(codes.sql_code_set("relief_statuses", codes.RELIEF_STATUS), name="relief_code"),
        *(
            CheckConstraint(
                codes.sql_code_set(column, codes.FAMILY_HISTORY, alone="1"),
                name=column.replace("_history", "") + "_code",
            )
            for column in FAMILY_HISTORY_COLUMNS
        ),
        CheckConstraint(codes.sql_in("status", codes.RESIDENT_STATUS), name="status_code"),
        CheckConstraint("(status = 'active') = (status_changed_on IS NULL)", name="status_date"),
        CheckConstraint(codes.sql_in("kitchen_exhaust", codes.KITCHEN_EXHAUST, nullable=True), name="kitchen_code"),
        CheckConstraint(codes.sql_in("fuel", codes.FUEL, nullable=True), name="fuel_code"),
        CheckConstraint(codes.sql_in("water", codes.WATER, nullable=True), name="water_code"),
        CheckConstraint(codes.sql_in("toilet", codes.TOILET, nullable=True), name="toilet_code"),
        CheckConstraint(codes.sql_in("livestock_pen", codes.LIVESTOCK_PEN, nullable=True), name="livestock_code"),
        Index(
            "ix_residents_active_id_number",
            "id_type",
            "id_number",
            sqlite_where=text("voided_at IS NULL AND id_number IS NOT NULL"),
            postgresql_where=text("voided_at IS NULL AND id_number IS NOT NULL"),
        ),
        # The lists of residents by pinyin (a village's, the township's: 随访服务's 全部村)
        # read in index order instead of sorting the whole table (migration 0009).
        Index(
            "ix_residents_by_pinyin",
            "name_pinyin",
            "id",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(
            "ix_residents_village_by_pinyin",
            "village_id",
            "name_pinyin",
            "id",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )

    village_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("villages.id"), index=True)
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("households.id"), index=True, default=None)
    relationship_to_head: Mapped[str | None] = mapped_column(String(2), default=None)

    name: Mapped[str] = mapped_column(String(50))
    #: Pinyin syllables separated by spaces ("zhang san") and initials ("zs"), kept by the
    #: residents service for search and for sorting by pronunciation.
    name_pinyin: Mapped[str] = mapped_column(String(200), default="")
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    sex: Mapped[int] = mapped_column()
    birth_date: Mapped[date] = mapped_column(index=True)
    id_type: Mapped[str] = mapped_column(String(2), default="01")
    id_number: Mapped[str | None] = mapped_column(String(30), default=None)
    health_record_no: Mapped[str | None] = mapped_column(String(17), index=True, default=None)
    ethnicity: Mapped[str | None] = mapped_column(String(2), default="01")
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    contact_name: Mapped[str | None] = mapped_column(String(50), default=None)
    contact_phone: Mapped[str | None] = mapped_column(String(30), default=None)
    workplace: Mapped[str | None] = mapped_column(String(100), default=None)
    resident_type: Mapped[str | None] = mapped_column(String(1), default="1")
    blood_abo: Mapped[str | None] = mapped_column(String(1), default=None)
    blood_rh: Mapped[str | None] = mapped_column(String(1), default=None)
    education: Mapped[str | None] = mapped_column(String(2), default=None)
    occupation: Mapped[str | None] = mapped_column(String(1), default=None)
    marital_status: Mapped[str | None] = mapped_column(String(1), default=None)
    payment_methods: Mapped[tuple[str, ...]] = mapped_column(default=())
    payment_other: Mapped[str | None] = mapped_column(String(50), default=None)
    drug_allergies: Mapped[tuple[str, ...]] = mapped_column(default=())
    drug_allergy_other: Mapped[str | None] = mapped_column(String(100), default=None)
    exposures: Mapped[tuple[str, ...]] = mapped_column(default=())
    family_history_father: Mapped[tuple[str, ...]] = mapped_column(default=())
    family_history_mother: Mapped[tuple[str, ...]] = mapped_column(default=())
    family_history_siblings: Mapped[tuple[str, ...]] = mapped_column(default=())
    family_history_children: Mapped[tuple[str, ...]] = mapped_column(default=())
    genetic_disease: Mapped[str | None] = mapped_column(String(100), default=None)
    disabilities: Mapped[tuple[str, ...]] = mapped_column(default=())
    disability_other: Mapped[str | None] = mapped_column(String(100), default=None)
    kitchen_exhaust: Mapped[str | None] = mapped_column(String(1), default=None)
    fuel: Mapped[str | None] = mapped_column(String(1), default=None)
    water: Mapped[str | None] = mapped_column(String(1), default=None)
    toilet: Mapped[str | None] = mapped_column(String(1), default=None)
    livestock_pen: Mapped[str | None] = mapped_column(String(1), default=None)

    # Key populations recorded on the file (age-based ones derive from birth_date, maternal
    # from the pregnancies). has_hypertension and has_diabetes are not typed: they say
    # whether a non-voided diagnosis of the disease exists, and the diagnosis use cases keep
    # them so (they are columns so that indicators and eligibility read a flag).
    has_hypertension: Mapped[bool] = mapped_column(default=False)
    has_diabetes: Mapped[bool] = mapped_column(default=False)
    has_tuberculosis: Mapped[bool] = mapped_column(default=False)
    has_severe_mental_disorder: Mapped[bool] = mapped_column(default=False)
    #: Poverty and relief statuses (codes.RELIEF_STATUS), any combination.
    relief_statuses: Mapped[tuple[str, ...]] = mapped_column(default=())
    family_planning_special: Mapped[bool] = mapped_column(default=False)

    # The record cover.
    #: 建档日期: by default the day of registration by the unit of work's clock.
    registered_on: Mapped[date] = mapped_column(default=clock_today, server_default=text(REGISTERED_ON_SERVER_DEFAULT))
    #: 建档人: by default the staff member signed in when the file was made.
    registered_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"), default=None)
    #: 责任医生: a doctor or specialist of the township.
    responsible_doctor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"), default=None)

    #: active / moved_out / deceased, with the date it changed.
    status: Mapped[str] = mapped_column(String(10), default="active")
    status_changed_on: Mapped[date | None] = mapped_column(default=None)
    #: Set when the county server merged this record into another (same person twice).
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("residents.id"), default=None)

    # The contact card (家庭医生联系卡, migration 0008): made when the first card is printed,
    # kept by reprints, replaced when a lost card is reissued (fdclient.services.registry.card_tokens).
    #: Random text carried by the card's QR code (never the ID number).
    card_token: Mapped[str | None] = mapped_column(String(32), unique=True, index=True, default=None)
    #: 12 digits (Luhn check digit last) printed under the QR code, for typing.
    card_code: Mapped[str | None] = mapped_column(String(12), unique=True, index=True, default=None)

    household: Mapped[Household | None] = relationship(back_populates="members", foreign_keys=[household_id])
    diagnoses: Mapped[list[Diagnosis]] = relationship(back_populates="resident")
    history_events: Mapped[list[HistoryEvent]] = relationship(back_populates="resident")
    pregnancies: Mapped[list[Pregnancy]] = relationship(back_populates="resident")

    @property
    def has_disability(self) -> bool:
        return any(code != "1" for code in self.disabilities)

    @property
    def pregnancy_dates(self) -> tuple[PregnancyDates, ...]:
        """The dates of the pregnancies not voided."""
        return tuple(p.dates for p in self.pregnancies if p.voided_at is None)


class Diagnosis(Synced, Voidable, Base):
    """Past history: a disease with its diagnosis date (既往史·疾病)."""

    __tablename__ = "diagnoses"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("disease", codes.PAST_DISEASE), name="disease_code"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"), index=True)
    disease: Mapped[str] = mapped_column(String(2))
    #: Name for 恶性肿瘤 / 职业病 / 其他 / 其他法定传染病.
    detail: Mapped[str | None] = mapped_column(String(100), default=None)
    #: 确诊时间: required by the use cases; None only on rows made from an old flag (0005).
    diagnosed_on: Mapped[date | None] = mapped_column(default=None)

    resident: Mapped[Resident] = relationship(back_populates="diagnoses")


class HistoryEvent(Synced, Voidable, Base):
    """Past history: surgery, trauma or transfusion, with what and when."""

    __tablename__ = "history_events"
    __table_args__ = voidable_args(
        CheckConstraint(codes.sql_in("kind", codes.HISTORY_EVENT_KIND), name="kind_code"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(100))
    occurred_on: Mapped[date | None] = mapped_column(default=None)

    resident: Mapped[Resident] = relationship(back_populates="history_events")


class Pregnancy(Synced, Voidable, Base):
    """A pregnancy with its dates: the maternal (孕产妇) tag holds for its period only
    (:class:`fdclient.domain.key_populations.PregnancyDates`)."""

    __tablename__ = "pregnancies"
    __table_args__ = voidable_args(
        CheckConstraint(
            "last_menstrual_period IS NOT NULL OR expected_delivery_date IS NOT NULL OR delivery_date IS NOT NULL",
            name="has_a_date",
        ),
        CheckConstraint(
            "last_menstrual_period IS NULL OR expected_delivery_date IS NULL"
            " OR last_menstrual_period < expected_delivery_date",
            name="lmp_before_edd",
        ),
        CheckConstraint(
            "last_menstrual_period IS NULL OR delivery_date IS NULL OR last_menstrual_period < delivery_date",
            name="lmp_before_delivery",
        ),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("residents.id"), index=True)
    #: 末次月经.
    last_menstrual_period: Mapped[date | None] = mapped_column(default=None)
    #: 预产期.
    expected_delivery_date: Mapped[date | None] = mapped_column(default=None)
    #: 分娩日期: the day the pregnancy ended.
    delivery_date: Mapped[date | None] = mapped_column(default=None)

    resident: Mapped[Resident] = relationship(back_populates="pregnancies")

    @property
    def dates(self) -> PregnancyDates:
        return PregnancyDates(self.last_menstrual_period, self.expected_delivery_date, self.delivery_date)
