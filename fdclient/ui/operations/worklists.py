"""Work lists: the choices of the filters, the keys of a list in order (with its first
page of rows) on a reader thread, and later pages of rows for the lazy table model."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject

from fdclient.services.worklists import (
    SortColumn,
    WorklistChoices,
    WorklistFilter,
    WorklistRow,
    worklist_choices,
    worklist_keys,
    worklist_rows,
)
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed

__all__ = ["FIRST_PAGE", "LoadedList", "fetch_rows", "load_choices", "load_list"]

#: Rows read with the keys (the rest is read by the table model as it is scrolled).
FIRST_PAGE = 100


@dataclass(frozen=True)
class LoadedList:
    filter: WorklistFilter
    sort: SortColumn
    descending: bool
    keys: tuple[str, ...]
    first_rows: Mapping[str, WorklistRow]


def load_choices(
    session: UiSession,
    done: Callable[[WorklistChoices], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
) -> None:
    def work() -> WorklistChoices:
        with session.store.read() as s:
            return worklist_choices(s)

    session.runner.read(work, done, failed, owner=owner)


def load_list(
    session: UiSession,
    f: WorklistFilter,
    sort: SortColumn,
    descending: bool,
    done: Callable[[LoadedList], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
) -> None:
    """The keys of the list in order, and the rows of the first :data:`FIRST_PAGE`, in
    one read unit of work (one snapshot)."""

    def work() -> LoadedList:
        with session.store.read() as s:
            keys = worklist_keys(s, f, sort, descending)
            rows = worklist_rows(s, f, keys[:FIRST_PAGE])
        return LoadedList(f, sort, descending, tuple(keys), rows)

    session.runner.read(work, done, failed, owner=owner)


def fetch_rows(session: UiSession, f: WorklistFilter) -> Callable[[Sequence[str]], Mapping[str, WorklistRow]]:
    """A reader of rows by key for the table model: a page of 100 rows is a few index
    look-ups (milliseconds), read at once when the view scrolls to it."""

    def fetch(keys: Sequence[str]) -> Mapping[str, WorklistRow]:
        with session.store.read() as s:
            return worklist_rows(s, f, keys)

    return fetch
