"""The dashboard's figures: the township summary and every indicator per village, team and
doctor, computed as long work off the GUI thread (about a second on the 100k-resident
demo township), with progress and cancel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from fdclient.services.indicators.compute import IndicatorReport, compute_indicators
from fdclient.services.indicators.summary import TownshipSummary, load_summary
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed, Progress, TaskHandle

__all__ = ["DashboardFigures", "load_figures"]


@dataclass(frozen=True)
class DashboardFigures:
    summary: TownshipSummary
    report: IndicatorReport


def load_figures(
    session: UiSession,
    done: Callable[[DashboardFigures], None],
    failed: Failed | None = None,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Compute the summary and the indicators as of today (the store's clock); cancel
    with the returned handle (the result is then dropped)."""

    def work(state: Progress) -> DashboardFigures:
        state.step(0, 2)
        with session.store.read() as s:
            summary = load_summary(s)
        state.step(1, 2)
        # In one process: the GUI process has threads, where forking a second reader is
        # not safe (compute_indicators would refuse it anyway).
        report = compute_indicators(session.store, side_by_side=False)
        state.step(2, 2)
        return DashboardFigures(summary, report)

    return session.runner.long(work, done, failed, progress=progress, owner=owner)
