"""The shell every page lives in: navigation by keyboard, the shared search box, the
unsaved-input prompt, what the window remembers, and the task runner that keeps the GUI
thread free."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from fdclient.app import build_pages, status_facts
from fdclient.errors import ValidationError
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.text import msg
from fdclient.ui.main_window import MainWindow
from fdclient.ui.pages.base import Page
from fdclient.ui.preferences import FONT_SIZE, LAST_PAGE, Preferences
from fdclient.ui.tasks import Cancelled, InlineRunner, Progress, TaskRunner

PAGE_TITLES = ["工作台", "居民档案", "签约管理", "随访服务", "工作清单", "报表导出", "数据同步", "设置"]


class TypingPage(Page):
    """A page holding typed input until it is saved or discarded."""

    NAME = "typing"
    TITLE = "Dashboard"

    def __init__(self) -> None:
        super().__init__()
        self.typed = "张三"

    def has_unsaved_changes(self) -> bool:
        return bool(self.typed)

    def discard_changes(self) -> None:
        self.typed = ""


def make_window(qtbot: QtBot, summary: TownshipSummary, preferences: Preferences | None = None) -> MainWindow:
    window = MainWindow(build_pages(summary, None), status_facts(summary, None), preferences=preferences)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # shortcuts reach an active window
        window.show()
        window.activateWindow()
    return window


def test_the_eight_pages_in_order_with_their_shortcuts(qtbot: QtBot, summary: TownshipSummary) -> None:
    window = make_window(qtbot, summary)
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == PAGE_TITLES
    assert [a.shortcut().toString() for a in window.page_actions] == [f"Ctrl+{i}" for i in range(1, 9)]
    assert window.navigation.item(2).toolTip() == "签约管理 (Ctrl+3)"
    for index in (2, 7, 0):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1.value + index), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == index and window.navigation.currentRow() == index


def test_ctrl_f_puts_the_cursor_in_the_search_box_from_any_page(qtbot: QtBot, summary: TownshipSummary) -> None:
    window = make_window(qtbot, summary)
    typed: list[str] = []
    window.search_requested.connect(typed.append)
    window.show_page(5)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClicks(window.search_box, "zs")
    assert typed == ["z", "zs"]
    assert "Ctrl+F" in window.search_box.placeholderText()


def test_the_status_bar_names_who_is_signed_in_and_today(qtbot: QtBot, summary: TownshipSummary) -> None:
    window = make_window(qtbot, summary)
    assert window.connectivity_label.text() == "离线"
    assert window.unsynced_label.text().startswith("未同步")
    assert window.windowTitle() == "罗家集镇 — 家庭医生签约服务"


def test_leaving_a_page_with_typed_input_asks_first(
    qtbot: QtBot, summary: TownshipSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = TypingPage()
    window = MainWindow([page, *build_pages(summary, None)[1:]], status_facts(summary, None))
    qtbot.addWidget(window)
    window.show()
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def answer(parent: object, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.show_page(1)  # cancelled: the input stays
    assert window.stack.currentIndex() == 0 and window.navigation.currentRow() == 0 and page.typed == "张三"
    assert "尚未保存" in asked[0]
    assert window.show_page(1)  # discarded
    assert window.stack.currentIndex() == 1 and page.typed == ""


def test_closing_with_typed_input_can_be_cancelled(
    qtbot: QtBot, summary: TownshipSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = TypingPage()
    window = MainWindow([page], status_facts(summary, None))
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible() and page.typed == "张三"


def test_the_window_remembers_its_page_and_geometry(qtbot: QtBot, summary: TownshipSummary, tmp_path: Path) -> None:
    preferences = Preferences(tmp_path / "ui.ini")
    window = make_window(qtbot, summary, preferences)
    window.show_page(3)
    window.resize(760, 520)
    assert window.close()
    again = make_window(qtbot, summary, Preferences(tmp_path / "ui.ini"))
    assert again.stack.currentIndex() == 3 and again.navigation.currentRow() == 3
    assert (again.size().width(), again.size().height()) == (760, 520)


def test_a_preference_that_cannot_be_read_falls_back_to_its_default(tmp_path: Path) -> None:
    path = tmp_path / "ui.ini"
    path.write_text("[window]\nlast_page=seven\n[appearance]\nfont_size=99\n", encoding="utf-8")
    preferences = Preferences(path)
    assert preferences.get(LAST_PAGE) == 0
    assert preferences.get(FONT_SIZE) == 11
    preferences.set(FONT_SIZE, 14)
    assert preferences.get(FONT_SIZE) == 14


# --- the task runner ----------------------------------------------------------------------------


def test_work_runs_off_the_gui_thread_and_results_come_back_on_it(qtbot: QtBot, qapp: QApplication) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: dict[str, int] = {}
    results: list[object] = []

    def work() -> str:
        seen["work"] = threading.get_ident()
        return "写好了"

    def done(result: str) -> None:
        seen["done"] = threading.get_ident()
        results.append(result)

    runner.write(work, done)
    qtbot.waitUntil(lambda: bool(results))
    assert results == ["写好了"] and seen["work"] != gui and seen["done"] == gui
    runner.shutdown()


def test_writes_run_one_after_another_in_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    order: list[int] = []
    threads: set[int] = set()

    def work(n: int) -> int:
        threads.add(threading.get_ident())
        return n

    for n in range(20):
        runner.write(lambda n=n: work(n), order.append)
    qtbot.waitUntil(lambda: len(order) == 20)
    assert order == list(range(20)) and len(threads) == 1
    runner.shutdown()


def test_a_failure_comes_back_with_its_message(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def fail() -> None:
        raise ValidationError(msg("身份证号校验位不对", "wrong check digit"), field="id_number")

    runner.read(fail, lambda _: pytest.fail("must not succeed"), errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValidationError) and errors[0].field == "id_number"
    runner.shutdown()


def test_long_work_reports_progress_and_stops_when_cancelled(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    release = threading.Event()
    steps: list[tuple[int, int]] = []
    outcome: list[BaseException] = []

    def work(progress: Progress) -> int:
        progress.step(1, 3)
        started.set()
        release.wait(5)
        progress.step(2, 3)  # cancelled meanwhile: raises Cancelled
        return 3

    handle = runner.long(
        work, lambda _: pytest.fail("was cancelled"), outcome.append, progress=lambda d, t, _: steps.append((d, t))
    )
    assert started.wait(5)
    handle.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(outcome))
    assert isinstance(outcome[0], Cancelled) and steps == [(1, 3)]
    runner.shutdown()


def test_shutdown_finishes_the_writes_already_asked() -> None:
    runner = TaskRunner()
    written: list[int] = []
    for n in range(5):
        runner.write(lambda n=n: written.append(n), lambda _: None)
    runner.shutdown()
    assert written == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError):
        runner.write(lambda: None, lambda _: None)


def test_the_inline_runner_answers_at_once() -> None:
    runner = InlineRunner()
    got: list[object] = []
    runner.read(lambda: 42, got.append)
    runner.write(lambda: 1 / 0, got.append, got.append)
    runner.long(lambda p: p.cancelled, got.append)
    assert got[0] == 42 and isinstance(got[1], ZeroDivisionError) and got[2] is False


def test_the_page_the_window_opens_on_is_told_it_is_shown(qtbot: QtBot, summary: TownshipSummary) -> None:
    class Counting(Page):
        NAME = "counting"
        TITLE = "Dashboard"

        def __init__(self) -> None:
            super().__init__()
            self.shown = 0

        def activated(self) -> None:
            self.shown += 1

    page = Counting()
    window = MainWindow([page], status_facts(summary, None))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: page.shown == 1)
    window.hide()
    window.show()
    qtbot.wait(20)
    assert page.shown == 1
