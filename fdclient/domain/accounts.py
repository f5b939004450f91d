"""Sign-in names and passwords: the rules, no storage (see fdclient.store.keyring)."""

from __future__ import annotations

import re
import unicodedata

from fdclient.errors import ValidationError
from fdclient.text import msg

USERNAME_MAX = 40
PASSWORD_MIN = 8
PASSWORD_MAX = 128
_USERNAME = re.compile(r"[\w.\-]+")


def normalise_username(text: str) -> str:
    """The sign-in name as stored: NFKC, trimmed, lower case. Letters (Chinese included),
    digits, ``.``, ``_`` and ``-``; at most 40 characters."""
    name = unicodedata.normalize("NFKC", text or "").strip().casefold()
    if not name:
        raise ValidationError(msg("登录名不能为空。", "The sign-in name is empty."), field="username")
    if len(name) > USERNAME_MAX:
        raise ValidationError(
            msg(
                "登录名太长：最多 {limit} 个字符，实际为 {length} 个。",
                "The sign-in name is too long: at most {limit} characters, got {length}.",
                limit=USERNAME_MAX,
                length=len(name),
            ),
            field="username",
        )
    if not _USERNAME.fullmatch(name):
        raise ValidationError(
            msg(
                "登录名只能包含字母、汉字、数字和 . _ -，不能有空格或其他符号。",
                "A sign-in name may hold letters, digits and . _ - only: no spaces or other symbols.",
            ),
            field="username",
        )
    return name


def check_new_password(password: str) -> str:
    """A password acceptable for a new account or a change: 8-128 characters, no control
    characters. Returned unchanged (passwords are never normalised or trimmed)."""
    if len(password) < PASSWORD_MIN:
        raise ValidationError(
            msg(
                "密码太短：至少 {limit} 个字符。",
                "The password is too short: at least {limit} characters.",
                limit=PASSWORD_MIN,
            ),
            field="password",
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationError(
            msg(
                "密码太长：最多 {limit} 个字符。",
                "The password is too long: at most {limit} characters.",
                limit=PASSWORD_MAX,
            ),
            field="password",
        )
    if any(unicodedata.category(c) == "Cc" for c in password):
        raise ValidationError(
            msg("密码不能包含控制字符。", "A password may not contain control characters."), field="password"
        )
    return password
