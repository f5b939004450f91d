"""Input rules for phone numbers, names, free text and measurements.

Each ``normalise_*`` / ``check_*`` function returns the canonical value or raises
:class:`~fdclient.errors.ValidationError` with a message (Chinese and English, see
:mod:`fdclient.text`) that says what is wrong and what was expected. Messages about a
phone number say what is wrong with it without repeating it. ID numbers live in
:mod:`fdclient.domain.identity`.

Free text (``clean_text``)
    Addresses, workplaces, reasons and the like: whitespace at either end is dropped and,
    in single-line text, runs of whitespace inside become one space. Control characters
    (C0, C1, DEL), invisible format characters (bidirectional overrides, zero-width
    spaces, ...), surrogates and line or paragraph separators are refused with their
    position (multi-line text, such as a reason, may hold line breaks and tabs), and so is
    text longer than its column. Names and phone numbers refuse the same characters.

Phone numbers (``normalise_phone``)
    * Mobile: 11 digits ``1[3-9]xxxxxxxxx``, optionally after ``+86`` / ``0086`` / ``86``;
      canonical form is the 11 digits, e.g. ``13800138000``.
    * Landline: area code + local number. Chinese area codes start with 0; 010 and 020-029
      have 3 digits, all others 4, which is how a number typed without a separator is split.
      When the user typed a separator, the area code is taken as typed (3 or 4 digits
      starting with 0). The local number has 7 or 8 digits and does not start with 0.
      An extension may follow as ``转123``, ``分机123``, ``ext 123`` or ``-123``.
      Canonical form: ``0791-88123456`` or ``0791-88123456转123``.
    * A 7-8 digit local number without area code is rejected: the record is read in other
      towns (county server, printed cards) where it cannot be dialled.

Names (``normalise_name``)
    Chinese names: 1-25 characters of CJK ideographs (all extensions, and 〇) with the
    middle dot ``·`` (U+00B7) between parts, as in 买买提·艾力. Look-alike dots (• ‧ ・ ∙ ⋅,
    a full-width or ASCII full stop, 。) become ``·``; spaces are removed. The dot must stand
    between two ideographs: not first, not last, never doubled.
    Foreign names: Latin letters (accents allowed), single spaces, hyphens and apostrophes,
    up to 50 characters (the column's width), starting and ending with a letter.

Measurements (``MEASUREMENTS``, ``check_measurement``)
    One table of plausible ranges (not clinical targets: those are in
    :mod:`fdclient.domain.followup_rules`). A value outside its range is almost always a
    typing error, so it is rejected with the range in the message.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from fdclient.errors import ValidationError
from fdclient.text import Text, msg

__all__ = [
    "MAX_DATE",
    "MEASUREMENTS",
    "MIN_DATE",
    "NAME_DOT",
    "MeasurementRange",
    "bmi",
    "check_blood_pressure",
    "check_date_in_life",
    "check_measurement",
    "clean_text",
    "normalise_name",
    "normalise_phone",
    "phone_digits",
    "refuse_control_characters",
    "required_text",
    "shown_character",
]

#: Dates the program accepts anywhere (command-line options, forms): far enough back for
#: the oldest birth dates, far enough ahead for any contract term, and safely inside the
#: range where date arithmetic (a term's end, an age) cannot overflow.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2099, 12, 31)

# --- free text --------------------------------------------------------------------------

#: Unicode categories refused in anything typed: control (Cc), format (Cf: bidirectional
#: overrides, zero-width characters), surrogates (Cs), line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_LINE_BREAKS_AND_TABS = "\n\r\t"


def shown_character(ch: str) -> str:
    """``ch`` as quoted in a message: itself, or ``U+0009`` when it cannot be seen."""
    return ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


def refuse_control_characters(text: str, *, label: Text, field: str, multiline: bool = False) -> None:
    """A ValidationError naming the position of the first control or invisible format
    character in ``text`` (described as ``label``), if there is one. ``multiline`` text may
    hold line breaks and tabs."""
    allowed = _LINE_BREAKS_AND_TABS if multiline else ""
    for position, ch in enumerate(text, start=1):
        if unicodedata.category(ch) in _REFUSED_CATEGORIES and ch not in allowed:
            raise ValidationError(
                msg(
                    "{label}的第 {position} 个字符是不可见的控制字符（U+{code}），请删除后重新填写。",
                    "The {label} has an invisible control character (U+{code}) at position {position}: "
                    "delete it and type the text again.",
                    label=label,
                    position=position,
                    code=f"{ord(ch):04X}",
                ),
                field=field,
            )


def clean_text(text: str | None, *, label: Text, field: str, max_length: int, multiline: bool = False) -> str | None:
    """Free text as stored (see the module docstring), None when empty. ``multiline`` text
    (a reason, a note) keeps its line breaks and tabs; other text has its whitespace runs
    made one space."""
    cleaned = (text or "").strip()
    refuse_control_characters(cleaned, label=label, field=field, multiline=multiline)
    if not multiline:
        cleaned = " ".join(cleaned.split())
    if len(cleaned) > max_length:
        raise ValidationError(
            msg(
                "{label}太长：最多 {limit} 个字，实际为 {length} 个。",
                "The {label} is too long: at most {limit} characters, not {length}.",
                label=label,
                limit=max_length,
                length=len(cleaned),
            ),
            field=field,
        )
    return cleaned or None


def required_text(text: str | None, *, label: Text, field: str, max_length: int, multiline: bool = False) -> str:
    """Free text that must be filled in (see :func:`clean_text`)."""
    cleaned = clean_text(text, label=label, field=field, max_length=max_length, multiline=multiline)
    if cleaned is None:
        raise ValidationError(msg("请填写{label}。", "Please fill in the {label}.", label=label), field=field)
    return cleaned


def check_date_in_life(day: date, *, label: Text, field: str, birth_date: date, today: date) -> date:
    """A date of a person's record (a diagnosis, the file's making): from birth to today."""
    if birth_date <= day <= today:
        return day
    if day > today:
        text = msg(
            "{label} {day} 晚于今天（{today}），请核对。",
            "The {label} {day} is after today ({today}): please check it.",
            label=label,
            day=day.isoformat(),
            today=today.isoformat(),
        )
    else:
        text = msg(
            "{label} {day} 早于出生日期 {birth}，请核对。",
            "The {label} {day} is before the birth date {birth}: please check it.",
            label=label,
            day=day.isoformat(),
            birth=birth_date.isoformat(),
        )
    raise ValidationError(text, field=field)


# --- phone numbers ----------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_LOCAL = re.compile(r"[1-9][0-9]{6,7}", re.ASCII)
_AREA = re.compile(r"0[0-9]{2,3}", re.ASCII)
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*([0-9]{1,6})$", re.IGNORECASE | re.ASCII)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\ufe63]")
_PHONE_CHARS = re.compile(r"[0-9+\-]*", re.ASCII)
_PHONE = msg("电话号码", "phone number")
_WRONG_SHAPE = msg(
    "电话号码格式不对：手机号码应为 1 开头的 11 位数字，固定电话应为区号加 7 或 8 位号码，如 0791-88123456",
    "The phone number has the wrong form: a mobile number has 11 digits starting with 1, a landline "
    "an area code and 7 or 8 digits, such as 0791-88123456",
)


def _phone_error(text: Text) -> ValidationError:
    return ValidationError(text, field="phone")


def normalise_phone(text: str) -> str:
    """Return a mobile number as 11 digits, a landline as ``0791-88123456[转123]``."""
    refuse_control_characters(text, label=_PHONE, field="phone")
    s = _DASHES.sub("-", unicodedata.normalize("NFKC", text)).strip()
    if not s:
        raise _phone_error(msg("请填写电话号码", "Please enter a phone number"))
    extension = None
    match = _EXTENSION.search(s)
    if match:
        extension = match.group(1)
        s = s[: match.start()].rstrip(" -")
    s = re.sub(r"[\s()]", "", s)
    if not _PHONE_CHARS.fullmatch(s):
        bad = next(ch for ch in s if not _PHONE_CHARS.fullmatch(ch))
        raise _phone_error(
            msg(
                "电话号码含有无法识别的字符“{char}”，只能填写数字（可带区号、分机号）",
                "The phone number has a character that cannot be used, “{char}”: use digits only "
                "(with the area code and an extension if needed)",
                char=shown_character(bad),
            )
        )
    international = s.startswith("+86") or s.startswith("0086")
    s = s.removeprefix("+86").removeprefix("0086").lstrip("-")
    digits = s.replace("-", "")
    if digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        if extension:
            raise _phone_error(
                msg(
                    "手机号码不应带分机号，请只填写 11 位手机号码",
                    "A mobile number has no extension: enter the 11 digits only",
                )
            )
        return digits
    if international and not s.startswith("0"):
        s = "0" + s  # +86 791 88123456: the trunk 0 of the area code is dropped abroad
    groups = [g for g in s.split("-") if g]
    if not groups:
        raise _phone_error(msg("请填写电话号码", "Please enter a phone number"))
    if len(groups) == 1:
        return _split_landline(groups[0], extension)
    area, rest = groups[0], groups[1:]
    if not _AREA.fullmatch(area):
        if _LOCAL.fullmatch("".join(groups)):
            raise _no_area_code()
        raise _phone_error(
            msg(
                "电话号码格式不对：区号应为以 0 开头的 3 或 4 位数字，手机号码应为 1 开头的 11 位数字",
                "The phone number has the wrong form: an area code has 3 or 4 digits starting with 0, "
                "a mobile number 11 digits starting with 1",
            )
        )
    local = "".join(rest)
    if not _LOCAL.fullmatch(local) and len(rest) >= 2 and extension is None:
        local, extension = "".join(rest[:-1]), rest[-1]
    return _landline(area, local, extension)


def phone_digits(text: str) -> str:
    """Only the ASCII digits of *text* (after NFKC), for a search index; no validation."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if "0" <= ch <= "9")


def _split_landline(digits: str, extension: str | None) -> str:
    if not digits.startswith("0"):
        if _LOCAL.fullmatch(digits):
            raise _no_area_code()
        raise _phone_error(_WRONG_SHAPE)
    area_len = 3 if digits[1] in "12" else 4  # 010, 020-029; all other area codes: 4
    return _landline(digits[:area_len], digits[area_len:], extension)


def _landline(area: str, local: str, extension: str | None) -> str:
    if not _LOCAL.fullmatch(local):
        raise _phone_error(
            msg(
                "固定电话格式不对：区号 {area} 后应为 7 或 8 位号码（不以 0 开头），实际为 {length} 位",
                "The landline number has the wrong form: after the area code {area} come 7 or 8 digits "
                "(not starting with 0), not {length}",
                area=area,
                length=len(local),
            )
        )
    if extension is not None and not re.fullmatch(r"[0-9]{1,6}", extension, re.ASCII):
        raise _phone_error(
            msg("固定电话的分机号应为 1 到 6 位数字", "The extension of a landline number has 1 to 6 digits")
        )
    return f"{area}-{local}" + (f"转{extension}" if extension else "")


def _no_area_code() -> ValidationError:
    return _phone_error(
        msg(
            "固定电话缺少区号，请加上区号，如 0791-88123456",
            "The landline number has no area code: add it, as in 0791-88123456",
        )
    )


# --- names ----------------------------------------------------------------------------

NAME_DOT = "\u00b7"
_MAX_CJK_NAME = 25
#: Also the width of the name columns: no name may be longer.
_MAX_LATIN_NAME = 50
_NAME = msg("姓名", "name")
# Look-alikes of the middle dot, mapped wherever they occur.
_DOT_LIKE = re.compile("[\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\ua78f\u2e31]")
# Full stops typed instead of the dot (。 comes from Chinese input methods).
_STOP_LIKE = re.compile("[.\u3002\uff61]")


def _is_cjk(ch: str) -> bool:
    if ch == "〇":
        return True
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def _is_latin_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


def _name_error(text: Text) -> ValidationError:
    return ValidationError(text, field="name")


def normalise_name(text: str) -> str:
    """Return the canonical form of a person's name (see the module docstring).

    Messages quote the name as typed, once it is known to be no longer than the column."""
    s = unicodedata.normalize("NFKC", text).strip()
    refuse_control_characters(s, label=_NAME, field="name")
    s = re.sub(r"\s+", " ", s)
    if not s:
        raise _name_error(msg("请填写姓名", "Please enter the name"))
    if len(s) > _MAX_LATIN_NAME:
        raise _name_error(
            msg(
                "姓名太长：最多 {limit} 个字（汉字姓名最多 {cjk} 个字，含分隔点），实际为 {length} 个",
                "The name is too long: at most {limit} characters (a Chinese name at most {cjk}, "
                "dots included), not {length}",
                limit=_MAX_LATIN_NAME,
                cjk=_MAX_CJK_NAME,
                length=len(s),
            )
        )
    if any(ch.isdigit() for ch in s):
        raise _name_error(msg("姓名“{name}”中不能有数字", "The name “{name}” may not contain digits", name=s))
    if any(_is_cjk(ch) for ch in s):
        return _chinese_name(s)
    if any(_is_latin_letter(ch) for ch in s):
        return _latin_name(s)
    raise _name_error(
        msg(
            "姓名“{name}”无法识别：应为汉字姓名（少数民族姓名用“·”分隔），或外籍人员的拉丁字母姓名",
            "The name “{name}” cannot be read: write a name in Chinese characters (parts of a minority "
            "name separated by “·”), or a foreigner's name in Latin letters",
            name=s,
        )
    )


def _chinese_name(typed: str) -> str:
    s = _DOT_LIKE.sub(NAME_DOT, typed).replace(" ", "")
    # A full stop in a Chinese name can only be meant as the separator: map it, then the
    # position rules below reject it unless it stands between two ideographs.
    s = _STOP_LIKE.sub(NAME_DOT, s)
    if len(s) > _MAX_CJK_NAME:
        raise _name_error(
            msg(
                "姓名太长：汉字姓名最多 {limit} 个字（含分隔点），实际为 {length} 个",
                "The name is too long: a Chinese name has at most {limit} characters (dots included), not {length}",
                limit=_MAX_CJK_NAME,
                length=len(s),
            )
        )
    bad = [ch for ch in s if not (_is_cjk(ch) or ch == NAME_DOT)]
    if bad:
        if any(_is_latin_letter(ch) for ch in bad):
            raise _name_error(
                msg(
                    "姓名“{name}”中汉字和字母混用，请只用汉字（外籍人员可只用字母）",
                    "The name “{name}” mixes Chinese characters and letters: use Chinese characters only "
                    "(or, for a foreigner, letters only)",
                    name=typed,
                )
            )
        raise _name_error(
            msg(
                "姓名“{name}”中有不允许的符号“{char}”：汉字姓名只能包含汉字和分隔点“·”",
                "The name “{name}” has a character that is not allowed, “{char}”: a Chinese name has only "
                "Chinese characters and the dot “·”",
                name=typed,
                char=shown_character(bad[0]),
            )
        )
    if s.startswith(NAME_DOT) or s.endswith(NAME_DOT):
        raise _name_error(
            msg(
                "姓名“{name}”的分隔点“·”不能在开头或结尾，只能在两个字之间",
                "In the name “{name}” the dot “·” cannot come first or last, only between two characters",
                name=typed,
            )
        )
    if NAME_DOT * 2 in s:
        raise _name_error(
            msg(
                "姓名“{name}”中分隔点“·”重复了，两个字之间只能有一个",
                "The name “{name}” has the dot “·” twice in a row: only one may stand between two characters",
                name=typed,
            )
        )
    return s


def _latin_name(typed: str) -> str:
    s = typed.replace("\u2019", "'").replace("\u2018", "'")
    bad = [ch for ch in s if not (_is_latin_letter(ch) or ch in " -'")]
    if bad:
        raise _name_error(
            msg(
                "姓名“{name}”中有不允许的符号“{char}”：外文姓名只能包含字母、空格、连字符和撇号",
                "The name “{name}” has a character that is not allowed, “{char}”: a foreign name has only "
                "letters, spaces, hyphens and apostrophes",
                name=typed,
                char=shown_character(bad[0]),
            )
        )
    if not (_is_latin_letter(s[0]) and _is_latin_letter(s[-1])):
        raise _name_error(
            msg("姓名“{name}”应以字母开头和结尾", "The name “{name}” must start and end with a letter", name=typed)
        )
    if re.search(r"[ \-']{2,}", s):
        raise _name_error(
            msg(
                "姓名“{name}”中空格、连字符或撇号连在一起了，请核对",
                "The name “{name}” has spaces, hyphens or apostrophes next to each other: please check it",
                name=typed,
            )
        )
    return s


# --- measurements ---------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementRange:
    """The plausible range of one measurement (both bounds inclusive)."""

    name: str
    label: str
    label_en: str
    unit: str
    minimum: float
    maximum: float
    #: Decimals shown in messages; 0 also means the value must be a whole number.
    decimals: int = 1
    #: The unit in English messages, when it is not written the same way.
    unit_en: str | None = None

    @property
    def title(self) -> Text:
        """The measurement's name in messages."""
        return msg(self.label, self.label_en)

    @property
    def unit_text(self) -> Text:
        return msg(self.unit, self.unit_en or self.unit)

    def with_unit(self, text: str) -> Text:
        """*text* followed by the unit as written in messages (``120 mmHg``, ``6.5%``)."""
        if self.unit == "%":
            return msg("{value}%", "{value}%", value=text)
        return msg("{value} {unit}", "{value} {unit}", value=text, unit=self.unit_text)

    @property
    def range_text(self) -> Text:
        """The range as shown in messages, e.g. ``60–260 mmHg``, ``1.0–35.0 mmol/L``."""
        low = f"{self.minimum:.{self.decimals}f}"
        high = f"{self.maximum:.{self.decimals}f}"
        return self.with_unit(f"{low}–{high}")


def _ranges(*items: MeasurementRange) -> MappingProxyType[str, MeasurementRange]:
    return MappingProxyType({item.name: item for item in items})


#: Every plausible range, by name. Change a range here and nowhere else.
MEASUREMENTS = _ranges(
    MeasurementRange("systolic", "收缩压", "systolic pressure", "mmHg", 60, 260, 0),
    MeasurementRange("diastolic", "舒张压", "diastolic pressure", "mmHg", 30, 160, 0),
    MeasurementRange("heart_rate", "心率", "heart rate", "次/分钟", 30, 200, 0, unit_en="beats/min"),
    MeasurementRange("fasting_glucose", "空腹血糖", "fasting glucose", "mmol/L", 1.0, 35.0),
    MeasurementRange("random_glucose", "随机血糖", "random glucose", "mmol/L", 1.0, 40.0),
    MeasurementRange("hba1c", "糖化血红蛋白", "HbA1c", "%", 3.0, 20.0),
    MeasurementRange("weight", "体重", "weight", "kg", 0.5, 300.0),
    MeasurementRange("height", "身高", "height", "cm", 30.0, 250.0),
    # BMI is computed (see bmi()); this range catches an implausible weight/height pair.
    MeasurementRange("bmi", "体质指数", "body-mass index", "kg/m²", 5.0, 150.0),
    MeasurementRange("waist", "腰围", "waist", "cm", 30.0, 200.0),
    MeasurementRange("temperature", "体温", "temperature", "°C", 34.0, 43.0),
)


def check_measurement(name: str, value: float | int | str | Decimal) -> float:
    """Check *value* (a number or the text typed in a form) against ``MEASUREMENTS[name]``.

    Returns the value as a float. A KeyError for an unknown *name* is a programming error.
    """
    spec = MEASUREMENTS[name]
    number = _to_number(spec, value)
    if spec.decimals == 0 and number != int(number):
        raise ValidationError(
            msg(
                "{label}应为整数（单位 {unit}），实际为 {value}",
                "The {label} must be a whole number (in {unit}), not {value}",
                label=spec.title,
                unit=spec.unit_text,
                value=f"{number:g}",
            ),
            field=name,
        )
    if not spec.minimum <= number <= spec.maximum:
        raise ValidationError(
            msg(
                "{label} {value} 超出合理范围（{range}），请核对",
                "The {label} {value} is outside the plausible range ({range}): please check it",
                label=spec.title,
                value=spec.with_unit(f"{number:g}"),
                range=spec.range_text,
            ),
            field=name,
        )
    return number


def check_blood_pressure(systolic: float | int | str, diastolic: float | int | str) -> tuple[int, int]:
    """Check both readings and that the systolic exceeds the diastolic; return integers."""
    high = int(check_measurement("systolic", systolic))
    low = int(check_measurement("diastolic", diastolic))
    if high <= low:
        raise ValidationError(
            msg(
                "收缩压（{high} mmHg）应高于舒张压（{low} mmHg），请核对是否填反",
                "The systolic pressure ({high} mmHg) must be higher than the diastolic ({low} mmHg): "
                "check whether they were swapped",
                high=high,
                low=low,
            ),
            field="systolic",
        )
    return high, low


def bmi(weight_kg: float | int | str, height_cm: float | int | str) -> float:
    """Body-mass index kg/m², rounded to 1 decimal, from a checked weight and height."""
    weight = check_measurement("weight", weight_kg)
    height = check_measurement("height", height_cm)
    value = round(weight / (height / 100) ** 2, 1)
    spec = MEASUREMENTS["bmi"]
    if not spec.minimum <= value <= spec.maximum:
        raise ValidationError(
            msg(
                "按体重 {weight} kg、身高 {height} cm 算出的体质指数为 {value}，超出合理范围（{range}），请核对体重和身高",
                "A weight of {weight} kg and a height of {height} cm give a body-mass index of {value}, "
                "outside the plausible range ({range}): please check the weight and height",
                weight=f"{weight:g}",
                height=f"{height:g}",
                value=f"{value:g}",
                range=spec.range_text,
            ),
            field="weight",
        )
    return value


def _not_a_number(spec: MeasurementRange, value: object) -> ValidationError:
    return ValidationError(
        msg(
            "{label}应为数字（单位 {unit}），实际为“{value}”",
            "The {label} must be a number (in {unit}), not “{value}”",
            label=spec.title,
            unit=spec.unit_text,
            value=value,
        ),
        field=spec.name,
    )


def _to_number(spec: MeasurementRange, value: float | int | str | Decimal) -> float:
    if isinstance(value, bool):
        raise TypeError(f"{spec.name}: a bool is not a measurement")
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            raise ValidationError(msg("请填写{label}", "Please enter the {label}", label=spec.title), field=spec.name)
        refuse_control_characters(text, label=spec.title, field=spec.name)
        try:
            number = float(text)
        except ValueError:
            raise _not_a_number(spec, text) from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise _not_a_number(spec, value)
    return number
