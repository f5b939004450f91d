"""Visits and services: the use cases of the 随访服务 page, each run through the task runner.

Results come back to ``done``; an FdError goes to ``failed`` (the page shows it beside the
field :func:`form_field` names, or above the form). Nothing here imports a widget.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.validation import check_blood_pressure, check_measurement
from fdclient.errors import FdError
from fdclient.services.visits import desk, recording, records
from fdclient.services.visits.assessment import FollowupAdvice, assess_followup
from fdclient.services.visits.carryover import CarriedOver, last_followup_carryover
from fdclient.services.visits.forms import (
    DiabetesFollowupInput,
    HypertensionFollowupInput,
    ReferralInput,
    VisitInput,
    permission_for,
)
from fdclient.text import Text
from fdclient.ui.session import UiSession

__all__ = [
    "Saved",
    "check_start",
    "form_field",
    "load_carryover",
    "load_history",
    "load_resident_ids",
    "load_villages",
    "load_visits",
    "may_amend",
    "preview_advice",
    "resident_rows_now",
    "save_visit",
    "void_visit",
]

Failed = Callable[[BaseException], None]


def load_villages(session: UiSession, done: Callable[[tuple[desk.VillageChoice, ...]], None], failed: Failed) -> None:
    def work() -> tuple[desk.VillageChoice, ...]:
        with session.store.read() as s:
            return desk.villages(s)

    session.runner.read(work, done, failed)


def load_resident_ids(
    session: UiSession,
    village_id: uuid.UUID | None,
    query: str,
    done: Callable[[list[uuid.UUID]], None],
    failed: Failed,
) -> None:
    """The ids of a village's residents (``None``: the whole township's), sorted in SQL."""

    def work() -> list[uuid.UUID]:
        with session.store.read() as s:
            return desk.village_resident_ids(s, village_id, query)

    session.runner.read(work, done, failed)


def resident_rows_now(session: UiSession, ids: Sequence[uuid.UUID]) -> list[desk.ResidentRow]:
    """Rows of a lazy list, read at once (a batch by primary key: a few milliseconds)."""
    with session.store.read() as s:
        return desk.resident_rows(s, ids)


def check_start(
    session: UiSession,
    resident_id: uuid.UUID,
    kind: VisitKind,
    service_kind: ServiceKind | None,
    done: Callable[[Text | None], None],
    failed: Failed,
) -> None:
    """Why this visit cannot be recorded for the resident (None: it can)."""

    def work() -> Text | None:
        with session.store.read() as s:
            return desk.start_refusal(s, resident_id, kind, service_kind)

    session.runner.read(work, done, failed)


def preview_advice(
    session: UiSession,
    form: HypertensionFollowupInput | DiabetesFollowupInput,
    done: Callable[[FollowupAdvice], None],
    failed: Failed,
) -> None:
    """Classification, next visit and referral advice of the readings typed so far."""

    def work() -> FollowupAdvice:
        with session.store.read() as s:
            return assess_followup(s, form)

    session.runner.read(work, done, failed)


@dataclass(frozen=True)
class Saved:
    recorded: recording.RecordedVisit
    corrected: bool


def save_visit(
    session: UiSession,
    form: VisitInput,
    done: Callable[[Saved], None],
    failed: Failed,
    *,
    correcting: uuid.UUID | None = None,
    reason: str = "",
) -> None:
    """Record ``form`` (a referral with it when the form names an institution), or write it
    as a corrected revision of the visit ``correcting`` with ``reason``."""

    def work() -> Saved:
        with session.store.write() as s:
            if correcting is not None:
                return Saved(recording.correct_visit(s, correcting, form, reason), True)
            institution = getattr(form, "referral_institution", None)
            referral = (
                ReferralInput(institution=institution, reason=getattr(form, "referral_reason", None))
                if institution
                else None
            )
            return Saved(recording.record_visit(s, form, referral=referral), False)

    session.runner.write(work, done, failed)


def load_visits(
    session: UiSession,
    resident_id: uuid.UUID,
    done: Callable[[tuple[records.VisitRecord, ...]], None],
    failed: Failed,
) -> None:
    """The last revision of each of the resident's records (voided ones included)."""

    def work() -> tuple[records.VisitRecord, ...]:
        with session.store.read() as s:
            return records.last_revisions(s, resident_id)

    session.runner.read(work, done, failed)


def load_carryover(
    session: UiSession,
    resident_id: uuid.UUID,
    kind: VisitKind,
    done: Callable[[CarriedOver | None], None],
    failed: Failed,
) -> None:
    """What a new follow-up of ``kind`` takes from the resident's last one (None: nothing)."""

    def work() -> CarriedOver | None:
        with session.store.read() as s:
            return last_followup_carryover(s, resident_id, kind)

    session.runner.read(work, done, failed)


def may_amend(session: UiSession, record: records.VisitRecord) -> bool:
    """Whether the signed-in role may correct or void ``record`` (the service checks anyway)."""
    return session.may(permission_for(record.kind, getattr(record.form, "service_kind", None)))


def void_visit(
    session: UiSession,
    visit_id: uuid.UUID,
    reason: str,
    done: Callable[[records.VisitRecord], None],
    failed: Failed,
) -> None:
    """Void the current revision ``visit_id`` with ``reason`` (the planned service it
    fulfilled reopens; the audit trail records who, when and why)."""

    def work() -> records.VisitRecord:
        with session.store.write() as s:
            return recording.void_visit(s, visit_id, reason)

    session.runner.write(work, done, failed)


def load_history(
    session: UiSession,
    record_id: uuid.UUID,
    done: Callable[[tuple[records.VisitRecord, ...]], None],
    failed: Failed,
) -> None:
    def work() -> tuple[records.VisitRecord, ...]:
        with session.store.read() as s:
            return records.visit_history(s, record_id)

    session.runner.read(work, done, failed)


# --- which field an error is about --------------------------------------------------------

#: Fields the measurement checks name by the measurement, and the form fields they may mean.
_MEASURED_FIELDS = {
    "weight": ("weight_kg", "weight_target_kg"),
    "height": ("height_cm",),
    "heart_rate": ("heart_rate", "pulse"),
    "temperature": ("temperature_c",),
    "waist": ("waist_cm",),
    "random_glucose": ("blood_glucose",),
    "fasting_glucose": ("fasting_glucose",),
    "hba1c": ("hba1c",),
}
_BP_PAIRS = (("systolic", "diastolic"), ("systolic_left", "diastolic_left"), ("systolic_right", "diastolic_right"))


def form_field(form: VisitInput, error: FdError, *, correcting: bool = False) -> str | None:
    """The field of ``form`` an error is about (the checks name some fields by their
    measurement: ``weight`` for the weight and its target), or None."""
    name = error.field
    if name is None:
        return None
    names = {f.name for f in fields(form)}
    if name == "reason":
        return "correction_reason" if correcting else "referral_reason"
    if name == "institution":
        return "referral_institution"
    if name in ("systolic", "diastolic"):
        for high, low in _BP_PAIRS:
            if high not in names:
                continue
            values = getattr(form, high), getattr(form, low)
            if None in values:
                continue
            try:
                check_blood_pressure(*values)
            except FdError as found:
                return high if found.field == "systolic" else low
        return name if name in names else None
    if name in names:
        return name
    for candidate in _MEASURED_FIELDS.get(name, ()):
        if candidate in names and getattr(form, candidate) is not None:
            try:
                check_measurement(name, getattr(form, candidate))
            except FdError:
                return candidate
    return None
