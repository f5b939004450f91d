"""GUI composition root: QApplication, language, font, main window.

The command line (:mod:`fdclient.cli`) resolves the data folder and passes a loader that
opens the store; everything Qt starts here. Only this module and :mod:`fdclient.ui` import
PySide6.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from fdclient import i18n, text
from fdclient.errors import FdError
from fdclient.ui.dialogs.sign_in import SignInDialog
from fdclient.ui.fonts import apply_application_font, apply_font_size
from fdclient.ui.preferences import FONT_SIZE, IDLE_LOCK_MINUTES, LANGUAGE, Preferences
from fdclient.ui.texts import app_title

# The window, its pages and the services they use (SQLAlchemy, the models) load after the
# sign-in dialog is on the screen: it appears in a fraction of the time (bench/gui_bench.py).
if TYPE_CHECKING:
    from fdclient.services.indicators.snapshot import OpeningFigures
    from fdclient.services.indicators.summary import TownshipSummary
    from fdclient.ui.lock import IdleLock
    from fdclient.ui.main_window import MainWindow, StatusFacts
    from fdclient.ui.pages.base import Page
    from fdclient.ui.session import UiSession

log = logging.getLogger(__name__)

# Environment variable for the screenshot mode (same as ``--screenshot PATH``).
SCREENSHOT_ENV = "FDCLIENT_SCREENSHOT"
#: How long the screenshot mode waits for the page to load its figures.
SCREENSHOT_WAIT_MS = 20_000
#: … and at least this long, for the reads a page makes as it is shown.
SCREENSHOT_SETTLE_MS = 1_000

# Qt's own catalogues (standard buttons and dialogs), loaded when present.
_QT_CATALOGS = ("qtbase",)


def install_language(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the catalogues for ``language`` into ``app`` and set the default locale.

    Returns the installed translators (parented to ``app``); remove them with
    :func:`remove_translators` to switch language. English needs no catalogue. A missing
    catalogue is logged and the interface stays English.
    """
    QLocale.setDefault(QLocale(i18n.qt_locale_name(language)))
    installed: list[QTranslator] = []
    catalog = i18n.catalog_path(language)
    if catalog is None:
        return installed

    own = QTranslator(app)
    if own.load(str(catalog)):
        app.installTranslator(own)
        installed.append(own)
    else:
        log.warning("translation catalogue %s not found or invalid; run scripts/build_translations.sh", catalog)

    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in _QT_CATALOGS:
        translator = QTranslator(app)
        if translator.load(f"{name}_{language}", qt_dir):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def remove_translators(app: QCoreApplication, translators: Sequence[QTranslator]) -> None:
    """Undo :func:`install_language` (the widgets receive a LanguageChange event)."""
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()


def _parse_gui_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    # Values are checked later (resolve_language raises a Chinese ValidationError).
    parser = argparse.ArgumentParser(prog="fdclient", add_help=False, allow_abbrev=False)
    parser.add_argument("--lang", default=None)
    parser.add_argument("--screenshot", type=Path, default=None)
    return parser.parse_known_args(list(argv))


def _save_screenshot(window: MainWindow, path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    return window.grab().save(str(path), "PNG")


def build_pages(
    summary: TownshipSummary, session: UiSession | None, opening: OpeningFigures | None = None
) -> list[Page]:
    """The pages of the main window in navigation order (the dashboard shows the snapshot
    of *opening* until it has computed today's figures, with its target lines)."""
    from fdclient.ui.pages.contracts import ContractsPage
    from fdclient.ui.pages.dashboard import DashboardPage
    from fdclient.ui.pages.reports import ReportsPage
    from fdclient.ui.pages.residents import ResidentsPage
    from fdclient.ui.pages.settings import SettingsPage
    from fdclient.ui.pages.sync import SyncPage
    from fdclient.ui.pages.visits import VisitsPage
    from fdclient.ui.pages.worklists import WorklistsPage

    return [
        DashboardPage(
            summary,
            session,
            snapshot=opening.snapshot if opening else None,
            targets=opening.targets if opening else None,
        ),
        ResidentsPage(session),
        ContractsPage(session),
        VisitsPage(session),
        WorklistsPage(session),
        ReportsPage(session),
        SyncPage(session),
        SettingsPage(session),
    ]


def status_facts(summary: TownshipSummary, session: UiSession | None) -> StatusFacts:
    from fdclient.ui.main_window import StatusFacts

    if session is None:
        return StatusFacts(summary.township_name)
    actor = session.actor
    return StatusFacts(summary.township_name, actor.name, actor.role.label, today=session.today())


class SignIn(Protocol):
    """How the GUI signs in (the command line provides it: fdclient.cli.gui)."""

    username: str  # the user name to fill in (--user, FDCLIENT_USER, the last one)
    township: str  # shown above the fields

    def attempt_from_environment(self) -> str | None | bool:
        """Sign in with ``FDCLIENT_PASSWORD`` when set: None (done), a message (refused),
        or False (no password given: ask)."""
        ...

    def attempt(self, username: str, password: str) -> str | None:
        """Sign in; None on success, else the message to show."""
        ...

    def sign_out(self) -> None:
        """Close what the sign-in opened (the sign-in dialog comes next)."""
        ...


class LanguageSwitch:
    """The interface language of a running application: its translators, and switching
    them without a restart (the settings page asks; open windows retranslate themselves
    on the LanguageChange event). Service messages (:mod:`fdclient.text`) follow."""

    def __init__(self, app: QCoreApplication, language: str) -> None:
        self.app = app
        self.language = language
        self._previous_text_language = text.current_language()
        self.translators = install_language(app, language)
        text.set_language(language)

    def switch(self, language: str) -> None:
        if language == self.language:
            return
        remove_translators(self.app, self.translators)
        self.translators = install_language(self.app, language)
        self.language = language
        text.set_language(language)
        if isinstance(self.app, QApplication):
            self.app.setApplicationDisplayName(app_title())

    def close(self) -> None:
        remove_translators(self.app, self.translators)
        self.translators = []
        text.set_language(self._previous_text_language)


def start_session_controls(
    window: MainWindow, session: UiSession, languages: LanguageSwitch, signing_out: Callable[[bool], None]
) -> IdleLock:
    """Wire what a signed-in window has beyond its pages: the idle lock (and Lock now,
    Ctrl+L), Sign out, and the settings page's language and idle-lock choices."""
    from fdclient.ui.lock import IdleLock
    from fdclient.ui.operations.session import check_password, sign_out
    from fdclient.ui.pages.settings import SettingsPage
    from fdclient.ui.pages.sync import SyncPage

    actor = session.actor

    def check(password: str, accepted: Callable[[], None], refused: Callable[[str], None]) -> None:
        check_password(session, password, accepted=accepted, refused=refused, owner=window)

    lock = IdleLock(
        window,
        check,
        who=f"{actor.name}（{actor.role.label}）",
        minutes=session.preferences.get(IDLE_LOCK_MINUTES),
        sign_out=lambda: sign_out(window, signing_out, discard=True),
        unsaved=window.has_unsaved_input,
    )
    window.lock_action.triggered.connect(lock.lock)
    window.lock_action.setEnabled(True)
    window.sign_out_action.triggered.connect(lambda: sign_out(window, signing_out))
    window.sign_out_action.setEnabled(True)
    for page in window.pages:
        if isinstance(page, SettingsPage):
            page.language_chosen.connect(languages.switch)
            page.idle_lock_changed.connect(lock.set_minutes)
        if isinstance(page, SyncPage) and page.controller is not None:
            page.controller.start_background()  # soon after sign-in, then every few minutes
    return lock


def run_gui(
    figures_loader: Callable[[], OpeningFigures],
    argv: Sequence[str] | None = None,
    *,
    language: str | None = None,
    screenshot: str | os.PathLike[str] | None = None,
    sign_in: SignIn | None = None,
    session_loader: Callable[[], UiSession] | None = None,
    preferences: Preferences | None = None,
) -> int:
    """Start the GUI and return its exit status.

    ``figures_loader`` is called once the application exists (so its errors can be shown)
    and returns the figures the main window opens with (the last snapshot's, or today's
    summary). ``argv`` is a command line as in
    ``sys.argv`` (the default): the program name, then arguments; ``--lang LANG`` and
    ``--screenshot PATH`` are taken from them, the rest goes to Qt (``-platform ...``).
    ``language`` and ``screenshot`` override the arguments, which override the environment
    (``FDCLIENT_LANG``, ``FDCLIENT_SCREENSHOT``), which overrides the language saved in
    ``preferences`` (this laptop's, which also give the font size).

    Signing out closes the window (after the unsaved-input prompt) and shows the sign-in
    dialog again; cancelling it ends the program.

    Screenshot mode shows the window, saves it as a PNG and exits (status 0, or 1 when the
    file could not be written); errors are printed instead of shown in a dialog.
    """
    command_line = list(sys.argv if argv is None else argv) or ["fdclient"]
    args, qt_args = _parse_gui_args(command_line[1:])
    chosen = language if language is not None else args.lang
    if chosen is None and preferences is not None and not os.environ.get(i18n.LANGUAGE_ENV, "").strip():
        chosen = preferences.get(LANGUAGE)
    language = i18n.resolve_language(chosen)
    shot_value = screenshot or args.screenshot or os.environ.get(SCREENSHOT_ENV) or None
    shot = Path(shot_value) if shot_value else None

    app = QApplication.instance()
    if app is None:
        app = QApplication([command_line[0], *qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName("fdclient")
    app.setOrganizationName("fdclient")

    languages = LanguageSwitch(app, language)
    apply_application_font(app)
    if preferences is not None:
        apply_font_size(preferences.get(FONT_SIZE))
    app.setApplicationDisplayName(app_title())
    try:
        return _run_sessions(app, languages, figures_loader, shot, sign_in, session_loader)
    finally:
        languages.close()


def _run_sessions(
    app: QApplication,
    languages: LanguageSwitch,
    figures_loader: Callable[[], OpeningFigures],
    shot: Path | None,
    sign_in: SignIn | None,
    session_loader: Callable[[], UiSession] | None,
) -> int:
    """Sign in, run the window; again after each sign-out."""
    first = True
    while True:
        if sign_in is not None:
            outcome = sign_in.attempt_from_environment() if first else False
            if isinstance(outcome, str) or (outcome is False and shot is not None):
                message = (
                    outcome
                    if isinstance(outcome, str)
                    else QCoreApplication.translate(
                        "SignInDialog", "Sign-in needed: set FDCLIENT_USER and FDCLIENT_PASSWORD."
                    )
                )
                print(message, file=sys.stderr)
                return 2
            if outcome is False:
                dialog = SignInDialog(sign_in.attempt, username=sign_in.username, township=sign_in.township)
                if dialog.exec() != SignInDialog.DialogCode.Accepted:
                    return 0
        first = False

        try:
            figures = figures_loader()
        except FdError as exc:
            print(exc.message, file=sys.stderr)
            if shot is None:
                QMessageBox.critical(None, app_title(), exc.message)
            return exc.exit_code

        from fdclient.ui.main_window import MainWindow
        from fdclient.ui.widgets.search_popup import install_search_popup

        session = session_loader() if session_loader is not None else None
        window = MainWindow(
            build_pages(figures.summary, session, figures),
            status_facts(figures.summary, session),
            preferences=session.preferences if session is not None else None,
        )
        if session is not None:
            install_search_popup(window, session)
        signed_out: list[bool] = [False]

        def signing_out(yes: bool, flag: list[bool] = signed_out) -> None:
            flag[0] = yes

        controls = None
        if session is not None and shot is None:
            controls = start_session_controls(window, session, languages, signing_out)
        window.show()
        window.activateWindow()  # the keys go to it after the sign-in dialog (even with no window manager)

        status: dict[str, int] = {}
        if shot is not None:
            waited: list[int] = [0]

            def take_screenshot(
                window: MainWindow = window, status: dict[str, int] = status, waited: list[int] = waited
            ) -> None:
                # The page first shows what it loads in the background (at most 20 s).
                busy = window.current_page().is_busy() or waited[0] < SCREENSHOT_SETTLE_MS
                if busy and waited[0] < SCREENSHOT_WAIT_MS:
                    waited[0] += 100
                    QTimer.singleShot(100, take_screenshot)
                    return
                ok = _save_screenshot(window, shot)
                if not ok:
                    print(f"无法保存截图：{shot}", file=sys.stderr)
                status["code"] = 0 if ok else 1
                window.close()
                app.exit(status["code"])

            QTimer.singleShot(0, take_screenshot)

        code = app.exec()
        del controls
        if session is not None:
            session.runner.shutdown()
        window.deleteLater()
        if not signed_out[0] or sign_in is None:
            return status.get("code", code)
        sign_in.sign_out()
