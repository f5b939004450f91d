"""Input rules for phone numbers, names and measurements.

Each ``normalise_*`` / ``check_*`` function returns the canonical value or raises
:class:`~fdclient.errors.ValidationError` with a Chinese message that says what is wrong and
what was expected. ID numbers live in :mod:`fdclient.domain.identity`.

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
    up to 50 characters, starting and ending with a letter.

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
from decimal import Decimal
from types import MappingProxyType

from fdclient.errors import ValidationError

__all__ = [
    "MEASUREMENTS",
    "NAME_DOT",
    "MeasurementRange",
    "bmi",
    "check_blood_pressure",
    "check_measurement",
    "normalise_name",
    "normalise_phone",
    "phone_digits",
]

# --- phone numbers ----------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_LOCAL = re.compile(r"[1-9][0-9]{6,7}", re.ASCII)
_AREA = re.compile(r"0[0-9]{2,3}", re.ASCII)
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*([0-9]{1,6})$", re.IGNORECASE | re.ASCII)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\ufe63]")
_PHONE_CHARS = re.compile(r"[0-9+\-]*", re.ASCII)


def normalise_phone(text: str) -> str:
    """Return a mobile number as 11 digits, a landline as ``0791-88123456[转123]``."""
    raw = text
    s = _DASHES.sub("-", unicodedata.normalize("NFKC", text)).strip()
    if not s:
        raise ValidationError("请填写电话号码", field="phone")
    extension = None
    match = _EXTENSION.search(s)
    if match:
        extension = match.group(1)
        s = s[: match.start()].rstrip(" -")
    s = re.sub(r"[\s()]", "", s)
    if not _PHONE_CHARS.fullmatch(s):
        raise ValidationError(
            f"电话号码“{raw}”含有无法识别的字符，只能填写数字（可带区号、分机号）",
            field="phone",
        )
    international = s.startswith("+86") or s.startswith("0086")
    s = s.removeprefix("+86").removeprefix("0086").lstrip("-")
    digits = s.replace("-", "")
    if digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        if extension:
            raise ValidationError(f"手机号码“{raw}”不应带分机号，请只填写 11 位手机号码", field="phone")
        return digits
    if international and not s.startswith("0"):
        s = "0" + s  # +86 791 88123456: the trunk 0 of the area code is dropped abroad
    groups = [g for g in s.split("-") if g]
    if not groups:
        raise ValidationError("请填写电话号码", field="phone")
    if len(groups) == 1:
        return _split_landline(raw, groups[0], extension)
    area, rest = groups[0], groups[1:]
    if not _AREA.fullmatch(area):
        if _LOCAL.fullmatch("".join(groups)):
            _no_area_code(raw)
        raise ValidationError(
            f"电话号码“{raw}”格式不对：区号应为以 0 开头的 3 或 4 位数字，手机号码应为 1 开头的 11 位数字",
            field="phone",
        )
    local = "".join(rest)
    if not _LOCAL.fullmatch(local) and len(rest) >= 2 and extension is None:
        local, extension = "".join(rest[:-1]), rest[-1]
    return _landline(raw, area, local, extension)


def phone_digits(text: str) -> str:
    """Only the ASCII digits of *text* (after NFKC), for a search index; no validation."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if "0" <= ch <= "9")


def _split_landline(raw: str, digits: str, extension: str | None) -> str:
    if not digits.startswith("0"):
        if _LOCAL.fullmatch(digits):
            _no_area_code(raw)
        raise ValidationError(
            f"电话号码“{raw}”格式不对：手机号码应为 1 开头的 11 位数字，"
            "固定电话应为区号加 7 或 8 位号码，如 0791-88123456",
            field="phone",
        )
    area_len = 3 if digits[1] in "12" else 4  # 010, 020-029; all other area codes: 4
    return _landline(raw, digits[:area_len], digits[area_len:], extension)


def _landline(raw: str, area: str, local: str, extension: str | None) -> str:
    if not _LOCAL.fullmatch(local):
        raise ValidationError(
            f"固定电话“{raw}”格式不对：区号 {area} 后应为 7 或 8 位号码（不以 0 开头），实际为“{local}”",
            field="phone",
        )
    if extension is not None and not re.fullmatch(r"[0-9]{1,6}", extension, re.ASCII):
        raise ValidationError(f"固定电话“{raw}”的分机号应为 1 到 6 位数字，实际为“{extension}”", field="phone")
    return f"{area}-{local}" + (f"转{extension}" if extension else "")


def _no_area_code(raw: str) -> None:
    raise ValidationError(f"固定电话“{raw}”缺少区号，请加上区号，如 0791-88123456", field="phone")


# --- names ----------------------------------------------------------------------------

NAME_DOT = "\u00b7"
_MAX_CJK_NAME = 25
_MAX_LATIN_NAME = 50
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


def normalise_name(text: str) -> str:
    """Return the canonical form of a person's name (see the module docstring)."""
    raw = text
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"\s+", " ", s)
    if not s:
        raise ValidationError("请填写姓名", field="name")
    if any(ch.isdigit() for ch in s):
        raise ValidationError(f"姓名“{raw}”中不能有数字", field="name")
    if any(_is_cjk(ch) for ch in s):
        return _chinese_name(raw, s)
    if any(_is_latin_letter(ch) for ch in s):
        return _latin_name(raw, s)
    raise ValidationError(
        f"姓名“{raw}”无法识别：应为汉字姓名（少数民族姓名用“·”分隔），或外籍人员的拉丁字母姓名",
        field="name",
    )


def _chinese_name(raw: str, s: str) -> str:
    s = _DOT_LIKE.sub(NAME_DOT, s).replace(" ", "")
    # A full stop in a Chinese name can only be meant as the separator: map it, then the
    # position rules below reject it unless it stands between two ideographs.
    s = _STOP_LIKE.sub(NAME_DOT, s)
    bad = [ch for ch in s if not (_is_cjk(ch) or ch == NAME_DOT)]
    if bad:
        if any(_is_latin_letter(ch) for ch in bad):
            raise ValidationError(
                f"姓名“{raw}”中汉字和字母混用，请只用汉字（外籍人员可只用字母）",
                field="name",
            )
        raise ValidationError(
            f"姓名“{raw}”中有不允许的符号“{bad[0]}”：汉字姓名只能包含汉字和分隔点“·”",
            field="name",
        )
    if s.startswith(NAME_DOT) or s.endswith(NAME_DOT):
        raise ValidationError(f"姓名“{raw}”的分隔点“·”不能在开头或结尾，只能在两个字之间", field="name")
    if NAME_DOT * 2 in s:
        raise ValidationError(f"姓名“{raw}”中分隔点“·”重复了，两个字之间只能有一个", field="name")
    if len(s) > _MAX_CJK_NAME:
        raise ValidationError(
            f"姓名“{raw}”太长：汉字姓名最多 {_MAX_CJK_NAME} 个字（含分隔点），实际为 {len(s)} 个",
            field="name",
        )
    return s


def _latin_name(raw: str, s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    bad = [ch for ch in s if not (_is_latin_letter(ch) or ch in " -'")]
    if bad:
        raise ValidationError(
            f"姓名“{raw}”中有不允许的符号“{bad[0]}”：外文姓名只能包含字母、空格、连字符和撇号",
            field="name",
        )
    if not (_is_latin_letter(s[0]) and _is_latin_letter(s[-1])):
        raise ValidationError(f"姓名“{raw}”应以字母开头和结尾", field="name")
    if re.search(r"[ \-']{2,}", s):
        raise ValidationError(f"姓名“{raw}”中空格、连字符或撇号连在一起了，请核对", field="name")
    if len(s) > _MAX_LATIN_NAME:
        raise ValidationError(
            f"姓名“{raw}”太长：外文姓名最多 {_MAX_LATIN_NAME} 个字符，实际为 {len(s)} 个",
            field="name",
        )
    return s


# --- measurements ---------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementRange:
    """The plausible range of one measurement (both bounds inclusive)."""

    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    #: Decimals shown in messages; 0 also means the value must be a whole number.
    decimals: int = 1

    def with_unit(self, text: str) -> str:
        """*text* followed by the unit as written in messages (``120 mmHg``, ``6.5%``)."""
        return f"{text}{self.unit}" if self.unit == "%" else f"{text} {self.unit}"

    @property
    def range_text(self) -> str:
        """The range as shown in messages, e.g. ``60–260 mmHg``, ``1.0–35.0 mmol/L``."""
        low = f"{self.minimum:.{self.decimals}f}"
        high = f"{self.maximum:.{self.decimals}f}"
        return self.with_unit(f"{low}–{high}")


def _ranges(*items: MeasurementRange) -> MappingProxyType[str, MeasurementRange]:
    return MappingProxyType({item.name: item for item in items})


#: Every plausible range, by name. Change a range here and nowhere else.
MEASUREMENTS = _ranges(
    MeasurementRange("systolic", "收缩压", "mmHg", 60, 260, 0),
    MeasurementRange("diastolic", "舒张压", "mmHg", 30, 160, 0),
    MeasurementRange("heart_rate", "心率", "次/分钟", 30, 200, 0),
    MeasurementRange("fasting_glucose", "空腹血糖", "mmol/L", 1.0, 35.0),
    MeasurementRange("random_glucose", "随机血糖", "mmol/L", 1.0, 40.0),
    MeasurementRange("hba1c", "糖化血红蛋白", "%", 3.0, 20.0),
    MeasurementRange("weight", "体重", "kg", 0.5, 300.0),
    MeasurementRange("height", "身高", "cm", 30.0, 250.0),
    # BMI is computed (see bmi()); this range catches an implausible weight/height pair.
    MeasurementRange("bmi", "体质指数", "kg/m²", 5.0, 150.0),
    MeasurementRange("waist", "腰围", "cm", 30.0, 200.0),
    MeasurementRange("temperature", "体温", "°C", 34.0, 43.0),
)


def check_measurement(name: str, value: float | int | str | Decimal) -> float:
    """Check *value* (a number or the text typed in a form) against ``MEASUREMENTS[name]``.

    Returns the value as a float. A KeyError for an unknown *name* is a programming error.
    """
    spec = MEASUREMENTS[name]
    number = _to_number(spec, value)
    if spec.decimals == 0 and number != int(number):
        raise ValidationError(f"{spec.label}应为整数（单位 {spec.unit}），实际为 {number:g}", field=name)
    if not spec.minimum <= number <= spec.maximum:
        raise ValidationError(
            f"{spec.label} {spec.with_unit(f'{number:g}')} 超出合理范围（{spec.range_text}），请核对",
            field=name,
        )
    return number


def check_blood_pressure(systolic: float | int | str, diastolic: float | int | str) -> tuple[int, int]:
    """Check both readings and that the systolic exceeds the diastolic; return integers."""
    high = int(check_measurement("systolic", systolic))
    low = int(check_measurement("diastolic", diastolic))
    if high <= low:
        raise ValidationError(
            f"收缩压（{high} mmHg）应高于舒张压（{low} mmHg），请核对是否填反",
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
            f"按体重 {weight:g} kg、身高 {height:g} cm 算出的体质指数为 {value:g}，"
            f"超出合理范围（{spec.range_text}），请核对体重和身高",
            field="weight",
        )
    return value


def _to_number(spec: MeasurementRange, value: float | int | str | Decimal) -> float:
    if isinstance(value, bool):
        raise TypeError(f"{spec.name}: a bool is not a measurement")
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            raise ValidationError(f"请填写{spec.label}", field=spec.name)
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(
                f"{spec.label}应为数字（单位 {spec.unit}），实际为“{value}”", field=spec.name
            ) from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise ValidationError(f"{spec.label}应为数字（单位 {spec.unit}），实际为“{value}”", field=spec.name)
    return number
