"""Residents page (to be built: Households and residents by village: register, edit, move out, record a death.)"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QWidget

from fdclient.ui.pages.base import PlaceholderPage
from fdclient.ui.session import UiSession


class ResidentsPage(PlaceholderPage):
    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(
            "residents",
            str(QT_TRANSLATE_NOOP("Pages", "Residents")),
            str(
                QT_TRANSLATE_NOOP(
                    "Pages", "Households and residents by village: register, edit, move out, record a death."
                )
            ),
            parent,
        )
        self.session = session
