"""Visits page (to be built: Follow-ups, elderly health checks and other services.)"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QWidget

from fdclient.ui.pages.base import PlaceholderPage
from fdclient.ui.session import UiSession


class VisitsPage(PlaceholderPage):
    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(
            "visits",
            str(QT_TRANSLATE_NOOP("Pages", "Visits")),
            str(QT_TRANSLATE_NOOP("Pages", "Follow-ups, elderly health checks and other services.")),
            parent,
        )
        self.session = session
