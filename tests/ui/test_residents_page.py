"""居民档案: village → household → resident, over a real encrypted store with the inline
runner: registering a household and its members by keyboard, inline checks of the ID
number, the duplicate warning, move out / death / void, what a role may not do, and the
lazy household model under qtmodeltester."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from fdclient.domain.roles import Role
from fdclient.models import Household, Resident
from fdclient.services.registry.village_lists import HouseholdFilter
from fdclient.store import Store
from fdclient.ui.dialogs.household_form import HouseholdDialog
from fdclient.ui.dialogs.resident_form import ResidentDialog, StatusDialog
from fdclient.ui.pages.residents import ResidentsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.households import HouseholdTableModel
from fdclient.ui.tasks import InlineRunner

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@dataclass
class Scene:
    village_id: uuid.UUID
    signed_id: uuid.UUID
    family_id: uuid.UUID
    member_ids: list[uuid.UUID]


def build_scene(store: Store, *, with_contract: bool = True) -> Scene:
    with store.write() as session:
        village = builders.make_village(session, name="罗家村")
        team, doctor = builders.make_team(session, villages=[village])
        signed = builders.make_household(session, village, address="一组 1 号")
        if with_contract:
            builders.make_signed_contract(session, signed, team, doctor, [builders.make_basic_package(session)])
        family = builders.make_household(
            session,
            village,
            address="二组 5 号",
            members=[
                ("赵六", date(1948, 4, 4), 1, "01"),
                ("钱七", date(1950, 5, 5), 2, "10"),
                ("孙八", date(1980, 1, 1), 1, "20"),
            ],
        )
        members = list(
            session.scalars(select(Resident.id).where(Resident.household_id == family.id).order_by(Resident.birth_date))
        )
        return Scene(village.id, signed.id, family.id, members)


def make_page(qtbot: QtBot, store: Store, tmp_path: Path) -> ResidentsPage:
    session = UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini"))
    page = ResidentsPage(session)
    qtbot.addWidget(page)
    page.resize(1166, 678)
    with qtbot.waitActive(page):  # shortcuts and mnemonics reach an active window
        page.show()
        page.activateWindow()
    return page


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (Chinese characters as key events carrying the text:
    QTest.keyClicks aborts on non-ASCII)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)


def press_enter(widget: QWidget) -> None:
    QTest.keyClick(widget, Qt.Key.Key_Return)


def press_alt(qtbot: QtBot, page: ResidentsPage, widget: QWidget, key: Qt.Key) -> None:
    """A mnemonic of the page (the page is the active window again once a dialog closed)."""
    qtbot.waitUntil(page.isActiveWindow)
    QTest.keyClick(widget, key, ALT)


def active_dialog(qtbot: QtBot, page: ResidentsPage) -> QWidget:
    """The dialog a key opened (a mnemonic clicks its button after a short animation)."""
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog is not None
    return page.dialog


def count(store: Store, model: type, **where: object) -> int:
    with store.read() as s:
        stmt = select(func.count()).select_from(model)
        for column, value in where.items():
            stmt = stmt.where(getattr(model, column) == value)
        return int(s.scalar(stmt) or 0)


@pytest.fixture
def scene(store: Store) -> Scene:
    return build_scene(store)


def test_register_a_household_with_three_members_by_keyboard(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    assert page.households_model.rowCount() == 2
    page.households_view.setFocus()
    QTest.keyClick(page.households_view, Qt.Key.Key_N, CTRL)
    dialog = active_dialog(qtbot, page)
    assert isinstance(dialog, HouseholdDialog) and dialog.head_fields is not None
    qtbot.waitUntil(dialog.address_edit.hasFocus)  # the cursor starts in the address
    type_text(dialog.address_edit, "三组 7 号")
    type_text(dialog.phone_edit, "13900001111")
    head = dialog.head_fields
    type_text(head.name_edit, "张大山")
    type_text(head.id_edit, builders.new_id_number(date(1950, 3, 1), 1))
    assert head.birth_edit.text() == "1950-03-01" and head.sex_combo.currentData() == 1
    assert page.has_unsaved_changes()
    press_enter(head.id_edit)
    assert page.dialog is None or not dialog.isVisible()
    assert page.stack.currentIndex() == page.HOUSEHOLD
    assert page.household_title.text() == "三组 7 号"
    assert page.households_model.rowCount() == 3

    for relationship_steps, name, birth, sex in (
        (0, "李小梅", date(1952, 8, 9), 2),
        (1, "张小山", date(1980, 6, 6), 1),
    ):
        press_alt(qtbot, page, page.members_view, Qt.Key.Key_A)  # &Add member
        member = active_dialog(qtbot, page)
        assert isinstance(member, ResidentDialog)
        for _ in range(relationship_steps):
            QTest.keyClick(member.fields.relationship_combo, Qt.Key.Key_Down)
        type_text(member.fields.name_edit, name)
        type_text(member.fields.id_edit, builders.new_id_number(birth, sex))
        press_enter(member.fields.id_edit)
        assert not member.isVisible()

    assert [m.name for m in page.members_model._members] == ["张大山", "李小梅", "张小山"]
    assert [m.relationship_label for m in page.members_model._members] == ["户主", "配偶", "子"]
    with store.read() as s:
        household = s.scalars(select(Household).where(Household.address == "三组 7 号")).one()
        assert household.phone == "13900001111"
        assert count(store, Resident, household_id=household.id) == 3
    assert not page.has_unsaved_changes()


def test_a_bad_id_number_is_refused_beside_the_field_and_the_form_kept(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    QTest.keyClick(page.households_view, Qt.Key.Key_N, CTRL)
    dialog = active_dialog(qtbot, page)
    assert isinstance(dialog, HouseholdDialog) and dialog.head_fields is not None
    head = dialog.head_fields
    type_text(dialog.address_edit, "四组 1 号")
    type_text(head.name_edit, "王五")
    type_text(head.id_edit, "110105194912310021")  # check character should be X
    error = head.errors["id_number"]
    assert not error.isHidden() and "校验位" in error.text()  # at once, while typing
    before = count(store, Household)
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)  # Ctrl+S saves: the service refuses
    press_enter(head.name_edit)  # Enter too
    assert dialog.isVisible() and page.dialog is dialog
    assert not error.isHidden() and "校验位" in error.text() and "X" in error.text()
    assert head.id_edit.text() == "110105194912310021" and dialog.address_edit.text() == "四组 1 号"
    assert count(store, Household) == before
    assert page.has_unsaved_changes()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels
    assert not dialog.isVisible() and not page.has_unsaved_changes()


def test_the_id_number_fills_birth_date_sex_and_age_and_flags_a_mismatch(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    page.open_household(scene.family_id)
    press_alt(qtbot, page, page.members_view, Qt.Key.Key_A)
    dialog = active_dialog(qtbot, page)
    assert isinstance(dialog, ResidentDialog)
    fields = dialog.fields
    type_text(fields.name_edit, "赵小红")
    type_text(fields.id_edit, "11010519491231002x")
    assert fields.birth_edit.text() == "1949-12-31"
    assert fields.sex_combo.currentText() == "女"
    assert fields.age_label.text() == "76 岁"
    assert "65岁及以上老年人" in fields.derived_tags_label.text()
    assert fields.confirm_check.isHidden()
    fields.sex_combo.setCurrentIndex(fields.sex_combo.findData(1))  # typed 男
    assert "性别与身份证号不一致" in fields.errors["sex"].text() and not fields.confirm_check.isHidden()
    press_enter(fields.name_edit)
    assert dialog.isVisible() and "不一致" in fields.errors["sex"].text()
    fields.confirm_check.setChecked(True)
    press_enter(fields.name_edit)
    assert not dialog.isVisible()
    assert [m.sex for m in page.members_model._members if m.name == "赵小红"] == [1]


def test_a_duplicate_warning_for_the_same_id_number_or_a_similar_name(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    with store.write() as s:
        village = s.get(builders.Village, scene.village_id)
        assert village is not None
        existing = builders.make_resident(s, village, name="张国强", birth_date=date(1970, 3, 3))
        number = existing.id_number
    assert number is not None
    page = make_page(qtbot, store, tmp_path)
    page.open_household(scene.family_id)
    page.add_member()
    dialog = active_dialog(qtbot, page)
    assert isinstance(dialog, ResidentDialog)
    fields = dialog.fields
    type_text(fields.id_edit, number)
    assert not fields.duplicate_label.isHidden()
    assert "张国强" in fields.duplicate_label.text() and "身份证号相同" in fields.duplicate_label.text()
    fields.id_edit.clear()
    assert fields.duplicate_label.isHidden()
    type_text(fields.name_edit, "张国墙")
    fields.sex_combo.setCurrentIndex(fields.sex_combo.findData(1))
    assert fields.birth_edit.text() == "1970-03-03"  # filled from the number typed before
    fields.birth_edit.clear()
    type_text(fields.birth_edit, "1970-03-03")
    fields.name_edit.editingFinished.emit()
    assert "张国强" in fields.duplicate_label.text() and "姓名相近" in fields.duplicate_label.text()


def test_move_out_record_a_death_and_void_a_file(qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path) -> None:
    page = make_page(qtbot, store, tmp_path)
    row = page.households_model.row_of(scene.family_id)
    assert row is not None
    page.households_view.setCurrentIndex(page.households_model.index(row, 0))
    page.households_view.setFocus()
    press_enter(page.households_view)  # Enter opens the household
    assert page.stack.currentIndex() == page.HOUSEHOLD and page.members_model.rowCount() == 3
    head, wife, son = scene.member_ids  # by birth date

    def act(resident_id: uuid.UUID, key: Qt.Key, fill: Callable[[StatusDialog], None] | None = None) -> StatusDialog:
        member_row = page.members_model.row_of(resident_id)
        assert member_row is not None
        page.members_view.setCurrentIndex(page.members_model.index(member_row, 0))
        press_alt(qtbot, page, page.members_view, key)
        dialog = active_dialog(qtbot, page)
        assert isinstance(dialog, StatusDialog)
        if fill:
            fill(dialog)
        press_enter(dialog.date_edit if dialog.kind != StatusDialog.VOID else dialog.reason_edit)
        return dialog

    act(wife, Qt.Key.Key_O, lambda d: (d.date_edit.clear(), type_text(d.date_edit, "2026-05-01")))
    with store.read() as s:
        r = s.get(Resident, wife)
        assert r is not None and r.status == "moved_out" and r.status_changed_on == date(2026, 5, 1)
    assert "已迁出" in page.members_model.data(page.members_model.index(1, 6))

    act(head, Qt.Key.Key_D)
    with store.read() as s:
        r = s.get(Resident, head)
        assert r is not None and r.status == "deceased" and r.status_changed_on == date(2026, 6, 1)
    assert "户主" in page.household_message.text()  # the head died: give the household a new head

    refused = act(son, Qt.Key.Key_I)  # Vo&id file without a reason
    assert refused.isVisible() and not refused.field_errors["reason"].isHidden()
    assert refused.field_errors["reason"].text()
    type_text(refused.reason_edit, "重复建档")
    press_enter(refused.reason_edit)
    assert not refused.isVisible()
    with store.read() as s:
        r = s.get(Resident, son)
        assert r is not None and r.voided_at is not None
    assert page.members_model.row_of(son) is None


def test_a_role_without_the_permission_cannot_register(
    qtbot: QtBot, store_as: Callable[[Role], Store], tmp_path: Path
) -> None:
    admin = store_as(Role.ADMIN)  # no REGISTER_RESIDENTS (nor VIEW_RECORDS)
    page = make_page(qtbot, admin, tmp_path)
    assert not page.can_register
    buttons = [b for b in page.findChildren(QPushButton) if b.objectName() == "newHouseholdButton"]
    assert all(b.isHidden() or not b.isEnabled() for b in buttons)
    QTest.keyClick(page, Qt.Key.Key_N, CTRL)
    assert page.dialog is None
    assert page.placeholder is not None and "不能查看居民档案" in page.placeholder.text()
    page.close()

    nurse = store_as(Role.NURSE)  # field staff register households
    build_scene(nurse, with_contract=False)
    page = make_page(qtbot, nurse, tmp_path)
    assert page.can_register and not page.new_button.isHidden()


def test_the_household_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: object, store: Store, scene: Scene, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    model = page.households_model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.data(model.index(0, 0)) == "一组 1 号" and model.data(model.index(0, 3)) == "已签约"
    page.status_combo.setCurrentIndex(page.status_combo.findData(str(HouseholdFilter.NOT_SIGNED)))
    assert model.rowCount() == 1 and model.data(model.index(0, 0)) == "二组 5 号"
    page.households_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # members: SQL again
    assert page.sort_key == "members" and page.sort_descending
    page.open_household(scene.family_id)
    qtmodeltester.check(page.members_model)  # type: ignore[attr-defined]

    # Rows are read in blocks as they are shown, never all at once.
    fetched: list[int] = []

    def fetch(block: object) -> list[object]:
        fetched.append(len(block))  # type: ignore[arg-type]
        return []

    lazy = HouseholdTableModel(fetch)  # type: ignore[arg-type]
    lazy.set_ids([uuid.uuid4() for _ in range(1000)])
    assert fetched == []
    lazy.data(lazy.index(150, 0))
    assert fetched == [lazy.BLOCK]


def test_open_resident_shows_the_record_and_esc_goes_back(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    wife = scene.member_ids[1]
    page.open_resident(wife)
    assert page.stack.currentIndex() == page.RECORD and page.record_view.resident_id == wife
    QTest.keyClick(page.record_back_button, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == page.HOUSEHOLD
    assert page.current_member() is not None and page.current_member().id == wife  # type: ignore[union-attr]
    page.members_view.setFocus()
    press_enter(page.members_view)  # Enter opens the member's record
    assert page.stack.currentIndex() == page.RECORD
    QTest.keyClick(page.record_back_button, Qt.Key.Key_Left, ALT)
    QTest.keyClick(page.members_view, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == page.LIST
    assert page.households_model.id_at(page.households_view.currentIndex().row()) == scene.family_id


def test_without_a_session_the_page_is_a_placeholder(qtbot: QtBot) -> None:
    page = ResidentsPage(None)
    qtbot.addWidget(page)
    assert page.NAME == "residents" and page.title() == "居民档案"
    assert page.placeholder is not None and page.placeholder.objectName() == "residentsPlaceholder"
    assert "按村查看家庭和居民" in page.placeholder.text()
    page.open_resident(uuid.uuid4())  # nothing to show, no error
