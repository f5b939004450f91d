"""Resident ID numbers (居民身份证号码, GB 11643-1999) and the residence permits for Hong Kong,
Macau and Taiwan residents that follow the same rule.

An 18-character number is::

    6 region (GB/T 2260) | 8 birth date YYYYMMDD | 3 sequence | 1 check character

* The sequence is odd for men and even for women; the sex is returned as a GB/T 2261.1 code
  (1 male, 2 female).
* The check character is ISO 7064 MOD 11-2 over the first 17 digits (weights
  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; remainder 0..10 → ``1 0 X 9 8 7 6 5 4 3 2``).
* The region is the county where the number was *first issued*. Counties are created, merged
  and renamed, so a region code that did not exist in the birth year, or no longer exists, is
  **not** an error and is never checked against a table. (``stdnum.cn.ric.validate`` does
  check its table and would reject such numbers; this module only uses stdnum's check digit
  and birth-date helpers, never its ``validate``/``is_valid``.)
* Region 810000 / 820000 / 830000 marks a residence permit for Hong Kong / Macau / Taiwan
  residents (港澳台居民居住证), see :class:`IdKind`.
* Legacy 15-digit numbers (6 region + YYMMDD + 3 sequence, no check character, issued before
  1999 to people born in the 1900s) are converted to 18 digits by inserting ``19`` before the
  year and appending the check character; the original is kept in ``legacy_number``.

Users type lowercase ``x``, spaces, dashes and full-width digits: :func:`normalise_id_number`
turns all of those into the canonical form before anything is checked. Every rejection is a
:class:`~fdclient.errors.ValidationError` on the field ``"id_number"`` with a message
(Chinese and English) saying what is wrong and what was expected; it names the position of
a wrong character but never repeats the number. Functions that judge a birth date take
``today`` explicitly: this module does not read a clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum.cn import ric as _ric
from stdnum.exceptions import ValidationError as _StdnumError
from stdnum.util import clean as _stdnum_clean

from fdclient.domain.validation import shown_character
from fdclient.errors import ValidationError
from fdclient.text import Text, msg

__all__ = [
    "FIELD",
    "MIN_BIRTH_DATE",
    "IdKind",
    "IdNumber",
    "Mismatch",
    "check_consistency",
    "id_check_character",
    "is_valid_id_number",
    "make_id_number",
    "mask_id_number",
    "normalise_id_number",
    "parse_id_number",
]

#: Field name used in every ValidationError raised here.
FIELD = "id_number"

#: Earliest birth date accepted in an ID number.
MIN_BIRTH_DATE = date(1880, 1, 1)

_SEX_LABELS = {0: msg("未知", "unknown"), 1: msg("男", "male"), 2: msg("女", "female"), 9: msg("未说明", "unstated")}

_WHITESPACE_AND_DASHES = re.compile(r"[\s\-]+")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


class IdKind(StrEnum):
    """Which document an 18-character number belongs to, decided by its region code."""

    MAINLAND = "mainland"
    HONG_KONG = "hong_kong"
    MACAU = "macau"
    TAIWAN = "taiwan"

    @property
    def label(self) -> str:
        """Chinese name of the document."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    IdKind.MAINLAND: "居民身份证",
    IdKind.HONG_KONG: "港澳居民居住证（香港）",
    IdKind.MACAU: "港澳居民居住证（澳门）",
    IdKind.TAIWAN: "台湾居民居住证",
}

_PERMIT_REGIONS = {
    "810000": IdKind.HONG_KONG,
    "820000": IdKind.MACAU,
    "830000": IdKind.TAIWAN,
}


@dataclass(frozen=True)
class IdNumber:
    """A checked ID number and what it says about its holder."""

    #: The canonical 18-character number (digits, last one may be ``X``).
    number: str
    #: The 6-digit region (county) code where the number was first issued.
    region_code: str
    birth_date: date
    #: GB/T 2261.1 sex code: 1 male, 2 female.
    sex: int
    kind: IdKind
    #: The 15-digit number this one was converted from, else None.
    legacy_number: str | None = None

    @property
    def sequence(self) -> str:
        """The 3-digit sequence code (odd for men, even for women)."""
        return self.number[14:17]

    @property
    def check_character(self) -> str:
        return self.number[17]

    def masked(self) -> str:
        """The number as lists and printouts show it (:func:`mask_id_number`)."""
        return mask_id_number(self.number)


@dataclass(frozen=True)
class Mismatch:
    """A typed value that disagrees with what the ID number says."""

    #: ``"birth_date"`` or ``"sex"``.
    field: str
    typed: date | int
    derived: date | int
    #: For the form, e.g. ``出生日期与身份证号不一致：…``.
    message: Text


def mask_id_number(number: str | None) -> str:
    """An ID number as printed on cards and lists (issue 8): the first 6 and the last 4
    characters shown, the rest starred — ``11010519491231002X`` → ``110105********002X``.

    Takes the stored (canonical) number; a 15-digit legacy number keeps the same ends
    (6 shown, 5 stars, 4 shown). A number of 10 characters or fewer (never a valid one) is
    starred but its last 2, so nothing readable leaks. ``None`` or an
    empty value gives ``""``.
    """
    if not number:
        return ""
    text = number.strip()
    if len(text) > 10:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    return "*" * max(len(text) - 2, 0) + text[-2:]


def normalise_id_number(text: str) -> str:
    """Return *text* in canonical form, without checking it.

    NFKC (full-width digits and letters become ASCII, the ideographic space becomes a
    space), Unicode dashes become ``-``, then all whitespace and dashes are dropped and a
    lowercase ``x`` becomes ``X``. The result is idempotent:
    ``normalise_id_number(normalise_id_number(s)) == normalise_id_number(s)``.
    """
    result = text
    # Dropping characters can bring combining marks next to new bases, which NFKC would
    # then compose differently: repeat until nothing changes (at most a few rounds).
    for _ in range(8):
        step = unicodedata.normalize("NFKC", result)
        step = _stdnum_clean(step)  # maps Unicode dashes (en dash, minus sign...) to "-"
        step = _WHITESPACE_AND_DASHES.sub("", step).replace("x", "X")
        if step == result:
            break
        result = step
    return result


def _error(text: Text, field: str = FIELD) -> ValidationError:
    return ValidationError(text, field=field)


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X``) for 17 ASCII digits."""
    if len(first17) != 17:
        raise _error(
            msg(
                "计算校验位需要身份证号码的前 17 位数字，实际为 {length} 位",
                "The check character needs the first 17 digits of the ID number, not {length} characters",
                length=len(first17),
            )
        )
    if not _DIGITS.fullmatch(first17):
        position = _first_non_digit(first17)
        raise _error(
            msg(
                "计算校验位需要身份证号码的前 17 位数字，第 {position} 位是“{char}”",
                "The check character needs the first 17 digits of the ID number, but character {position} is “{char}”",
                position=position + 1,
                char=shown_character(first17[position]),
            )
        )
    # stdnum ignores the last character of its argument: pass a placeholder.
    return _ric.calc_check_digit(first17 + "0")


def make_id_number(region_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid 18-character number (used by the demo generator and tests).

    *sequence* is 0..999; odd means male, even female.
    """
    if len(region_code) != 6 or not _DIGITS.fullmatch(region_code):
        raise _error(
            msg(
                "地区代码应为 6 位数字，实际为“{code}”",
                "The region code has 6 digits, not “{code}”",
                code=region_code,
            ),
            "region_code",
        )
    if not 0 <= sequence <= 999:
        raise _error(
            msg("顺序码应在 0 到 999 之间，实际为 {n}", "The sequence is 0 to 999, not {n}", n=sequence), "sequence"
        )
    if birth_date < MIN_BIRTH_DATE:
        raise _error(
            msg(
                "出生日期 {day} 早于 {year} 年，请核对",
                "The birth date {day} is before {year}: please check it",
                day=birth_date.isoformat(),
                year=MIN_BIRTH_DATE.year,
            ),
            "birth_date",
        )
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def parse_id_number(text: str, *, today: date) -> IdNumber:
    """Normalise and check *text*; return what the number says.

    Accepts 18-character numbers and legacy 15-digit ones (converted to 18). Rejects, each
    with its own message: an empty value, a wrong length, characters other than digits (and
    a final ``X``), a birth date that does not exist, is before 1880 or after *today*, and a
    wrong check character. The region code is not checked against any table (see the
    module docstring).
    """
    number = normalise_id_number(text)
    if not number:
        raise _error(msg("请填写身份证号码", "Please enter the ID number"))
    if len(number) == 15:
        return _parse_legacy(number, today)
    if len(number) != 18:
        raise _error(
            msg(
                "身份证号码应为 18 位（旧版为 15 位），实际为 {length} 位，请核对号码",
                "An ID number has 18 characters (15 for an old one), not {length}: please check the number",
                length=len(number),
            )
        )
    if not _DIGITS.fullmatch(number[:17]):
        raise _not_a_digit(number[:17], first17=True)
    last = number[17]
    if last != "X" and not _DIGITS.fullmatch(last):
        raise _error(
            msg(
                "身份证号码最后一位只能是数字或 X，实际为“{char}”，请核对号码",
                "The last character of an ID number is a digit or X, not “{char}”: please check the number",
                char=shown_character(last),
            )
        )
    birth_date = _birth_date(number, number[6:14], today)
    expected = id_check_character(number[:17])
    if last != expected:
        raise _error(
            msg(
                "身份证号码校验位错误：最后一位应为 {expected}，实际为 {last}，请核对号码",
                "The check character of the ID number is wrong: the last character should be {expected}, "
                "not {last}; please check the number",
                expected=expected,
                last=last,
            )
        )
    return _make(number, birth_date, legacy=None)


def is_valid_id_number(text: str, *, today: date) -> bool:
    """True when :func:`parse_id_number` accepts *text*."""
    try:
        parse_id_number(text, today=today)
    except ValidationError:
        return False
    return True


def check_consistency(id_number: IdNumber, *, birth_date: date | None, sex: int | None) -> tuple[Mismatch, ...]:
    """Compare the birth date and sex typed on a form with those the ID number gives.

    ``None`` means "not typed". Sex 0 (unknown) and 9 (unstated) never disagree. Returns an
    empty tuple when everything agrees.
    """
    if sex is not None and sex not in _SEX_LABELS:
        raise _error(
            msg(
                "性别代码应为 0（未知）、1（男）、2（女）或 9（未说明），实际为 {sex}",
                "The sex code is 0 (unknown), 1 (male), 2 (female) or 9 (unstated), not {sex}",
                sex=sex,
            ),
            "sex",
        )
    found: list[Mismatch] = []
    if birth_date is not None and birth_date != id_number.birth_date:
        found.append(
            Mismatch(
                field="birth_date",
                typed=birth_date,
                derived=id_number.birth_date,
                message=msg(
                    "出生日期与身份证号不一致：填写的是 {typed}，身份证号显示 {derived}",
                    "The birth date does not match the ID number: {typed} was entered, the ID number says {derived}",
                    typed=birth_date.isoformat(),
                    derived=id_number.birth_date.isoformat(),
                ),
            )
        )
    if sex in (1, 2) and sex != id_number.sex:
        found.append(
            Mismatch(
                field="sex",
                typed=sex,
                derived=id_number.sex,
                message=msg(
                    "性别与身份证号不一致：填写的是{typed}，身份证号显示为{derived}",
                    "The sex does not match the ID number: {typed} was entered, the ID number says {derived}",
                    typed=_SEX_LABELS[sex],
                    derived=_SEX_LABELS[id_number.sex],
                ),
            )
        )
    return tuple(found)


# --- helpers -------------------------------------------------------------------------


def _not_a_digit(text: str, *, first17: bool) -> ValidationError:
    """The error for the first character of *text* that is not an ASCII digit."""
    position = _first_non_digit(text)
    params = {"position": position + 1, "char": shown_character(text[position])}
    if first17:
        return _error(
            msg(
                "身份证号码前 17 位只能是数字，第 {position} 位是“{char}”，请核对号码",
                "The first 17 characters of an ID number are digits, but character {position} is “{char}”: "
                "please check the number",
                **params,
            )
        )
    return _error(
        msg(
            "15 位旧身份证号码只能是数字，第 {position} 位是“{char}”，请核对号码",
            "An old 15-digit ID number has only digits, but character {position} is “{char}”: please check the number",
            **params,
        )
    )


def _parse_legacy(number: str, today: date) -> IdNumber:
    if not _DIGITS.fullmatch(number):
        raise _not_a_digit(number, first17=False)
    first17 = number[:6] + "19" + number[6:]
    converted = first17 + id_check_character(first17)
    birth_date = _birth_date(converted, number[6:12], today)
    return _make(converted, birth_date, legacy=number)


def _birth_date(number18: str, shown: str, today: date) -> date:
    """The birth date in an 18-digit number; *shown* is the date as the user typed it."""
    try:
        born = _ric.get_birth_date(number18)
    except (_StdnumError, ValueError):
        raise _error(
            msg(
                "身份证号码中的出生日期 {shown} 不是有效日期，请核对号码",
                "The birth date {shown} in the ID number is not a real date: please check the number",
                shown=shown,
            )
        ) from None
    if born < MIN_BIRTH_DATE:
        raise _error(
            msg(
                "身份证号码中的出生日期 {born} 早于 {year} 年，请核对号码",
                "The birth date {born} in the ID number is before {year}: please check the number",
                born=born.isoformat(),
                year=MIN_BIRTH_DATE.year,
            )
        )
    if born > today:
        raise _error(
            msg(
                "身份证号码中的出生日期 {born} 晚于今天（{today}），请核对号码",
                "The birth date {born} in the ID number is after today ({today}): please check the number",
                born=born.isoformat(),
                today=today.isoformat(),
            )
        )
    return born


def _make(number: str, birth_date: date, legacy: str | None) -> IdNumber:
    region = number[:6]
    return IdNumber(
        number=number,
        region_code=region,
        birth_date=birth_date,
        sex=1 if int(number[16]) % 2 == 1 else 2,
        kind=_PERMIT_REGIONS.get(region, IdKind.MAINLAND),
        legacy_number=legacy,
    )


def _first_non_digit(text: str) -> int:
    return next(i for i, ch in enumerate(text) if not ("0" <= ch <= "9"))
