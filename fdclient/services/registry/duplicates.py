"""Possible duplicates of a person being registered: another file (not voided) with the same
document number, or with the same birth date and a similar name (the same name, the same
pinyin, or names of the same length that differ in one character: 张三 / 张山 / 章三).

The registration form shows them as a warning before saving (saving the same ID number twice
is refused by :mod:`residents` anyway). Reading needs ``VIEW_RECORDS``.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.identity import normalise_id_number
from fdclient.domain.roles import Permission
from fdclient.models import Resident, Village
from fdclient.services.registry.pinyin import pinyin_of_name
from fdclient.store.context import require

__all__ = ["DuplicateCandidate", "find_possible_duplicates", "similar_names"]

#: At most this many candidates are returned.
LIMIT = 10


@dataclass(frozen=True)
class DuplicateCandidate:
    id: uuid.UUID
    name: str
    birth_date: date
    village_name: str
    health_record_no: str | None
    household_id: uuid.UUID | None
    #: "id_number" (the same document number) or "name" (similar name, same birth date).
    reason: str


def _plain(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name) if not ch.isspace() and ch not in "·.")


def similar_names(a: str, b: str) -> bool:
    """The same name, the same pinyin, or the same length with one character different."""
    a, b = _plain(a), _plain(b)
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return True
    return pinyin_of_name(a)[0].replace(" ", "") == pinyin_of_name(b)[0].replace(" ", "")


def find_possible_duplicates(
    session: Session,
    *,
    id_type: str = "01",
    id_number: str | None = None,
    name: str | None = None,
    birth_date: date | None = None,
    exclude_id: uuid.UUID | None = None,
) -> list[DuplicateCandidate]:
    """Files that may be the same person (see the module docstring), the same number first."""
    require(session, Permission.VIEW_RECORDS)
    found: dict[uuid.UUID, DuplicateCandidate] = {}
    base = (
        select(Resident, Village.name)
        .join(Village, Village.id == Resident.village_id)
        .where(Resident.voided_at.is_(None))
        .order_by(Resident.id)
    )
    if exclude_id is not None:
        base = base.where(Resident.id != exclude_id)
    number = id_number and id_number.strip()
    if number:
        if id_type in codes.GB11643_ID_TYPES:
            number = normalise_id_number(number)
        else:
            number = unicodedata.normalize("NFKC", number).replace(" ", "").upper()
        for r, village in session.execute(base.where(Resident.id_type == id_type, Resident.id_number == number)):
            found[r.id] = _candidate(r, village, "id_number")
    if name and name.strip() and birth_date is not None:
        for r, village in session.execute(base.where(Resident.birth_date == birth_date).limit(500)):
            if r.id not in found and similar_names(name, r.name):
                found[r.id] = _candidate(r, village, "name")
    return list(found.values())[:LIMIT]


def _candidate(r: Resident, village: str, reason: str) -> DuplicateCandidate:
    return DuplicateCandidate(r.id, r.name, r.birth_date, village, r.health_record_no, r.household_id, reason)
