"""What every page of the main window is: a widget with a translated title, told when it is
shown, asked whether it holds unsaved input before the window closes, signs out or moves
to another page."""

from __future__ import annotations

import uuid
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

__all__ = ["Navigator", "Page", "PlaceholderPage"]


class Navigator(Protocol):
    """How a page sends the user elsewhere (the main window implements it)."""

    def show_page(self, index: int) -> bool: ...

    def show_page_named(self, name: str) -> bool: ...

    def open_resident(self, resident_id: uuid.UUID) -> None: ...


class Page(QWidget):
    #: The page's name in English (translated in the "Pages" context) and its object name.
    TITLE = ""
    NAME = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.NAME}Page")
        #: Set by the main window that hosts the page.
        self.navigator: Navigator | None = None

    def title(self) -> str:
        return QCoreApplication.translate("Pages", self.TITLE)

    def activated(self) -> None:
        """The page was shown (refresh what may have changed)."""

    def focus_first(self) -> None:
        """Put the keyboard on the page (it was chosen with Ctrl+1 … Ctrl+8 or the
        navigation): its first field that takes Tab, unless a page says better."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (
                self.isAncestorOf(widget)
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def is_busy(self) -> bool:
        """Whether the page is still loading what it shows (a screenshot waits for it)."""
        return False

    def has_unsaved_changes(self) -> bool:
        """Whether leaving now would lose typed input."""
        return False

    def discard_changes(self) -> None:
        """The user chose to leave without saving."""

    def retranslate_ui(self) -> None:
        """Set every user-visible text in the current language."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class PlaceholderPage(Page):
    """A page whose issue has not landed yet: it says what will be there."""

    def __init__(self, name: str, title: str, coming: str, parent: QWidget | None = None) -> None:
        self.NAME = name
        self.TITLE = title
        self._coming = coming
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}Placeholder")
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.label.setText(QCoreApplication.translate("Pages", self._coming))
