"""The idle lock: after some minutes without input, a lock screen covers the window.

:class:`IdleLock` watches the application's input (an event filter on the QApplication
noting the time of the last key, click or wheel turn) and, once the idle time set in the
preferences (``IDLE_LOCK_MINUTES``; 0: never) has passed, covers every open window with a
:class:`LockScreen`. The window with the keyboard (a modal form if one is open, else the
main window) gets the password panel; the others are only hidden behind a plain cover.
Nothing is closed: open forms, typed text and the focus are as they were after unlocking.

While locked, the filter lets input reach only the password panel: keyboard shortcuts,
menus and clicks on anything else are swallowed. The password is checked by the caller
(:func:`fdclient.ui.operations.session.check_password`, with the sign-in lock-out).

注销 / Sign out on the lock screen (Alt+O; shown when the caller gives ``sign_out``) lets
another staff member take over a locked laptop without the locked user's password: asking
for it would leave the laptop unusable until that user comes back, and signing out shows
nothing of what is behind the lock (the next user signs in with their own password). What
the locked user typed is not dropped silently: when a page reports unsaved input
(``unsaved``) or a form (a dialog) is open, the panel first warns that signing out closes
the forms and discards their input, with "Back" as the default (Enter, Esc); only "Discard
and sign out" signs out. No message box can be answered behind the lock, so the caller's
``sign_out`` must not ask (:func:`fdclient.ui.operations.session.sign_out` with
``discard=True``). Once signed out, the lock lets go of the application (no cover, no
event filter, no timer) before the sign-in dialog comes.

The clock and the idle time can be injected, so tests lock in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QGridLayout, QWidget
from shiboken6 import isValid

from fdclient.ui.dialogs.unlock import UnlockPanel

__all__ = ["IdleLock", "LockScreen", "PasswordCheck"]

#: ``check(password, accepted, refused)``: answers by calling one of the two.
PasswordCheck = Callable[[str, Callable[[], None], Callable[[str], None]], None]

_T = QEvent.Type
#: Events that count as the user being there (and that are refused while locked).
_INPUT = frozenset(
    {
        _T.KeyPress,
        _T.KeyRelease,
        _T.ShortcutOverride,
        _T.Shortcut,
        _T.MouseButtonPress,
        _T.MouseButtonRelease,
        _T.MouseButtonDblClick,
        _T.Wheel,
        _T.ContextMenu,
        _T.InputMethod,
        _T.TouchBegin,
        _T.TouchUpdate,
        _T.TabletPress,
        _T.Drop,
    }
)
#: Moving the mouse is presence, but is never refused (it changes nothing).
_PRESENCE = _INPUT | {_T.MouseMove}

#: The longest wait between two looks at the idle time (the lock comes at most this late).
_LONGEST_CHECK_MS = 15_000


class LockScreen(QWidget):
    """An opaque cover over ``host`` (a window), with the password panel or without."""

    def __init__(self, host: QWidget, panel: UnlockPanel | None = None) -> None:
        super().__init__(host)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Mid))
        self.setPalette(palette)
        self.panel = panel
        layout = QGridLayout(self)
        if panel is not None:
            panel.setParent(self)
            layout.addWidget(panel, 1, 1)
            layout.setRowStretch(0, 1)
            layout.setRowStretch(2, 1)
            layout.setColumnStretch(0, 1)
            layout.setColumnStretch(2, 1)
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        host = self.parentWidget()
        if host is not None and watched is host and event.type() == _T.Resize:
            self.setGeometry(host.rect())
            self.raise_()
        return False

    def remove(self) -> None:
        host = self.parentWidget()
        if host is not None and isValid(host):
            host.removeEventFilter(self)
        self.hide()
        self.setParent(None)
        self.deleteLater()


class IdleLock(QObject):
    """Locks ``window`` (and every other open window) after ``minutes`` without input.

    ``who`` names the signed-in staff member on the lock screen; ``check`` verifies a
    password. ``sign_out`` (signs out without asking; True when done) puts 注销 on the lock
    screen, and ``unsaved`` tells whether the pages hold input it would discard (a warning
    comes first). ``idle_ms`` replaces ``minutes`` (tests), ``clock`` gives seconds
    (``time.monotonic`` by default)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        check: PasswordCheck,
        *,
        who: str,
        minutes: int,
        idle_ms: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sign_out: Callable[[], bool] | None = None,
        unsaved: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self._check = check
        self._sign_out = sign_out
        self._unsaved = unsaved
        self._who = who
        self._clock = clock
        self._last_input = clock()
        self._limit_ms = 0
        self._covers: list[LockScreen] = []
        self._panel: UnlockPanel | None = None
        self._focus: QWidget | None = None
        self._ticker = QTimer(self)
        self._ticker.setObjectName("idleLockTicker")
        self._ticker.timeout.connect(self.check_idle)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        if idle_ms is not None:
            self.set_idle_ms(idle_ms)
        else:
            self.set_minutes(minutes)

    # --- the idle time -------------------------------------------------------------------------

    def set_minutes(self, minutes: int) -> None:
        """Lock after ``minutes`` without input (0: never); counts from now."""
        self.set_idle_ms(max(0, minutes) * 60_000)

    def set_idle_ms(self, milliseconds: int) -> None:
        self._limit_ms = max(0, milliseconds)
        self._last_input = self._clock()
        if self._limit_ms == 0:
            self._ticker.stop()
            return
        self._ticker.start(max(10, min(self._limit_ms // 4, _LONGEST_CHECK_MS)))

    @property
    def idle_ms(self) -> int:
        return self._limit_ms

    def check_idle(self) -> None:
        """Lock when the idle time has passed (the ticker calls it; tests may too)."""
        if self.is_locked() or self._limit_ms == 0:
            return
        if (self._clock() - self._last_input) * 1000 >= self._limit_ms:
            self.lock()

    # --- locking -------------------------------------------------------------------------------

    def is_locked(self) -> bool:
        return bool(self._covers)

    @property
    def panel(self) -> UnlockPanel | None:
        """The password panel while locked."""
        return self._panel

    def lock(self) -> None:
        """Cover every open window now (the 文件 menu's "Lock now" too)."""
        if self.is_locked():
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        popup = app.activePopupWidget()
        while popup is not None:  # open menus and completions: nothing typed in them
            popup.close()
            following = app.activePopupWidget()
            popup = None if following is popup else following
        focus = app.focusWidget()
        self._focus = focus
        modal = app.activeModalWidget()
        host = modal if modal is not None and modal.isVisible() else self.window
        self._panel = UnlockPanel(self._who, may_sign_out=self._sign_out is not None)
        self._panel.submitted.connect(self._try_password)
        self._panel.sign_out_requested.connect(self._sign_out_asked)
        self._panel.sign_out_confirmed.connect(self._sign_out_now)
        self._covers.append(LockScreen(host, self._panel))
        for widget in app.topLevelWidgets():
            if widget is host or not widget.isVisible() or not widget.isWindow():
                continue
            if widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                continue
            self._covers.append(LockScreen(widget))
        host.activateWindow()
        self._panel.focus_password()
        self.locked.emit()

    def _try_password(self, password: str) -> None:
        panel = self._panel
        if panel is None:
            return

        def refused(message: str) -> None:
            if self._panel is panel and isValid(panel):
                panel.refuse(message)

        self._check(password, self._unlock, refused)

    def _unlock(self) -> None:
        # The focus goes back first: a hidden cover holding it would pass it on by Tab
        # (a line edit given the focus by Tab selects its text, and the next key replaces it).
        focus, self._focus = self._focus, None
        if focus is not None and isValid(focus) and focus.isVisible():
            focus.window().activateWindow()
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self._panel is not None:
            self._panel.password.clearFocus()
        for cover in self._covers:
            if isValid(cover):
                cover.remove()
        self._covers = []
        self._panel = None
        self._last_input = self._clock()
        self.unlocked.emit()

    # --- signing out from the lock screen --------------------------------------------------------

    def forms_hold_input(self) -> bool:
        """Whether signing out would discard something: a page's unsaved input, or a form
        (a dialog) left open."""
        if self._unsaved is not None and self._unsaved():
            return True
        return any(isinstance(cover.parentWidget(), QDialog) for cover in self._covers if isValid(cover))

    def _sign_out_asked(self) -> None:
        panel = self._panel
        if panel is None:
            return
        if self.forms_hold_input():
            panel.confirm_sign_out()
        else:
            self._sign_out_now()

    def _sign_out_now(self) -> None:
        if self._sign_out is None or not self.is_locked():
            return
        if self._sign_out():
            self.release()
        elif self._panel is not None and isValid(self._panel):
            self._panel.back()

    def release(self) -> None:
        """Let go of the application for good (after signing out): no cover, no filter on
        the input, no idle timer."""
        self._ticker.stop()
        self._limit_ms = 0
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for cover in self._covers:
            if isValid(cover):
                cover.remove()
        self._covers = []
        self._panel = None
        self._focus = None

    # --- the event filter ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind not in _PRESENCE:
            return False
        if not self._covers:
            self._last_input = self._clock()
            return False
        if kind not in _INPUT:
            return False
        screen = self._covers[0]
        if isinstance(watched, QWidget):
            return not (watched is screen or screen.isAncestorOf(watched))
        # Shortcuts go to actions (not widgets); other receivers are windows passing
        # events on to their widgets, which this filter sees next.
        return kind == _T.Shortcut
