"""The resident chooser of the 随访服务 page: 全部村 lists every resident of the township (ids
sorted in SQL, rows read lazily), searches the township, and a resident chosen elsewhere is
found in it without leaving it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.visit_page import World, make_page, make_world
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from fdclient.domain.codes import VisitKind
from fdclient.models import Resident
from fdclient.store import Store
from fdclient.ui.pages.visits import VisitsPage
from fdclient.ui.widgets.visit_residents import ALL_VILLAGES, index_of


@pytest.fixture
def world(store: Store) -> World:
    world = make_world(store)
    with store.write() as s, builders.acting_as(s, builders.actor_named(s, "doctor")):
        village = builders.make_village(s, name="安乐村")
        builders.make_household(
            s, village, members=[("安宁", date(1990, 5, 5), 2, "01"), ("王五", date(1960, 1, 1), 1, "10")]
        )
    return world


@pytest.fixture
def page(qtbot: QtBot, store: Store, tmp_path: Path, world: World) -> VisitsPage:
    return make_page(qtbot, store, tmp_path)


def test_all_villages_lists_every_resident_of_the_township(page: VisitsPage, world: World, store: Store) -> None:
    chooser = page.chooser
    combo = chooser.village_combo
    assert combo.itemData(0) == ALL_VILLAGES and combo.itemText(0) == "全部村"
    assert combo.currentIndex() == 1  # a village until every village is asked for
    village_rows = chooser.resident_model.rowCount()
    combo.setCurrentIndex(0)
    assert chooser.all_villages() and "全乡镇" in chooser.filter_edit.placeholderText()
    with store.read() as s:
        everyone = s.scalar(select(func.count()).select_from(Resident).where(Resident.voided_at.is_(None)))
    model = chooser.resident_model
    assert model.rowCount() == everyone == 4 and village_rows == 2
    names = [model.resident(row).name for row in range(model.rowCount())]  # type: ignore[union-attr]
    assert names == ["安宁", "李四", "王五", "张三"]  # by pinyin, across the villages

    # The search box searches the township.
    chooser.filter_edit.setText("an")
    assert [model.resident(row).name for row in range(model.rowCount())] == ["安宁"]  # type: ignore[union-attr]
    chooser.filter_edit.clear()

    # A resident chosen elsewhere is selected in the whole list, which stays.
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    assert chooser.all_villages() and page.resident is not None and page.resident.id == world.patient
    row = chooser.resident_view.currentIndex().row()
    assert model.resident_id(row) == world.patient

    # The choice stays when the page is shown again.
    page.activated()
    assert chooser.all_villages() and model.rowCount() == everyone

    # Choosing a resident in the list opens them.
    chooser.resident_view.setCurrentIndex(model.index(0, 0))
    assert page.resident is not None and page.resident.name == "安宁"


def test_a_village_can_be_chosen_again(page: VisitsPage, world: World) -> None:
    combo = page.chooser.village_combo
    combo.setCurrentIndex(0)
    combo.setCurrentIndex(index_of(combo, world.village))
    assert not page.chooser.all_villages() and "本村" in page.chooser.filter_edit.placeholderText()
    assert page.chooser.resident_model.rowCount() == 2  # 张三 and 李四
