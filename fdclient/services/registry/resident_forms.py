"""The personal information form (个人基本信息表) as data, and its checks that need no database
(DOMAIN.md §2-3).

* The ID number is checked by type: types 01 and 07 follow GB 11643 (legacy 15-digit numbers
  become 18 digits); birth date and sex are taken from it when not typed. When typed values
  disagree with the number the form is refused with the mismatches listed, unless the user
  confirmed them (``ResidentInput.confirm_mismatch``): then the typed values are kept and the
  mismatches come back as warnings.
* Coded answers are checked against the national code tables; phone numbers are normalised.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from fdclient.domain import codes
from fdclient.domain.identity import MIN_BIRTH_DATE, check_consistency, parse_id_number
from fdclient.domain.validation import normalise_phone
from fdclient.errors import ValidationError


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


# Columns checked against a code table, with the label used in messages.
_SINGLE_CODES = {
    "ethnicity": ("民族", codes.ETHNICITY),
    "resident_type": ("常住类型", codes.RESIDENT_TYPE),
    "blood_abo": ("ABO 血型", codes.BLOOD_ABO),
    "blood_rh": ("Rh 血型", codes.BLOOD_RH),
    "education": ("文化程度", codes.EDUCATION),
    "occupation": ("职业", codes.OCCUPATION),
    "marital_status": ("婚姻状况", codes.MARITAL_STATUS),
    "poverty_status": ("帮扶类别", codes.POVERTY_STATUS),
    "kitchen_exhaust": ("厨房排风设施", codes.KITCHEN_EXHAUST),
    "fuel": ("燃料类型", codes.FUEL),
    "water": ("饮水", codes.WATER),
    "toilet": ("厕所", codes.TOILET),
    "livestock_pen": ("禽畜栏", codes.LIVESTOCK_PEN),
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
#: Form fields that are not columns of Resident.
NOT_COLUMNS = {"confirm_mismatch"}


@dataclass(frozen=True)
class CheckedIdentity:
    """Who the form identifies: the normalised number, and sex and birth date (typed or derived)."""

    id_number: str | None
    sex: int
    birth_date: date
    warnings: tuple[str, ...]


def check_identity(data: ResidentInput, today: date) -> CheckedIdentity:
    """ID type and number, sex and birth date of the form (see the module docstring)."""
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
                "填写的信息与身份证号不一致："
                + "；".join(m.message for m in mismatches)
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
        raise ValidationError(
            f"没有可识别的身份证号码时必须填写{missing}。", field="sex" if sex is None else "birth_date"
        )
    if sex not in codes.SEX_CODES:
        raise ValidationError(f"性别代码应为 0（未知）、1（男）、2（女）或 9（未说明），实际为 {sex}。", field="sex")
    if not MIN_BIRTH_DATE <= birth <= today:
        raise ValidationError(
            f"出生日期 {birth.isoformat()} 不合理：应在 {MIN_BIRTH_DATE.year} 年之后、今天（{today.isoformat()}）之前。",
            field="birth_date",
        )
    return CheckedIdentity(number, sex, birth, warnings)


def check_codes(data: ResidentInput, sex: int) -> dict[str, object]:
    """Checked, normalised coded answers and phone numbers, by column name."""
    values: dict[str, object] = {}
    for name, (label, table) in _SINGLE_CODES.items():
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) and value.strip() else None
        if value is not None and value not in table:
            raise ValidationError(f"{label}代码“{value}”不存在，应为：{code_choices(table)}。", field=name)
        values[name] = value
    for name, (label, table, exclusive) in _MULTI_CODES.items():
        chosen = tuple(dict.fromkeys(str(c).strip() for c in getattr(data, name) if str(c).strip()))
        bad = [c for c in chosen if c not in table]
        if bad:
            raise ValidationError(f"{label}代码“{bad[0]}”不存在，应为：{code_choices(table)}。", field=name)
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


def code_choices(table: dict[str, str]) -> str:
    """“01 汉族、02 蒙古族…”: a code table as listed in messages."""
    return "、".join(f"{k} {v}" for k, v in table.items())
