"""Standard Office encryption of a finished workbook (ECMA-376 agile encryption, as Excel
2010 and later write it with 文件 → 信息 → 用密码进行加密): the file opens in Excel, WPS and
LibreOffice after the password is typed, and not at all without it.

msoffcrypto-tool does the encryption; it holds the workbook in memory while it does (a
100k-resident roster is about 10 MB), so the clear workbook never reaches the disk the
encrypted one goes to (a USB stick).
"""

from __future__ import annotations

from typing import IO

from msoffcrypto.format.ooxml import OOXMLFile

from fdclient.domain.accounts import check_new_password

__all__ = ["check_export_password", "encrypt_workbook"]


def check_export_password(password: str) -> str:
    """The rules of account passwords (8-128 characters, no control characters)."""
    return check_new_password(password)


def encrypt_workbook(plain: IO[bytes], password: str, out: IO[bytes]) -> None:
    """Write *plain* (a complete .xlsx, read from its start) to *out* encrypted with
    *password*."""
    plain.seek(0)
    OOXMLFile(plain).encrypt(password, out)
