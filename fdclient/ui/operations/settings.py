"""The settings page's use cases: read the township's settings, change one (administrators),
list the accounts and teams (administrators).

Each runs its service through the task runner and answers on the GUI thread: the result,
or the message of the refusal (Chinese, or English when the interface is English).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from fdclient.services.staff.accounts import AccountInfo, list_accounts
from fdclient.services.staff.directory import TeamSummary, list_teams
from fdclient.services.township_settings import SettingInfo, change_setting, list_settings
from fdclient.ui.operations.session import failure_message
from fdclient.ui.session import UiSession

__all__ = ["change_township_setting", "load_accounts", "load_teams", "load_township_settings"]

Refused = Callable[[str], None]


def load_township_settings(
    ui: UiSession,
    done: Callable[[list[SettingInfo]], None],
    refused: Refused,
    *,
    owner: QObject | None = None,
) -> None:
    store = ui.store
    ui.runner.read(lambda: list_settings(store), done, lambda exc: refused(failure_message(exc)), owner=owner)


def change_township_setting(
    ui: UiSession,
    key: str,
    text: str,
    saved: Callable[[SettingInfo], None],
    refused: Refused,
    *,
    owner: QObject | None = None,
) -> None:
    """Set the setting ``key`` to the value written as ``text``; a refusal names the setting."""
    store = ui.store
    ui.runner.write(
        lambda: change_setting(store, key, text), saved, lambda exc: refused(failure_message(exc)), owner=owner
    )


def load_accounts(
    ui: UiSession,
    done: Callable[[tuple[AccountInfo, ...]], None],
    refused: Refused,
    *,
    owner: QObject | None = None,
) -> None:
    store = ui.store
    ui.runner.read(lambda: list_accounts(store), done, lambda exc: refused(failure_message(exc)), owner=owner)


def load_teams(
    ui: UiSession,
    done: Callable[[tuple[TeamSummary, ...]], None],
    refused: Refused,
    *,
    owner: QObject | None = None,
) -> None:
    store = ui.store
    ui.runner.read(lambda: list_teams(store), done, lambda exc: refused(failure_message(exc)), owner=owner)
