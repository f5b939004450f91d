"""Reading a resident's whole record for the record view, on a reader thread."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject

from fdclient.services.registry.resident_record import ResidentRecord, load_resident_record
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed

__all__ = ["ResidentRecord", "load_record"]


def load_record(
    session: UiSession,
    resident_id: uuid.UUID,
    done: Callable[[ResidentRecord], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
) -> None:
    """The record of ``resident_id`` (one read unit of work)."""

    def work() -> ResidentRecord:
        with session.store.read() as s:
            return load_resident_record(s, resident_id)

    session.runner.read(work, done, failed, owner=owner)
