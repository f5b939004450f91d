"""The dashboard over a real store: the township's coverage and indicators, computed off
the GUI thread, updated when the page is shown again after a contract was signed; the
policy targets as reference lines; a click on a figure or a village opens its work list."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from helpers import builders
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from fdclient.models import Household, Staff, Team
from fdclient.services.indicators.snapshot import opening_figures
from fdclient.services.indicators.summary import load_summary
from fdclient.services.township_settings import change_setting
from fdclient.services.worklists import WorklistKind
from fdclient.store import Store
from fdclient.ui.operations import dashboard as dashboard_ops
from fdclient.ui.pages.dashboard import INDICATORS, DashboardPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner, TaskRunner


@dataclass
class FakeWorklists:
    shown: list[tuple[Any, ...]] = field(default_factory=list)

    def show_list(self, kind: WorklistKind, **narrow: Any) -> None:
        self.shown.append((kind, narrow))


@dataclass
class FakeNavigator:
    worklists: FakeWorklists = field(default_factory=FakeWorklists)
    pages: list[str] = field(default_factory=list)

    def show_page(self, index: int) -> bool:
        return True

    def show_page_named(self, name: str) -> bool:
        self.pages.append(name)
        return True

    def page_named(self, name: str) -> FakeWorklists:
        assert name == "worklists"
        return self.worklists

    def open_resident(self, resident_id: uuid.UUID) -> None:
        raise AssertionError("the dashboard opens lists, not residents")


@dataclass(frozen=True)
class World:
    village_code: str
    household: Household
    team: Team
    doctor: Staff


@pytest.fixture
def world(store: Store) -> World:
    """One village with a household of two (one aged 76: a key population), not signed."""
    with store.write() as session:
        village = builders.make_village(session, name="东山村")
        team, doctor = builders.make_team(session, villages=[village])
        household = builders.make_household(session, village)
        session.expunge_all()
        return World(village.code, household, team, doctor)


def sign(store: Store, world: World) -> None:
    with store.write() as session:
        household = session.merge(world.household)
        team, doctor = session.merge(world.team), session.merge(world.doctor)
        basic = builders.make_basic_package(session)
        builders.make_signed_contract(session, household, team, doctor, [basic], start_date=date(2026, 5, 1))


def make_page(qtbot: QtBot, store: Store, runner: Any, tmp_path) -> DashboardPage:
    with store.read() as session:
        summary = load_summary(session)
    page = DashboardPage(summary, UiSession(store, runner, Preferences(tmp_path / "prefs.ini")))
    page.navigator = FakeNavigator()
    qtbot.addWidget(page)
    page.resize(1190, 680)
    return page


def value(page: DashboardPage, name: str) -> str:
    label = page.findChild(QLabel, f"{name}Value")
    assert label is not None, name
    return label.text()


def test_coverage_updates_after_a_contract_is_signed(qtbot: QtBot, store: Store, world: World, tmp_path) -> None:
    page = make_page(qtbot, store, InlineRunner(), tmp_path)
    page.activated()
    assert value(page, "coverage") == "0.0%"
    assert value(page, "key_population_coverage") == "0.0%"
    assert page.state_label.text() == "统计日 2026-06-01"
    bars = page.chart.bars()
    assert [(b.label, b.value) for b in bars] == [("东山村", 0.0)]

    sign(store, world)
    page.activated()  # the page is shown again

    assert value(page, "coverage") == "100.0%"
    assert value(page, "contracted") == "2"
    assert value(page, "key_population_coverage") == "100.0%"
    assert page.chart.bars()[0].value == 1.0
    target = page.findChild(QLabel, "coverageTarget")
    assert target is not None and target.text() == "✓ 目标 50%"


def test_figures_are_computed_off_the_gui_thread(
    qtbot: QtBot, store: Store, world: World, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    compute = dashboard_ops.compute_indicators

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return compute(*args, **kwargs)

    monkeypatch.setattr(dashboard_ops, "compute_indicators", spy)
    runner = TaskRunner()
    try:
        page = make_page(qtbot, store, runner, tmp_path)
        page.show()
        page.activated()  # as the main window does for the page it shows
        qtbot.waitUntil(lambda: page.report is not None, timeout=10_000)
        assert threads and threads[0] is not threading.main_thread()
        assert not page.is_computing()
        assert value(page, "coverage") == "0.0%"
    finally:
        runner.shutdown()


def test_targets_are_reference_lines(qtbot: QtBot, store: Store, world: World, tmp_path) -> None:
    page = make_page(qtbot, store, InlineRunner(), tmp_path)
    page.activated()
    targets = {}
    for i, shown in enumerate(INDICATORS):
        page.indicator_box.setCurrentIndex(i)
        targets[shown.key] = page.chart.target()
    assert targets == {
        "coverage": 0.5,
        "key_population_coverage": 0.7,
        "hypertension_standardised": 0.8,
        "hypertension_controlled": 0.5,
        "diabetes_standardised": 0.8,
        "diabetes_controlled": 0.5,
    }
    page.breakdown_box.setCurrentIndex(1)  # by team: no one signed yet, so no team figures
    assert [b.label for b in page.chart.bars()] == [world.team.name]


def test_enter_on_a_village_opens_its_work_list(qtbot: QtBot, store: Store, world: World, tmp_path) -> None:
    page = make_page(qtbot, store, InlineRunner(), tmp_path)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.activated()
    page.chart.setFocus()
    qtbot.waitUntil(page.chart.hasFocus)
    qtbot.keyClick(page.chart, Qt.Key.Key_Return)
    navigator = page.navigator
    assert isinstance(navigator, FakeNavigator)
    assert navigator.worklists.shown == [
        (WorklistKind.KEY_NOT_SIGNED, {"village_code": world.village_code, "team_id": None, "doctor_id": None})
    ]
    assert navigator.pages == ["worklists"]


def test_clicking_a_figure_opens_its_work_list(qtbot: QtBot, store: Store, world: World, tmp_path) -> None:
    page = make_page(qtbot, store, InlineRunner(), tmp_path)
    page.show()
    page.activated()
    qtbot.mouseClick(page.indicator_cards["hypertension_controlled"], Qt.MouseButton.LeftButton)
    navigator = page.navigator
    assert isinstance(navigator, FakeNavigator)
    assert navigator.worklists.shown[-1][0] == WorklistKind.FOLLOWUPS_OVERDUE
    assert navigator.pages == ["worklists"]


def test_without_a_session_only_the_summary(qtbot: QtBot, summary) -> None:
    page = DashboardPage(summary)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    assert not page.indicator_panel.isVisible() and not page.chart_area.isVisible()
    assert value(page, "coverage") == "65.0%"


def test_the_next_sign_in_opens_on_the_last_figures_then_computes_todays(
    qtbot: QtBot, store: Store, world: World, tmp_path
) -> None:
    first = make_page(qtbot, store, InlineRunner(), tmp_path)
    first.activated()  # computes the figures and keeps them as this laptop's snapshot
    sign(store, world)  # meanwhile a contract is signed

    with store.read() as session:
        opening = opening_figures(session)
    assert opening.snapshot is not None and opening.snapshot.report == first.report
    runner = TaskRunner()
    page = DashboardPage(
        opening.summary, UiSession(store, runner, Preferences(tmp_path / "p2.ini")), snapshot=opening.snapshot
    )
    qtbot.addWidget(page)
    try:
        # Before anything is computed: the last figures, not dots.
        assert page.shows_snapshot()
        assert value(page, "coverage") == "0.0%"
        page.activated()
        assert page.state_label.text().startswith("以下为 ")  # the snapshot's time, computing today's
        qtbot.waitUntil(lambda: not page.is_busy(), timeout=20_000)
        assert not page.shows_snapshot()
        assert value(page, "coverage") == "100.0%"
        assert page.state_label.text() == "统计日 2026-06-01"
    finally:
        runner.shutdown()


def test_the_target_lines_are_the_townships_settings(qtbot: QtBot, admin_store: Store, tmp_path) -> None:
    with admin_store.write() as session:
        builders.make_village(session, name="西岭村")
    change_setting(admin_store, "target_coverage_percent", "60")
    change_setting(admin_store, "target_standardised_percent", "85")

    page = make_page(qtbot, admin_store, InlineRunner(), tmp_path)
    page.activated()

    lines = {}
    for i, shown in enumerate(INDICATORS):
        page.indicator_box.setCurrentIndex(i)
        lines[shown.key] = page.chart.target()
    assert lines["coverage"] == 0.6
    assert lines["key_population_coverage"] == 0.7  # never changed: the default
    assert lines["hypertension_standardised"] == lines["diabetes_standardised"] == 0.85
    target = page.findChild(QLabel, "coverageTarget")
    assert target is not None and target.text().endswith("目标 60%")
