"""The cover of a resident's health record (居民健康档案封面): the day it was made (建档日期),
who made it (建档人) and the responsible doctor (责任医生).

* 建档日期 defaults to today by the unit of work's clock; typed, it may be neither in the
  future nor before the birth date. Coverage "as of a date" counts the residents
  registered by then, so a file made today for someone met last month may carry that day.
* 建档人 defaults to the signed-in staff member; another must be a staff member of the
  township whose role registers residents (not the administrator).
* 责任医生 is a doctor or specialist of the township (or nobody).

A person named anew must be active; one already on the cover stays when the form is
saved again, even if their account was disabled since. :func:`cover_choices` lists who the
form offers (reading needs ``VIEW_RECORDS``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.roles import Permission, Role, may
from fdclient.domain.validation import check_date_in_life
from fdclient.errors import ValidationError
from fdclient.models import Resident, Staff
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.services.staff.organisation import DOCTOR_ROLES
from fdclient.services.township import store_township
from fdclient.store.context import actor_id, require, today
from fdclient.text import Text, msg

REGISTERED_ON = msg("建档日期", "registration date")
REGISTERED_BY = msg("建档人", "person who made the file")
RESPONSIBLE_DOCTOR = msg("责任医生", "responsible doctor")


@dataclass(frozen=True)
class Cover:
    registered_on: date
    registered_by_id: uuid.UUID | None
    responsible_doctor_id: uuid.UUID | None


@dataclass(frozen=True)
class StaffChoice:
    id: uuid.UUID
    name: str
    role: Role
    active: bool


@dataclass(frozen=True)
class CoverChoices:
    """Who may be named on the cover, by name: 建档人 (staff who register residents) and
    责任医生 (doctors and specialists); active ones, and whoever the file names already."""

    registrars: tuple[StaffChoice, ...]
    doctors: tuple[StaffChoice, ...]


def cover_choices(session: Session, resident_id: uuid.UUID | None = None) -> CoverChoices:
    """The staff the cover of a new file (or of ``resident_id``'s) may name."""
    require(session, Permission.VIEW_RECORDS)
    named_by = named_doctor = None
    if resident_id is not None:
        r = session.get(Resident, resident_id)
        if r is not None:
            named_by, named_doctor = r.registered_by_id, r.responsible_doctor_id
    staff = session.scalars(
        select(Staff).where(Staff.township_id == store_township(session).id).order_by(Staff.name, Staff.id)
    ).all()
    choices = [(s, StaffChoice(s.id, s.name, Role(s.role), s.active)) for s in staff]
    return CoverChoices(
        registrars=tuple(
            c for s, c in choices if (c.active and may(c.role, Permission.REGISTER_RESIDENTS)) or s.id == named_by
        ),
        doctors=tuple(c for s, c in choices if (c.active and c.role in DOCTOR_ROLES) or s.id == named_doctor),
    )


def _staff(session: Session, staff_id: uuid.UUID, label: Text, field: str, *, newly_named: bool) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.township_id != store_township(session).id:
        raise ValidationError(
            msg(
                "找不到所选的{label}，或其不是本乡镇的工作人员。",
                "The selected {label} cannot be found, or is not on the township's staff.",
                label=label,
            ),
            field=field,
        )
    if newly_named and not staff.active:
        raise ValidationError(
            msg(
                "{name} 的账号已停用，不能作为{label}。",
                "{name} is disabled and cannot be named {label}.",
                name=staff.name,
                label=label,
            ),
            field=field,
        )
    return staff


def _role(staff: Staff) -> Text:
    role = Role(staff.role)
    return msg(role.label, role.value.replace("_", " "))


def check_cover(session: Session, data: ResidentInput, *, birth_date: date, stored: Resident | None) -> Cover:
    """The cover as saved for ``data`` (``stored``: the resident's row when editing)."""
    registered_on = data.registered_on or (stored.registered_on if stored else today(session))
    check_date_in_life(
        registered_on, label=REGISTERED_ON, field="registered_on", birth_date=birth_date, today=today(session)
    )

    registered_by = data.registered_by_id or (stored.registered_by_id if stored else actor_id(session))
    if registered_by is not None:
        newly = stored is None or registered_by != stored.registered_by_id
        staff = _staff(session, registered_by, REGISTERED_BY, "registered_by_id", newly_named=newly)
        if newly and not may(Role(staff.role), Permission.REGISTER_RESIDENTS):
            raise ValidationError(
                msg(
                    "{name}（{role}）不负责建档，不能作为建档人。",
                    "{name} ({role}) does not register residents and cannot be named the person who made the file.",
                    name=staff.name,
                    role=_role(staff),
                ),
                field="registered_by_id",
            )

    doctor = data.responsible_doctor_id
    if doctor is not None:
        newly = stored is None or doctor != stored.responsible_doctor_id
        staff = _staff(session, doctor, RESPONSIBLE_DOCTOR, "responsible_doctor_id", newly_named=newly)
        if Role(staff.role) not in DOCTOR_ROLES:
            raise ValidationError(
                msg(
                    "{name}（{role}）不是医生，责任医生应为本乡镇的医生或专科医生。",
                    "{name} ({role}) is not a doctor: the responsible doctor is a doctor or specialist of the "
                    "township.",
                    name=staff.name,
                    role=_role(staff),
                ),
                field="responsible_doctor_id",
            )
    return Cover(registered_on, registered_by, doctor)
