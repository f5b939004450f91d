"""The signed-in session: check the password to unlock the screen, sign out.

Unlocking checks the password with the store's key file and the sign-in lock-out
(:func:`fdclient.store.signin.unlock`): wrong passwords count, and after several in a row
the account is locked for a while, as at sign-in. The store stays open throughout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from fdclient.errors import FdError
from fdclient.store.signin import read_keyring, unlock
from fdclient.ui.session import UiSession

__all__ = ["check_password", "failure_message", "sign_out"]

log = logging.getLogger(__name__)


def failure_message(exc: BaseException) -> str:
    """What to tell the user about a failed operation (the message of an FdError)."""
    if isinstance(exc, FdError):
        return exc.message
    log.error("operation failed: %s", type(exc).__name__, exc_info=exc)
    return QCoreApplication.translate("Operations", "Something went wrong; nothing was changed. The log has details.")


def check_password(
    ui: UiSession,
    password: str,
    *,
    accepted: Callable[[], None],
    refused: Callable[[str], None],
    owner: QObject | None = None,
) -> None:
    """Check ``password`` against the signed-in account (off the GUI thread: the key
    derivation takes a moment); ``accepted()`` or ``refused(message)`` on the GUI thread."""
    store = ui.store
    username = ui.actor.username

    def work() -> None:
        unlock(store.paths, read_keyring(store.paths), username, password, store.clock)

    ui.runner.read(work, lambda _none: accepted(), lambda exc: refused(failure_message(exc)), owner=owner)


def sign_out(window: QWidget, signing_out: Callable[[bool], None], *, discard: bool = False) -> bool:
    """Close ``window`` to sign out: the window asks about unsaved input first, and the
    user may stay. ``signing_out(True)`` is called before the window closes (so whoever
    runs the event loop knows why it ended) and ``signing_out(False)`` when it stays.

    ``discard`` (the lock screen, where the user was warned already and no question could
    be answered): the pages drop their unsaved input and every open dialog is closed
    without asking, then the window closes."""
    signing_out(True)
    if discard:
        _discard_open_input(window)
    if window.close():
        return True
    signing_out(False)
    return False


def _discard_open_input(window: QWidget) -> None:
    from fdclient.ui.main_window import MainWindow

    if isinstance(window, MainWindow):
        window.discard_unsaved_input()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            QDialog.done(widget, QDialog.DialogCode.Rejected.value)  # the base's: no question
