"""Blood pressure (systolic and diastolic) and fasting glucose over time, with the control
targets as dashed reference lines, drawn with QPainter.

Why QPainter and not a charting library: QtCharts comes only with PySide6-Addons (+156 MB
installed) and pyqtgraph pulls in NumPy (≈ +40 MB) — either would use most of what is left
of the installer's 200 MB budget for two line charts with reference lines. A small widget
drawing them itself costs nothing to install, draws a resident with ten years of visits
(≈ 100 points) in well under a millisecond, and follows the application font, so the
Chinese labels look like the rest of the window. (The dashboard may still choose a library
for its own charts; this widget does not need one.)

Two panels share the time axis: blood pressure in mmHg on top, fasting glucose in mmol/L
below (left out when there is no glucose reading). A reading on or above its target is
drawn as a filled dot, one below it as a hollow dot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from fdclient.services.registry.resident_record import Targets, VitalsPoint

__all__ = ["Series", "VitalsChart"]

SYSTOLIC_COLOUR = QColor("#c62828")
DIASTOLIC_COLOUR = QColor("#1565c0")
GLUCOSE_COLOUR = QColor("#2e7d32")
TARGET_COLOUR = QColor("#8d6e63")
GRID_COLOUR = QColor("#e0e0e0")
AXIS_COLOUR = QColor("#616161")


@dataclass(frozen=True)
class Series:
    """One line of the chart: its points (day, value) and the target it is judged by."""

    key: str
    points: tuple[tuple[date, float], ...]
    #: Controlled below this value.
    target: float | None
    colour: QColor


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


class VitalsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vitalsChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)
        self._points: tuple[VitalsPoint, ...] = ()
        self._targets: Targets | None = None
        self._series: tuple[Series, ...] = ()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(640, 300)

    # --- data -----------------------------------------------------------------------------------

    def set_data(self, points: Sequence[VitalsPoint], targets: Targets | None) -> None:
        """The readings (any order) and the targets that apply."""
        self._points = tuple(sorted(points, key=lambda p: p.day))
        self._targets = targets
        sys_target = float(targets.systolic_below) if targets else None
        dia_target = float(targets.diastolic_below) if targets else None
        glu_target = targets.fasting_glucose_below if targets else None
        self._series = (
            Series(
                "systolic",
                tuple((p.day, float(p.systolic)) for p in self._points if p.systolic is not None),
                sys_target,
                SYSTOLIC_COLOUR,
            ),
            Series(
                "diastolic",
                tuple((p.day, float(p.diastolic)) for p in self._points if p.diastolic is not None),
                dia_target,
                DIASTOLIC_COLOUR,
            ),
            Series(
                "glucose",
                tuple((p.day, float(p.fasting_glucose)) for p in self._points if p.fasting_glucose is not None),
                glu_target,
                GLUCOSE_COLOUR,
            ),
        )
        self.update()

    def series(self, key: str) -> Series:
        """The series ``systolic``, ``diastolic`` or ``glucose`` (for tests and tooltips)."""
        return next(s for s in self._series if s.key == key)

    def has_data(self) -> bool:
        return any(s.points for s in self._series)

    # --- drawing --------------------------------------------------------------------------------

    def _label(self, key: str) -> str:
        return {
            "systolic": QCoreApplication.translate("VitalsChart", "Systolic"),
            "diastolic": QCoreApplication.translate("VitalsChart", "Diastolic"),
            "glucose": QCoreApplication.translate("VitalsChart", "Fasting glucose"),
        }[key]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = QFontMetrics(self.font())
        if not self.has_data():
            painter.setPen(AXIS_COLOUR)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                QCoreApplication.translate("VitalsChart", "No blood pressure or fasting glucose readings yet."),
            )
            painter.end()
            return

        days = [d for s in self._series for d, _ in s.points]
        first, last = min(days), max(days)
        if first == last:
            first = date.fromordinal(first.toordinal() - 15)
            last = date.fromordinal(last.toordinal() + 15)

        left = metrics.horizontalAdvance("0000") + 12
        right = 16
        top = metrics.height() + 10  # the legend
        bottom = metrics.height() + 8  # the dates
        area = QRectF(left, top, max(self.width() - left - right, 10), max(self.height() - top - bottom, 10))

        bp = [s for s in self._series if s.key in ("systolic", "diastolic")]
        glucose = self.series("glucose")
        panels: list[tuple[list[Series], str]] = []
        if any(s.points for s in bp):
            panels.append((bp, "mmHg"))
        if glucose.points:
            panels.append(([glucose], "mmol/L"))
        gap = metrics.height() + 6
        heights = (
            [area.height() * 0.6 - gap / 2, area.height() * 0.4 - gap / 2] if len(panels) == 2 else [area.height()]
        )

        self._legend(painter, metrics, left, [s for group, _ in panels for s in group])
        y = area.top()
        for (group, unit), height in zip(panels, heights, strict=True):
            rect = QRectF(area.left(), y, area.width(), height)
            self._panel(painter, metrics, rect, group, unit, first, last)
            y += height + gap
        self._dates(painter, metrics, area, first, last)
        painter.end()

    def _legend(self, painter: QPainter, metrics: QFontMetrics, x: float, series: list[Series]) -> None:
        y = metrics.ascent() + 2
        for s in series:
            painter.setPen(QPen(s.colour, 2))
            painter.drawLine(QPointF(x, y - metrics.ascent() / 3), QPointF(x + 18, y - metrics.ascent() / 3))
            painter.setPen(AXIS_COLOUR)
            text = self._label(s.key)
            painter.drawText(QPointF(x + 22, y), text)
            x += 22 + metrics.horizontalAdvance(text) + 18
        pen = QPen(TARGET_COLOUR, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, y - metrics.ascent() / 3), QPointF(x + 18, y - metrics.ascent() / 3))
        painter.setPen(AXIS_COLOUR)
        painter.drawText(QPointF(x + 22, y), QCoreApplication.translate("VitalsChart", "Control target"))

    def _panel(
        self,
        painter: QPainter,
        metrics: QFontMetrics,
        rect: QRectF,
        group: list[Series],
        unit: str,
        first: date,
        last: date,
    ) -> None:
        values = [v for s in group for _, v in s.points] + [s.target for s in group if s.target is not None]
        low, high = min(values), max(values)
        pad = max((high - low) * 0.1, 1.0)
        low, high = low - pad, high + pad
        step = _nice_step(high - low, max(int(rect.height() // (metrics.height() * 2)), 2))
        low = math.floor(low / step) * step
        high = math.ceil(high / step) * step
        span_days = max((last - first).days, 1)

        inner = rect.adjusted(6, 0, -6, 0)

        def to_x(day: date) -> float:
            return inner.left() + (day - first).days / span_days * inner.width()

        def to_y(value: float) -> float:
            return rect.bottom() - (value - low) / (high - low) * rect.height()

        # Grid and value labels.
        tick = low
        while tick <= high + step / 2:
            y = to_y(tick)
            painter.setPen(QPen(GRID_COLOUR, 1))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(AXIS_COLOUR)
            text = f"{tick:g}"
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, rect.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            tick += step
        painter.setPen(AXIS_COLOUR)
        painter.drawText(QPointF(rect.left() + 4, rect.top() + metrics.ascent()), unit)
        painter.setPen(QPen(AXIS_COLOUR, 1))
        painter.drawRect(rect)

        for s in group:
            if s.target is not None:
                painter.setPen(QPen(TARGET_COLOUR, 1.5, Qt.PenStyle.DashLine))
                y = to_y(s.target)
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
                painter.setPen(TARGET_COLOUR)
                painter.drawText(
                    QRectF(rect.right() - 80, y - metrics.height() - 1, 76, metrics.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                    f"<{s.target:g}",
                )
            if not s.points:
                continue
            painter.setPen(QPen(s.colour, 2))
            xy = [QPointF(to_x(d), to_y(v)) for d, v in s.points]
            for a, b in zip(xy, xy[1:], strict=False):
                painter.drawLine(a, b)
            for (_, value), point in zip(s.points, xy, strict=True):
                above = s.target is not None and value >= s.target
                painter.setBrush(s.colour if above else self.palette().base())
                painter.drawEllipse(point, 3.5, 3.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def _dates(self, painter: QPainter, metrics: QFontMetrics, area: QRectF, first: date, last: date) -> None:
        span_days = max((last - first).days, 1)
        painter.setPen(AXIS_COLOUR)
        y = area.bottom() + metrics.ascent() + 4
        labels: list[tuple[date, str]] = []
        if span_days > 2 * 365:
            labels = [(date(year, 1, 1), str(year)) for year in range(first.year + 1, last.year + 1)]
        else:
            month = date(first.year, first.month, 1)
            every = 1 if span_days <= 200 else 3
            while month <= last:
                if month >= first and (month.month - 1) % every == 0:
                    labels.append((month, f"{month.year}-{month.month:02d}"))
                month = date(month.year + (month.month // 12), month.month % 12 + 1, 1)
        if not labels:
            labels = [(first, first.isoformat()), (last, last.isoformat())]
        room = metrics.horizontalAdvance("0000-00") + 12
        last_x: float = -room
        for day, text in labels:
            x = area.left() + 6 + (day - first).days / span_days * (area.width() - 12)
            if x - last_x < room:
                continue
            painter.drawText(
                QRectF(x - room / 2, y - metrics.ascent(), room, metrics.height()), Qt.AlignmentFlag.AlignCenter, text
            )
            last_x = x

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.update()
        super().changeEvent(event)
