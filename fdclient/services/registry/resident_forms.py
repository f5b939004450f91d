"""The personal information form (个人基本信息表) as data, and its checks that need no database
(DOMAIN.md §2-3).

* The ID number is checked by type: types 01 and 07 follow GB 11643 (legacy 15-digit numbers
  become 18 digits); birth date and sex are taken from it when not typed. When typed values
  disagree with the number the form is refused with the mismatches listed, unless the user
  confirmed them (``ResidentInput.confirm_mismatch``): then the typed values are kept and the
  mismatches come back as warnings.
* Coded answers are checked against the national code tables (family history against the
  2017 form's own list, codes.FAMILY_HISTORY; poverty and relief statuses as a set); phone
  numbers are normalised; free text (contact, workplace, "other" answers) is trimmed and
  refused when longer than its column or when it holds control characters.
* The record cover (建档日期, 建档人, 责任医生) is checked by :mod:`record_cover`. Diagnoses,
  surgery, trauma and transfusion (:mod:`medical_history`) and pregnancies
  (:mod:`pregnancies`) are rows of their own with their own use cases, not form fields:
  has_hypertension and has_diabetes follow the diagnoses.

Messages come in Chinese and English (:mod:`fdclient.text`) and never repeat an ID number
or a phone number.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from fdclient.domain import codes
from fdclient.domain.identity import MIN_BIRTH_DATE, check_consistency, parse_id_number
from fdclient.domain.validation import clean_text, normalise_phone, refuse_control_characters
from fdclient.errors import ValidationError
from fdclient.text import Text, msg


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
    has_tuberculosis: bool = False
    has_severe_mental_disorder: bool = False
    #: Poverty and relief statuses (codes.RELIEF_STATUS), any combination.
    relief_statuses: tuple[str, ...] = ()
    family_planning_special: bool = False
    #: 建档日期: None → today when registering, unchanged when editing.
    registered_on: date | None = None
    #: 建档人: None → the signed-in staff member when registering, unchanged when editing.
    registered_by_id: uuid.UUID | None = None
    #: 责任医生: a doctor or specialist of the township, or None.
    responsible_doctor_id: uuid.UUID | None = None


# Columns checked against a code table, with the label used in messages.
_SINGLE_CODES: Mapping[str, tuple[Text, Mapping[str, str]]] = {
    "ethnicity": (msg("民族", "ethnicity"), codes.ETHNICITY),
    "resident_type": (msg("常住类型", "resident type"), codes.RESIDENT_TYPE),
    "blood_abo": (msg("ABO 血型", "ABO blood group"), codes.BLOOD_ABO),
    "blood_rh": (msg("Rh 血型", "Rh blood group"), codes.BLOOD_RH),
    "education": (msg("文化程度", "education"), codes.EDUCATION),
    "occupation": (msg("职业", "occupation"), codes.OCCUPATION),
    "marital_status": (msg("婚姻状况", "marital status"), codes.MARITAL_STATUS),
    "kitchen_exhaust": (msg("厨房排风设施", "kitchen exhaust"), codes.KITCHEN_EXHAUST),
    "fuel": (msg("燃料类型", "fuel"), codes.FUEL),
    "water": (msg("饮水", "drinking water"), codes.WATER),
    "toilet": (msg("厕所", "toilet"), codes.TOILET),
    "livestock_pen": (msg("禽畜栏", "livestock pen"), codes.LIVESTOCK_PEN),
}
# Multi-choice answers; code "1" (无) excludes the others where the table has it.
_MULTI_CODES: Mapping[str, tuple[Text, Mapping[str, str], bool]] = {
    "payment_methods": (msg("医疗费用支付方式", "payment of medical costs"), codes.PAYMENT_METHOD, False),
    "drug_allergies": (msg("药物过敏史", "drug allergies"), codes.DRUG_ALLERGY, True),
    "exposures": (msg("暴露史", "exposures"), codes.EXPOSURE, True),
    "family_history_father": (msg("家族史（父亲）", "family history (father)"), codes.FAMILY_HISTORY, True),
    "family_history_mother": (msg("家族史（母亲）", "family history (mother)"), codes.FAMILY_HISTORY, True),
    "family_history_siblings": (msg("家族史（兄弟姐妹）", "family history (siblings)"), codes.FAMILY_HISTORY, True),
    "family_history_children": (msg("家族史（子女）", "family history (children)"), codes.FAMILY_HISTORY, True),
    "disabilities": (msg("残疾情况", "disabilities"), codes.DISABILITY, True),
    "relief_statuses": (msg("帮扶类别", "assistance category"), codes.RELIEF_STATUS, False),
}
_PHONES: Mapping[str, Text] = {
    "phone": msg("本人电话", "Resident's phone"),
    "contact_phone": msg("联系人电话", "Contact's phone"),
}
# Free text, with its label and the width of its column.
_FREE_TEXT: Mapping[str, tuple[Text, int]] = {
    "contact_name": (msg("联系人姓名", "contact person's name"), 50),
    "workplace": (msg("工作单位", "workplace"), 100),
    "payment_other": (msg("其他医疗费用支付方式", "other payment of medical costs"), 50),
    "drug_allergy_other": (msg("其他药物过敏", "other drug allergy"), 100),
    "genetic_disease": (msg("遗传病史", "hereditary disease"), 100),
    "disability_other": (msg("其他残疾", "other disability"), 100),
}
_SEX = msg("性别", "sex")
_BIRTH_DATE = msg("出生日期", "birth date")
#: Width of the id_number column (documents other than GB 11643 numbers are kept as typed).
MAX_DOCUMENT_NUMBER = 30
#: Form fields that are not columns of Resident.
NOT_COLUMNS = {"confirm_mismatch"}
#: The record cover: columns whose empty value means a default (see ResidentInput).
COVER_FIELDS = {"registered_on", "registered_by_id", "responsible_doctor_id"}


@dataclass(frozen=True)
class CheckedIdentity:
    """Who the form identifies: the normalised number, and sex and birth date (typed or derived)."""

    id_number: str | None
    sex: int
    birth_date: date
    #: Mismatches with the ID number the user confirmed.
    warnings: tuple[Text, ...]


def check_identity(data: ResidentInput, today: date) -> CheckedIdentity:
    """ID type and number, sex and birth date of the form (see the module docstring)."""
    if data.id_type not in codes.ID_TYPE:
        raise ValidationError(
            msg(
                "证件类型“{code}”不存在，应为 01（居民身份证）等国家代码。",
                "There is no document type “{code}”: use a national code such as 01 (resident identity card).",
                code=data.id_type,
            ),
            field="id_type",
        )
    raw = (data.id_number or "").strip()
    warnings: tuple[Text, ...] = ()
    sex, birth = data.sex, data.birth_date
    number: str | None = None
    if raw and data.id_type in codes.GB11643_ID_TYPES:
        parsed = parse_id_number(raw, today=today)
        number = parsed.number
        mismatches = check_consistency(parsed, birth_date=birth, sex=sex)
        if mismatches and not data.confirm_mismatch:
            raise ValidationError(
                msg(
                    "填写的信息与身份证号不一致：{mismatches}。请核对；如确认填写无误，请勾选“确认与身份证号不一致”后再保存。",
                    "What was entered does not match the ID number: {mismatches}. Please check it; if it is "
                    "right, tick “confirm the mismatch with the ID number” and save again.",
                    mismatches=joined([m.message for m in mismatches], "；", "; "),
                ),
                field=mismatches[0].field,
            )
        warnings = tuple(m.message for m in mismatches)
        sex = parsed.sex if sex is None else sex
        birth = parsed.birth_date if birth is None else birth
    elif raw:
        refuse_control_characters(raw, label=msg("证件号码", "document number"), field="id_number")
        number = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
        if len(number) > MAX_DOCUMENT_NUMBER:
            raise ValidationError(
                msg(
                    "证件号码太长：最多 {limit} 个字符，实际为 {length} 个。",
                    "The document number is too long: at most {limit} characters, not {length}.",
                    limit=MAX_DOCUMENT_NUMBER,
                    length=len(number),
                ),
                field="id_number",
            )
    if sex is None or birth is None:
        missing = [label for label, value in ((_SEX, sex), (_BIRTH_DATE, birth)) if value is None]
        raise ValidationError(
            msg(
                "没有可识别的身份证号码时必须填写{missing}。",
                "Without an ID number that can be read, the {missing} must be filled in.",
                missing=joined(missing, "、", " and "),
            ),
            field="sex" if sex is None else "birth_date",
        )
    if sex not in codes.SEX_CODES:
        raise ValidationError(
            msg(
                "性别代码应为 0（未知）、1（男）、2（女）或 9（未说明），实际为 {sex}。",
                "The sex code is 0 (unknown), 1 (male), 2 (female) or 9 (unstated), not {sex}.",
                sex=sex,
            ),
            field="sex",
        )
    if not MIN_BIRTH_DATE <= birth <= today:
        raise ValidationError(
            msg(
                "出生日期 {birth} 不合理：应在 {year} 年之后、今天（{today}）之前。",
                "The birth date {birth} is not plausible: it should be after {year} and no later than today ({today}).",
                birth=birth.isoformat(),
                year=MIN_BIRTH_DATE.year,
                today=today.isoformat(),
            ),
            field="birth_date",
        )
    return CheckedIdentity(number, sex, birth, warnings)


def check_codes(data: ResidentInput) -> dict[str, object]:
    """Checked, normalised coded answers and phone numbers, by column name."""
    values: dict[str, object] = {}
    for name, (label, table) in _SINGLE_CODES.items():
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) and value.strip() else None
        if value is not None and value not in table:
            raise _unknown_code(label, value, table, name)
        values[name] = value
    for name, (label, table, exclusive) in _MULTI_CODES.items():
        chosen = tuple(dict.fromkeys(str(c).strip() for c in getattr(data, name) if str(c).strip()))
        bad = [c for c in chosen if c not in table]
        if bad:
            raise _unknown_code(label, bad[0], table, name)
        if exclusive and "1" in chosen and len(chosen) > 1:
            raise ValidationError(
                msg(
                    "{label}选了“{none}”就不能再选其他项。",
                    "When “{none}” (none) is chosen for {label}, nothing else may be chosen.",
                    label=label,
                    none=table["1"],
                ),
                field=name,
            )
        values[name] = chosen
    for name, label in _PHONES.items():
        value = getattr(data, name)
        try:
            values[name] = normalise_phone(value) if value and value.strip() else None
        except ValidationError as exc:
            raise ValidationError(
                msg("{label}：{error}", "{label}: {error}", label=label, error=exc.text), field=name
            ) from None
    return values


def check_free_text(data: ResidentInput) -> dict[str, str | None]:
    """The form's free-text answers as stored (trimmed, None when empty), by column name."""
    return {
        name: clean_text(getattr(data, name), label=label, field=name, max_length=width)
        for name, (label, width) in _FREE_TEXT.items()
    }


def _unknown_code(label: Text, value: str, table: Mapping[str, str], field: str) -> ValidationError:
    return ValidationError(
        msg(
            "{label}代码“{value}”不存在，应为：{choices}。",
            "There is no {label} code “{value}”; use one of: {choices}.",
            label=label,
            value=value,
            choices=code_choices(table),
        ),
        field=field,
    )


def code_choices(table: Mapping[str, str]) -> Text:
    """“01 汉族、02 蒙古族…”: a code table as listed in messages."""
    items = [f"{k} {v}" for k, v in table.items()]
    return Text("、".join(items), ", ".join(items))


def joined(parts: Sequence[Text], zh_separator: str, en_separator: str) -> Text:
    """Messages one after the other, with a separator for each language."""
    params = {f"part{i}": part for i, part in enumerate(parts)}
    return Text(
        zh_separator.join(f"{{{key}}}" for key in params),
        en_separator.join(f"{{{key}}}" for key in params),
        MappingProxyType(params),
    )
