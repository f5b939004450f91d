"""A roster row as the resident it writes: the columns of a new resident, the changes to a
stored one (name, phone, relationship, household, key populations added, never removed),
and the resident as the contract rules see it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from fdclient.domain import codes
from fdclient.domain.codes import ResidentStatus
from fdclient.domain.key_populations import KeyPopulation
from fdclient.models import Resident
from fdclient.rosters.import_places import HouseholdPlan, VillagePlan
from fdclient.rosters.import_rows import CheckedRow

__all__ = ["ResidentChange", "change_of_row", "person_of_row"]

HEAD = codes.HEAD_OF_HOUSEHOLD
_FLAG_OF = {
    KeyPopulation.HYPERTENSION: "has_hypertension",
    KeyPopulation.DIABETES: "has_diabetes",
    KeyPopulation.TUBERCULOSIS: "has_tuberculosis",
    KeyPopulation.SEVERE_MENTAL: "has_severe_mental_disorder",
    KeyPopulation.FAMILY_PLANNING_SPECIAL: "family_planning_special",
}
#: 其他残疾 and 脱贫户: what a roster's 残疾人 / 脱贫 tag says, when the file says nothing more.
OTHER_DISABILITY, POVERTY_RELIEF = "8", "1"


@dataclass(slots=True)
class ResidentChange:
    """A resident to insert (``stored`` None) or the columns of a stored one to change."""

    row: CheckedRow
    id: uuid.UUID
    village: VillagePlan
    household: HouseholdPlan | None
    stored: Any | None
    changes: dict[str, Any]
    #: Diagnoses (codes.PAST_DISEASE) to add for the roster's key populations.
    diagnoses: tuple[str, ...]


def _flags(row: CheckedRow) -> dict[str, Any]:
    values: dict[str, Any] = {column: True for tag, column in _FLAG_OF.items() if tag in row.tags}
    if KeyPopulation.DISABLED in row.tags:
        values["disabilities"] = (OTHER_DISABILITY,)
    if KeyPopulation.POVERTY in row.tags:
        values["relief_statuses"] = (POVERTY_RELIEF,)
    return values


_PERSON_FLAGS = (
    "has_hypertension",
    "has_diabetes",
    "has_tuberculosis",
    "has_severe_mental_disorder",
    "family_planning_special",
)


class _Person:
    """What the contract rules read of a resident (checks, consent, planning), for rows not
    yet (or not as such) in the store: plain attributes, far cheaper than an ORM row."""

    __slots__ = (
        "id", "name", "sex", "birth_date", "id_number", "village_id", "household_id", "relationship_to_head",
        *_PERSON_FLAGS, "disabilities", "relief_statuses",
    )  # fmt: skip
    voided_at = None
    status = ResidentStatus.ACTIVE.value
    id_type = "01"
    pregnancy_dates = ()

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    @property
    def has_disability(self) -> bool:
        disabilities: tuple[str, ...] = getattr(self, "disabilities", ())
        return any(code != "1" for code in disabilities)


def person_of_row(row: CheckedRow, rid: uuid.UUID, village: VillagePlan, household: HouseholdPlan | None) -> Resident:
    """The resident as the contract rules see it (see :class:`_Person`)."""
    values: dict[str, Any] = {
        "has_hypertension": False,
        "has_diabetes": False,
        "has_tuberculosis": False,
        "has_severe_mental_disorder": False,
        "family_planning_special": False,
        "disabilities": (),
        "relief_statuses": (),
    } | _flags(row)
    person = _Person(
        id=rid,
        name=row.name,
        sex=row.sex,
        birth_date=row.birth_date,
        id_number=row.id_number,
        village_id=village.id,
        household_id=household.id if household else None,
        relationship_to_head=_relationship(row, household),
        **values,
    )
    return cast(Resident, person)


def _relationship(row: CheckedRow, household: HouseholdPlan | None) -> str | None:
    if household is not None and household.head_row is row:
        return HEAD
    return row.relationship


def change_of_row(
    row: CheckedRow, rid: uuid.UUID, village: VillagePlan, household: HouseholdPlan | None, stored: Any | None
) -> ResidentChange:
    flags = _flags(row)
    diseases = {"has_hypertension": codes.HYPERTENSION_DISEASE, "has_diabetes": codes.DIABETES_DISEASE}
    if stored is None:
        values = {
            "name": row.name,
            "sex": row.sex,
            "birth_date": row.birth_date,
            "id_number": row.id_number,
            "phone": row.phone,
            "relationship_to_head": _relationship(row, household),
        } | flags
        added = tuple(code for flag, code in diseases.items() if flags.get(flag))
        return ResidentChange(row, rid, village, household, None, values, added)
    changes: dict[str, Any] = {}
    if row.name != stored.name:
        changes["name"] = row.name
    if row.phone and row.phone != stored.phone:
        changes["phone"] = row.phone
    relationship = _relationship(row, household)
    if household is not None and stored.household_id is None:
        changes["household_id"] = household.id
        changes["relationship_to_head"] = relationship
    elif relationship and relationship != stored.relationship_to_head:
        changes["relationship_to_head"] = relationship
    for column, value in flags.items():
        # Key populations are added, never taken away: a code list only where it is empty.
        if not getattr(stored, column):
            changes[column] = value
    added = tuple(code for flag, code in diseases.items() if changes.get(flag))
    return ResidentChange(row, rid, village, household, stored, changes, added)
