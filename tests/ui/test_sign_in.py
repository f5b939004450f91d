"""Signing in to the GUI: the dialog (keyboard only), refusals shown in it, and the
whole launch from the command line with the password from the environment."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from helpers.scene import PASSWORD, Template
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from fdclient.cli.gui import _GuiSignIn
from fdclient.ui.dialogs.sign_in import SignInDialog


def flow_for(folder: Path, user: str | None = None) -> _GuiSignIn:
    return _GuiSignIn(argparse.Namespace(data_dir=str(folder), user=user, lang=None, screenshot=None))


def test_the_name_given_on_the_command_line_is_filled_in_and_the_cursor_waits_for_the_password(
    qtbot: QtBot, scene_template: Template, tmp_path: Path
) -> None:
    flow = flow_for(scene_template.copy(tmp_path / "s"), user="doctor")
    dialog = SignInDialog(flow.attempt, username=flow.username, township=flow.township)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.heading.text() == "罗家镇"  # read from the key file: the store is still locked
    assert dialog.username.text() == "doctor"
    assert dialog.focusWidget() is dialog.password
    assert dialog.windowTitle() == "登录"


def test_a_wrong_password_is_shown_in_the_dialog_which_stays_open(
    qtbot: QtBot, scene_template: Template, tmp_path: Path
) -> None:
    flow = flow_for(scene_template.copy(tmp_path / "s"), user="doctor")
    dialog = SignInDialog(flow.attempt, username="doctor")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "用户名或密码不正确" in dialog.error.text()
    assert dialog.password.text() == "" and flow.store is None
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert flow.store is not None and flow.store.actor is not None
    assert flow.store.actor.username == "doctor"
    assert flow.load_figures().summary.township_name == "罗家镇"
    flow.store.close()


def test_the_gui_opens_signed_in_from_the_environment_and_takes_a_screenshot(
    scene_template: Template, tmp_path: Path
) -> None:
    folder = scene_template.copy(tmp_path / "s")
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FDCLIENT_PASSWORD=PASSWORD)
    command = [
        sys.executable,
        "-m",
        "fdclient",
        "--data-dir",
        str(folder),
        "--user",
        "nurse",
        "--screenshot",
        str(shot),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not QImage(str(shot)).isNull()
    env.pop("FDCLIENT_PASSWORD")
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "需要登录" in refused.stderr
    wrong = subprocess.run(
        command, env={**env, "FDCLIENT_PASSWORD": "wrong-password"}, capture_output=True, text=True, timeout=120
    )
    assert wrong.returncode == 2 and "用户名或密码不正确" in wrong.stderr


def test_a_missing_store_is_reported_before_qt_starts(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fdclient", "--data-dir", str(tmp_path / "none")],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3 and "fdclient init" in result.stderr
