"""Township and village codes (DOMAIN.md §2): shape checks only, never a lookup table.

Codes change over the years; a code with an unusual segment is stored as given. A village
whose code does not start with its township's (a village that kept its old code when
townships merged) is accepted: :func:`village_code_warning` says so, for the user to check.
"""

from __future__ import annotations

import unicodedata

from fdclient.domain.validation import refuse_control_characters, required_text
from fdclient.errors import ValidationError
from fdclient.text import Text, msg

#: Width of the township and village name columns.
MAX_PLACE_NAME = 60


def _digits(text: str, *, label_zh: str, label_en: str, field: str) -> str:
    refuse_control_characters(text, label=msg(label_zh, label_en), field=field)
    folded = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    # Any script's decimal digits (Arabic-Indic, Devanagari ...) as ASCII: the database
    # keeps codes in ASCII digits and a typed code should not fail on the keyboard's script.
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded)


def validate_township(code: str, name: str) -> tuple[str, str]:
    """Normalised (code, name) of a township: 9 digits (6 county + 3 township)."""
    code = _digits(code, label_zh="乡镇代码", label_en="township code", field="township_code")
    if len(code) != 9 or not (code.isascii() and code.isdigit()):
        raise ValidationError(
            msg(
                "乡镇代码“{code}”格式不对：应为 9 位数字（6 位区县代码 + 3 位乡镇代码），例如 360111101。",
                "The township code “{code}” has the wrong form: it has 9 digits (6 for the county + 3 for "
                "the township), such as 360111101.",
                code=code,
            ),
            field="township_code",
        )
    name = required_text(name, label=msg("乡镇名称", "township name"), field="township_name", max_length=MAX_PLACE_NAME)
    return code, name


def validate_village_code(code: str) -> str:
    """A 12-digit statistical division code (any script's digits typed become ASCII)."""
    code = _digits(code, label_zh="村（居）委会代码", label_en="village code", field="village_code")
    if len(code) != 12 or not (code.isascii() and code.isdigit()):
        raise ValidationError(
            msg(
                "村（居）委会代码“{code}”格式不对：应为 12 位数字（9 位乡镇代码 + 3 位村代码），例如 360111101201。",
                "The village code “{code}” has the wrong form: it has 12 digits (9 for the township + 3 for "
                "the village), such as 360111101201.",
                code=code,
            ),
            field="village_code",
        )
    return code


def village_code_warning(code: str, township_code: str) -> Text | None:
    """A warning when the (valid) village ``code`` does not start with ``township_code``:
    kept as given, as a village may keep its old code after a merger of townships."""
    if code.startswith(township_code):
        return None
    return msg(
        "村（居）委会代码 {code} 的前 9 位不是本乡镇代码 {township}，已按填写保存。乡镇合并后沿用旧代码的村可以不改；"
        "否则请核对代码。",
        "The first 9 digits of the village code {code} are not this township's code {township}; it was saved as "
        "entered. A village that kept its old code after townships merged can stay so; otherwise check the code.",
        code=code,
        township=township_code,
    )
