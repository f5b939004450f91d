"""A signature pad: the resident signs with the mouse, a pen (tablet events, with pressure) or
a finger; :meth:`SignaturePad.png` gives the drawing as PNG bytes to store with the contract.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTabletEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["SignaturePad"]

_INK = QColor("#10205a")
_GUIDE = QColor("#b8bcc8")
#: Width of a stroke at the mouse's (or a pen's medium) pressure, in pixels.
_STROKE_WIDTH = 2.6


class SignaturePad(QWidget):
    #: The drawing changed (a stroke was drawn or the pad cleared).
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 110)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image = self._blank(QSize(max(self.width(), 1), max(self.height(), 1)))
        self._last: QPointF | None = None
        self._strokes = 0
        self.retranslate_ui()

    # --- what the form asks ---------------------------------------------------------------

    def is_empty(self) -> bool:
        return self._strokes == 0

    def clear(self) -> None:
        self._image = self._blank(self._image.size())
        self._strokes = 0
        self._last = None
        self.update()
        self.changed.emit()

    def png(self) -> bytes:
        """The drawing as PNG bytes (empty when nothing is drawn)."""
        if self.is_empty():
            return b""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        visible = self._image.copy(
            0, 0, min(self.width(), self._image.width()), min(self.height(), self._image.height())
        )
        visible.convertToFormat(QImage.Format.Format_Grayscale8).save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())

    def retranslate_ui(self) -> None:
        self.setToolTip(
            QCoreApplication.translate("SignaturePad", "Sign here with the mouse or a pen; Delete clears the pad")
        )
        self.setAccessibleName(QCoreApplication.translate("SignaturePad", "Signature"))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(420, 150)

    # --- drawing --------------------------------------------------------------------------

    @staticmethod
    def _blank(size: QSize) -> QImage:
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        return image

    def _begin(self, at: QPointF) -> None:
        self._last = at
        self._line(at, at, 1.0)

    def _extend(self, at: QPointF, pressure: float) -> None:
        if self._last is None:
            return
        self._line(self._last, at, pressure)
        self._last = at

    def _end(self) -> None:
        if self._last is not None:
            self._strokes += 1
            self._last = None
            self.changed.emit()

    def _line(self, start: QPointF, end: QPointF, pressure: float) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = _STROKE_WIDTH * (0.5 + max(0.0, min(pressure, 1.0)))
        painter.setPen(QPen(_INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.drawLine(start, end)
        painter.end()
        self.update()

    # --- events ---------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 0.5)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position(), 0.5)
            self._end()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position(), event.pressure())
        elif kind == QTabletEvent.Type.TabletRelease:
            self._extend(event.position(), event.pressure())
            self._end()
        event.accept()  # no synthesised mouse events: the pen drew already

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        size = event.size()
        if size.width() > self._image.width() or size.height() > self._image.height():
            grown = self._blank(size.expandedTo(self._image.size()))
            painter = QPainter(grown)
            painter.drawImage(0, 0, self._image)
            painter.end()
            self._image = grown
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.drawImage(event.rect(), self._image, event.rect())
        painter.setPen(QPen(_GUIDE, 1, Qt.PenStyle.DashLine))
        baseline = int(self.height() * 0.75)
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        painter.setPen(QPen(_GUIDE, 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()
