"""Residents: the personal information form (个人基本信息表) as a use case (DOMAIN.md §2-3).

* The name is normalised (:func:`validation.normalise_name`) and its pinyin kept for search.
* The ID number is checked by type: types 01 and 07 follow GB 11643 (legacy 15-digit numbers
  become 18 digits); birth date and sex are taken from it when not typed. When typed values
  disagree with the number the form is refused with the mismatches listed, unless the user
  confirmed them (``ResidentInput.confirm_mismatch``): then the typed values are kept and the
  mismatches come back as ``warnings``.
* At most one non-voided resident holds a number: the error names the holder and village.
* A new resident gets the next health record number of the village (17 digits: 6 county +
  3 township + 3 village segment + 5-digit sequence).

Use cases flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..errors import RuleError, ValidationError
from ..models import ContractMember, Household, Resident, Township, Village, codes
from .identity import MIN_BIRTH_DATE, check_consistency, parse_id_number
from .key_populations import KeyPopulation, PersonFacts, compute_tags
from .pinyin import pinyin_of_name
from .validation import normalise_name, normalise_phone
from .voiding import void_row


@dataclass(frozen=True, kw_only=True)
class ResidentInput:
    """What the personal information form holds; field names are the model's columns."""

    village_id: uuid.UUID
    name: str
    id_type: str = "01"
    id_number: str | None = None
    #: GB/T 2261.1 code; None → taken from the ID number.
    sex: int | None = None
    #: None → taken from the ID number.
    birth_date: date | None = None
    #: The user saw that sex / birth date disagree with the ID number and keeps them.
    confirm_mismatch: bool = False
    ethnicity: str | None = "01"
    phone: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    workplace: str | None = None
    resident_type: str | None = "1"
    blood_abo: str | None = None
    blood_rh: str | None = None
    education: str | None = None
    occupation: str | None = None
    marital_status: str | None = None
    payment_methods: tuple[str, ...] = ()
    payment_other: str | None = None
    drug_allergies: tuple[str, ...] = ()
    drug_allergy_other: str | None = None
    exposures: tuple[str, ...] = ()
    family_history_father: tuple[str, ...] = ()
    family_history_mother: tuple[str, ...] = ()
    family_history_siblings: tuple[str, ...] = ()
    family_history_children: tuple[str, ...] = ()
    genetic_disease: str | None = None
    disabilities: tuple[str, ...] = ()
    disability_other: str | None = None
    kitchen_exhaust: str | None = None
    fuel: str | None = None
    water: str | None = None
    toilet: str | None = None
    livestock_pen: str | None = None
    has_hypertension: bool = False
    has_diabetes: bool = False
    has_tuberculosis: bool = False
    has_severe_mental_disorder: bool = False
    poverty_status: str | None = None
    family_planning_special: bool = False
    pregnant: bool = False
    postpartum_until: date | None = None


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


# Columns checked against a code table, with the label used in messages.
_SINGLE_CODES = {
    "ethnicity": ("民族", codes.ETHNICITY), "resident_type": ("常住类型", codes.RESIDENT_TYPE),
    "blood_abo": ("ABO 血型", codes.BLOOD_ABO), "blood_rh": ("Rh 血型", codes.BLOOD_RH),
    "education": ("文化程度", codes.EDUCATION), "occupation": ("职业", codes.OCCUPATION),
    "marital_status": ("婚姻状况", codes.MARITAL_STATUS), "poverty_status": ("帮扶类别", codes.POVERTY_STATUS),
    "kitchen_exhaust": ("厨房排风设施", codes.KITCHEN_EXHAUST), "fuel": ("燃料类型", codes.FUEL),
    "water": ("饮水", codes.WATER), "toilet": ("厕所", codes.TOILET), "livestock_pen": ("禽畜栏", codes.LIVESTOCK_PEN),
}
# Multi-choice answers; code "1" (无) excludes the others where the table has it.
_MULTI_CODES = {
    "payment_methods": ("医疗费用支付方式", codes.PAYMENT_METHOD, False),
    "drug_allergies": ("药物过敏史", codes.DRUG_ALLERGY, True),
    "exposures": ("暴露史", codes.EXPOSURE, True),
    "family_history_father": ("家族史（父亲）", codes.PAST_DISEASE, True),
    "family_history_mother": ("家族史（母亲）", codes.PAST_DISEASE, True),
    "family_history_siblings": ("家族史（兄弟姐妹）", codes.PAST_DISEASE, True),
    "family_history_children": ("家族史（子女）", codes.PAST_DISEASE, True),
    "disabilities": ("残疾情况", codes.DISABILITY, True),
}
_PHONES = {"phone": "本人电话", "contact_phone": "联系人电话"}
_NOT_COLUMNS = {"confirm_mismatch"}


def person_facts(r: Resident) -> PersonFacts:
    return PersonFacts(
        birth_date=r.birth_date, has_hypertension=r.has_hypertension, has_diabetes=r.has_diabetes,
        has_tuberculosis=r.has_tuberculosis, has_severe_mental_disorder=r.has_severe_mental_disorder,
        has_disability=r.has_disability, in_poverty_programme=r.poverty_status is not None,
        family_planning_special=r.family_planning_special, pregnant=r.pregnant,
        postpartum_until=r.postpartum_until,
    )


def resident_info(r: Resident, *, today: date | None = None, warnings: tuple[str, ...] = ()) -> ResidentInfo:
    return ResidentInfo(
        id=r.id, village_id=r.village_id, household_id=r.household_id,
        relationship_to_head=r.relationship_to_head, name=r.name, name_pinyin=r.name_pinyin,
        name_initials=r.name_initials, sex=r.sex, birth_date=r.birth_date, id_type=r.id_type,
        id_number=r.id_number, health_record_no=r.health_record_no, phone=r.phone, status=r.status,
        status_changed_on=r.status_changed_on, voided=r.voided_at is not None,
        key_populations=compute_tags(person_facts(r), today or date.today()), warnings=warnings,
    )


def get_resident_row(session: Session, resident_id: uuid.UUID) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ValidationError("找不到该居民档案，请刷新后重试。", field="resident_id")
    return resident


def get_resident(session: Session, resident_id: uuid.UUID, *, today: date | None = None) -> ResidentInfo:
    return resident_info(get_resident_row(session, resident_id), today=today)


def resident_form(session: Session, resident_id: uuid.UUID) -> ResidentInput:
    """The stored record as form data, to edit and pass to :func:`update_resident`."""
    r = get_resident_row(session, resident_id)
    values = {f.name: getattr(r, f.name) for f in fields(ResidentInput) if f.name not in _NOT_COLUMNS}
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


# --- validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Identity:
    id_number: str | None
    sex: int
    birth_date: date
    warnings: tuple[str, ...]


def _check_identity(data: ResidentInput, today: date) -> _Identity:
    if data.id_type not in codes.ID_TYPE:
        raise ValidationError(f"证件类型“{data.id_type}”不存在，应为 01（居民身份证）等国家代码。", field="id_type")
    raw = (data.id_number or "").strip()
    warnings: tuple[str, ...] = ()
    sex, birth = data.sex, data.birth_date
    number: str | None = None
    if raw and data.id_type in codes.GB11643_ID_TYPES:
        parsed = parse_id_number(raw, today=today)
        number = parsed.number
        mismatches = check_consistency(parsed, birth_date=birth, sex=sex)
        if mismatches and not data.confirm_mismatch:
            raise ValidationError(
                "填写的信息与身份证号不一致：" + "；".join(m.message for m in mismatches)
                + "。请核对；如确认填写无误，请勾选“确认与身份证号不一致”后再保存。",
                field=mismatches[0].field,
            )
        warnings = tuple(m.message for m in mismatches)
        sex = parsed.sex if sex is None else sex
        birth = parsed.birth_date if birth is None else birth
    elif raw:
        number = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
        if len(number) > 30:
            raise ValidationError(f"证件号码太长：最多 30 个字符，实际为 {len(number)} 个。", field="id_number")
    if sex is None or birth is None:
        missing = "、".join(w for w, v in (("性别", sex), ("出生日期", birth)) if v is None)
        raise ValidationError(f"没有可识别的身份证号码时必须填写{missing}。", field="sex" if sex is None else "birth_date")
    if sex not in codes.SEX_CODES:
        raise ValidationError(f"性别代码应为 0（未知）、1（男）、2（女）或 9（未说明），实际为 {sex}。", field="sex")
    if not MIN_BIRTH_DATE <= birth <= today:
        raise ValidationError(
            f"出生日期 {birth.isoformat()} 不合理：应在 {MIN_BIRTH_DATE.year} 年之后、今天（{today.isoformat()}）之前。",
            field="birth_date",
        )
    return _Identity(number, sex, birth, warnings)


def _check_codes(data: ResidentInput, sex: int) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, (label, table) in _SINGLE_CODES.items():
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) and value.strip() else None
        if value is not None and value not in table:
            raise ValidationError(f"{label}代码“{value}”不存在，应为：{_choices(table)}。", field=name)
        values[name] = value
    for name, (label, table, exclusive) in _MULTI_CODES.items():
        chosen = tuple(dict.fromkeys(str(c).strip() for c in getattr(data, name) if str(c).strip()))
        bad = [c for c in chosen if c not in table]
        if bad:
            raise ValidationError(f"{label}代码“{bad[0]}”不存在，应为：{_choices(table)}。", field=name)
        if exclusive and "1" in chosen and len(chosen) > 1:
            raise ValidationError(f"{label}选了“{table['1']}”就不能再选其他项。", field=name)
        values[name] = chosen
    for name, label in _PHONES.items():
        value = getattr(data, name)
        try:
            values[name] = normalise_phone(value) if value and value.strip() else None
        except ValidationError as exc:
            raise ValidationError(f"{label}：{exc.message}", field=name) from None
    if (data.pregnant or data.postpartum_until) and sex == 1:
        raise ValidationError("性别为男，不能登记为孕产妇，请核对性别或孕产情况。", field="pregnant")
    return values


def _choices(table: dict[str, str]) -> str:
    return "、".join(f"{k} {v}" for k, v in table.items())


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


def _apply(session: Session, r: Resident, data: ResidentInput, today: date, own_id: uuid.UUID | None) -> tuple[str, ...]:
    village = session.get(Village, data.village_id)
    if village is None:
        raise ValidationError("找不到所选的村（居）委会，请刷新后重试。", field="village_id")
    name = normalise_name(data.name)
    identity = _check_identity(data, today)
    values = _check_codes(data, identity.sex)
    _check_unique_id(session, data.id_type, identity.id_number, own_id)
    for f in fields(ResidentInput):
        if f.name not in _NOT_COLUMNS:
            setattr(r, f.name, values.get(f.name, getattr(data, f.name)))
    for name_field in ("contact_name", "workplace", "payment_other", "drug_allergy_other", "genetic_disease", "disability_other"):
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
    last = session.scalar(select(func.max(Resident.health_record_no)).where(Resident.health_record_no.like(prefix + "%")))
    sequence = int(last[len(prefix):]) + 1 if last else 1
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
        raise ValidationError(f"与户主关系“{relationship}”不存在，应为：{_choices(codes.RELATIONSHIP)}。", field="relationship")
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


@dataclass(frozen=True)
class StatusChange:
    resident: ResidentInfo
    #: Contracts the resident left (member ended) and contracts terminated as a result.
    left_contracts: tuple[str, ...] = ()
    terminated_contracts: tuple[str, ...] = ()
    #: Things the user should do next, in Chinese (a new household head, a representative).
    warnings: tuple[str, ...] = ()


def _change_status(session: Session, resident_id: uuid.UUID, status: str, on_date: date, today: date) -> Resident:
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(f"居民 {r.name} 的档案已作废，不能登记{codes.RESIDENT_STATUS[status]}。")
    if r.status != "active":
        raise RuleError(
            f"居民 {r.name} 当前状态为“{codes.RESIDENT_STATUS[r.status]}”（{r.status_changed_on}），"
            f"不能再登记为“{codes.RESIDENT_STATUS[status]}”。"
        )
    if not r.birth_date <= on_date <= today:
        raise ValidationError(
            f"日期 {on_date.isoformat()} 不合理：应在出生日期 {r.birth_date.isoformat()} 之后、今天之前。", field="on_date"
        )
    r.status, r.status_changed_on = status, on_date
    return r


def _head_warning(session: Session, r: Resident) -> tuple[str, ...]:
    household = session.get(Household, r.household_id) if r.household_id else None
    if household is not None and household.head_id == r.id and household.voided_at is None:
        return (f"{r.name} 是户主，请为该家庭更换户主。",)
    return ()


def mark_moved_out(session: Session, resident_id: uuid.UUID, on_date: date, *, today: date | None = None) -> StatusChange:
    """Record that the resident moved out of the area. A contract they are in goes on until it
    is terminated (reason “迁出本辖区”) or expires: the team decides."""
    today = today or date.today()
    r = _change_status(session, resident_id, "moved_out", on_date, today)
    session.flush()
    return StatusChange(resident_info(r, today=today), warnings=_head_warning(session, r))


def mark_deceased(session: Session, resident_id: uuid.UUID, on_date: date, *, today: date | None = None) -> StatusChange:
    """Record a death: the resident leaves their active contract on that date; a contract
    left without active members is terminated with reason “死亡”."""
    from .contracts import end_membership  # contracts → service_plan → residents

    today = today or date.today()
    r = _change_status(session, resident_id, "deceased", on_date, today)
    left, terminated, warnings = end_membership(session, r.id, on_date, reason="death")
    session.flush()
    return StatusChange(resident_info(r, today=today), left, terminated, _head_warning(session, r) + warnings)


def void_resident(session: Session, resident_id: uuid.UUID, reason: str) -> ResidentInfo:
    """Void a file registered by mistake (or twice). Refused while the resident is covered by
    a contract in force or heads a household that has other members."""
    r = get_resident_row(session, resident_id)
    member = session.scalar(select(ContractMember).where(ContractMember.resident_id == r.id, ContractMember.is_active))
    if member is not None:
        raise RuleError(f"{r.name} 还在履约中的签约合同里，不能作废档案。请先解约。")
    household = session.get(Household, r.household_id) if r.household_id else None
    if household is not None and household.head_id == r.id and household.voided_at is None:
        others = session.scalar(
            select(func.count()).select_from(Resident).where(
                Resident.household_id == household.id, Resident.id != r.id, Resident.voided_at.is_(None)
            )
        )
        if others:
            raise RuleError(f"{r.name} 是户主，家庭中还有 {others} 名成员，请先更换户主再作废。")
    void_row(session, r, reason, label=f"居民 {r.name} 的档案")
    session.flush()
    return resident_info(r)
