"""Finding residents from the search box (name, pinyin, initials, ID fragment, phone or
record number), on a reader thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from fdclient.services.registry.search_results import FoundResident, find_residents
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed

__all__ = ["FoundResident", "find"]

#: How many residents the search box lists.
SHOWN = 20


def find(
    session: UiSession,
    query: str,
    done: Callable[[tuple[FoundResident, ...]], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
    limit: int = SHOWN,
) -> None:
    """Residents matching ``query``, in a read unit of work off the GUI thread."""

    def work() -> tuple[FoundResident, ...]:
        with session.store.read() as s:
            return find_residents(s, query, limit=limit)

    session.runner.read(work, done, failed, owner=owner)
