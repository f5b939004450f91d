"""The idle lock (covers the window, unlocks with the password, forms intact), signing out,
and the settings page: language and font size at once, the township's settings for
administrators (read-only for others), staff and teams."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.scene import PASSWORD, Template
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QMessageBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from fdclient.app import LanguageSwitch, start_session_controls, status_facts
from fdclient.cli.gui import _GuiSignIn
from fdclient.domain.roles import Role
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.services.staff.directory import list_teams
from fdclient.services.township_settings import list_settings
from fdclient.store import Store
from fdclient.ui.dialogs.sign_in import SignInDialog
from fdclient.ui.lock import IdleLock
from fdclient.ui.main_window import MainWindow
from fdclient.ui.operations.session import check_password, sign_out
from fdclient.ui.pages.base import Page, PlaceholderPage
from fdclient.ui.pages.settings import SettingsPage
from fdclient.ui.preferences import FONT_SIZE, IDLE_LOCK_MINUTES, LANGUAGE, LAST_USERNAME, Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner


class FormPage(Page):
    """A page holding a form with typed input (stands in for the residents' form)."""

    NAME = "form"
    TITLE = "Dashboard"

    def __init__(self) -> None:
        super().__init__()
        self.name_field = QLineEdit(self)
        self.name_field.setObjectName("nameField")

    def has_unsaved_changes(self) -> bool:
        return bool(self.name_field.text())


def ui_session(store: Store, tmp_path: Path) -> UiSession:
    return UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini"))


#: Stand-ins for the other pages (their own tests cover them), in the navigation's order.
OTHER_PAGES = (
    ("dashboard", "Dashboard"),
    ("residents", "Residents"),
    ("contracts", "Contracts"),
    ("visits", "Visits"),
    ("worklists", "Work lists"),
    ("reports", "Reports"),
    ("sync", "Sync"),
)


def make_window(qtbot: QtBot, summary: TownshipSummary, session: UiSession, *pages: Page) -> MainWindow:
    others = [PlaceholderPage(name, title, "") for name, title in OTHER_PAGES[len(pages) :]]
    window = MainWindow([*pages, *others, SettingsPage(session)], status_facts(summary, session))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def settings_page(window: MainWindow) -> SettingsPage:
    page = window.page_named("settings")
    assert isinstance(page, SettingsPage)
    return page


def password_check(session: UiSession) -> Callable[[str, Callable[[], None], Callable[[str], None]], None]:
    def check(password: str, accepted: Callable[[], None], refused: Callable[[str], None]) -> None:
        check_password(session, password, accepted=accepted, refused=refused)

    return check


def type_and_enter(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


@pytest.fixture(autouse=True)
def _discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing a window with typed input asks (a modal box no one answers in a test)."""
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Discard)


@pytest.fixture
def restore_font(qapp: QApplication) -> Iterator[None]:
    font = QFont(qapp.font())
    yield
    qapp.setFont(font)


# --- the idle lock ------------------------------------------------------------------------------


def test_after_idle_the_lock_covers_the_window_and_the_password_unlocks_it_with_the_form_intact(
    qtbot: QtBot, store: Store, summary: TownshipSummary, tmp_path: Path
) -> None:
    session = ui_session(store, tmp_path)
    form = FormPage()
    window = make_window(qtbot, summary, session, form)
    form.name_field.setText("张三")  # Chinese cannot be typed with keyClicks
    form.name_field.setFocus()
    qtbot.keyClicks(form.name_field, " 13800138000")
    lock = IdleLock(window, password_check(session), who="王建国（医生）", minutes=10, idle_ms=60)
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass  # no input: the lock comes by itself
    panel = lock.panel
    assert panel is not None and lock.is_locked()
    cover = window.findChild(QWidget, "lockScreen")
    assert cover is not None and cover.isVisible() and cover.geometry() == window.rect()
    assert "王建国（医生）" in panel.explanation.text() and panel.heading.text() == "屏幕已锁定"
    qtbot.waitUntil(panel.password.hasFocus)

    # Shortcuts and the form behind are out of reach while locked.
    qtbot.keyClick(panel.password, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == 0
    qtbot.keyClick(form.name_field, Qt.Key.Key_X)
    assert form.name_field.text() == "张三 13800138000"

    type_and_enter(qtbot, panel.password, "wrong-password")
    assert lock.is_locked() and panel.error.isVisible()
    assert "用户名或密码不正确" in panel.error.text() and panel.password.text() == ""

    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        type_and_enter(qtbot, panel.password, PASSWORD)
    assert not lock.is_locked() and window.findChild(QWidget, "lockScreen") is None
    assert form.name_field.text() == "张三 13800138000" and window.isVisible()
    qtbot.waitUntil(form.name_field.hasFocus)
    qtbot.keyClicks(form.name_field, "9")
    assert form.name_field.text() == "张三 138001380009"


def test_the_lock_waits_for_the_set_minutes_and_input_postpones_it(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    now = [1000.0]
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    lock = IdleLock(window, password_check(ui_session(store, tmp_path)), who="王建国", minutes=5, clock=lambda: now[0])
    assert lock.idle_ms == 5 * 60_000
    now[0] += 299
    lock.check_idle()
    assert not lock.is_locked()
    qtbot.keyClick(window, Qt.Key.Key_A)  # someone is there
    now[0] += 200
    lock.check_idle()
    assert not lock.is_locked()
    now[0] += 101
    lock.check_idle()
    assert lock.is_locked()


def test_zero_minutes_never_locks_and_lock_now_locks_at_once(
    qtbot: QtBot, store: Store, summary: TownshipSummary, tmp_path: Path
) -> None:
    now = [0.0]
    session = ui_session(store, tmp_path)
    window = make_window(qtbot, summary, session)
    lock = IdleLock(window, password_check(session), who="王建国", minutes=0, clock=lambda: now[0])
    now[0] += 10 * 24 * 3600
    lock.check_idle()
    assert not lock.is_locked()
    window.lock_action.triggered.connect(lock.lock)
    window.lock_action.setEnabled(True)
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lock.is_locked()


def test_repeated_wrong_passwords_lock_the_account_as_at_sign_in(
    qtbot: QtBot, store: Store, summary: TownshipSummary, tmp_path: Path
) -> None:
    session = ui_session(store, tmp_path)
    window = make_window(qtbot, summary, session)
    lock = IdleLock(window, password_check(session), who="王建国", minutes=10)
    lock.lock()
    panel = lock.panel
    assert panel is not None
    for _ in range(5):
        type_and_enter(qtbot, panel.password, "wrong-password")
    assert "已暂时锁定" in panel.error.text()
    type_and_enter(qtbot, panel.password, PASSWORD)  # refused during the lock-out, too
    assert lock.is_locked() and "已暂时锁定" in panel.error.text()


# --- signing out --------------------------------------------------------------------------------


def test_sign_out_asks_about_unsaved_input_and_the_session_wires_lock_and_settings(
    qtbot: QtBot,
    store: Store,
    summary: TownshipSummary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qapp: QApplication,
) -> None:
    session = ui_session(store, tmp_path)
    form = FormPage()
    window = make_window(qtbot, summary, session, form)
    signing: list[bool] = []
    languages = LanguageSwitch(qapp, "zh_CN")
    try:
        lock = start_session_controls(window, session, languages, signing.append)
        assert window.sign_out_action.isEnabled() and window.sign_out_action.text() == "注销(&O)"
        assert window.lock_action.text() == "立即锁定(&L)"
        assert lock.idle_ms == 10 * 60_000
        settings_page(window).idle_lock.setValue(3)
        assert lock.idle_ms == 3 * 60_000

        form.name_field.setText("张三")
        monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Cancel)
        assert not sign_out(window, signing.append)
        assert window.isVisible() and signing == [True, False] and form.name_field.text() == "张三"
        monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Discard)
        window.sign_out_action.trigger()
        assert not window.isVisible() and signing[-1] is True
    finally:
        languages.close()


def test_the_sign_in_remembers_the_last_user_name_and_signs_out(
    qtbot: QtBot, scene_template: Template, tmp_path: Path
) -> None:
    folder = scene_template.copy(tmp_path / "s")

    def flow(user: str | None) -> _GuiSignIn:
        return _GuiSignIn(argparse.Namespace(data_dir=str(folder), user=user, lang=None, screenshot=None))

    first = flow("nurse")
    assert first.attempt("nurse", PASSWORD) is None and first.store is not None
    first.sign_out()
    assert first.store is None
    again = flow(None)  # no --user: the last name is filled in, the cursor waits for the password
    assert again.preferences.get(LAST_USERNAME) == "nurse" and again.username == "nurse"
    dialog = SignInDialog(again.attempt, username=again.username, township=again.township)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.username.text() == "nurse" and dialog.focusWidget() is dialog.password


# --- the settings page --------------------------------------------------------------------------


def test_switching_to_english_retranslates_the_open_window_and_back(
    qtbot: QtBot,
    store: Store,
    summary: TownshipSummary,
    tmp_path: Path,
    ui_language: Callable[[str], None],
) -> None:
    session = ui_session(store, tmp_path)
    window = make_window(qtbot, summary, session)
    page = settings_page(window)
    page.language_chosen.connect(ui_language)
    window.show_page_named("settings")
    assert window.navigation.item(7).text() == "设置" and page.language.currentText() == "简体中文"
    page.choose_language("en")
    qtbot.waitUntil(lambda: window.navigation.item(1).text() == "Residents")
    assert window.navigation.item(7).text() == "Settings"
    qtbot.waitUntil(lambda: page.font_size_label.text() == "Font si&ze:")
    assert session.preferences.get(LANGUAGE) == "en"
    page.choose_language("zh_CN")
    qtbot.waitUntil(lambda: window.navigation.item(1).text() == "居民档案")
    assert page.interface_box.title() == "本机" and Preferences(tmp_path / "ui.ini").get(LANGUAGE) == "zh_CN"


def test_the_font_size_applies_at_once_and_is_saved(
    qtbot: QtBot, store: Store, summary: TownshipSummary, tmp_path: Path, qapp: QApplication, restore_font: None
) -> None:
    session = ui_session(store, tmp_path)
    window = make_window(qtbot, summary, session)
    page = settings_page(window)
    window.show_page_named("settings")
    page.font_size.setValue(16)
    assert qapp.font().pointSize() == 16
    qtbot.waitUntil(lambda: window.navigation.font().pointSize() == 16)
    assert Preferences(tmp_path / "ui.ini").get(FONT_SIZE) == 16
    page.idle_lock.setValue(0)
    assert Preferences(tmp_path / "ui.ini").get(IDLE_LOCK_MINUTES) == 0
    assert page.idle_lock.text() == "从不"


def test_an_administrator_changes_the_default_contract_term(
    qtbot: QtBot, admin_store: Store, summary: TownshipSummary, tmp_path: Path
) -> None:
    window = make_window(qtbot, summary, ui_session(admin_store, tmp_path))
    page = settings_page(window)
    window.show_page_named("settings")
    row = page.rows["contract_default_term_years"]
    assert row.title.text() == "默认签约期限（年）"
    editor = row.editor
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == ["1", "2", "3"]
    assert editor.currentText() == "1" and page.save_button.isVisible()
    editor.setCurrentIndex(editor.findData("3"))
    assert page.has_unsaved_changes()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not page.has_unsaved_changes() and page.saved_label.text() == "已保存。"
    stored = {s.key: s.value for s in list_settings(admin_store)}
    assert stored["contract_default_term_years"] == 3
    auto_renew = page.rows["contract_auto_renew"].editor
    assert isinstance(auto_renew, QComboBox) and auto_renew.currentText() == "否"


def test_a_bad_value_shows_the_message_beside_the_field_and_keeps_what_was_typed(
    qtbot: QtBot, admin_store: Store, summary: TownshipSummary, tmp_path: Path
) -> None:
    window = make_window(qtbot, summary, ui_session(admin_store, tmp_path))
    page = settings_page(window)
    window.show_page_named("settings")
    row = page.rows["contract_renewal_opens_days"]
    assert isinstance(row.editor, QLineEdit) and row.editor.text() == "90"
    row.editor.clear()
    qtbot.keyClicks(row.editor, "400")
    prefix = page.rows["contract_number_prefix"].editor
    assert isinstance(prefix, QLineEdit)
    prefix.setText("QYX")
    page.save_button.click()
    assert row.error.isVisible() and "0 到 365 之间的整数" in row.error.text()
    assert row.editor.text() == "400" and page.has_unsaved_changes()
    assert "未保存" in page.saved_label.text()
    stored = {s.key: s.value for s in list_settings(admin_store)}
    assert stored["contract_renewal_opens_days"] == 90 and stored["contract_number_prefix"] == "QYX"
    row.editor.setFocus()
    qtbot.keyClick(row.editor, Qt.Key.Key_Escape)  # undo the edits
    assert row.editor.text() == "90" and not row.error.isVisible() and not page.has_unsaved_changes()


def test_a_doctor_sees_the_township_settings_read_only_and_no_staff(
    qtbot: QtBot, store: Store, summary: TownshipSummary, tmp_path: Path
) -> None:
    window = make_window(qtbot, summary, ui_session(store, tmp_path))
    page = settings_page(window)
    window.show_page_named("settings")
    row = page.rows["contract_default_term_years"]
    assert isinstance(row.editor, QLabel) and row.editor.text() == "1"
    assert not page.save_button.isVisible() and not page.staff_box.isVisible()
    assert "只有管理员" in page.township_note.text()
    assert page.findChildren(QLineEdit, "contract_number_prefixValue") == []
    page.save_township_settings()  # nothing to save, nothing refused
    assert not page.has_unsaved_changes()


def test_an_administrator_sees_the_accounts_and_teams(
    qtbot: QtBot, store_as: Callable[[Role], Store], summary: TownshipSummary, tmp_path: Path
) -> None:
    admin = store_as(Role.ADMIN)
    window = make_window(qtbot, summary, ui_session(admin, tmp_path))
    page = settings_page(window)
    window.show_page_named("settings")
    accounts = page.findChild(QTableWidget, "accountsTable")
    assert accounts is not None and page.staff_box.isVisible()
    rows = {accounts.item(r, 0).text(): accounts.item(r, 2).text() for r in range(accounts.rowCount())}
    assert rows["doctor"] == "医生" and rows["admin"] == "管理员" and rows["gongwei"] == "公卫人员"
    assert page.teams.rowCount() == len(list_teams(admin))


def test_without_a_session_the_page_says_what_will_be_there(qtbot: QtBot) -> None:
    page = SettingsPage(None)
    qtbot.addWidget(page)
    assert "界面语言" in page.label.text() and page.title() == "设置"
