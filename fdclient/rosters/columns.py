"""The columns of the signed-residents roster (签约居民花名册, DOMAIN.md §7) and the header
names county rosters use for them.

One module holds both so that export and import agree: the exporter writes
:data:`EXPORT_COLUMNS` with their :attr:`RosterColumn.header`; the importer recognises a header
cell by :func:`column_for_header`, which accepts the header itself and its synonyms
(身份证号 / 身份证号码 / 公民身份号码, 姓名 / 居民姓名, 联系电话 / 手机号 ...), ignoring spaces,
full-width forms and bracketed units ("年龄(岁)").

Keys are stable identifiers (code and tests use them); headers are what people read.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "ALL_COLUMNS",
    "BY_KEY",
    "EXPORT_COLUMNS",
    "CellKind",
    "RosterColumn",
    "column_for_header",
    "normalise_header",
]


class CellKind(enum.Enum):
    """How a column's cells are written and read."""

    #: Free text (names, tags, packages).
    TEXT = "text"
    #: Digits that must stay text: ID numbers, phones, codes (an 18-digit number stored as
    #: a number loses its last digits and shows as 3.6011119e+17).
    DIGITS_TEXT = "digits_text"
    #: A calendar date, written as a real Excel date.
    DATE = "date"
    #: A whole number (age, counts).
    INTEGER = "integer"


@dataclass(frozen=True)
class RosterColumn:
    key: str
    #: The header the export writes (Chinese).
    header: str
    kind: CellKind
    #: Column width in Excel character units (a CJK character counts about 2).
    width: float
    #: Other headers county rosters use for the same column (besides ``header``).
    synonyms: tuple[str, ...] = ()
    #: Written by the export (some columns are only recognised on import).
    exported: bool = True


# The export's columns, in order. Widths fit the longest usual value: 18 characters for an
# ID number, 11 for a mobile phone, 10 for a date.
ALL_COLUMNS: tuple[RosterColumn, ...] = (
    RosterColumn("seq", "序号", CellKind.INTEGER, 6, ("编号", "行号", "NO", "No.")),
    RosterColumn(
        "village",
        "村（居）委会",
        CellKind.TEXT,
        12,
        (
            "村",
            "村名",
            "村名称",
            "行政村",
            "所属村",
            "村居",
            "村(居)",
            "村委会",
            "居委会",
            "村(社区)",
            "社区",
            "所在村",
        ),
    ),
    RosterColumn(
        "household_head",
        "户主姓名",
        CellKind.TEXT,
        10,
        ("户主", "户主名", "户主名字"),
    ),
    RosterColumn(
        "household_no",
        "户编号",
        CellKind.DIGITS_TEXT,
        14,
        ("户号", "家庭编号", "家庭档案编号", "家庭档案号", "户编码"),
        exported=False,
    ),
    RosterColumn(
        "relationship",
        "与户主关系",
        CellKind.TEXT,
        10,
        ("与户主的关系", "家庭关系", "关系"),
    ),
    RosterColumn(
        "name",
        "姓名",
        CellKind.TEXT,
        10,
        ("居民姓名", "签约居民姓名", "签约人姓名", "签约人", "患者姓名", "名字"),
    ),
    RosterColumn("sex", "性别", CellKind.TEXT, 6),
    RosterColumn("birth_date", "出生日期", CellKind.DATE, 12, ("出生年月日", "出生年月", "生日")),
    RosterColumn("age", "年龄", CellKind.INTEGER, 6, ("年龄(岁)", "周岁")),
    RosterColumn(
        "id_number",
        "身份证号",
        CellKind.DIGITS_TEXT,
        21,
        (
            "身份证号码",
            "公民身份号码",
            "公民身份证号",
            "公民身份证号码",
            "居民身份证号",
            "居民身份证号码",
            "证件号码",
            "证件号",
            "身份证",
        ),
    ),
    RosterColumn(
        "phone",
        "联系电话",
        CellKind.DIGITS_TEXT,
        14,
        ("手机号", "手机号码", "电话", "电话号码", "联系方式", "本人电话", "手机", "联系电话(手机)"),
    ),
    RosterColumn(
        "address",
        "家庭住址",
        CellKind.TEXT,
        24,
        ("住址", "现住址", "地址", "居住地址", "家庭地址"),
    ),
    RosterColumn(
        "health_record_no",
        "健康档案编号",
        CellKind.DIGITS_TEXT,
        20,
        ("档案编号", "健康档案号", "档案号", "居民健康档案编号"),
    ),
    RosterColumn(
        "key_populations",
        "重点人群",
        CellKind.TEXT,
        20,
        ("人群分类", "人群类别", "重点人群分类", "人群类型", "签约人群"),
    ),
    RosterColumn(
        "packages",
        "服务包",
        CellKind.TEXT,
        22,
        ("签约服务包", "服务包名称", "签约包", "服务内容"),
    ),
    RosterColumn("contract_no", "协议编号", CellKind.DIGITS_TEXT, 18, ("签约编号", "合同编号", "协议号")),
    RosterColumn("signed_on", "签约日期", CellKind.DATE, 12, ("签约时间", "签订日期")),
    RosterColumn(
        "start_date",
        "开始日期",
        CellKind.DATE,
        12,
        ("协议开始日期", "生效日期", "服务开始日期", "签约开始日期", "起始日期"),
    ),
    RosterColumn(
        "end_date",
        "到期日期",
        CellKind.DATE,
        12,
        ("协议到期日期", "结束日期", "截止日期", "服务结束日期", "签约到期日期", "终止日期", "有效期至"),
    ),
    RosterColumn(
        "team",
        "签约团队",
        CellKind.TEXT,
        16,
        ("团队", "家庭医生团队", "团队名称", "服务团队", "签约医生团队"),
    ),
    RosterColumn(
        "doctor",
        "家庭医生",
        CellKind.TEXT,
        10,
        ("签约医生", "责任医生", "家庭医生姓名", "签约家庭医生", "医生"),
    ),
    RosterColumn("contract_status", "签约状态", CellKind.TEXT, 9, ("状态", "协议状态")),
    RosterColumn(
        "hypertension_followups",
        "本年高血压随访次数",
        CellKind.INTEGER,
        10,
        ("高血压随访次数", "高血压随访", "本年高血压随访"),
    ),
    RosterColumn(
        "diabetes_followups",
        "本年糖尿病随访次数",
        CellKind.INTEGER,
        10,
        ("糖尿病随访次数", "糖尿病随访", "本年糖尿病随访"),
    ),
    RosterColumn(
        "last_followup",
        "最近随访日期",
        CellKind.DATE,
        12,
        ("末次随访日期", "最后随访日期", "上次随访日期"),
    ),
    RosterColumn(
        "village_code",
        "村（居）代码",
        CellKind.DIGITS_TEXT,
        14,
        ("村代码", "村居代码", "行政区划代码", "区划代码", "村(居)委会代码", "村编码"),
    ),
)

EXPORT_COLUMNS: tuple[RosterColumn, ...] = tuple(c for c in ALL_COLUMNS if c.exported)
BY_KEY: dict[str, RosterColumn] = {c.key: c for c in ALL_COLUMNS}

_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]$")
_DROP = re.compile(r"[\s*:：_\-]+")


def normalise_header(text: object) -> str:
    """A header cell as compared: NFKC (full-width → half-width), no spaces, no trailing
    colon or asterisk, upper case (for "NO")."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return _DROP.sub("", folded).upper()


def _variants(text: str) -> tuple[str, ...]:
    """The forms a header is recognised in: as written, and without a bracketed unit."""
    whole = normalise_header(text)
    stripped = _BRACKETED.sub("", whole)
    return (whole, stripped) if stripped and stripped != whole else (whole,)


_LOOKUP: dict[str, RosterColumn] = {}
for _column in ALL_COLUMNS:
    for _name in (_column.header, *_column.synonyms):
        _LOOKUP.setdefault(normalise_header(_name), _column)


def column_for_header(text: object) -> RosterColumn | None:
    """The roster column a header cell names, or None when it names none of ours.

    >>> column_for_header(" 公民身份号码 ").key
    'id_number'
    >>> column_for_header("年龄（岁）").key
    'age'
    """
    if text is None:
        return None
    for variant in _variants(str(text)):
        column = _LOOKUP.get(variant)
        if column is not None:
            return column
    return None
