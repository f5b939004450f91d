"""What a new hypertension or type 2 diabetes follow-up takes from the resident's last one of
the same kind, as the paper forms are filled in practice: the targets agreed for the next
visit (weight, BMI, cigarettes, alcohol, exercise, salt or staple food), the medicines
(name, times a day, dose) with the insulin, and the height. Never what is measured or
found at each visit (blood pressure, glucose, weight, symptoms, danger signs,
classification): those are typed again.

The last follow-up is the current revision (not voided, not superseded) with the latest
visit date.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import VisitKind
from fdclient.domain.roles import Permission
from fdclient.models import DiabetesFollowup, HypertensionFollowup
from fdclient.services.visits.forms import MedicationInput
from fdclient.services.visits.records import current_only
from fdclient.store.context import require

__all__ = ["CARRIED_FIELDS", "CarriedOver", "last_followup_carryover"]


@dataclass(frozen=True)
class CarriedOver:
    """The carried-over fields of the follow-up of ``visit_date`` (field names are those of
    the follow-up forms; a field the kind does not have stays None)."""

    kind: VisitKind
    #: The follow-up they come from (its current revision).
    visit_id: uuid.UUID
    visit_date: date
    height_cm: float | None = None
    weight_target_kg: float | None = None
    bmi_target: float | None = None
    cigarettes_target: int | None = None
    alcohol_target: float | None = None
    exercise_target_times: int | None = None
    exercise_target_minutes: int | None = None
    #: Hypertension only.
    salt_target: str | None = None
    #: Diabetes only.
    staple_food_target_g: int | None = None
    insulin_type: str | None = None
    insulin_dose: str | None = None
    medications: tuple[MedicationInput, ...] = ()

    def values(self) -> dict[str, Any]:
        """The carried fields that have a value, by form field name (medicines apart)."""
        return {name: getattr(self, name) for name in CARRIED_FIELDS if getattr(self, name) is not None}


_NOT_FIELDS = {"kind", "visit_id", "visit_date", "medications"}
#: The form fields a new follow-up takes from the last one (besides the medicines).
CARRIED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CarriedOver) if f.name not in _NOT_FIELDS)
_MODELS: dict[VisitKind, type[HypertensionFollowup] | type[DiabetesFollowup]] = {
    VisitKind.HYPERTENSION: HypertensionFollowup,
    VisitKind.DIABETES: DiabetesFollowup,
}


def last_followup_carryover(session: Session, resident_id: uuid.UUID, kind: VisitKind) -> CarriedOver | None:
    """What a new follow-up of ``kind`` (hypertension or diabetes) for the resident takes from
    their last one of that kind, or None when they have none (or ``kind`` is another)."""
    require(session, Permission.VIEW_RECORDS)
    model = _MODELS.get(kind)
    if model is None:
        return None
    query = (
        current_only(select(model), model)
        .where(model.resident_id == resident_id)
        .order_by(model.visit_date.desc(), model.created_at.desc())
        .limit(1)
    )
    last = session.scalars(query).first()
    if last is None:
        return None
    values = {name: getattr(last, name) for name in CARRIED_FIELDS if hasattr(last, name)}
    return CarriedOver(
        kind=kind,
        visit_id=last.id,
        visit_date=last.visit_date,
        medications=tuple(MedicationInput(m.name, m.times_per_day, m.dose) for m in last.medications),
        **values,
    )
