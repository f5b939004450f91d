"""The pages of a PDF one under the other, as on paper, drawn only when they come into view
(a batch of a village's contract forms has hundreds of pages).

Keys: ↑/↓ scroll, PgUp/PgDn go to the previous/next page, Home/End to the first/last,
Ctrl++ / Ctrl+- zoom, Ctrl+0 fits the width.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from fdclient.ui.pdf_pages import PdfPages

__all__ = ["PdfView"]

#: Pixels between pages and around them.
GAP = 12
#: Pages kept drawn (the visible ones and those just left).
CACHE_PAGES = 8
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
_SCREEN_DPI = 96.0


class PdfView(QAbstractScrollArea):
    #: The page at the top of the view changed (0-based) or the zoom (a factor of 1 = 100 %).
    page_changed = Signal(int)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setAutoFillBackground(True)
        palette = self.viewport().palette()
        palette.setColor(self.viewport().backgroundRole(), QColor("#8a8f96"))
        self.viewport().setPalette(palette)
        self._pages: PdfPages | None = None
        self._zoom = 1.0
        self._fit_width = True
        self._tops: list[int] = []
        self._sizes: list[QSize] = []
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._current = 0
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.horizontalScrollBar().valueChanged.connect(lambda _value: self.viewport().update())

    # --- what it shows --------------------------------------------------------------------------

    def set_pages(self, pages: PdfPages | None) -> None:
        self._pages = pages
        self._cache.clear()
        self._current = -1
        self._lay_out()
        self.verticalScrollBar().setValue(0)
        self._scrolled()

    def page_count(self) -> int:
        return len(self._pages) if self._pages is not None else 0

    def current_page(self) -> int:
        return max(self._current, 0)

    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self._apply_zoom(min(max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS[-1]))

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom + 1e-6), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom - 1e-6), ZOOM_STEPS[0]))

    def fit_width(self) -> None:
        self._fit_width = True
        self._apply_zoom(self._width_zoom())

    def go_to_page(self, index: int) -> None:
        if not self._tops:
            return
        index = min(max(index, 0), len(self._tops) - 1)
        self.verticalScrollBar().setValue(self._tops[index] - GAP)

    # --- layout ---------------------------------------------------------------------------------

    def _width_zoom(self) -> float:
        if self._pages is None or not len(self._pages):
            return 1.0
        widest = max(self._pages.page_size(i).width() for i in range(min(len(self._pages), 4)))
        room = max(self.viewport().width() - 2 * GAP, 100)
        return min(max(room / (widest / 72.0 * _SCREEN_DPI), ZOOM_STEPS[0]), ZOOM_STEPS[-1])

    def _apply_zoom(self, zoom: float) -> None:
        page = self.current_page()
        changed = abs(zoom - self._zoom) > 1e-6
        self._zoom = zoom
        self._lay_out()
        self.go_to_page(page)
        if changed:
            self.zoom_changed.emit(zoom)

    def _lay_out(self) -> None:
        self._tops, self._sizes = [], []
        y = GAP
        pages = self._pages
        if pages is not None:
            if self._fit_width:
                zoom = self._width_zoom()
                if abs(zoom - self._zoom) > 1e-6:
                    self._zoom = zoom
                    self.zoom_changed.emit(zoom)
            for i in range(len(pages)):
                size = pages.page_size(i)
                scale = _SCREEN_DPI / 72.0 * self._zoom
                px = QSize(round(size.width() * scale), round(size.height() * scale))
                self._tops.append(y)
                self._sizes.append(px)
                y += px.height() + GAP
        widest = max((s.width() for s in self._sizes), default=0) + 2 * GAP
        bar = self.verticalScrollBar()
        bar.setRange(0, max(y - self.viewport().height(), 0))
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(40)
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(widest - self.viewport().width(), 0))
        hbar.setPageStep(self.viewport().width())
        self.viewport().update()

    def _scrolled(self, _value: int = 0) -> None:
        top = self.verticalScrollBar().value() + self.viewport().height() // 3
        page = 0
        for i, y in enumerate(self._tops):
            if y > top:
                break
            page = i
        if page != self._current:
            self._current = page
            self.page_changed.emit(page)
        self.viewport().update()

    def _image(self, index: int) -> QImage:
        key = (index, self._zoom)
        image = self._cache.get(key)
        if image is None:
            assert self._pages is not None
            ratio = self.devicePixelRatioF()
            image = self._pages.render(index, _SCREEN_DPI * self._zoom * ratio)
            image.setDevicePixelRatio(ratio)
            self._cache[key] = image
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image

    # --- Qt -------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self.viewport())
        dy = self.verticalScrollBar().value()
        width = self.viewport().width()
        dx = self.horizontalScrollBar().value()
        visible = event.rect().translated(0, dy)
        for i, (top, size) in enumerate(zip(self._tops, self._sizes, strict=True)):
            if top + size.height() < visible.top():
                continue
            if top > visible.bottom():
                break
            left = max((width - size.width()) // 2, GAP) - dx
            target = QRect(left, top - dy, size.width(), size.height())
            painter.fillRect(target.translated(3, 3), QColor(0, 0, 0, 60))
            painter.drawImage(target, self._image(i))
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        page = self.current_page()
        self._lay_out()
        if self._fit_width:
            self.go_to_page(page)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_PageDown:
            self.go_to_page(self.current_page() + 1)
        elif key == Qt.Key.Key_PageUp:
            top = self._tops[self.current_page()] - GAP if self._tops else 0
            behind = self.verticalScrollBar().value() > top + 4
            self.go_to_page(self.current_page() - (0 if behind else 1))
        elif key == Qt.Key.Key_Home:
            self.go_to_page(0)
        elif key == Qt.Key.Key_End:
            self.go_to_page(self.page_count() - 1)
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_width()
        else:
            super().keyPressEvent(event)  # ↑/↓ ←/→ scroll
            return
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            (self.zoom_in if event.angleDelta().y() > 0 else self.zoom_out)()
            event.accept()
            return
        super().wheelEvent(event)
