"""Every table model of the GUI passes Qt's model tester (pytest-qt's ``qtmodeltester``):
with its rows loaded, while its bounded cache evicts blocks, after ``forget()``, after a
language change and after a reset. The lazy models read their rows a block at a time and
keep at most ``MAX_BLOCKS`` blocks however far the list is scrolled."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import builders
from helpers.visit_world import make_patient
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget
from pytestqt.qtbot import QtBot

from fdclient.services.contracts.listing import ContractFilter
from fdclient.services.registry import village_lists
from fdclient.services.registry.search_results import find_residents
from fdclient.services.visits import desk, records
from fdclient.services.visits.desk import ResidentRow
from fdclient.services.worklists import SortColumn, WorklistFilter, WorklistKind
from fdclient.store import Store
from fdclient.ui.operations import worklists as worklist_ops
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.base import TranslatedTableModel
from fdclient.ui.table_models.contracts import ContractsTableModel
from fdclient.ui.table_models.households import HouseholdTableModel
from fdclient.ui.table_models.lazy import LazyRowsModel
from fdclient.ui.table_models.members import MembersTableModel
from fdclient.ui.table_models.visits import ResidentListModel, VisitListModel
from fdclient.ui.table_models.worklists import WorklistModel
from fdclient.ui.tasks import InlineRunner
from fdclient.ui.widgets.resident_record import RowsModel
from fdclient.ui.widgets.search_popup import SearchResultsModel

HORIZONTAL = Qt.Orientation.Horizontal


@dataclass(frozen=True)
class World:
    village_id: uuid.UUID
    patient_id: uuid.UUID  # 张三: two follow-ups recorded, signed
    family_id: uuid.UUID  # 王大 and two more members, signed


@pytest.fixture
def world(store: Store) -> World:
    """One village: the patient's household and five more (two signed), heads over 65."""
    with store.write() as s:
        patient = make_patient(s)
        patient.record(patient.htn(systolic=150, diastolic=95, visit_date=date(2026, 1, 10)))
        patient.record(patient.htn(systolic=130, diastolic=85, visit_date=date(2026, 3, 10)))
        village = patient.village
        team, doctor = builders.make_team(s, villages=[village])
        basic = builders.make_basic_package(s)
        family = builders.make_household(
            s,
            village,
            members=[
                ("王大", date(1950, 1, 1), 1, "01"),
                ("刘二", date(1952, 2, 2), 2, "10"),
                ("王三", date(1990, 3, 3), 1, "20"),
            ],
            address="一组 1 号",
        )
        builders.make_signed_contract(s, family, team, doctor, [basic])
        for n, name in enumerate(("赵四", "钱五", "孙六", "李七"), start=2):
            other = builders.make_household(
                s, village, members=[(name, date(1948, 5, n), 1, "01")], address=f"一组 {n} 号"
            )
            if n == 2:
                builders.make_signed_contract(s, other, team, doctor, [basic])
        return World(village.id, patient.head_id, family.id)


@pytest.fixture
def ui_session(store: Store, tmp_path: Path) -> UiSession:
    return UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini"))


# --- the lazy models, over the store --------------------------------------------------------

#: A lazy model and how to (re)load its ids.
Lazy = tuple[LazyRowsModel[Any, Any], Callable[[], None]]


def households(ui_session: UiSession, world: World) -> Lazy:
    def fetch(ids: Sequence[uuid.UUID]) -> list[village_lists.HouseholdRow]:
        with ui_session.store.read() as s:
            return village_lists.household_rows(s, ids)

    model = HouseholdTableModel(fetch)

    def show() -> None:
        with ui_session.store.read() as s:
            model.set_ids(village_lists.household_ids(s, world.village_id))

    return model, show


def residents(ui_session: UiSession, world: World) -> Lazy:
    def fetch(ids: Sequence[uuid.UUID]) -> list[ResidentRow]:
        with ui_session.store.read() as s:
            return desk.resident_rows(s, ids)

    model = ResidentListModel(fetch)

    def show() -> None:
        with ui_session.store.read() as s:
            model.set_ids(desk.village_resident_ids(s, world.village_id))

    return model, show


def contracts(ui_session: UiSession, world: World) -> Lazy:
    model = ContractsTableModel(ui_session)
    return model, lambda: model.set_query(ContractFilter.ALL)


def worklist(ui_session: UiSession, world: World) -> Lazy:
    model = WorklistModel()
    wanted = WorklistFilter(WorklistKind.KEY_NOT_SIGNED, village_id=world.village_id)

    def show() -> None:
        loaded: list[worklist_ops.LoadedList] = []
        worklist_ops.load_list(ui_session, wanted, SortColumn.NAME, False, loaded.append)
        (found,) = loaded
        model.reset(found.keys, found.first_rows, worklist_ops.fetch_rows(ui_session, wanted), ui_session.today())

    return model, show


LAZY_MODELS = [households, residents, contracts, worklist]


@pytest.mark.parametrize("make", LAZY_MODELS, ids=lambda f: f.__name__)
def test_a_lazy_model_passes_the_model_tester_while_its_cache_evicts(
    qtbot: QtBot, qtmodeltester: Any, ui_session: UiSession, world: World, make: Callable[..., Lazy]
) -> None:
    model, show = make(ui_session, world)
    model.BLOCK, model.MAX_BLOCKS = 2, 1  # a tiny cache: three rows already evict
    show()
    rows, columns = model.rowCount(), model.columnCount()
    assert rows >= 3 and columns == len(model.HEADERS)
    qtmodeltester.check(model)  # stays attached: every signal below is checked as it comes

    # Top to bottom: every row shown, one block kept.
    shown = [[model.data(model.index(r, c)) for c in range(columns)] for r in range(rows)]
    assert all(line[0] for line in shown), shown
    assert 0 < model.cached_rows() <= 2
    assert model.headerData(0, HORIZONTAL) == model.translated(model.HEADERS[0])

    # Back to the top: its block was evicted and is read again, once for both its rows.
    read = model.blocks_read
    assert model.data(model.index(0, 0)) == shown[0][0] and model.blocks_read == read + 1
    assert model.data(model.index(1, 0)) == shown[1][0] and model.blocks_read == read + 1

    # forget(): the row's cells change and it is read again when shown.
    first = model.id_at(0)
    assert first is not None and model.data(model.index(0, 3), model.IdRole) == first
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as changed:
        model.forget(first)
    assert [changed.args[0].row(), changed.args[1].row(), changed.args[1].column()] == [0, 0, columns - 1]
    assert model.data(model.index(0, 0)) == shown[0][0] and model.blocks_read == read + 2
    last = model.id_at(rows - 1)
    assert last is not None and model.row_of(last) == rows - 1

    # The language changes; the list is read again (a reset).
    with qtbot.waitSignal(model.headerDataChanged, timeout=1000):
        model.retranslate()
    show()
    assert model.rowCount() == rows and model.cached_rows() <= 2
    assert [model.data(model.index(r, 0)) for r in range(rows)] == [line[0] for line in shown]
    qtmodeltester.check(model, force_py=True)  # and pytest-qt's Python tester over the reset model


def test_rows_gone_since_the_ids_were_read_are_not_read_again(ui_session: UiSession, world: World) -> None:
    model, show = households(ui_session, world)
    show()
    model.set_ids([*(model.id_at(r) for r in range(model.rowCount())), uuid.uuid4()])
    gone = model.rowCount() - 1
    assert model.data(model.index(gone, 0)) is None and model.blocks_read == 1
    assert model.data(model.index(gone, 1)) is None and model.blocks_read == 1
    assert model.data(model.index(0, 0)) == "一组 1 号"


def test_the_worklist_keeps_the_rows_read_with_its_keys(ui_session: UiSession, world: World) -> None:
    model, show = worklist(ui_session, world)
    show()
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert names == ["李七", "钱五", "孙六"]  # the heads over 65 not signed, by pinyin
    assert model.blocks_read == 0  # the first page came with the keys


# --- the small models, kept whole ---------------------------------------------------------


def test_the_members_and_visit_models_pass_the_model_tester(qtmodeltester: Any, store: Store, world: World) -> None:
    with store.read() as s:
        members = village_lists.household_members(s, world.family_id)
        found = records.current_visits(s, world.patient_id)
    model = MembersTableModel()
    model.set_members(members)
    qtmodeltester.check(model)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["王大", "刘二", "王三"]
    model.retranslate()
    model.set_members(members[:1])
    assert model.rowCount() == 1

    visits = VisitListModel()
    visits.set_records(found)
    qtmodeltester.check(visits, force_py=True)
    assert [visits.data(visits.index(r, 0)) for r in range(2)] == ["2026-03-10", "2026-01-10"]
    assert "130/85 mmHg" in visits.data(visits.index(0, 2))
    visits.retranslate()
    visits.set_records(())
    assert visits.rowCount() == 0 and visits.data(visits.index(0, 0)) is None


def test_the_record_and_search_models_pass_the_model_tester(qtmodeltester: Any, store: Store, world: World) -> None:
    rows = RowsModel(lambda: ("Date", "What"))
    rows.set_rows([("2026-01-10", "高血压随访"), ("2026-03-10",)], [QColor("#c62828"), None])
    qtmodeltester.check(rows)
    assert rows.data(rows.index(1, 1)) == ""  # short rows are padded
    rows.retranslate()
    rows.set_rows([])
    assert rows.rowCount() == 0

    with store.read() as s:
        found = find_residents(s, "王")
    assert len(found) >= 2
    search = SearchResultsModel()
    search.set_rows(found)
    qtmodeltester.check(search, force_py=True)
    search.set_rows(found[:1])
    assert search.rowCount() == 1


# --- the language -------------------------------------------------------------------------


def _every_model(session: UiSession, parent: QWidget) -> list[TranslatedTableModel]:
    return [
        HouseholdTableModel(lambda ids: [], parent),
        ResidentListModel(lambda ids: [], parent),
        ContractsTableModel(session, parent),
        WorklistModel(parent),
        MembersTableModel(parent),
        VisitListModel(parent),
    ]


def test_a_model_in_a_window_follows_the_language(
    qtbot: QtBot, ui_language: Callable[[str], None], ui_session: UiSession
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    models = _every_model(ui_session, host)
    assert models[0].headerData(0, HORIZONTAL) == "家庭住址"
    for model in models:
        assert model.headerData(0, HORIZONTAL) != model.HEADERS[0]  # Chinese
    with qtbot.waitSignals([m.headerDataChanged for m in models], timeout=2000):
        ui_language("en")  # the window hears it from the event loop, and tells its children
    assert [m.headerData(0, HORIZONTAL) for m in models] == [m.HEADERS[0] for m in models]
    assert models[0].headerData(0, HORIZONTAL) == "Address"
    assert models[0].headerData(len(models[0].HEADERS), HORIZONTAL) is None
    assert models[0].headerData(0, HORIZONTAL, Qt.ItemDataRole.ToolTipRole) is None


# --- a long list --------------------------------------------------------------------------


def _synthetic_residents(count: int) -> tuple[list[uuid.UUID], Callable[[Sequence[uuid.UUID]], list[ResidentRow]]]:
    """``count`` ids and a reader of their rows (named by position), as the service gives."""
    ids = [uuid.uuid4() for _ in range(count)]
    position = {key: n for n, key in enumerate(ids)}
    village = uuid.uuid4()

    def fetch(wanted: Sequence[uuid.UUID]) -> list[ResidentRow]:
        return [
            ResidentRow(key, village, f"居民{position[key]}", 1, date(1950, 1, 1), 76, None, True, False)
            for key in wanted
        ]

    return ids, fetch


def test_reading_20k_rows_top_to_bottom_keeps_the_cache_bounded() -> None:
    ids, fetch = _synthetic_residents(20_000)
    asked: list[int] = []

    def counted(wanted: Sequence[uuid.UUID]) -> list[ResidentRow]:
        asked.append(len(wanted))
        return fetch(wanted)

    model = ResidentListModel(counted)
    model.set_ids(ids)
    bound = model.MAX_BLOCKS * model.BLOCK
    assert bound < len(ids) // 5
    peak = 0
    for row in range(len(ids)):
        assert model.data(model.index(row, 0)) == f"居民{row}"
        if row % model.BLOCK == 0:
            peak = max(peak, model.cached_rows())
    peak = max(peak, model.cached_rows())
    assert peak == bound  # the cache filled up to its bound, never past it
    assert asked == [model.BLOCK] * (len(ids) // model.BLOCK)  # each block read once
    assert model.row_of(ids[-1]) == len(ids) - 1 and model.row_of(uuid.uuid4()) == -1


def test_a_view_scrolled_through_20k_rows_keeps_the_cache_bounded(qtbot: QtBot) -> None:
    ids, fetch = _synthetic_residents(20_000)
    model = ResidentListModel(fetch)
    model.set_ids(ids)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # as the visits page
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    bound = model.MAX_BLOCKS * model.BLOCK
    peak = 0
    value = 0
    while value < bar.maximum():
        value = min(bar.maximum(), value + bar.pageStep())
        bar.setValue(value)
        view.viewport().repaint()
        peak = max(peak, model.cached_rows())
    assert view.rowAt(0) > len(ids) - 40 and view.model().data(view.model().index(len(ids) - 1, 0)) == "居民19999"
    assert 0 < peak <= bound
    assert model.rowCount(QModelIndex()) == len(ids)
