"""Qt test set-up: offscreen platform, a private runtime folder, the application font.

UI tests get the Chinese interface by default, as users do; ``ui_language`` switches it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Before any QApplication exists (pytest-qt creates it lazily in the qapp fixture).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if not os.environ.get("XDG_RUNTIME_DIR"):
    # Otherwise QStandardPaths warns, and Qt warnings fail tests (qt_log_level_fail).
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="fdclient-xdg-")

from PySide6.QtCore import QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fdclient.app import install_language, remove_translators  # noqa: E402
from fdclient.services.indicators.summary import TownshipSummary  # noqa: E402
from fdclient.ui.fonts import apply_application_font  # noqa: E402

HERE = Path(__file__).resolve().parent

# Qt warnings fail tests (qt_log_level_fail = WARNING); this one is the offscreen platform
# plugin saying it has no window manager to pass size hints to: noise, not a fault.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(OFFSCREEN_NOISE)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["fdclient-tests"]


@pytest.fixture(scope="session", autouse=True)
def _application_font(qapp: QApplication) -> str | None:
    """The CJK application font, as the GUI sets it (None when no CJK font is installed)."""
    return apply_application_font(qapp)


@pytest.fixture(autouse=True)
def ui_language(qapp: QApplication) -> Iterator[Callable[[str], None]]:
    """Switch the interface language for this test: ``ui_language("en")``.

    The test starts in Chinese (the default); translators are removed afterwards. Open
    windows receive the LanguageChange event through the event loop: wait for it
    (``qtbot.waitUntil``).
    """
    installed: list[QTranslator] = []

    def use(language: str) -> None:
        remove_translators(qapp, installed)
        installed[:] = install_language(qapp, language)

    use("zh_CN")
    yield use
    remove_translators(qapp, installed)
    install_language(qapp, "en")  # resets the default locale


@pytest.fixture
def summary() -> TownshipSummary:
    return TownshipSummary(
        township_code="360111101",
        township_name="罗家集镇",
        villages=12,
        households=3456,
        residents=12345,
        contracted_residents=8024,
        coverage=8024 / 12345,
    )
