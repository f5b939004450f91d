"""The work lists page over a real store: an overdue follow-up and an expiring contract are
listed, the list sorts in SQL, Enter opens the resident; the lazy model passes
qtmodeltester. The scene's clock says 2026-06-01 (a Monday)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from helpers import builders
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from fdclient.models import HypertensionFollowup, new_id
from fdclient.services.worklists import SortColumn, WorklistFilter, WorklistKind, WorklistRow
from fdclient.store import Store
from fdclient.ui.operations import worklists as ops
from fdclient.ui.pages.worklists import WorklistsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.worklists import COLUMNS, PAGE, WorklistModel
from fdclient.ui.tasks import InlineRunner


@dataclass
class FakeNavigator:
    opened: list[uuid.UUID] = field(default_factory=list)

    def show_page(self, index: int) -> bool:
        return True

    def show_page_named(self, name: str) -> bool:
        return True

    def open_resident(self, resident_id: uuid.UUID) -> None:
        self.opened.append(resident_id)


@dataclass(frozen=True)
class World:
    village_code: str
    overdue_id: uuid.UUID  # 张高压: hypertension, follow-up due 2026-04-10
    expiring_id: uuid.UUID  # 李约满: head of a household whose contract ends 2026-06-14
    other_village_code: str


@pytest.fixture
def world(store: Store) -> World:
    with store.write() as session:
        village = builders.make_village(session, name="东山村")
        other = builders.make_village(session, name="西山村")
        team, doctor = builders.make_team(session, villages=[village, other])
        sick = builders.make_household(
            session, village, members=[("张高压", date(1955, 3, 1), 1, "01")], has_hypertension=True
        )
        expiring = builders.make_household(session, other, members=[("李约满", date(1980, 2, 2), 2, "01")])
        basic = builders.make_basic_package(session)
        builders.make_signed_contract(session, expiring, team, doctor, [basic], start_date=date(2025, 6, 15))
        assert sick.head_id is not None and expiring.head_id is not None
        visit = new_id()
        session.add(
            HypertensionFollowup(
                id=visit,
                record_id=visit,
                resident_id=sick.head_id,
                visit_date=date(2026, 1, 10),
                next_visit_date=date(2026, 4, 10),
                mode="1",
                doctor_id=doctor.id,
                systolic=150,
                diastolic=95,
            )
        )
        return World(village.code, sick.head_id, expiring.head_id, other.code)


@pytest.fixture
def ui_session(store: Store, tmp_path) -> UiSession:
    return UiSession(store, InlineRunner(), Preferences(tmp_path / "prefs.json"))


@pytest.fixture
def page(qtbot: QtBot, ui_session: UiSession, world: World) -> WorklistsPage:
    """The page shown over the world (read once it is built)."""
    page = WorklistsPage(ui_session)
    page.navigator = FakeNavigator()
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    page.activated()
    return page


def names(page: WorklistsPage) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def test_lists_the_overdue_follow_up(page: WorklistsPage, world: World) -> None:
    assert page.kind_box.currentText() == "逾期随访"
    assert names(page) == ["张高压"]
    model = page.model
    assert model.data(model.index(0, 5)) == "2026-04-10"
    assert model.data(model.index(0, 6)) == "逾期 52 天"
    assert "上次 2026-01-10" in model.data(model.index(0, 4))
    assert page.count_label.text() == "共 1 项"


def test_lists_the_expiring_contract_and_narrows_to_a_village(page: WorklistsPage, world: World) -> None:
    page.kind_box.setCurrentIndex(page.kind_box.findData(WorklistKind.EXPIRING_30.value))
    assert names(page) == ["李约满"]
    assert page.model.data(page.model.index(0, 5)) == "2026-06-14"

    page.show_list(WorklistKind.EXPIRING_30, village_code=world.village_code)
    assert page.village_box.currentText() == "东山村"
    assert names(page) == []
    page.show_list(WorklistKind.EXPIRING_60, village_code=world.other_village_code)
    assert names(page) == ["李约满"]


def test_sorts_by_a_header_click(page: WorklistsPage, world: World) -> None:
    page.kind_box.setCurrentIndex(page.kind_box.findData(WorklistKind.KEY_NOT_SIGNED.value))
    assert sorted(names(page)) == ["张高压"]  # 65+ and hypertension, not signed
    page.kind_box.setCurrentIndex(page.kind_box.findData(WorklistKind.FOLLOWUPS_THIS_WEEK.value))
    header = page.table.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert page.current_sort() == (SortColumn.NAME, True)
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    assert page.current_sort() == (SortColumn.AGE, False)


def test_enter_opens_the_resident(qtbot: QtBot, page: WorklistsPage, world: World) -> None:
    navigator = page.navigator
    assert isinstance(navigator, FakeNavigator)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert navigator.opened == [world.overdue_id]


def _row(key: str) -> WorklistRow:
    return WorklistRow(
        key=key,
        resident_id=uuid.uuid4(),
        name=f"居民{key}",
        sex=1,
        birth_date=date(1950, 1, 1),
        village_name="东村",
        phone=None,
        subject="高血压患者随访",
        due=date(2026, 5, 1),
        team_name="第一团队",
        doctor_name="李医生",
        last_visit=date(2026, 2, 1),
    )


def test_model_reads_pages_lazily_and_passes_the_model_tester(qtmodeltester) -> None:
    keys = [f"k{i:04d}" for i in range(PAGE * 2 + 5)]
    asked: list[int] = []

    def fetch(wanted):
        asked.append(len(wanted))
        return {k: _row(k) for k in wanted}

    model = WorklistModel()
    model.reset(keys, {}, fetch, date(2026, 6, 1))
    assert model.rowCount() == len(keys) and model.columnCount() == len(COLUMNS)
    assert asked == []
    assert model.data(model.index(PAGE + 3, 0)) == f"居民k{PAGE + 3:04d}"
    assert asked == [PAGE]  # one page read, only that page
    assert model.data(model.index(PAGE + 4, 6)) == "逾期 31 天"
    assert asked == [PAGE]
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
    qtmodeltester.check(model, force_py=True)


def test_model_over_the_store_passes_the_model_tester(qtmodeltester, ui_session: UiSession, world: World) -> None:
    f = WorklistFilter(WorklistKind.KEY_NOT_SIGNED)
    loaded: list[ops.LoadedList] = []
    ops.load_list(ui_session, f, SortColumn.NAME, False, loaded.append)
    model = WorklistModel()
    model.reset(loaded[0].keys, {}, ops.fetch_rows(ui_session, f), ui_session.today())
    assert model.rowCount() >= 1
    qtmodeltester.check(model, force_py=True)
