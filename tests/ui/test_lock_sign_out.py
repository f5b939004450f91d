"""注销 on the lock screen: another staff member takes over a locked laptop. Without input in
the forms it signs out at once; with input (or a form open) it warns first, Enter or Esc go
back, "Discard and sign out" discards and signs out without any question behind the lock;
the whole program then shows the sign-in again. The panel's mnemonics win over the covered
form's (the signing form's doctor field is Alt+O too)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.scene import PASSWORD, Template
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from fdclient.app import LanguageSwitch, start_session_controls, status_facts
from fdclient.cli import signin
from fdclient.cli.gui import cmd_gui
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.store import Store
from fdclient.ui.dialogs.sign_contract import SignContractDialog
from fdclient.ui.dialogs.sign_in import SignInDialog
from fdclient.ui.dialogs.unlock import UnlockPanel
from fdclient.ui.lock import IdleLock
from fdclient.ui.main_window import MainWindow
from fdclient.ui.pages.base import Page, PlaceholderPage
from fdclient.ui.pages.contracts import ContractsPage
from fdclient.ui.pages.settings import SettingsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner

ALT = Qt.KeyboardModifier.AltModifier


class FormPage(Page):
    """A page with a form whose input can be discarded (stands in for the residents' form)."""

    NAME = "form"
    TITLE = "Dashboard"

    def __init__(self) -> None:
        super().__init__()
        self.name_field = QLineEdit(self)
        self.name_field.setObjectName("nameField")

    def has_unsaved_changes(self) -> bool:
        return bool(self.name_field.text())

    def discard_changes(self) -> None:
        self.name_field.clear()


@pytest.fixture
def no_question(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box behind the lock could not be answered: record any that is asked."""
    asked: list[str] = []

    def question(parent: QWidget, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def signed_in(
    qtbot: QtBot, store: Store, summary: TownshipSummary, tmp_path: Path, qapp: QApplication
) -> Iterator[tuple[MainWindow, FormPage, IdleLock, list[bool]]]:
    """A window wired as a signed-in session is (the idle lock with 注销, Sign out)."""
    session = UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini"))
    form = FormPage()
    others = [PlaceholderPage(name, name, "") for name in ("residents", "contracts", "visits", "worklists")]
    window = MainWindow([form, *others, SettingsPage(session)], status_facts(summary, session))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    languages = LanguageSwitch(qapp, "zh_CN")
    signing: list[bool] = []
    try:
        lock = start_session_controls(window, session, languages, signing.append)
        yield window, form, lock, signing
    finally:
        languages.close()


def locked_panel(qtbot: QtBot, lock: IdleLock) -> UnlockPanel:
    lock.lock()  # as after the idle minutes
    panel = lock.panel
    assert panel is not None
    qtbot.waitUntil(panel.password.hasFocus)
    return panel


def test_without_input_sign_out_from_the_lock_screen_is_at_once_and_lets_go_of_the_application(
    qtbot: QtBot, signed_in: tuple[MainWindow, FormPage, IdleLock, list[bool]], no_question: list[str]
) -> None:
    window, _form, lock, signing = signed_in
    panel = locked_panel(qtbot, lock)
    assert panel.sign_out_button.isVisible() and panel.sign_out_button.text() == "注销(&O)"
    assert "王建国" in panel.sign_out_button.toolTip() and "Alt+O" in panel.sign_out_button.toolTip()
    qtbot.keyClick(panel.password, Qt.Key.Key_O, ALT)
    assert not window.isVisible() and signing == [True] and no_question == []
    assert not lock.is_locked() and lock.panel is None and window.findChild(QWidget, "lockScreen") is None
    # The lock no longer filters the input: the next user's sign-in can be typed.
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field, "nurse")
    assert field.text() == "nurse"


def test_with_unsaved_input_it_warns_and_goes_back_or_discards_and_signs_out(
    qtbot: QtBot, signed_in: tuple[MainWindow, FormPage, IdleLock, list[bool]], no_question: list[str]
) -> None:
    window, form, lock, signing = signed_in
    form.name_field.setText("张三")
    panel = locked_panel(qtbot, lock)

    qtbot.keyClick(panel.password, Qt.Key.Key_O, ALT)
    assert panel.is_confirming() and panel.confirm_part.isVisible() and not panel.unlock_part.isVisible()
    assert "王建国" in panel.warning.text() and "放弃" in panel.warning.text()
    assert panel.confirm_button.text() == "放弃内容并注销(&D)" and panel.back_button.text() == "返回(&B)"
    qtbot.waitUntil(panel.back_button.hasFocus)
    qtbot.keyClick(panel.back_button, Qt.Key.Key_Return)  # Enter: back, the safe answer
    assert not panel.is_confirming() and lock.is_locked() and window.isVisible()
    qtbot.waitUntil(panel.password.hasFocus)

    qtbot.keyClick(panel.password, Qt.Key.Key_O, ALT)
    assert panel.is_confirming()
    qtbot.keyClick(panel.back_button, Qt.Key.Key_Escape)
    assert not panel.is_confirming() and lock.is_locked() and form.name_field.text() == "张三"

    qtbot.keyClick(panel.password, Qt.Key.Key_O, ALT)
    qtbot.keyClick(panel.back_button, Qt.Key.Key_D, ALT)
    assert not window.isVisible() and signing == [True] and not lock.is_locked()
    assert form.name_field.text() == "" and no_question == []  # discarded, nothing asked behind the lock


def test_the_locked_user_can_still_unlock_after_looking_at_the_warning(
    qtbot: QtBot, signed_in: tuple[MainWindow, FormPage, IdleLock, list[bool]], no_question: list[str]
) -> None:
    window, form, lock, signing = signed_in
    form.name_field.setText("张三")
    panel = locked_panel(qtbot, lock)
    qtbot.keyClick(panel.password, Qt.Key.Key_O, ALT)
    qtbot.keyClick(panel.back_button, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(panel.password.hasFocus)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClicks(panel.password, PASSWORD)
        qtbot.keyClick(panel.password, Qt.Key.Key_Return)
    assert window.isVisible() and form.name_field.text() == "张三" and signing == [] and no_question == []
    form.discard_changes()  # the window closes after the test without asking


def test_sign_out_from_the_lock_screen_over_the_signing_form_returns_to_the_sign_in(
    qtbot: QtBot, scene_template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    """The program as started from the command line (signed in from the environment): the
    signing form is open with input when the screen locks; 注销 (Alt+O, also the form's
    doctor field) warns, Alt+D signs out, and the sign-in dialog comes back."""
    folder = scene_template.copy(tmp_path / "s")
    monkeypatch.setenv(signin.PASSWORD_ENV, PASSWORD)
    font = QFont(qapp.font())
    seen: dict[str, object] = {}

    def main_window() -> MainWindow | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)

    def step(action: Callable[[], bool], then: Callable[[], None] | None = None) -> None:
        """Run ``action`` every 50 ms until it says it is done, then ``then``."""

        def tick() -> None:
            if "aborted" in seen:
                return
            if action():
                if then is not None:
                    then()
            else:
                QTimer.singleShot(50, tick)

        QTimer.singleShot(50, tick)

    def open_signing_form() -> bool:
        window = main_window()
        if window is None:
            return False
        seen["window"] = True
        window.show_page_named("contracts")
        page = window.current_page()
        assert isinstance(page, ContractsPage)
        dialog = page.new_contract()
        assert isinstance(dialog, SignContractDialog)
        qtbot.waitUntil(dialog.isVisible)
        qtbot.keyClicks(dialog.find_edit, "00012")
        lock = window.findChild(IdleLock)
        assert lock is not None
        lock.lock()
        panel = lock.panel
        assert panel is not None and panel.window() is dialog  # the password panel covers the form
        qtbot.keyClick(panel.password, Qt.Key.Key_O, ALT)
        seen["warned"] = panel.is_confirming()  # an open form: the warning comes first
        seen["doctor_kept_focus_away"] = not dialog.terms.doctor.hasFocus()
        qtbot.keyClick(panel.back_button, Qt.Key.Key_D, ALT)
        return True

    def sign_in_shown() -> bool:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()), None
        )
        if dialog is None:
            return False
        seen["sign_in"] = dialog.username.text()
        seen["window_after"] = main_window() is None
        dialog.reject()  # nobody signs in: the program ends
        return True

    def abort() -> None:
        if "sign_in" in seen:
            return
        seen["aborted"] = True
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                QDialog.done(widget, QDialog.DialogCode.Rejected.value)
        for lock in (w.findChild(IdleLock) for w in QApplication.topLevelWidgets()):
            if lock is not None:
                lock.release()
        QApplication.closeAllWindows()

    step(open_signing_form, lambda: step(sign_in_shown))
    QTimer.singleShot(60_000, abort)
    args = argparse.Namespace(data_dir=str(folder), user="doctor", lang="zh_CN", screenshot=None)
    try:
        code = cmd_gui(args, [])
    finally:
        qapp.setFont(font)
    assert "aborted" not in seen, seen
    assert code == 0 and seen["window"] and seen["warned"] and seen["doctor_kept_focus_away"]
    assert seen["sign_in"] == "doctor" and seen["window_after"]
