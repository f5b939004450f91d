"""Work lists page (to be built: Follow-ups due, contracts expiring, key populations not signed.)"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QWidget

from fdclient.ui.pages.base import PlaceholderPage
from fdclient.ui.session import UiSession


class WorklistsPage(PlaceholderPage):
    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(
            "worklists",
            str(QT_TRANSLATE_NOOP("Pages", "Work lists")),
            str(QT_TRANSLATE_NOOP("Pages", "Follow-ups due, contracts expiring, key populations not signed.")),
            parent,
        )
        self.session = session
