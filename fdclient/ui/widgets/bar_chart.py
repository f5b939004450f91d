"""A horizontal bar chart of rates (0-100 %) with a dashed reference line for the policy
target, drawn with QPainter: the dashboard's indicators per village, team or doctor.

Why QPainter and not a charting library. QtCharts is not in PySide6-Essentials: it comes
with PySide6-Addons, about +156 MB installed, which alone would take most of what is left
of the installer's 200 MB budget. pyqtgraph is small itself but needs NumPy (about
+40 MB) and draws in its own style (its own fonts, mouse panning and zooming that the
dashboard does not want). The dashboard needs one kind of chart: a few dozen bars of a
percentage, a reference line, labels in Chinese and a click on a bar. About 250 lines of
QPainter do that with nothing to install, draw in well under a millisecond, follow the
application font and palette, and behave like the rest of the window at the keyboard:
the chart takes the focus, ↑/↓ (Home/End) move the current bar, Enter or a click opens
it (:attr:`BarChart.bar_activated`). The resident record's vitals chart made the same
choice (:mod:`fdclient.ui.widgets.vitals_chart`).

Horizontal bars, because village, team and doctor names are Chinese words of 2-8
characters that read well on the left of their bar and badly under it, and because the
number of bars (8 to 40 villages) then only changes the height, which a scroll area takes.
A bar below the target is drawn in orange, one on or above it in green; a unit without a
denominator (no patients, say) has no bar and says "n/a".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["Bar", "BarChart"]

BELOW_COLOUR = QColor("#ef8a3c")
REACHED_COLOUR = QColor("#43a047")
TARGET_COLOUR = QColor("#c62828")
GRID_COLOUR = QColor("#e0e0e0")


@dataclass(frozen=True)
class Bar:
    """One bar: ``key`` comes back in :attr:`BarChart.bar_activated`; ``value`` is a
    fraction from 0 to 1 (None: nothing to divide); ``detail`` is shown after the value
    (e.g. "123/271")."""

    key: str
    label: str
    value: float | None
    detail: str = ""


class BarChart(QWidget):
    """Bars of rates, one per row, with the target as a dashed vertical line."""

    #: The key of the bar clicked, or chosen with Enter.
    bar_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self._bars: tuple[Bar, ...] = ()
        self._target: float | None = None
        self._target_label = ""
        self._empty_text = ""
        self._na_text = "n/a"
        self._current = -1
        self._hover = -1

    # --- data -------------------------------------------------------------------------------

    def set_bars(
        self,
        bars: Sequence[Bar],
        *,
        target: float | None = None,
        target_label: str = "",
        empty_text: str = "",
        na_text: str = "n/a",
    ) -> None:
        self._bars = tuple(bars)
        self._target = target
        self._target_label = target_label
        self._empty_text = empty_text
        self._na_text = na_text
        self._current = min(self._current, len(self._bars) - 1)
        self._hover = -1
        self.updateGeometry()
        self.setAccessibleDescription("; ".join(f"{b.label} {self._value_text(b)}" for b in self._bars))
        self.update()

    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    def target(self) -> float | None:
        return self._target

    def current_index(self) -> int:
        return self._current

    def set_current_index(self, index: int) -> None:
        if not self._bars:
            return
        self._current = max(0, min(index, len(self._bars) - 1))
        self.update()

    # --- geometry ---------------------------------------------------------------------------

    def _row_height(self) -> int:
        return round(QFontMetrics(self.font()).height() * 1.6)

    def _top(self) -> int:
        """Room above the bars for the target's label."""
        return QFontMetrics(self.font()).height() + 8

    def _bottom(self) -> int:
        """Room below the bars for the axis labels."""
        return QFontMetrics(self.font()).height() + 8

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        rows = max(len(self._bars), 2)
        return QSize(480, self._top() + rows * self._row_height() + self._bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(240, self.sizeHint().height())

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(b.label) for b in self._bars), default=0)
        return min(widest + 16, max(self.width() // 3, 80))

    def _value_width(self) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(self._value_text(b)) for b in self._bars), default=0)
        return widest + 12

    def _plot(self) -> QRectF:
        """Where 0 % to 100 % runs (left to right)."""
        left = self._label_width()
        right = self.width() - self._value_width() - 8
        return QRectF(left, self._top(), max(right - left, 40), len(self._bars) * self._row_height())

    def _row_at(self, y: float) -> int:
        plot = self._plot()
        if y < plot.top() or y >= plot.bottom():
            return -1
        return int((y - plot.top()) // self._row_height())

    def _value_text(self, bar: Bar) -> str:
        if bar.value is None:
            return self._na_text
        text = f"{bar.value * 100:.1f}%"
        return f"{text}  {bar.detail}" if bar.detail else text

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = QFontMetrics(self.font())
        if not self._bars:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        plot = self._plot()
        row_h = self._row_height()

        # Grid and axis: 0, 25, 50, 75, 100 %.
        for step in range(5):
            x = plot.left() + plot.width() * step / 4
            painter.setPen(QPen(GRID_COLOUR, 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(muted)
            label = f"{step * 25}%"
            w = metrics.horizontalAdvance(label)
            painter.drawText(QPointF(x - w / 2, plot.bottom() + metrics.ascent() + 4), label)

        # Rows and bars, then the target line, then the texts over both (a value just
        # beside the line stays readable).
        texts: list[tuple[QRectF, str, bool]] = []
        for i, bar in enumerate(self._bars):
            top = plot.top() + i * row_h
            row = QRectF(0, top, self.width(), row_h)
            if i == self._current and self.hasFocus():
                painter.fillRect(row, palette.color(QPalette.ColorRole.Highlight).lighter(180))
            elif i == self._hover:
                painter.fillRect(row, palette.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(text_colour)
            label_rect = QRectF(4, top, plot.left() - 12, row_h)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_rect.width()))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            end = plot.left()
            if bar.value is not None:
                share = max(0.0, min(bar.value, 1.0))
                reached = self._target is None or bar.value >= self._target
                bar_rect = QRectF(plot.left(), top + row_h * 0.2, plot.width() * share, row_h * 0.6)
                painter.fillRect(bar_rect, REACHED_COLOUR if reached else BELOW_COLOUR)
                end = bar_rect.right()
            text = self._value_text(bar)
            text_rect = QRectF(
                end + 6, top + (row_h - metrics.height()) / 2, metrics.horizontalAdvance(text) + 4, metrics.height()
            )
            texts.append((text_rect, text, bar.value is not None))

        if self._target is not None:
            x = plot.left() + plot.width() * max(0.0, min(self._target, 1.0))
            painter.setPen(QPen(TARGET_COLOUR, 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()))
            painter.setPen(TARGET_COLOUR)
            w = metrics.horizontalAdvance(self._target_label)
            left = min(max(x - w / 2, 0), self.width() - w)
            painter.drawText(QPointF(left, plot.top() - 8), self._target_label)

        background = palette.color(QPalette.ColorRole.Window)
        background.setAlpha(220)
        for text_rect, text, known in texts:
            painter.fillRect(text_rect, background)
            painter.setPen(text_colour if known else muted)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    # --- mouse and keyboard -----------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        row = self._row_at(event.position().y())
        if row != self._hover:
            self._hover = row
            self.setCursor(Qt.CursorShape.PointingHandCursor if row >= 0 else Qt.CursorShape.ArrowCursor)
            if row >= 0:
                self.setToolTip(f"{self._bars[row].label}: {self._value_text(self._bars[row])}")
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        self._hover = -1
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        row = self._row_at(event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and 0 <= row < len(self._bars):
            self._current = row
            self.update()
            self.bar_activated.emit(self._bars[row].key)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = int(event.key())
        if not self._bars:
            super().keyPressEvent(event)
            return
        moves: dict[int, int] = {
            int(Qt.Key.Key_Down): self._current + 1,
            int(Qt.Key.Key_Up): max(self._current - 1, 0),
            int(Qt.Key.Key_Home): 0,
            int(Qt.Key.Key_End): len(self._bars) - 1,
        }
        if key in moves:
            self.set_current_index(moves[key])
            return
        if key in (int(Qt.Key.Key_Return), int(Qt.Key.Key_Enter), int(Qt.Key.Key_Space)) and self._current >= 0:
            self.bar_activated.emit(self._bars[self._current].key)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        if self._current < 0 and self._bars:
            self._current = 0
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        self.update()
        super().focusOutEvent(event)
