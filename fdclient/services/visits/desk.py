"""What the visits desk of the GUI reads before a form is typed: the villages, the residents
of a village or of the whole township (ids in SQL order, rows by id, for a lazy list), and whether a visit of a kind
may be started for a resident today (the eligibility refusal, before typing starts).

Recording, correcting and the history are :mod:`fdclient.services.visits.recording` and
:mod:`fdclient.services.visits.records`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.key_populations import age_on
from fdclient.domain.roles import Permission
from fdclient.errors import FdError, PermissionDenied
from fdclient.models import Resident, Village
from fdclient.services.registry.search import search_residents
from fdclient.services.visits.eligibility import check_eligible
from fdclient.services.visits.forms import FORM_OF_KIND, KIND_TEXT, ServiceRecordInput, VisitInput, permission_for
from fdclient.store.context import context_of, require, today
from fdclient.text import Text, msg

__all__ = [
    "ResidentRow",
    "VillageChoice",
    "resident_rows",
    "start_refusal",
    "village_resident_ids",
    "villages",
]


@dataclass(frozen=True)
class VillageChoice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ResidentRow:
    """One line of the resident list."""

    id: uuid.UUID
    village_id: uuid.UUID
    name: str
    sex: int
    birth_date: date
    #: Age today (the unit of work's clock).
    age: int
    health_record_no: str | None
    has_hypertension: bool
    has_diabetes: bool


def villages(session: Session) -> tuple[VillageChoice, ...]:
    """The township's villages by code."""
    require(session, Permission.VIEW_RECORDS)
    rows = session.execute(select(Village.id, Village.name).order_by(Village.code))
    return tuple(VillageChoice(i, n) for i, n in rows)


def village_resident_ids(
    session: Session, village_id: uuid.UUID | None, query: str = "", *, limit: int = 500
) -> list[uuid.UUID]:
    """The residents of a village (``None``: of every village of the township) not voided,
    by pinyin, sorted in SQL; with ``query`` those the search box finds (name, pinyin,
    initials, numbers; at most ``limit``). Only ids: the list reads its rows as they are
    shown (:func:`resident_rows`)."""
    require(session, Permission.VIEW_RECORDS)
    if query.strip():
        return [hit.id for hit in search_residents(session, query, limit=limit, village_id=village_id)]
    stmt = select(Resident.id).where(Resident.voided_at.is_(None))
    if village_id is not None:
        stmt = stmt.where(Resident.village_id == village_id)
    return list(session.scalars(stmt.order_by(Resident.name_pinyin, Resident.id)))


def resident_rows(session: Session, ids: Sequence[uuid.UUID]) -> list[ResidentRow]:
    """The rows of ``ids``, in that order (ids not found are left out)."""
    require(session, Permission.VIEW_RECORDS)
    on = today(session)
    found = {r.id: r for r in session.scalars(select(Resident).where(Resident.id.in_(list(ids))))}
    return [
        ResidentRow(
            r.id,
            r.village_id,
            r.name,
            r.sex,
            r.birth_date,
            age_on(r.birth_date, on),
            r.health_record_no,
            r.has_hypertension,
            r.has_diabetes,
        )
        for r in (found.get(i) for i in ids)
        if r is not None
    ]


def start_refusal(
    session: Session, resident_id: uuid.UUID, kind: VisitKind, service_kind: ServiceKind | None = None
) -> Text | None:
    """Why a visit of ``kind`` cannot be recorded for the resident today by the signed-in
    staff member (a plain message saying what to do), or None when it can."""
    actor = context_of(session).actor
    if actor is None:
        raise PermissionDenied(msg("请先登录。", "Sign in first."))
    needed = permission_for(kind, service_kind)
    if not actor.may(needed):
        return msg(
            "您的角色不能录入{kind}。",
            "Your role may not record {kind}.",
            kind=KIND_TEXT[kind],
        )
    form_cls = FORM_OF_KIND[kind]
    day = today(session)
    form: VisitInput
    if form_cls is ServiceRecordInput:
        if service_kind is None:
            return None
        form = ServiceRecordInput(
            service_kind=service_kind, resident_id=resident_id, visit_date=day, doctor_id=actor.staff_id
        )
    else:
        form = form_cls(resident_id=resident_id, visit_date=day, doctor_id=actor.staff_id)
    try:
        check_eligible(session, form)
    except FdError as error:
        return error.text
    return None
