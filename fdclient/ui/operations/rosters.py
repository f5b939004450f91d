"""Rosters from the GUI: exporting the signed-residents roster (花名册) to an Excel workbook,
and importing a township's roster after a preview of what it will do.

* The export runs as long work with progress and cancel
  (:func:`fdclient.rosters.export.export_roster`: the workbook is written beside the target
  and renamed when complete and recorded; a cancel leaves nothing).
* The import's preview reads the file and plans every row without writing
  (:func:`fdclient.rosters.importing.preview_import`), as long work (a county roster of
  100k rows takes seconds). Importing plans again and writes in one write unit of work on
  the writer thread, after any save already asked: all or nothing, so it has no cancel.
* The errors workbook repeats the rejected rows with a Chinese reason column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject

from fdclient.rosters.export import ExportOptions, ExportSummary
from fdclient.rosters.import_rows import Problem
from fdclient.rosters.import_summary import ImportSummary
from fdclient.rosters.importing import ImportPlan
from fdclient.rosters.reading import RosterTable
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed, Progress, TaskHandle

__all__ = ["ExportOptions", "apply_import", "export_roster", "plan_import", "save_errors"]

#: ``progress(done, total, text)`` on the GUI thread (total 0: no count yet).
Report = Callable[[int, int, str], None]


def export_roster(
    session: UiSession,
    path: Path,
    options: ExportOptions,
    password: str | None,
    done: Callable[[ExportSummary], None],
    failed: Failed | None = None,
    *,
    progress: Report | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Write the roster to *path* (encrypted with *password* when one is given)."""
    from fdclient.rosters import export

    def work(state: Progress) -> ExportSummary:
        state.step(0, 0)
        return export.export_roster(
            session.store, path, options, password=password, progress=lambda done, total: state.step(done, total)
        )

    return session.runner.long(work, done, failed, progress=progress, owner=owner)


def plan_import(
    session: UiSession,
    path: Path,
    done: Callable[[ImportPlan], None],
    failed: Failed | None = None,
    *,
    progress: Report | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Read *path* and plan the import of every row (nothing is written)."""
    from fdclient.rosters.importing import preview_import
    from fdclient.rosters.reading import read_roster

    def work(state: Progress) -> ImportPlan:
        state.step(0, 2)
        table = read_roster(path)
        state.step(1, 2)
        plan = preview_import(session.store, table)
        state.step(2, 2)
        return plan

    return session.runner.long(work, done, failed, progress=progress, owner=owner)


def apply_import(
    session: UiSession,
    table: RosterTable,
    strict: bool,
    done: Callable[[ImportSummary], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
) -> None:
    """Import the roster read for the preview (planned again on the store as it is now);
    with *strict*, nothing unless every row is valid."""
    from fdclient.rosters.importing import import_roster

    session.runner.write(lambda: import_roster(session.store, table, strict=strict), done, failed, owner=owner)


def save_errors(
    session: UiSession,
    path: Path,
    table: RosterTable,
    problems: Sequence[Problem],
    done: Callable[[Path], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
) -> TaskHandle:
    """Write the rejected rows and their reasons to the workbook *path*."""
    from fdclient.rosters.errors_workbook import write_errors_workbook

    return session.runner.long(lambda _state: write_errors_workbook(path, table, problems), done, failed, owner=owner)
