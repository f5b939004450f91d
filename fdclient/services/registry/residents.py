"""Residents: registering and editing the personal information form (个人基本信息表) as a use
case (DOMAIN.md §2-3). The form and its checks are in :mod:`resident_forms`; moving out, death
and voiding are in :mod:`resident_status`.

* The name is normalised (:func:`validation.normalise_name`) and its pinyin kept for search.
* Sex and birth date come from the ID number when not typed; mismatches the user confirmed
  come back as ``warnings`` (:func:`resident_forms.check_identity`).
* At most one non-voided resident holds a number: the error names the holder and village.
* A new resident gets the next health record number of the village (17 digits: 6 county +
  3 township + 3 village segment + 5-digit sequence).

Use cases flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.identity import check_consistency, parse_id_number
from fdclient.domain.key_populations import KeyPopulation, PersonFacts, compute_tags
from fdclient.domain.validation import normalise_name
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Household, Resident, Township, Village
from fdclient.services.lookup import fetch
from fdclient.services.registry.pinyin import pinyin_of_name
from fdclient.services.registry.resident_forms import (
    NOT_COLUMNS,
    ResidentInput,
    check_codes,
    check_identity,
    code_choices,
)


@dataclass(frozen=True)
class ResidentInfo:
    id: uuid.UUID
    village_id: uuid.UUID
    household_id: uuid.UUID | None
    relationship_to_head: str | None
    name: str
    name_pinyin: str
    name_initials: str
    sex: int
    birth_date: date
    id_type: str
    id_number: str | None
    health_record_no: str | None
    phone: str | None
    status: str
    status_changed_on: date | None
    voided: bool
    #: Key-population tags on the reference date (today unless told).
    key_populations: frozenset[KeyPopulation]
    #: Mismatches with the ID number the user confirmed, in Chinese.
    warnings: tuple[str, ...] = ()

    @property
    def sex_label(self) -> str:
        return codes.SEX[str(self.sex)]


def person_facts(r: Resident) -> PersonFacts:
    return PersonFacts(
        birth_date=r.birth_date,
        has_hypertension=r.has_hypertension,
        has_diabetes=r.has_diabetes,
        has_tuberculosis=r.has_tuberculosis,
        has_severe_mental_disorder=r.has_severe_mental_disorder,
        has_disability=r.has_disability,
        in_poverty_programme=r.poverty_status is not None,
        family_planning_special=r.family_planning_special,
        pregnant=r.pregnant,
        postpartum_until=r.postpartum_until,
    )


def resident_info(r: Resident, *, today: date | None = None, warnings: tuple[str, ...] = ()) -> ResidentInfo:
    return ResidentInfo(
        id=r.id,
        village_id=r.village_id,
        household_id=r.household_id,
        relationship_to_head=r.relationship_to_head,
        name=r.name,
        name_pinyin=r.name_pinyin,
        name_initials=r.name_initials,
        sex=r.sex,
        birth_date=r.birth_date,
        id_type=r.id_type,
        id_number=r.id_number,
        health_record_no=r.health_record_no,
        phone=r.phone,
        status=r.status,
        status_changed_on=r.status_changed_on,
        voided=r.voided_at is not None,
        key_populations=compute_tags(person_facts(r), today or date.today()),
        warnings=warnings,
    )


def get_resident_row(session: Session, resident_id: uuid.UUID) -> Resident:
    resident = fetch(session, Resident, resident_id, "该居民档案", "resident_id")
    return resident


def get_resident(session: Session, resident_id: uuid.UUID, *, today: date | None = None) -> ResidentInfo:
    return resident_info(get_resident_row(session, resident_id), today=today)


def resident_form(session: Session, resident_id: uuid.UUID) -> ResidentInput:
    """The stored record as form data, to edit and pass to :func:`update_resident`."""
    r = get_resident_row(session, resident_id)
    values = {f.name: getattr(r, f.name) for f in fields(ResidentInput) if f.name not in NOT_COLUMNS}
    # A mismatch with the ID number that was confirmed when saved stays confirmed.
    confirmed = False
    if r.id_number and r.id_type in codes.GB11643_ID_TYPES:
        try:
            confirmed = bool(check_consistency(parse_id_number(r.id_number), birth_date=r.birth_date, sex=r.sex))
        except ValidationError:
            confirmed = False
    return ResidentInput(**values, confirm_mismatch=confirmed)


def resident_label(session: Session, r: Resident) -> str:
    """“张三（罗家村）”: a resident as named in messages."""
    village = session.get(Village, r.village_id)
    return f"{r.name}（{village.name if village else '未知村'}）"


def _check_unique_id(session: Session, id_type: str, number: str | None, own_id: uuid.UUID | None) -> None:
    if number is None:
        return
    query = select(Resident).where(
        Resident.id_type == id_type, Resident.id_number == number, Resident.voided_at.is_(None)
    )
    if own_id is not None:
        query = query.where(Resident.id != own_id)
    other = session.scalars(query).first()
    if other is not None:
        raise RuleError(
            f"证件号码 {number} 已登记在 {resident_label(session, other)} 名下（健康档案号 "
            f"{other.health_record_no or '无'}），同一个人只能有一份档案。请查找该居民并更新其档案。",
            field="id_number",
        )


def _apply(
    session: Session, r: Resident, data: ResidentInput, today: date, own_id: uuid.UUID | None
) -> tuple[str, ...]:
    fetch(session, Village, data.village_id, "所选的村（居）委会", "village_id")  # it must exist
    name = normalise_name(data.name)
    identity = check_identity(data, today)
    values = check_codes(data, identity.sex)
    _check_unique_id(session, data.id_type, identity.id_number, own_id)
    for f in fields(ResidentInput):
        if f.name not in NOT_COLUMNS:
            setattr(r, f.name, values.get(f.name, getattr(data, f.name)))
    for name_field in (
        "contact_name",
        "workplace",
        "payment_other",
        "drug_allergy_other",
        "genetic_disease",
        "disability_other",
    ):
        value = getattr(r, name_field)
        setattr(r, name_field, value.strip() if value and value.strip() else None)
    r.name = name
    r.name_pinyin, r.name_initials = pinyin_of_name(name)
    r.id_number, r.sex, r.birth_date = identity.id_number, identity.sex, identity.birth_date
    return identity.warnings


# --- use cases -----------------------------------------------------------------------------


def next_health_record_no(session: Session, village: Village) -> str:
    """The next free 17-digit health record number of ``village`` (voided ones stay used).

    Takes the database write lock first so that two writers cannot read the same maximum.
    """
    session.execute(text("UPDATE residents SET id = id WHERE 0"))
    township = session.get(Township, village.township_id)
    prefix = township.code + village.record_segment
    last = session.scalar(
        select(func.max(Resident.health_record_no)).where(Resident.health_record_no.like(prefix + "%"))
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    if sequence > 99_999:
        raise RuleError(f"{village.name} 的健康档案编号已用完（{prefix}99999），请联系县级信息科。")
    return f"{prefix}{sequence:05d}"


def register_resident(
    session: Session,
    data: ResidentInput,
    *,
    household_id: uuid.UUID | None = None,
    relationship: str | None = None,
    today: date | None = None,
) -> ResidentInfo:
    """A new resident file with its health record number, optionally in a household."""
    today = today or date.today()
    r = Resident()
    warnings = _apply(session, r, data, today, None)
    if household_id is not None:
        place_in_household(session, r, household_id, relationship)
    r.health_record_no = next_health_record_no(session, session.get(Village, r.village_id))
    session.add(r)
    session.flush()
    return resident_info(r, today=today, warnings=warnings)


def place_in_household(session: Session, r: Resident, household_id: uuid.UUID, relationship: str | None) -> None:
    household = session.get(Household, household_id)
    if household is None or household.voided_at is not None:
        raise RuleError("找不到该家庭，或该家庭已作废。", field="household_id")
    if relationship not in codes.RELATIONSHIP:
        raise ValidationError(
            f"与户主关系“{relationship}”不存在，应为：{code_choices(codes.RELATIONSHIP)}。", field="relationship"
        )
    if household.village_id != r.village_id:
        raise RuleError("居民所在村与家庭所在村不同：家庭成员应登记在同一个村（居）委会。", field="village_id")
    r.household_id, r.relationship_to_head = household.id, relationship


def update_resident(
    session: Session, resident_id: uuid.UUID, data: ResidentInput, *, today: date | None = None
) -> ResidentInfo:
    """Save the edited form of an existing resident (the health record number stays)."""
    today = today or date.today()
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(f"居民 {r.name} 的档案已作废，不能修改。")
    if r.household_id is not None and data.village_id != r.village_id:
        raise RuleError(f"{r.name} 还在一个家庭中，要换村请先把他/她移到新村的家庭。", field="village_id")
    warnings = _apply(session, r, data, today, r.id)
    session.flush()
    return resident_info(r, today=today, warnings=warnings)
