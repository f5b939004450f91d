"""The numbers of a contact card (家庭医生联系卡, DOMAIN.md §7): what its QR code carries and
the short number printed under it.

* The **token** is random text (128 bits, ``secrets.token_urlsafe(16)``: 22 characters of
  ``A-Z a-z 0-9 - _``), and the QR code holds exactly it (22 bytes: a version-2 code, 25
  modules square, at error-correction level M). It is never derived from the person: a
  lost card tells a finder nothing, and nobody can make the card of a resident whose ID
  number they know.
* The **code** is 12 digits, 11 random and a Luhn check digit, printed in groups of four
  (``6217 0392 8845``) for staff to type when there is no scanner. The check digit catches
  a mistyped or swapped digit; 12 digits is no other number's length (phones 11, health
  record numbers 17, ID numbers 15 or 18). The first digit is never 0, so a spreadsheet
  that reads it as a number keeps every digit.

:func:`read_card_input` reads what was scanned or typed: the token, or the code with or
without spaces and dashes (full-width digits folded).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CODE_LENGTH",
    "CardInput",
    "format_card_code",
    "is_card_code",
    "is_card_token",
    "luhn_digit",
    "new_card_code",
    "new_card_token",
    "read_card_input",
]

CODE_LENGTH = 12
TOKEN_BYTES = 16

_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
_SEPARATORS = re.compile(r"[\s\-]+")


def new_card_token() -> str:
    """A new random card token (22 URL-safe characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (ISO/IEC 7812-1)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:  # doubled: the digit next to the check digit, and every other one
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def new_card_code() -> str:
    """A new random 12-digit card code (first digit 1-9, Luhn check digit last)."""
    body = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(CODE_LENGTH - 2))
    return body + luhn_digit(body)


def is_card_code(text: str) -> bool:
    """Whether ``text`` is 12 ASCII digits whose last is the Luhn digit of the others."""
    return (
        len(text) == CODE_LENGTH
        and text.isascii()
        and text.isdigit()
        and text[0] != "0"
        and luhn_digit(text[:-1]) == text[-1]
    )


def is_card_token(text: str) -> bool:
    return _TOKEN.fullmatch(text) is not None


def format_card_code(code: str) -> str:
    """The code as printed: groups of four digits (``6217 0392 8845``)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class CardInput:
    kind: Literal["token", "code"]
    value: str


def read_card_input(text: str) -> CardInput | None:
    """What was scanned or typed, as a token or a code; None when it is neither (a code
    with a wrong check digit is neither: it was mistyped)."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if is_card_token(raw):
        return CardInput("token", raw)
    digits = _SEPARATORS.sub("", raw)
    if is_card_code(digits):
        return CardInput("code", digits)
    return None
