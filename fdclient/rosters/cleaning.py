"""Cell values of a roster as the import uses them: text, dates, ID numbers, phones, sex,
relationships and lists (DOMAIN.md §2-3, §7).

What townships' files hold, and what becomes of it:

* full-width characters and stray spaces (the ideographic space too): NFKC, trimmed;
* numbers: workbook readers give floats; a whole float is written without ``.0``
  (a phone ``13800138000.0`` → ``13800138000``). An ID number stored as a number has lost
  its last digits (Excel keeps 15 significant digits): refused, with the advice to format
  the column as text. A 15-digit legacy ID number fits in a float and is kept;
* dates: real dates, Excel date serials (a date cell formatted as a number) and text in the
  usual forms: ``1950-03-02``, ``1950/03/02``, ``1950.3.2``, ``1950年3月2日``,
  ``19500302``, with or without a time after it;
* sex: 男 / 女 (or the GB/T 2261.1 codes); relationship to the head: the words used on
  rosters (户主, 本人, 妻子, 长子, 孙女 ...) or the codes of ``codes.RELATIONSHIP``.

Checking names, ID numbers and phones is not done here: the foundation's rules do it
(:mod:`fdclient.domain.identity`, :mod:`fdclient.domain.validation`, the residents
service's form checks). Every refusal is a :class:`~fdclient.errors.ValidationError` with a
Chinese and English message that does not repeat an ID number or phone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from fdclient.domain import codes
from fdclient.domain.validation import MAX_DATE, MIN_DATE
from fdclient.errors import ValidationError
from fdclient.text import Text, msg

__all__ = [
    "cell_date",
    "cell_id_number",
    "cell_relationship",
    "cell_sex",
    "cell_text",
    "split_list",
]

#: Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01; Excel's phantom 1900-02-29
#: makes counting from 1899-12-30 right for every date after February 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Floats from this size up have more digits than a float keeps exactly.
_EXACT_DIGITS = 10**15
_SPACES = re.compile(r"\s+")
_YMD = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME_AFTER = re.compile(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[、,;/|+\s]+")

_SEX_WORDS = {"男": 1, "男性": 1, "女": 2, "女性": 2, "1": 1, "2": 2, "0": 0, "9": 9, "未知": 0, "未说明": 9}

#: The words rosters use for the relationship to the head, by code (codes.RELATIONSHIP).
_RELATIONSHIP_WORDS: dict[str, tuple[str, ...]] = {
    "01": ("户主", "本人", "户主本人"),
    "10": ("配偶", "妻", "妻子", "夫", "丈夫", "老伴", "爱人"),
    "20": ("子", "儿子", "长子", "次子", "三子", "四子", "五子", "独子", "养子", "继子"),
    "30": ("女", "女儿", "长女", "次女", "三女", "四女", "五女", "独女", "养女", "继女"),
    "40": ("孙子女或外孙子女", "孙子", "孙女", "外孙", "外孙子", "外孙女", "孙", "孙子女", "外孙子女"),
    "50": ("父母", "父亲", "母亲", "父", "母", "岳父", "岳母", "公公", "婆婆"),
    "60": ("祖父母或外祖父母", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"),
    "70": ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹"),
    "80": ("其他亲属", "儿媳", "女婿", "孙媳", "侄子", "侄女", "外甥", "外甥女", "其他", "亲属"),
    "99": ("非亲属", "保姆", "其他非亲属"),
}
_RELATIONSHIP = (
    {word: code for code, words in _RELATIONSHIP_WORDS.items() for word in words}
    | {code: code for code in codes.RELATIONSHIP}
    | {str(int(code)): code for code in codes.RELATIONSHIP}
)


def cell_text(value: Any) -> str:
    """A cell as text: NFKC, spaces trimmed and runs of spaces made one; a whole float
    without its ``.0``; a date as ``YYYY-MM-DD``; empty for an empty cell."""
    if isinstance(value, str):
        if not value:
            return ""
        text = unicodedata.normalize("NFKC", value).strip()
        if "  " in text or "\t" in text or "\n" in text or "\r" in text:
            text = _SPACES.sub(" ", text)
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def _date_error(label: Text, shown: str) -> ValidationError:
    return ValidationError(
        msg(
            "{label}“{value}”无法识别：请写成 1950-03-02、1950/03/02、1950.3.2、1950年3月2日 或 19500302。",
            "The {label} “{value}” cannot be read: write it as 1950-03-02, 1950/03/02, 1950.3.2, 1950年3月2日 or "
            "19500302.",
            label=label,
            value=shown,
        ),
        field="date",
    )


def _checked(day: date, label: Text, shown: str) -> date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(
            msg(
                "{label}“{value}”不在 {first} 到 {last} 之间，请核对。",
                "The {label} “{value}” is not between {first} and {last}: please check it.",
                label=label,
                value=shown,
                first=MIN_DATE.isoformat(),
                last=MAX_DATE.isoformat(),
            ),
            field="date",
        )
    return day


def cell_date(value: Any, label: Text) -> date | None:
    """The date in a cell (see the module docstring), None when empty; ``label`` names the
    column in messages."""
    if isinstance(value, datetime):
        return _checked(value.date(), label, cell_text(value))
    if isinstance(value, date):
        return _checked(value, label, value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            return None
        if not float(value).is_integer() and not 1 <= value < 2958466:
            raise _date_error(label, cell_text(value))
        whole = int(value)
        if 10_000_000 <= whole <= 99_999_999:  # 19500302 typed as a number
            return cell_date(str(whole), label)
        if not 1 <= whole <= 2958465:
            raise _date_error(label, cell_text(value))
        return _checked(_EXCEL_EPOCH + timedelta(days=whole), label, cell_text(value))
    text = cell_text(value)
    if not text:
        return None
    core = _TIME_AFTER.sub("", text)
    match = _YMD.fullmatch(core) or _COMPACT.fullmatch(core)
    if match is None:
        raise _date_error(label, text)
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise _date_error(label, text) from None
    return _checked(day, label, text)


def cell_id_number(value: Any) -> str:
    """An ID number cell as text for :func:`fdclient.domain.identity.parse_id_number`;
    refuses a number that lost digits because the column held numbers, not text."""
    if isinstance(value, float) and value.is_integer() and value < _EXACT_DIGITS:
        return str(int(value))  # a 15-digit legacy number fits in a float
    text = cell_text(value)
    if isinstance(value, float) or _SCIENTIFIC.fullmatch(text):
        raise ValidationError(
            msg(
                "身份证号在 Excel 中被存成了数字，末尾几位已经丢失（Excel 只保留 15 位有效数字）："
                "请把这一列设为“文本”格式，重新填写号码后再导入。",
                "The ID number was stored as a number in Excel and its last digits are lost (Excel keeps 15 "
                "significant digits): format the column as text, enter the numbers again and import again.",
            ),
            field="id_number",
        )
    return text


def cell_sex(value: Any) -> int | None:
    """The GB/T 2261.1 sex code of a cell (男 / 女 / a code), None when empty."""
    text = cell_text(value)
    if not text:
        return None
    if text in _SEX_WORDS:
        return _SEX_WORDS[text]
    raise ValidationError(
        msg("性别“{value}”无法识别：应为“男”或“女”。", "The sex “{value}” cannot be read: write 男 or 女.", value=text),
        field="sex",
    )


def cell_relationship(value: Any) -> str | None:
    """The relationship-to-head code (codes.RELATIONSHIP) of a cell, None when empty."""
    text = cell_text(value).replace(" ", "")
    if not text:
        return None
    code = _RELATIONSHIP.get(text)
    if code is None:
        raise ValidationError(
            msg(
                "与户主关系“{value}”无法识别：应为户主、配偶、子、女、孙子女、父母、祖父母、兄弟姐妹、其他亲属或非亲属。",
                "The relationship to the head “{value}” cannot be read: use 户主, 配偶, 子, 女, 孙子女, 父母, 祖父母, "
                "兄弟姐妹, 其他亲属 or 非亲属.",
                value=text,
            ),
            field="relationship",
        )
    return code


def split_list(value: Any) -> tuple[str, ...]:
    """The items of a list written in one cell (``基础包、高血压包``), in order, without repeats."""
    text = cell_text(value)
    return tuple(dict.fromkeys(item for item in _LIST_SEPARATORS.split(text) if item))
