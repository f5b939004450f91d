"""Settings page (to be built: Language, font size, idle lock, the township's rules, staff and teams.)"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QWidget

from fdclient.ui.pages.base import PlaceholderPage
from fdclient.ui.session import UiSession


class SettingsPage(PlaceholderPage):
    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(
            "settings",
            str(QT_TRANSLATE_NOOP("Pages", "Settings")),
            str(QT_TRANSLATE_NOOP("Pages", "Language, font size, idle lock, the township's rules, staff and teams.")),
            parent,
        )
        self.session = session
