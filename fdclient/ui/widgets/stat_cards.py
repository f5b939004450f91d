"""The figure cards of the dashboard: a large value above its caption (:class:`StatCard`),
and an indicator with its target that opens its work list on a click or Enter
(:class:`IndicatorCard`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

__all__ = ["BELOW_COLOUR", "REACHED_COLOUR", "IndicatorCard", "StatCard", "scaled_font"]

REACHED_COLOUR = "#2e7d32"
BELOW_COLOUR = "#d84315"


def scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


class StatCard(QFrame):
    """One figure: a large value above its caption (and an optional detail line)."""

    def __init__(self, name: str, parent: QWidget | None = None, *, factor: float = 2.0) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Card")
        self.setProperty("statCard", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self.value_label = QLabel(self)
        self.value_label.setObjectName(f"{name}Value")
        self.value_label.setFont(scaled_font(self.font(), factor, bold=True))
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.caption_label = QLabel(self)
        self.caption_label.setObjectName(f"{name}Caption")
        self.caption_label.setWordWrap(True)

        self.detail_label = QLabel(self)
        self.detail_label.setObjectName(f"{name}Detail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.detail_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)
        self.content_layout = layout

    def set_content(self, value: str, caption: str, detail: str = "") -> None:
        self.value_label.setText(value)
        self.caption_label.setText(caption)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.setAccessibleName(f"{caption}: {value}")


class IndicatorCard(StatCard):
    """An indicator of the township: value, caption, its target; a click or Enter opens
    its work list (:attr:`clicked`)."""

    clicked = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent, factor=1.6)
        self.setProperty("indicatorCard", True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.target_label = QLabel(self)
        self.target_label.setObjectName(f"{name}Target")
        self.content_layout.insertWidget(3, self.target_label)

    def set_target(self, text: str, reached: bool | None) -> None:
        colour = "" if reached is None else (REACHED_COLOUR if reached else BELOW_COLOUR)
        self.target_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.target_label.setText(text)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)
