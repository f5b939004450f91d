"""Contracts page (to be built: Sign, renew and terminate family-doctor contracts.)"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QWidget

from fdclient.ui.pages.base import PlaceholderPage
from fdclient.ui.session import UiSession


class ContractsPage(PlaceholderPage):
    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(
            "contracts",
            str(QT_TRANSLATE_NOOP("Pages", "Contracts")),
            str(QT_TRANSLATE_NOOP("Pages", "Sign, renew and terminate family-doctor contracts.")),
            parent,
        )
        self.session = session
