"""The day's work through the whole main window with the keyboard alone (the issue's "done
when"): sign in, find, register, sign, record, review.

Every key goes to whatever has the keyboard focus, as on a laptop (no mouse, no setters on
the widgets, no calls into the pages): when a step needs the focus somewhere, the GUI must
put it there. Each step's outcome is checked in the store and on the screen. The sign-in is
the real one (the key file and the password) on a copy of the test scene; the window is
built as ``fdclient.app.run_gui`` builds it, with the tasks run inline."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from helpers import builders
from helpers.scene import CLOCK, PASSWORD, TODAY, Template
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from sqlalchemy import func, select

from fdclient.app import build_pages, status_facts
from fdclient.domain.codes import ContractStatus, VisitKind
from fdclient.errors import FdError
from fdclient.models import Contract, Household, HypertensionFollowup, Resident, Staff
from fdclient.services.indicators.snapshot import opening_figures
from fdclient.store import Store, open_store, sign_in
from fdclient.ui.dialogs.household_form import HouseholdDialog
from fdclient.ui.dialogs.resident_form import ResidentDialog
from fdclient.ui.dialogs.sign_contract import SignContractDialog
from fdclient.ui.dialogs.sign_in import SignInDialog
from fdclient.ui.main_window import MainWindow
from fdclient.ui.pages.contracts import ContractsPage
from fdclient.ui.pages.dashboard import DashboardPage
from fdclient.ui.pages.residents import ResidentsPage
from fdclient.ui.pages.visits import VisitsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner
from fdclient.ui.widgets.search_popup import SearchPopup, install_search_popup

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier

HEAD_ID_NUMBER = builders.new_id_number(date(1950, 3, 1), 1)
ADDRESS = "三组 7 号"


# --- the hands on the keyboard ----------------------------------------------------------------


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> QWidget | None:
    """One key on whatever has the focus; returns what has it afterwards."""
    QTest.keyClick(focused(), key, modifier)
    return QApplication.focusWidget()


def type_text(text: str) -> None:
    """Type ``text`` where the cursor is (Chinese as key events carrying the character, as an
    input method commits it: QTest.keyClicks aborts on non-ASCII)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(focused(), ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, ch, NO_MODIFIER)


def wait_for_window(qtbot: QtBot, wanted: Callable[[], QWidget | None]) -> QWidget:
    """The window a key opened or went back to, once it has the keyboard (a mnemonic clicks
    its button after a short animation; a closed dialog gives the keys back)."""

    def arrived() -> bool:
        window = wanted()
        focus = QApplication.focusWidget()
        return window is not None and QApplication.activeWindow() is window and focus is not None

    qtbot.waitUntil(arrived)
    window = wanted()
    assert window is not None
    return window


# --- the scene ------------------------------------------------------------------------------------


def make_scene(template: Template, folder: Path) -> None:
    """The township of the test scene with a village served by a team of the signed-in
    doctor (王建国), the basic package, and one registered household (赵德明's)."""
    with template.open(folder) as store, store.write() as session:
        village = builders.make_village(session, name="罗家村")
        doctor = session.scalars(select(Staff).where(Staff.username == "doctor")).one()
        builders.make_team(session, doctor=doctor, villages=[village])
        builders.make_basic_package(session)
        builders.make_household(session, village, members=[("赵德明", date(1958, 4, 2), 1, "01")], address="一组 3 号")


def sign_in_by_keyboard(qtbot: QtBot, folder: Path) -> Store:
    """The sign-in dialog as ``fdclient --user doctor`` opens it: the name filled in, the
    cursor in the password; the password and Enter sign in for real."""
    opened: list[Store] = []

    def attempt(username: str, password: str) -> str | None:
        try:
            key = sign_in(folder, username, password, clock=CLOCK)
            opened.append(open_store(folder, key, clock=CLOCK, daily_backup=False))
        except FdError as exc:
            return exc.message
        return None

    dialog = SignInDialog(attempt, username="doctor", township="罗家镇")
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    assert dialog.username.text() == "doctor" and focused() is dialog.password
    type_text(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        press(Qt.Key.Key_Return)
    (store,) = opened
    assert store.actor is not None and store.actor.username == "doctor"
    return store


def open_main_window(qtbot: QtBot, store: Store, tmp_path: Path) -> MainWindow:
    """The window as fdclient.app.run_gui builds it after the sign-in."""
    session = UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini"))
    with store.read() as s:
        figures = opening_figures(s)
    window = MainWindow(
        build_pages(figures.summary, session, figures),
        status_facts(figures.summary, session),
        preferences=session.preferences,
    )
    install_search_popup(window, session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
    return window


def shown_in(visits: VisitsPage, field: QWidget) -> bool:
    """Whether ``field`` is within the visible part of the scrolled visit form."""
    viewport = visits.panel.form_scroll.viewport()
    return viewport.rect().contains(QRect(field.mapTo(viewport, QPoint(0, 0)), field.size()))


def count_rows(store: Store, model: type, **where: object) -> int:
    with store.read() as s:
        stmt = select(func.count()).select_from(model)
        for column, value in where.items():
            stmt = stmt.where(getattr(model, column) == value)
        return int(s.scalar(stmt) or 0)


# --- the walk -------------------------------------------------------------------------------------


def test_the_day_is_worked_with_the_keyboard_alone(qtbot: QtBot, scene_template: Template, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    make_scene(scene_template, folder)
    store = sign_in_by_keyboard(qtbot, folder)
    window = open_main_window(qtbot, store, tmp_path)
    try:
        assert isinstance(window.current_page(), DashboardPage)
        assert "王建国" in window.staff_label.text()
        residents = window.page_named("residents")
        assert isinstance(residents, ResidentsPage)

        find(qtbot, window, residents)
        head_id = register(qtbot, window, residents, store)
        sign(qtbot, window, store, head_id)
        record(qtbot, window, residents, store, head_id)
        review(window)
    finally:
        for widget in QApplication.topLevelWidgets():  # a failed step must not leave a question open
            if widget is not window and widget.isVisible() and widget.isModal():
                widget.hide()
        window.discard_unsaved_input()
        window.close()
        store.close()


def find(qtbot: QtBot, window: MainWindow, residents: ResidentsPage) -> None:
    """Ctrl+F from anywhere, the initials, ↓, Enter: the resident's record."""
    assert press(Qt.Key.Key_F, CTRL) is window.search_box
    type_text("zdm")
    popup = window.search_popup
    assert isinstance(popup, SearchPopup) and popup.isVisible()
    assert [popup.model.resident(r).name for r in range(popup.model.rowCount())] == ["赵德明"]
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    assert window.current_page() is residents and residents.stack.currentIndex() == residents.RECORD
    assert residents.record_view.record is not None and residents.record_view.record.info.name == "赵德明"
    assert residents.isAncestorOf(focused())


def register(qtbot: QtBot, window: MainWindow, residents: ResidentsPage, store: Store) -> uuid.UUID:
    """Ctrl+2, Ctrl+N: the household with its head (the ID number fills birth date and sex),
    Ctrl+S; two more members with 添加成员 (Alt+A), Ctrl+S each."""
    press(Qt.Key.Key_2, CTRL)
    press(Qt.Key.Key_N, CTRL)
    dialog = wait_for_window(qtbot, lambda: residents.dialog)
    assert isinstance(dialog, HouseholdDialog) and dialog.head_fields is not None
    head = dialog.head_fields
    assert focused() is dialog.address_edit
    type_text(ADDRESS)
    assert press(Qt.Key.Key_Tab) is dialog.phone_edit
    type_text("13900001111")
    assert press(Qt.Key.Key_N, ALT) is head.name_edit  # 姓名(&N)
    type_text("张大山")
    assert press(Qt.Key.Key_I, ALT) is head.id_edit  # 身份证号(&I)
    type_text(HEAD_ID_NUMBER)
    assert head.birth_edit.text() == "1950-03-01" and head.sex_combo.currentText() == "男"
    assert head.age_label.text() == "76 岁"
    press(Qt.Key.Key_S, CTRL)
    wait_for_window(qtbot, lambda: window)
    assert residents.stack.currentIndex() == residents.HOUSEHOLD and residents.household_title.text() == ADDRESS
    assert focused() is residents.members_view

    for relationship_steps, name, birth, sex in (
        (0, "李小梅", date(1952, 8, 9), 2),
        (1, "张小山", date(1980, 6, 6), 1),
    ):
        press(Qt.Key.Key_A, ALT)  # 添加成员(&A)
        member = wait_for_window(qtbot, lambda: residents.dialog)
        assert isinstance(member, ResidentDialog) and focused() is member.fields.relationship_combo
        for _ in range(relationship_steps):
            press(Qt.Key.Key_Down)
        assert press(Qt.Key.Key_N, ALT) is member.fields.name_edit
        type_text(name)
        assert press(Qt.Key.Key_I, ALT) is member.fields.id_edit
        type_text(builders.new_id_number(birth, sex))
        press(Qt.Key.Key_S, CTRL)
        wait_for_window(qtbot, lambda: window)
        assert focused() is residents.members_view

    members = [residents.members_model.member_at(row) for row in range(residents.members_model.rowCount())]
    assert [(m.name, m.relationship_label) for m in members if m] == [
        ("张大山", "户主"),
        ("李小梅", "配偶"),
        ("张小山", "子"),
    ]
    with store.read() as s:
        household = s.scalars(select(Household).where(Household.address == ADDRESS)).one()
        assert household.phone == "13900001111" and household.head_id is not None
        head_row = s.get(Resident, household.head_id)
        assert head_row is not None and head_row.id_number == HEAD_ID_NUMBER and head_row.sex == 1
        assert head_row.birth_date == date(1950, 3, 1)
        head_id = household.head_id
    assert count_rows(store, Resident, household_id=household.id) == 3
    return head_id


def sign(qtbot: QtBot, window: MainWindow, store: Store, head_id: uuid.UUID) -> None:
    """Ctrl+3, 新签约 (Alt+N), the household's number, Enter; each member ticked and agreed
    with Space and Tab; signed on paper (Alt+I); Ctrl+S."""
    with store.read() as s:
        head = s.get(Resident, head_id)
        assert head is not None and head.health_record_no is not None
        record_no = head.health_record_no
    press(Qt.Key.Key_3, CTRL)
    contracts = window.current_page()
    assert isinstance(contracts, ContractsPage) and contracts.isAncestorOf(focused())
    press(Qt.Key.Key_N, ALT)  # 新签约(&N)
    dialog = wait_for_window(qtbot, lambda: contracts.dialog)
    assert isinstance(dialog, SignContractDialog)
    qtbot.waitUntil(dialog.find_edit.hasFocus)
    type_text(record_no[-5:])
    press(Qt.Key.Key_Return)
    assert dialog.household is not None and dialog.household.head_id == head_id
    rows = dialog.member_rows
    assert [r.covered.isChecked() for r in rows] == [True, True, False]  # the elderly pre-ticked
    for row in rows:
        assert focused() is row.covered
        if not row.covered.isChecked():
            press(Qt.Key.Key_Space)
        assert press(Qt.Key.Key_Tab) is row.consent_by  # 本人
        assert press(Qt.Key.Key_Tab) is row.consented
        press(Qt.Key.Key_Space)
        press(Qt.Key.Key_Tab)
    assert all(r.covered.isChecked() and r.consented.isChecked() for r in rows)
    assert "合计 165.00 元" in dialog.fee_total.text()  # the basic package, 3 people, 1 year
    member_ids = {r.member_id for r in rows}
    press(Qt.Key.Key_I, ALT)  # 纸质签字(&I)
    qtbot.waitUntil(dialog.signature.on_paper.isChecked)
    press(Qt.Key.Key_S, CTRL)
    wait_for_window(qtbot, lambda: window)
    assert contracts.dialog is None or not isValid(contracts.dialog) or not contracts.dialog.isVisible()
    assert focused() is contracts.table

    with store.read() as s:
        contract = s.scalars(select(Contract)).one()
        assert contract.status == ContractStatus.ACTIVE and contract.signature_png is None
        assert {m.resident_id for m in contract.members} == member_ids
        doctor = s.get(Staff, contract.doctor_id)
        assert doctor is not None and doctor.username == "doctor"
        contract_no = contract.contract_no
    assert contract_no in contracts.message.text()
    assert contracts.selected() is not None and contracts.selected().contract_no == contract_no  # type: ignore[union-attr]


def record(qtbot: QtBot, window: MainWindow, residents: ResidentsPage, store: Store, head_id: uuid.UUID) -> None:
    """The head's hypertension in the record's 既往史 (Ctrl+H), then Ctrl+4: the head by
    initials, Enter, Enter, the blood pressure (Alt+B) 170/105, Ctrl+S: the rules propose
    the next visit in two weeks."""
    press(Qt.Key.Key_F, CTRL)
    type_text("zds")
    press(Qt.Key.Key_Return)
    assert residents.record_view.record is not None and residents.record_view.record.info.id == head_id
    press(Qt.Key.Key_H, CTRL)  # 既往史及诊断
    dialog = wait_for_window(qtbot, lambda: residents.dialog)
    assert isinstance(dialog, ResidentDialog)
    history = dialog.fields.past_history
    assert focused() is history.item_combo and history.item_combo.currentText() == "2 高血压"
    assert press(Qt.Key.Key_T, ALT) is history.date_edit  # 日期(&T)
    type_text("2020-03")
    press(Qt.Key.Key_Return)  # adds the row
    assert [(d.disease, d.diagnosed_on) for d in history.pending_diagnoses] == [("2", date(2020, 3, 1))]
    press(Qt.Key.Key_S, CTRL)
    wait_for_window(qtbot, lambda: window)
    with store.read() as s:
        head = s.get(Resident, head_id)
        assert head is not None and head.has_hypertension

    press(Qt.Key.Key_4, CTRL)
    visits = window.current_page()
    assert isinstance(visits, VisitsPage) and focused() is visits.chooser.filter_edit
    type_text("zds")
    assert press(Qt.Key.Key_Return) is visits.chooser.resident_view
    assert visits.resident is not None and visits.resident.id == head_id
    assert press(Qt.Key.Key_Return) is visits.panel.kind_combo
    assert visits.kind is VisitKind.HYPERTENSION and visits.form.isEnabled()
    form = visits.form
    assert press(Qt.Key.Key_B, ALT) is form.editors["systolic"]  # 血压(&B)
    assert shown_in(visits, form.editors["systolic"])
    type_text("170")
    assert press(Qt.Key.Key_Tab) is form.editors["diastolic"]
    type_text("105")
    assert "控制不满意" in visits.panel.advice_label.text()
    # The rules' next visit, at the foot of the form: Alt+N scrolls down to it.
    next_visit = TODAY + timedelta(days=14)
    assert press(Qt.Key.Key_N, ALT) is form.editors["next_visit_date"]  # 下次随访日期(&N)
    assert shown_in(visits, form.editors["next_visit_date"]) and form.date_of("next_visit_date") == next_visit
    press(Qt.Key.Key_S, CTRL)
    message = visits.panel.message_label
    assert not message.isHidden() and next_visit.isoformat() in message.text()
    assert visits.records.visit_model.rowCount() == 1 and not visits.has_unsaved_changes()
    assert focused() is visits.chooser.filter_edit  # ready for the next resident
    with store.read() as s:
        followup = s.scalars(select(HypertensionFollowup)).one()
        assert followup.resident_id == head_id and (followup.systolic, followup.diastolic) == (170, 105)
        assert followup.visit_date == TODAY and followup.next_visit_date == next_visit


def review(window: MainWindow) -> None:
    """Ctrl+1: the coverage counts the three new members (3 of the township's 4 residents)."""
    press(Qt.Key.Key_1, CTRL)
    dashboard = window.current_page()
    assert isinstance(dashboard, DashboardPage) and not dashboard.is_busy()

    def shown(name: str) -> str:
        label = dashboard.findChild(QLabel, f"{name}Value")
        assert label is not None, name
        return label.text()

    assert shown("contracted") == "3" and shown("coverage") == "75.0%"
