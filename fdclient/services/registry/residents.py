"""Residents: registering and editing the personal information form (个人基本信息表) as a use
case (DOMAIN.md §2-3). The form and its checks are in :mod:`resident_forms`; moving out, death
and voiding are in :mod:`resident_status`.

* The name is normalised (:func:`validation.normalise_name`) and its pinyin kept for search.
* Sex and birth date come from the ID number when not typed; mismatches the user confirmed
  come back as ``warnings`` (:func:`resident_forms.check_identity`).
* At most one non-voided resident holds a number: the error names the holder and village
  (never the number).
* A new resident gets the next health record number of the village (17 digits: 6 county +
  3 township + 3 village segment + 5-digit sequence).
* The record cover (建档日期, 建档人, 责任医生) is checked by :mod:`record_cover`; by default
  the file is made today by the signed-in staff member.

Registering and editing need ``REGISTER_RESIDENTS``, reading a file ``VIEW_RECORDS``. Use
cases flush but never commit: the unit of work does.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import ResidentStatus
from fdclient.domain.identity import check_consistency, parse_id_number
from fdclient.domain.key_populations import KeyPopulation, PersonFacts, compute_tags
from fdclient.domain.roles import Permission
from fdclient.domain.validation import normalise_name
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Household, Resident, Township, Village
from fdclient.services import numbering
from fdclient.services.lookup import fetch
from fdclient.services.registry.pinyin import pinyin_of_name
from fdclient.services.registry.record_cover import check_cover
from fdclient.services.registry.resident_forms import (
    COVER_FIELDS,
    NOT_COLUMNS,
    ResidentInput,
    check_codes,
    check_free_text,
    check_identity,
    code_choices,
)
from fdclient.store.context import require, today
from fdclient.text import Text, msg

#: A resident's status in messages (the code table's labels are Chinese only).
STATUS_TEXT: Mapping[ResidentStatus, Text] = MappingProxyType(
    {
        ResidentStatus.ACTIVE: msg(ResidentStatus.ACTIVE.label, "registered"),
        ResidentStatus.MOVED_OUT: msg(ResidentStatus.MOVED_OUT.label, "moved out"),
        ResidentStatus.DECEASED: msg(ResidentStatus.DECEASED.label, "deceased"),
    }
)
VILLAGE = msg("所选的村（居）委会", "the selected village")
#: GB/T 2261.1 code of a man.
MALE = 1


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
    status: ResidentStatus
    status_changed_on: date | None
    voided: bool
    #: The record cover: 建档日期, 建档人, 责任医生.
    registered_on: date
    registered_by_id: uuid.UUID | None
    responsible_doctor_id: uuid.UUID | None
    #: Key-population tags on the day the info was made.
    key_populations: frozenset[KeyPopulation]
    #: Mismatches with the ID number the user confirmed.
    warnings: tuple[Text, ...] = ()

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
        in_poverty_programme=bool(r.relief_statuses),
        family_planning_special=r.family_planning_special,
        pregnancies=r.pregnancy_dates,
    )


def resident_info(r: Resident, *, on: date, warnings: tuple[Text, ...] = ()) -> ResidentInfo:
    """What the screens show of ``r``, with its key-population tags on ``on``."""
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
        status=ResidentStatus(r.status),
        status_changed_on=r.status_changed_on,
        voided=r.voided_at is not None,
        registered_on=r.registered_on,
        registered_by_id=r.registered_by_id,
        responsible_doctor_id=r.responsible_doctor_id,
        key_populations=compute_tags(person_facts(r), on),
        warnings=warnings,
    )


def get_resident_row(session: Session, resident_id: uuid.UUID) -> Resident:
    """The resident row (voided or not), for other services; no permission check."""
    return fetch(session, Resident, resident_id, msg("该居民档案", "the resident's file"), "resident_id")


def get_resident(session: Session, resident_id: uuid.UUID) -> ResidentInfo:
    require(session, Permission.VIEW_RECORDS)
    return resident_info(get_resident_row(session, resident_id), on=today(session))


def resident_form(session: Session, resident_id: uuid.UUID) -> ResidentInput:
    """The stored record as form data, to edit and pass to :func:`update_resident`."""
    require(session, Permission.VIEW_RECORDS)
    r = get_resident_row(session, resident_id)
    values = {f.name: getattr(r, f.name) for f in fields(ResidentInput) if f.name not in NOT_COLUMNS}
    # A mismatch with the ID number that was confirmed when saved stays confirmed.
    confirmed = False
    if r.id_number and r.id_type in codes.GB11643_ID_TYPES:
        try:
            parsed = parse_id_number(r.id_number, today=today(session))
            confirmed = bool(check_consistency(parsed, birth_date=r.birth_date, sex=r.sex))
        except ValidationError:
            confirmed = False
    return ResidentInput(**values, confirm_mismatch=confirmed)


def resident_label(session: Session, r: Resident) -> Text:
    """“张三（罗家村）”: a resident as named in messages."""
    village = session.get(Village, r.village_id)
    return msg(
        "{name}（{village}）",
        "{name} ({village})",
        name=r.name,
        village=village.name if village else msg("未知村", "unknown village"),
    )


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
            msg(
                "该证件号码已登记在 {who} 名下（健康档案号 {record}），同一个人只能有一份档案。请查找该居民并更新其档案。",
                "This document number is already registered for {who} (health record number {record}); a "
                "person has only one file. Find that resident and update their file.",
                who=resident_label(session, other),
                record=other.health_record_no or msg("无", "none"),
            ),
            field="id_number",
        )


def _apply(session: Session, r: Resident, data: ResidentInput, on: date, stored: Resident | None) -> tuple[Text, ...]:
    """Check ``data`` and write it to ``r`` (``stored``: the same row, when editing)."""
    fetch(session, Village, data.village_id, VILLAGE, "village_id")  # it must exist
    name = normalise_name(data.name)
    identity = check_identity(data, on)
    if stored is not None and identity.sex == MALE and stored.pregnancy_dates:
        raise RuleError(
            msg(
                "{name} 的档案中有孕产记录，性别不能为男。请先核对并作废错误的孕产记录。",
                "The file of {name} holds pregnancies: the sex cannot be male. Check them and void the wrong "
                "ones first.",
                name=stored.name,
            ),
            field="sex",
        )
    values = check_codes(data) | check_free_text(data)
    cover = check_cover(session, data, birth_date=identity.birth_date, stored=stored)
    _check_unique_id(session, data.id_type, identity.id_number, stored.id if stored else None)
    for f in fields(ResidentInput):
        if f.name not in NOT_COLUMNS and f.name not in COVER_FIELDS:
            setattr(r, f.name, values.get(f.name, getattr(data, f.name)))
    r.name = name
    r.name_pinyin, r.name_initials = pinyin_of_name(name)
    r.id_number, r.sex, r.birth_date = identity.id_number, identity.sex, identity.birth_date
    r.registered_on, r.registered_by_id = cover.registered_on, cover.registered_by_id
    r.responsible_doctor_id = cover.responsible_doctor_id
    return identity.warnings


def next_health_record_no(session: Session, village: Village) -> str:
    """The next free 17-digit health record number of ``village`` (voided ones stay used).

    An enrolled store takes it from the blocks reserved from the county server
    (fdclient.services.numbering) and refuses, in plain words, when none is left; a
    standalone store takes its own highest number + 1. Read in a write unit of work, which
    holds the database's write lock from its start (``BEGIN IMMEDIATE``): two writers
    cannot read the same maximum.
    """
    township = fetch(session, Township, village.township_id, msg("该乡镇", "the township"), "village_id")
    prefix = township.code + village.record_segment
    if numbering.is_enrolled(session):
        return _reserved_record_no(session, prefix)
    last = session.scalar(
        select(func.max(Resident.health_record_no)).where(Resident.health_record_no.like(prefix + "%"))
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    if sequence > 99_999:
        raise RuleError(
            msg(
                "{village} 的健康档案编号已用完（{prefix}99999），请联系县级信息科。",
                "The health record numbers of {village} are used up ({prefix}99999): contact the county's "
                "IT department.",
                village=village.name,
                prefix=prefix,
            )
        )
    return f"{prefix}{sequence:05d}"


def _reserved_record_no(session: Session, prefix: str) -> str:
    """The next number of the village's reserved blocks not used in this store."""
    series = numbering.health_record_series(prefix[:9], prefix[9:])
    while (sequence := numbering.take_number(session, series)) is not None:
        number = f"{prefix}{sequence:05d}"
        if 1 <= sequence <= 99_999 and not _record_no_used(session, number):
            return number
    raise RuleError(
        msg(
            "本机预留的健康档案编号已用完，请联网同步（数据同步页或 fdclient sync）后再登记。",
            "This laptop has no reserved health record numbers left: connect and sync (the 数据同步 page or "
            "fdclient sync), then register.",
        )
    )


def _record_no_used(session: Session, number: str) -> bool:
    return session.scalar(select(Resident.id).where(Resident.health_record_no == number).limit(1)) is not None


# --- use cases -----------------------------------------------------------------------------


def register_resident(
    session: Session,
    data: ResidentInput,
    *,
    household_id: uuid.UUID | None = None,
    relationship: str | None = None,
) -> ResidentInfo:
    """A new resident file with its health record number, optionally in a household."""
    require(session, Permission.REGISTER_RESIDENTS)
    on = today(session)
    r = Resident()
    warnings = _apply(session, r, data, on, None)
    if household_id is not None:
        place_in_household(session, r, household_id, relationship)
    r.health_record_no = next_health_record_no(session, fetch(session, Village, r.village_id, VILLAGE, "village_id"))
    session.add(r)
    session.flush()
    return resident_info(r, on=on, warnings=warnings)


def place_in_household(session: Session, r: Resident, household_id: uuid.UUID, relationship: str | None) -> None:
    """Make ``r`` a member of the household (checks the relationship code and the village)."""
    household = session.get(Household, household_id)
    if household is None or household.voided_at is not None:
        raise RuleError(
            msg(
                "找不到该家庭，或该家庭已作废。",
                "The household cannot be found, or it has been voided.",
            ),
            field="household_id",
        )
    if relationship not in codes.RELATIONSHIP:
        raise ValidationError(
            msg(
                "与户主关系“{code}”不存在，应为：{choices}。",
                "There is no relationship to the head “{code}”; use one of: {choices}.",
                code=relationship,
                choices=code_choices(codes.RELATIONSHIP),
            ),
            field="relationship",
        )
    if household.village_id != r.village_id:
        raise RuleError(
            msg(
                "居民所在村与家庭所在村不同：家庭成员应登记在同一个村（居）委会。",
                "The resident's village is not the household's: members of a household are registered in "
                "the same village.",
            ),
            field="village_id",
        )
    r.household_id, r.relationship_to_head = household.id, relationship


def update_resident(session: Session, resident_id: uuid.UUID, data: ResidentInput) -> ResidentInfo:
    """Save the edited form of an existing resident (the health record number stays)."""
    require(session, Permission.REGISTER_RESIDENTS)
    on = today(session)
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(
            msg(
                "居民 {name} 的档案已作废，不能修改。",
                "The file of {name} has been voided and cannot be changed.",
                name=r.name,
            )
        )
    if r.household_id is not None and data.village_id != r.village_id:
        raise RuleError(
            msg(
                "{name} 还在一个家庭中，要换村请先把他/她移到新村的家庭。",
                "{name} is still a member of a household: to change village, first move them to a household "
                "of the new village.",
                name=r.name,
            ),
            field="village_id",
        )
    warnings = _apply(session, r, data, on, r)
    session.flush()
    return resident_info(r, on=on, warnings=warnings)
