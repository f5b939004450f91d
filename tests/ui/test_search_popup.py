"""Results as you type under the main window's search box: name, pinyin, initials, ID
fragment, phone; ↓/↑ move, Enter opens the resident, Esc closes; stale answers dropped."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import builders
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from fdclient.app import build_pages, status_facts
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.store import Store
from fdclient.ui.main_window import MainWindow
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner, Runner, TaskRunner
from fdclient.ui.widgets.search_popup import SearchPopup, SearchResultsModel, install_search_popup


@dataclass
class People:
    zhang: uuid.UUID
    zhang_id_number: str
    zhangfeng: uuid.UUID
    li: uuid.UUID


@pytest.fixture
def people(store: Store) -> People:
    with store.write() as s:
        village = builders.make_village(s, name="罗家村")
        zhang = builders.make_resident(s, village, name="张三", birth_date=date(1950, 3, 1))
        feng = builders.make_resident(s, village, name="张三丰", birth_date=date(1948, 4, 9))
        li = builders.make_resident(s, village, name="李四", birth_date=date(1970, 1, 5), phone="13912345678")
        assert zhang.id_number is not None
        return People(zhang.id, zhang.id_number, feng.id, li.id)


@dataclass
class Opened:
    """A navigator that notes which residents were opened."""

    ids: list[uuid.UUID] = field(default_factory=list)

    def open_resident(self, resident_id: uuid.UUID) -> None:
        self.ids.append(resident_id)


@dataclass
class ManualRunner:
    """Keeps the reads asked for; the test answers them in the order it likes."""

    pending: list[tuple[Callable[[], Any], Callable[[Any], None]]] = field(default_factory=list)

    def read(
        self, work: Callable[[], Any], done: Callable[[Any], None], failed: Any = None, *, owner: Any = None
    ) -> None:
        self.pending.append((work, done))

    def answer(self, index: int) -> None:
        work, done = self.pending[index]
        done(work())


def make_window(qtbot: QtBot, summary: TownshipSummary, store: Store, tmp_path: Path, runner: Runner) -> MainWindow:
    session = UiSession(store, runner, Preferences(tmp_path / "ui.ini"))
    window = MainWindow(build_pages(summary, session), status_facts(summary, session))
    install_search_popup(window, session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


@pytest.fixture
def window(qtbot: QtBot, summary: TownshipSummary, store: Store, people: People, tmp_path: Path) -> MainWindow:
    return make_window(qtbot, summary, store, tmp_path, InlineRunner())


def popup_of(window: MainWindow) -> SearchPopup:
    popup = window.search_popup
    assert isinstance(popup, SearchPopup)
    return popup


def names(popup: SearchPopup) -> list[str]:
    return [popup.model.resident(row).name for row in range(popup.model.rowCount())]


def test_initials_show_results_as_you_type_and_enter_opens_the_chosen_one(
    qtbot: QtBot, window: MainWindow, people: People
) -> None:
    popup = popup_of(window)
    opened = Opened()
    popup.navigator = opened
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClicks(window.search_box, "zs")
    assert popup.isVisible() and names(popup) == ["张三", "张三丰"]
    assert popup.model.index(0, 3).data() == "罗家村" and popup.model.index(0, 2).data() == "76岁"
    assert "*" in popup.model.index(0, 4).data()  # the ID number is masked in the list
    assert popup.current_row() == 0
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert popup.current_row() == 1
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)  # stays on the last one
    assert popup.current_row() == 1
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert opened.ids == [people.zhangfeng] and not popup.isVisible()


def test_enter_opens_the_residents_page_of_the_main_window(qtbot: QtBot, window: MainWindow, people: People) -> None:
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "lisi")
    assert names(popup_of(window)) == ["李四"]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Enter)
    assert window.current_page().NAME == "residents"


def test_chinese_pinyin_id_fragment_and_phone(qtbot: QtBot, window: MainWindow, people: People) -> None:
    popup = popup_of(window)
    box = window.search_box
    box.setFocus()
    QTest.sendKeyEvent(QTest.KeyAction.Click, box, Qt.Key.Key_unknown, "张", Qt.KeyboardModifier.NoModifier)
    assert names(popup) == ["张三", "张三丰"]
    box.clear()
    qtbot.keyClicks(box, "zhangsanf")
    assert names(popup) == ["张三丰"]
    box.clear()
    qtbot.keyClicks(box, people.zhang_id_number[6:14])
    assert [popup.model.resident(r).id for r in range(popup.model.rowCount())] == [people.zhang]
    box.clear()
    qtbot.keyClicks(box, "1391234")
    assert names(popup) == ["李四"] and popup.model.index(0, 5).data() == "139****5678"


def test_escape_closes_and_down_opens_again(qtbot: QtBot, window: MainWindow, people: People) -> None:
    popup = popup_of(window)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "zs")
    assert popup.isVisible()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert not popup.isVisible() and window.search_box.text() == "zs"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert popup.isVisible() and names(popup) == ["张三", "张三丰"]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Up)
    assert popup.current_row() == 0
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, "qqq")
    assert popup.isVisible() and popup.model.rowCount() == 0 and popup.message.text() == "没有找到居民。"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Backspace)
    assert not popup.isVisible()


def bare_popup(qtbot: QtBot, store: Store, tmp_path: Path, runner: Any) -> SearchPopup:
    """A popup under a search box of its own (no pages reading meanwhile)."""
    host = QWidget()
    host.resize(900, 500)
    box = QLineEdit(host)
    qtbot.addWidget(host)
    popup = SearchPopup(box, UiSession(store, runner, Preferences(tmp_path / "ui.ini")), Opened(), host)
    box.textEdited.connect(popup.search)
    host.show()
    return popup


def test_an_answer_to_an_older_query_is_dropped(qtbot: QtBot, store: Store, people: People, tmp_path: Path) -> None:
    runner = ManualRunner()
    popup = bare_popup(qtbot, store, tmp_path, runner)
    qtbot.keyClicks(popup.search_box, "z")
    popup.search_box.clear()
    qtbot.keyClicks(popup.search_box, "l")
    assert len(runner.pending) == 2
    runner.answer(1)  # "l" answers first
    runner.answer(0)  # then the stale "z"
    assert names(popup) == ["李四"]


def test_the_search_runs_off_the_gui_thread(qtbot: QtBot, store: Store, people: People, tmp_path: Path) -> None:
    runner = TaskRunner()
    try:
        popup = bare_popup(qtbot, store, tmp_path, runner)
        qtbot.keyClicks(popup.search_box, "zs")
        popup.search_box.clear()
        qtbot.keyClicks(popup.search_box, "ls")
        qtbot.waitUntil(lambda: names(popup) == ["李四"], timeout=5000)
        qtbot.wait(50)  # the older answer, if it comes late, changes nothing
        assert names(popup) == ["李四"]
    finally:
        runner.shutdown()


def test_the_results_model(qtmodeltester: Any, window: MainWindow, people: People) -> None:
    popup = popup_of(window)
    popup.search("zs")
    model: SearchResultsModel = popup.model
    assert model.rowCount() == 2 and model.headerData(0, Qt.Orientation.Horizontal) == "姓名"
    qtmodeltester.check(model)
