"""What the GUI benchmark (bench/gui_bench.py) runs its figures with: the signed-in window built
as ``fdclient.app.run_gui`` builds it, local event loops that wait without polling where
polling would disturb what is measured, and the table of figures."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fdclient import i18n  # noqa: E402
from fdclient.app import LanguageSwitch, build_pages, status_facts  # noqa: E402
from fdclient.services.indicators.snapshot import opening_figures  # noqa: E402
from fdclient.store import Store, open_store, sign_in  # noqa: E402
from fdclient.ui.fonts import apply_application_font  # noqa: E402
from fdclient.ui.main_window import MainWindow  # noqa: E402
from fdclient.ui.pages.dashboard import DashboardPage  # noqa: E402
from fdclient.ui.session import UiSession  # noqa: E402
from fdclient.ui.tasks import TaskRunner  # noqa: E402
from fdclient.ui.widgets.search_popup import install_search_popup  # noqa: E402

RESIDENTS = 100_000
#: ``fdclient demo`` options for 100k residents (about 3.25 residents per household).
VILLAGES, HOUSEHOLDS = 33, 31_000
DEFAULT_PASSWORD = "bench-password-1"
DEFAULT_USER = "doctor001"
PROCESSES = 5
REPEAT = 5
SEARCH_SAMPLES = 5
TIMEOUT_S = 120.0


@dataclass
class Row:
    figure: str
    value: float | None  # in ``unit``; None when it failed
    baseline: str = ""
    target: str = ""
    failure: str = ""
    unit: str = "ms"


# --- waiting in an event loop (the bench's, not the product's) --------------------------------------


def wait_until(condition: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> bool:
    """Run a local event loop until ``condition()`` holds (checked every millisecond)."""
    if condition():
        return True
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    ok: list[bool] = [False]

    def check() -> None:
        if condition():
            ok[0] = True
            loop.quit()
        elif time.perf_counter() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return ok[0]


def wait_for(signal: Any, timeout_s: float = TIMEOUT_S) -> bool:
    """Run a local event loop until ``signal`` is emitted (no polling: a polling timer
    would take the GIL from the worker thread every tick and slow what is measured)."""
    loop = QEventLoop()
    fired: list[bool] = [False]

    def done() -> None:
        fired[0] = True
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)
    return fired[0]


def pause(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _median_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


# --- the signed-in window, as fdclient.app.run_gui builds it ------------------------------------------


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(["fdclient"])
    assert isinstance(app, QApplication)
    return app


@dataclass
class Gui:
    store: Store
    session: UiSession
    window: MainWindow
    languages: LanguageSwitch

    def close(self) -> None:
        self.session.runner.shutdown()
        self.window.hide()
        self.window.deleteLater()
        self.languages.close()
        self.store.close()


def open_gui(folder: Path, user: str, password: str) -> Gui:
    """Sign in and show the main window (without this laptop's remembered geometry and page,
    so it opens on the dashboard)."""
    from fdclient.paths import StorePaths
    from fdclient.ui.preferences import Preferences

    app = application()
    languages = LanguageSwitch(app, i18n.resolve_language(None))
    apply_application_font(app)
    store = open_store(folder, sign_in(folder, user, password))
    with store.read() as s:
        figures = opening_figures(s)
    session = UiSession(store, TaskRunner(), Preferences(StorePaths(folder).ui_preferences))
    window = MainWindow(build_pages(figures.summary, session, figures), status_facts(figures.summary, session))
    install_search_popup(window, session)
    window.show()
    return Gui(store, session, window, languages)


def dashboard_of(window: MainWindow) -> DashboardPage:
    page = window.page_named("dashboard")
    assert isinstance(page, DashboardPage)
    return page


def _guarded(name: str, fn: Callable[[], list[Row]]) -> list[Row]:
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - one failed figure must not stop the others
        return [Row(name, None, failure=f"failed: {type(exc).__name__}: {exc}"[:100])]


def print_table(rows: Sequence[Row]) -> None:
    print(f"{'figure':66s} {'value':>10}  {'target':>9}  baseline (same run)")
    for r in rows:
        shown = r.failure if r.value is None else f"{r.value:7.1f} {r.unit}"
        print(f"{r.figure:66s} {shown:>10}  {r.target:>9}  {r.baseline}")
