"""The main window shell and the dashboard page: title, township figures, language."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from fdclient import i18n
from fdclient.app import build_pages, run_gui, status_facts
from fdclient.errors import StoreNotFoundError
from fdclient.services.indicators.snapshot import OpeningFigures
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.ui.fonts import PREFERRED_FAMILIES, choose_cjk_family
from fdclient.ui.main_window import MainWindow
from fdclient.ui.pages.dashboard import FIGURES, DashboardPage

REPO = Path(__file__).resolve().parents[2]


def make_window(qtbot: QtBot, summary: TownshipSummary) -> MainWindow:
    window = MainWindow(build_pages(summary, None), status_facts(summary, None))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def dashboard(window: MainWindow) -> DashboardPage:
    page = window.page_named("dashboard")
    assert isinstance(page, DashboardPage)
    return page


def value(window: MainWindow, name: str) -> str:
    label = window.findChild(QLabel, f"{name}Value")
    assert label is not None, name
    return label.text()


def caption(window: MainWindow, name: str) -> str:
    label = window.findChild(QLabel, f"{name}Caption")
    assert label is not None, name
    return label.text()


def test_shows_chinese_title_and_township(qtbot: QtBot, summary: TownshipSummary) -> None:
    window = make_window(qtbot, summary)

    assert dashboard(window).title_label.text() == "家庭医生签约服务"
    assert window.windowTitle() == "罗家集镇 — 家庭医生签约服务"
    assert dashboard(window).township_label.text() == "罗家集镇（区划代码 360111101）"
    assert dashboard(window).section_label.text() == "乡镇概况"
    assert window.file_menu.title() == "文件(&F)"


def test_shows_the_figures_of_the_summary(qtbot: QtBot, summary: TownshipSummary) -> None:
    window = make_window(qtbot, summary)

    assert [value(window, name) for name in FIGURES] == [
        "12",
        "3,456",
        "12,345",
        "8,024",
        "65.0%",
    ]
    assert [caption(window, name) for name in FIGURES] == [
        "村（居）",
        "户数",
        "居民人数",
        "已签约居民",
        "签约覆盖率",
    ]
    detail = window.findChild(QLabel, "coverageDetail")
    assert detail is not None and detail.text() == "12,345 名居民中已签约 8,024 名"
    assert dashboard(window).coverage_bar.isVisible() and dashboard(window).coverage_bar.value() == 650


def test_set_summary_updates_the_figures(qtbot: QtBot, summary: TownshipSummary) -> None:
    window = make_window(qtbot, summary)
    empty = dataclasses.replace(summary, villages=0, households=0, residents=0, contracted_residents=0, coverage=None)

    dashboard(window).set_summary(empty)

    assert dashboard(window).summary is empty
    assert value(window, "residents") == "0"
    assert value(window, "coverage") == "暂无"
    assert not dashboard(window).coverage_bar.isVisible()


def test_english_when_fdclient_lang_is_en(
    qtbot: QtBot, summary: TownshipSummary, ui_language, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    ui_language(i18n.resolve_language())
    window = make_window(qtbot, summary)

    assert dashboard(window).title_label.text() == "Family doctor contract service"
    assert dashboard(window).township_label.text() == "罗家集镇 (division code 360111101)"
    assert caption(window, "coverage") == "Contract coverage"
    assert value(window, "households") == "3,456"
    assert value(window, "coverage") == "65.0%"


def test_switching_language_retranslates_the_open_window(qtbot: QtBot, summary: TownshipSummary, ui_language) -> None:
    window = make_window(qtbot, summary)
    assert caption(window, "villages") == "村（居）"

    ui_language("en")
    qtbot.waitUntil(lambda: caption(window, "villages") == "Villages")
    assert window.connectivity_label.text() == "Offline"
    assert window.windowTitle() == "罗家集镇 — Family doctor contract service"

    ui_language("zh_CN")
    qtbot.waitUntil(lambda: caption(window, "villages") == "村（居）")
    assert window.connectivity_label.text() == "离线"


def test_application_font_is_an_installed_cjk_font(qapp: QApplication) -> None:
    from PySide6.QtGui import QFontDatabase

    expected = choose_cjk_family(QFontDatabase.families())
    assert expected is not None, (
        f"no CJK font installed (one of {PREFERRED_FAMILIES}): Chinese shows as boxes; "
        "apt-get install fonts-wqy-microhei (bash scripts/dev.sh test does)"
    )
    font = qapp.font()
    assert font.families()[0] == expected
    metrics = QFontMetrics(font)
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "家庭医生签约服务罗")


def test_choose_cjk_family_follows_the_preference_order() -> None:
    available = ["DejaVu Sans", "AR PL UMing CN", "WenQuanYi Zen Hei [WQY]", "Noto Sans"]
    assert choose_cjk_family(available) == "WenQuanYi Zen Hei [WQY]"
    assert choose_cjk_family(["DejaVu Sans"]) is None


def test_run_gui_reports_a_store_error_without_a_window(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def loader() -> OpeningFigures:
        raise StoreNotFoundError("数据目录中还没有数据库")

    status = run_gui(loader, ["fdclient"], screenshot=tmp_path / "never.png")

    assert status == StoreNotFoundError.exit_code
    assert "数据目录中还没有数据库" in capsys.readouterr().err
    assert not (tmp_path / "never.png").exists()


def test_screenshot_mode_writes_a_png_and_exits(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    code = (
        "import sys\n"
        "from fdclient.app import run_gui\n"
        "from fdclient.services.indicators.snapshot import OpeningFigures\n"
        "from fdclient.services.indicators.summary import TownshipSummary\n"
        "summary = TownshipSummary('360111101', '罗家集镇', 12, 3456, 12345, 8024, 0.65)\n"
        "sys.exit(run_gui(lambda: OpeningFigures(summary), sys.argv))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FDCLIENT_SCREENSHOT=str(shot))
    env.pop(i18n.LANGUAGE_ENV, None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 800 and image.height() >= 500


def test_run_gui_rejects_an_unknown_language_in_chinese(qapp: QApplication) -> None:
    from fdclient.errors import ValidationError

    with pytest.raises(ValidationError, match="不支持的界面语言"):
        run_gui(lambda: pytest.fail("must not load"), ["fdclient", "--lang", "fr"])
