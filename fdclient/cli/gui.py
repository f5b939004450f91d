"""Opening the GUI from the command line: the store is found before Qt starts (so a
missing store is a plain error on the terminal), the sign-in happens in the GUI's dialog,
or without it when ``FDCLIENT_PASSWORD`` is set (screenshots, kiosk shortcuts)."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from fdclient.cli import signin
from fdclient.cli.commands import data_dir
from fdclient.errors import FdError
from fdclient.paths import StorePaths
from fdclient.store.keyring import Keyring

if TYPE_CHECKING:
    from fdclient.services.indicators.snapshot import OpeningFigures
    from fdclient.store import Store
    from fdclient.ui.preferences import Preferences
    from fdclient.ui.session import UiSession


class _GuiSignIn:
    def __init__(self, args: argparse.Namespace) -> None:
        from fdclient.ui.preferences import Preferences  # Qt, but not before the GUI starts

        self.folder = data_dir(args)
        self.args = args
        #: This laptop's GUI preferences (language, font size, the last user name …).
        self.preferences: Preferences = Preferences(StorePaths(self.folder).ui_preferences)
        self.username = args.user or os.environ.get(signin.USER_ENV, "") or self._last_username()
        keyring = Keyring.load(StorePaths(self.folder).keyring) if StorePaths(self.folder).keyring.exists() else None
        self.township = keyring.township_name if keyring else ""
        self.store: Store | None = None

    def attempt(self, username: str, password: str) -> str | None:
        from fdclient.store import PlainStoreError, open_store, sign_in
        from fdclient.store.conversion import encrypt_plain_store

        try:
            try:
                key = sign_in(self.folder, username, password)
            except PlainStoreError:
                key = encrypt_plain_store(self.folder, username, password)
            self.store = open_store(self.folder, key)
        except FdError as exc:
            return exc.message
        self._remember_username()
        return None

    def _last_username(self) -> str:
        from fdclient.ui.preferences import LAST_USERNAME

        return self.preferences.get(LAST_USERNAME)

    def _remember_username(self) -> None:
        from fdclient.ui.preferences import LAST_USERNAME

        assert self.store is not None and self.store.actor is not None
        self.username = self.store.actor.username
        self.preferences.set(LAST_USERNAME, self.username)
        self.preferences.sync()

    def sign_out(self) -> None:
        """Close the store: the next sign-in opens it again (perhaps as someone else)."""
        if self.store is not None:
            self.store.close()
            self.store = None

    def attempt_from_environment(self) -> str | None | bool:
        password = os.environ.get(signin.PASSWORD_ENV)
        if password is None or not self.username:
            return False
        return self.attempt(self.username, password)

    def ui_session(self) -> UiSession:
        """The signed-in session the pages work with (after the QApplication exists)."""
        from fdclient.ui.session import UiSession
        from fdclient.ui.tasks import TaskRunner

        assert self.store is not None
        return UiSession(self.store, TaskRunner(), self.preferences)

    def load_figures(self) -> OpeningFigures:
        from fdclient.services.indicators.snapshot import opening_figures

        assert self.store is not None
        with self.store.read() as session:
            return opening_figures(session)


def cmd_gui(args: argparse.Namespace, qt_args: list[str]) -> int:
    folder = data_dir(args)
    if not StorePaths(folder).database.exists():
        from fdclient.store.opening import no_store_error

        raise no_store_error(StorePaths(folder))  # before Qt starts: a plain message on the terminal
    flow = _GuiSignIn(args)
    from fdclient.app import run_gui

    try:
        return run_gui(
            flow.load_figures,
            ["fdclient", *qt_args],
            language=args.lang,
            screenshot=args.screenshot,
            sign_in=flow,
            session_loader=flow.ui_session,
            preferences=flow.preferences,
        )
    finally:
        if flow.store is not None:
            flow.store.close()
