"""The dashboard's figures: every indicator per village, team and doctor (and the township
summary, from the same counts), computed as long work off the GUI thread (over a second on
the 100k-resident demo township), with progress and cancel; each result is then kept as this
laptop's snapshot (:mod:`fdclient.services.indicators.snapshot`), which the next sign-in
shows at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject

from fdclient.services.indicators.compute import IndicatorReport, compute_indicators
from fdclient.services.indicators.snapshot import save_snapshot, summary_of
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.settings import target_percents
from fdclient.store.engine import CACHE_KIB
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed, Progress, TaskHandle

__all__ = ["DashboardFigures", "keep_snapshot", "load_figures"]


@dataclass(frozen=True)
class DashboardFigures:
    summary: TownshipSummary
    report: IndicatorReport
    #: The target lines (per cent by setting key).
    targets: Mapping[str, int]


def load_figures(
    session: UiSession,
    done: Callable[[DashboardFigures], None],
    failed: Failed | None = None,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Compute the indicators as of today (the store's clock), the summary from them, and
    read the target lines;
    cancel with the returned handle (the result is then dropped)."""

    def work(state: Progress) -> DashboardFigures:
        state.step(0, 1)
        # In one process: the GUI process has threads, where forking a second reader is
        # not safe (compute_indicators would refuse it anyway). With the store's usual page
        # cache: the GUI goes on running after, at its usual size (the figures shown first are
        # the snapshot's, so a slower computation costs no wait).
        report = compute_indicators(session.store, side_by_side=False, cache_kib=CACHE_KIB)
        with session.store.read() as s:
            targets = target_percents(s)
        state.step(1, 1)
        return DashboardFigures(summary_of(report), report, targets)

    return session.runner.long(work, done, failed, progress=progress, owner=owner)


def keep_snapshot(session: UiSession, report: IndicatorReport) -> None:
    """Keep *report* as the figures the next sign-in shows first (on the writer; a
    failure only costs the next sign-in a wait, so it is logged, not shown)."""

    def work() -> None:
        with session.store.write() as s:
            save_snapshot(s, report)

    session.runner.write(work, lambda _none: None)
