"""既往史 (past history): a resident's diagnoses and surgery, trauma and transfusion events.

The resident dialog collects what is added and voided as :class:`HistoryChanges` and saves
them with the form, in the same unit of work (:func:`apply_history` runs inside the
registry operations' writes), so a refused row leaves the form, the file and the history as
they were. Diagnoses of hypertension and diabetes set the resident's patient flags (the
service keeps them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject
from sqlalchemy.orm import Session

from fdclient.domain.codes import HistoryEventKind
from fdclient.services.registry import medical_history
from fdclient.services.registry.medical_history import PastHistory
from fdclient.ui.session import UiSession

__all__ = [
    "DiagnosisDraft",
    "EventDraft",
    "HistoryChanges",
    "PastHistory",
    "apply_history",
    "load_past_history",
]

#: Fields the past-history use cases name in their errors.
HISTORY_FIELDS = frozenset(
    {"disease", "detail", "diagnosed_on", "kind", "description", "occurred_on", "reason", "diagnosis_id", "event_id"}
)


@dataclass(frozen=True)
class DiagnosisDraft:
    disease: str
    detail: str | None
    diagnosed_on: date


@dataclass(frozen=True)
class EventDraft:
    kind: HistoryEventKind
    description: str
    occurred_on: date


@dataclass(frozen=True)
class HistoryChanges:
    """Rows to add, and stored rows to void with their reasons."""

    add_diagnoses: tuple[DiagnosisDraft, ...] = ()
    add_events: tuple[EventDraft, ...] = ()
    void_diagnoses: tuple[tuple[uuid.UUID, str], ...] = ()
    void_events: tuple[tuple[uuid.UUID, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.add_diagnoses or self.add_events or self.void_diagnoses or self.void_events)


def apply_history(s: Session, resident_id: uuid.UUID, changes: HistoryChanges | None) -> None:
    """Void, then add, in the caller's write unit of work (the voids first: a wrong diagnosis
    is voided and the right one of the same disease added in one save)."""
    if changes is None:
        return
    for diagnosis_id, reason in changes.void_diagnoses:
        medical_history.void_diagnosis(s, diagnosis_id, reason)
    for event_id, reason in changes.void_events:
        medical_history.void_history_event(s, event_id, reason)
    for d in changes.add_diagnoses:
        medical_history.add_diagnosis(s, resident_id, disease=d.disease, diagnosed_on=d.diagnosed_on, detail=d.detail)
    for e in changes.add_events:
        medical_history.add_history_event(
            s, resident_id, kind=e.kind, description=e.description, occurred_on=e.occurred_on
        )


def load_past_history(
    session: UiSession,
    resident_id: uuid.UUID,
    done: Callable[[PastHistory], None],
    failed: Callable[[BaseException], None] | None = None,
    *,
    owner: QObject,
) -> None:
    def work() -> PastHistory:
        with session.store.read() as s:
            return medical_history.past_history(s, resident_id)

    session.runner.read(work, done, failed, owner=owner)
