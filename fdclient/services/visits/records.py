"""Reading visit records: a record as its form (:class:`VisitRecord`), the current revisions of
a resident's records (or their last revisions, voided ones included), and the revisions of
one record.

A record is never edited: a correction is a new revision (same ``record_id``), and the
current revision of a record is the one that is neither voided nor superseded
(:func:`current_only`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, with_polymorphic
from sqlalchemy.orm.util import AliasedClass

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.roles import Permission
from fdclient.domain.time import china_date
from fdclient.errors import RuleError
from fdclient.models import Visit
from fdclient.services.lookup import fetch
from fdclient.services.visits.forms import FORM_OF_KIND, MedicationInput, VisitInput
from fdclient.store.context import require
from fdclient.text import msg

__all__ = [
    "VisitRecord",
    "check_current",
    "current_only",
    "current_visits",
    "last_revisions",
    "visit_history",
    "visit_record",
    "visit_row",
]


@dataclass(frozen=True)
class VisitRecord:
    id: uuid.UUID
    record_id: uuid.UUID
    revision: int
    supersedes_id: uuid.UUID | None
    correction_reason: str | None
    kind: VisitKind
    contract_id: uuid.UUID | None
    bmi: float | None
    voided: bool
    void_reason: str | None
    #: The form as recorded (pass an edited copy to correct_visit).
    form: VisitInput

    @property
    def visit_date(self) -> date:
        return self.form.visit_date

    @property
    def resident_id(self) -> uuid.UUID:
        return self.form.resident_id


def visit_record(v: Visit) -> VisitRecord:
    kind = VisitKind(v.kind)
    form_cls = FORM_OF_KIND[kind]
    names = {f.name for f in fields(form_cls)}
    values: dict[str, Any] = {name: getattr(v, name) for name in names if name != "medications"}
    if "medications" in names:
        values["medications"] = tuple(MedicationInput(m.name, m.times_per_day, m.dose) for m in v.medications)
    if "service_kind" in names:
        values["service_kind"] = ServiceKind(values["service_kind"])
    return VisitRecord(
        id=v.id,
        record_id=v.record_id,
        revision=v.revision,
        supersedes_id=v.supersedes_id,
        correction_reason=v.correction_reason,
        kind=kind,
        contract_id=v.contract_id,
        bmi=getattr(v, "bmi", None),
        voided=v.voided_at is not None,
        void_reason=v.void_reason,
        form=form_cls(**values),
    )


_Row = TypeVar("_Row", bound=tuple[Any, ...])


def current_only(query: Select[_Row], entity: AliasedClass[Visit] | type[Visit]) -> Select[_Row]:
    """Only current revisions: not voided, and no revision supersedes them."""
    newer = Visit.__table__.alias("newer")
    return query.where(
        entity.voided_at.is_(None), ~exists(select(newer.c.id).where(newer.c.supersedes_id == entity.id))
    )


def visit_row(session: Session, visit_id: uuid.UUID) -> Visit:
    """The visit row (any revision), for the other visit use cases; no permission check."""
    return fetch(session, Visit, visit_id, msg("该随访记录", "the visit record"), "visit_id")


def check_current(session: Session, visit: Visit) -> None:
    """Only the current revision of a record may be corrected or voided."""
    if visit.voided_at is not None:
        raise RuleError(
            msg(
                "该记录已于 {day} 作废（原因：{reason}），不能再更正或作废。",
                "This record was voided on {day} (reason: {reason}) and can no longer be corrected or voided.",
                day=china_date(visit.voided_at).isoformat(),
                reason=visit.void_reason,
            )
        )
    newer = session.scalar(select(Visit).where(Visit.supersedes_id == visit.id))
    if newer is not None:
        raise RuleError(
            msg(
                "该记录已有更新的版本（第 {revision} 版），请在最新版本上操作。",
                "This record has a newer revision (revision {revision}); work on the latest one.",
                revision=newer.revision,
            )
        )


def current_visits(session: Session, resident_id: uuid.UUID, kind: VisitKind | None = None) -> tuple[VisitRecord, ...]:
    """The resident's records in their current revision (not superseded, not voided), newest first."""
    require(session, Permission.VIEW_RECORDS)
    poly = with_polymorphic(Visit, "*")
    query = current_only(select(poly), poly).where(poly.resident_id == resident_id)
    if kind is not None:
        query = query.where(poly.kind == kind)
    return tuple(visit_record(v) for v in session.scalars(query.order_by(poly.visit_date.desc(), poly.id.desc())))


def last_revisions(session: Session, resident_id: uuid.UUID) -> tuple[VisitRecord, ...]:
    """The last revision of each of the resident's records, newest first: the current ones
    and the voided ones (``voided``; a voided record keeps its reason), for the list of a
    resident's records."""
    require(session, Permission.VIEW_RECORDS)
    poly = with_polymorphic(Visit, "*")
    newer = Visit.__table__.alias("newer")
    query = select(poly).where(
        poly.resident_id == resident_id, ~exists(select(newer.c.id).where(newer.c.supersedes_id == poly.id))
    )
    return tuple(visit_record(v) for v in session.scalars(query.order_by(poly.visit_date.desc(), poly.id.desc())))


def visit_history(session: Session, record_id: uuid.UUID) -> tuple[VisitRecord, ...]:
    """Every revision of one record, oldest first (voided ones included)."""
    require(session, Permission.VIEW_RECORDS)
    poly = with_polymorphic(Visit, "*")
    rows = session.scalars(select(poly).where(poly.record_id == record_id).order_by(poly.revision))
    return tuple(visit_record(v) for v in rows)
