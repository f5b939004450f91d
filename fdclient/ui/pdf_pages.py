"""The pages of a PDF made in memory, as images: for the preview on the screen and for
printing through Qt's print dialog.

Why PDFium (pypdfium2) and not QtPdf: ``QPdfDocument``/``QPdfView`` are not in
PySide6-Essentials; they come in the ``PySide6_Pdf`` wheel, which exists only for Qt 6.12
and requires exactly that PySide6-Essentials, while the project stays on Qt < 6.12.
PySide6-Addons would bring them too, at +156 MB of a 200 MB installer. pypdfium2 is a
self-contained wheel of about 3 MB (9 MB installed, BSD/Apache licensed) that renders any
page with Chrome's PDF engine, on every Qt version. Opening the file in the system's viewer
(``QDesktopServices``) was the other way: no preview inside the program, and printing left
to whatever viewer the laptop has, often none on a fresh township PC.

PDFium is not thread-safe: every call goes through one lock (the preview renders on the GUI
thread, printing on a worker thread).

Printing draws each page as an image at :data:`PRINT_DPI` (a printer's own resolution can be
1200 dpi: a page would then take half a gigabyte); text and the QR codes stay sharp at 300.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPainter, QTransform
from PySide6.QtPrintSupport import QPrinter

__all__ = ["PRINT_DPI", "PdfPages", "PdfPagesError"]

#: The resolution pages are drawn at for the printer.
PRINT_DPI = 300
_POINTS_PER_INCH = 72.0

#: PDFium is one library state for the whole process.
_LOCK = threading.RLock()


class PdfPagesError(Exception):
    """The bytes are not a PDF PDFium can open (a bug: the program made them)."""


class PdfPages:
    """A PDF held in memory, its page sizes known; pages are drawn on demand."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        with _LOCK:
            try:
                self._document = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise PdfPagesError(str(exc)) from None
            self._sizes = [self._document.get_page_size(i) for i in range(len(self._document))]

    def __len__(self) -> int:
        return len(self._sizes)

    def page_size(self, index: int) -> QSizeF:
        """The size of page *index* in points (1/72 inch)."""
        width, height = self._sizes[index]
        return QSizeF(width, height)

    def render(self, index: int, dpi: float) -> QImage:
        """Page *index* as an opaque image at *dpi* dots per inch."""
        with _LOCK:
            page = self._document[index]
            try:
                bitmap = page.render(scale=dpi / _POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True)
                try:
                    image = QImage(
                        bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888
                    )
                    return image.copy()  # the buffer goes with the bitmap
                finally:
                    bitmap.close()
            finally:
                page.close()

    def close(self) -> None:
        with _LOCK:
            self._document.close()

    def orientation(self) -> QPageLayout.Orientation:
        """How the first page stands (what the print dialog should propose)."""
        if self._sizes and self._sizes[0][0] > self._sizes[0][1]:
            return QPageLayout.Orientation.Landscape
        return QPageLayout.Orientation.Portrait

    def print_to(self, printer: QPrinter, check: Callable[[int, int], None] | None = None) -> int:
        """Draw every page (or the range chosen in the print dialog) on *printer*; returns
        the pages sent. A page that fits the paper is printed at its own size, centred (the
        cards keep their 85.6 × 54 mm and their cut marks); a larger one is shrunk to fit,
        turned when it stands the other way. *check* is told ``(pages done, pages)`` before
        each page and may raise to stop: the job is then aborted (nothing is printed)."""
        first, last = printer.fromPage(), printer.toPage()
        indexes = list(range(len(self))) if first == 0 else list(range(first - 1, min(last, len(self))))
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be started")
        try:
            for done, index in enumerate(indexes):
                if check is not None:
                    check(done, len(indexes))
                if done:
                    printer.newPage()
                self._draw_page(painter, printer, index)
            if check is not None:
                check(len(indexes), len(indexes))
        except BaseException:
            printer.abort()
            painter.end()
            raise
        painter.end()
        return len(indexes)

    def _draw_page(self, painter: QPainter, printer: QPrinter, index: int) -> None:
        image = self.render(index, PRINT_DPI)
        dpi = printer.resolution()
        paper = printer.pageLayout().fullRectPixels(dpi)
        page = self.page_size(index)
        width, height = page.width() / _POINTS_PER_INCH * dpi, page.height() / _POINTS_PER_INCH * dpi
        turned = (width > height) != (paper.width() > paper.height())
        if turned:
            width, height = height, width
            image = image.transformed(QTransform().rotate(90))
        scale = min(1.0, paper.width() / width, paper.height() / height)
        width, height = width * scale, height * scale
        x, y = (paper.width() - width) / 2, (paper.height() - height) / 2
        painter.drawImage(QRectF(x, y, width, height), image)
