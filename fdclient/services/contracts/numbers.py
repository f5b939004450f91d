"""Contract numbers: ``<prefix>-<township code>-<year>-<6-digit sequence>``, e.g.
``QY-360111101-2026-000123`` (签约 → QY), readable on the printed form and unique. The
prefix is the township's setting ``contract_number_prefix`` (QY by default): 1-8 letters
or digits.

An enrolled store takes the sequence from the blocks the county server reserved for it
(fdclient.services.numbering), so laptops of one township never hand out the same number;
a standalone store takes the highest number of that township and year in the store plus
one. A write unit of work begins with ``BEGIN IMMEDIATE``, so it already holds SQLite's
write lock when it reads that maximum: two writers in the same store cannot read the same
one. The signing service checks the number is free before saving it (the database does
not: rows pulled from another laptop must fit; the server renumbers a duplicate).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.errors import RuleError
from fdclient.models import Contract
from fdclient.services import numbering
from fdclient.settings import CONTRACT_NUMBER_PREFIX, get_setting
from fdclient.text import msg

PREFIX = "QY"
SEQUENCE_DIGITS = 6
_PREFIX_SHAPE = re.compile(r"[A-Z0-9]{1,8}", re.ASCII)
_PATTERN = re.compile(rf"[A-Z0-9]{{1,8}}-([0-9]{{9}})-([0-9]{{4}})-([0-9]{{{SEQUENCE_DIGITS}}})", re.ASCII)


def format_contract_no(township_code: str, year: int, sequence: int, prefix: str = PREFIX) -> str:
    return f"{prefix}-{township_code}-{year:04d}-{sequence:0{SEQUENCE_DIGITS}d}"


def parse_contract_no(number: str) -> tuple[str, int, int] | None:
    """``(township_code, year, sequence)`` of a well-formed number, else None."""
    match = _PATTERN.fullmatch(number)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def contract_number_prefix(session: Session) -> str:
    """The township's prefix of contract numbers (``contract_number_prefix``)."""
    prefix = get_setting(session, CONTRACT_NUMBER_PREFIX).strip().upper()
    if not _PREFIX_SHAPE.fullmatch(prefix):
        raise RuleError(
            msg(
                "设置“协议编号前缀”应为 1 到 8 个字母或数字，请管理员修改设置。",
                "The setting “contract number prefix” must be 1 to 8 letters or digits; ask the administrator to"
                " change it.",
            )
        )
    return prefix


def next_contract_no(session: Session, township_code: str, year: int) -> str:
    """The next free contract number of ``township_code`` in ``year`` (call it in a write
    unit of work, which holds the write lock until it commits)."""
    letters = contract_number_prefix(session)
    if numbering.is_enrolled(session):
        return _reserved_contract_no(session, letters, township_code, year)
    prefix = f"{letters}-{township_code}-{year:04d}-"
    last = session.scalar(select(func.max(Contract.contract_no)).where(Contract.contract_no.like(prefix + "%")))
    sequence = 1
    if last is not None:
        parsed = parse_contract_no(last)
        sequence = (parsed[2] if parsed else 0) + 1
    if sequence >= 10**SEQUENCE_DIGITS:
        raise RuleError(
            msg(
                "{year} 年的签约合同编号已用完（{last}），请联系县级信息科。",
                "The contract numbers of {year} are used up ({last}); please contact the county IT office.",
                year=year,
                last=f"{prefix}{'9' * SEQUENCE_DIGITS}",
            )
        )
    return format_contract_no(township_code, year, sequence, letters)


def _reserved_contract_no(session: Session, letters: str, township_code: str, year: int) -> str:
    series = numbering.contract_series(letters, township_code, year)
    while (sequence := numbering.take_number(session, series)) is not None:
        number = format_contract_no(township_code, year, sequence, letters)
        if 1 <= sequence < 10**SEQUENCE_DIGITS and not contract_no_used(session, number):
            return number
    raise RuleError(
        msg(
            "本机预留的签约协议编号已用完，请联网同步（数据同步页或 fdclient sync）后再签约。",
            "This laptop has no reserved contract numbers left: connect and sync (the 数据同步 page or"
            " fdclient sync), then sign.",
        )
    )


def contract_no_used(session: Session, number: str) -> bool:
    """Whether a contract of this store already has ``number``."""
    return session.scalar(select(Contract.id).where(Contract.contract_no == number).limit(1)) is not None
