"""Township and village codes (DOMAIN.md §2): shape checks only, never a lookup table.

Codes change over the years; a code with an unusual segment is stored as given.
"""

from __future__ import annotations

import unicodedata

from fdclient.errors import ValidationError


def _digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


def validate_township(code: str, name: str) -> tuple[str, str]:
    """Normalised (code, name) of a township: 9 digits (6 county + 3 township)."""
    code = _digits(code)
    if len(code) != 9 or not code.isdigit():
        raise ValidationError(
            f"乡镇代码“{code}”格式不对：应为 9 位数字（6 位区县代码 + 3 位乡镇代码），例如 360111101。",
            field="township_code",
        )
    name = name.strip()
    if not name:
        raise ValidationError("乡镇名称不能为空。", field="township_name")
    return code, name


def validate_village_code(code: str, township_code: str | None = None) -> str:
    """A 12-digit statistical division code; when ``township_code`` is given, the first
    9 digits must be that township's."""
    code = _digits(code)
    if len(code) != 12 or not code.isdigit():
        raise ValidationError(
            f"村（居）委会代码“{code}”格式不对：应为 12 位数字（9 位乡镇代码 + 3 位村代码），例如 360111101201。",
            field="village_code",
        )
    if township_code and not code.startswith(township_code):
        raise ValidationError(
            f"村（居）委会代码 {code} 不属于本乡镇（代码应以 {township_code} 开头）。", field="village_code"
        )
    return code
