"""打印预览 / Print preview: the pages of a document made in memory, with 打印 (the system's
print dialog), 另存为 PDF (a save dialog) and 关闭 (Esc). Printing and saving use the bytes
previewed (nothing is gathered again) and run off the GUI thread with progress and cancel.

Keys: PgUp/PgDn page, ↑/↓ scroll, Ctrl++/Ctrl+- zoom, Ctrl+0 fit the width; Alt+P print,
Alt+S save, Esc closes (or stops the printing under way).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fdclient.errors import FdError
from fdclient.ui.operations import documents as ops
from fdclient.ui.pdf_pages import PdfPages
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Cancelled
from fdclient.ui.widgets.pdf_view import PdfView
from fdclient.ui.widgets.task_strip import MessageLabel, TaskStrip

__all__ = ["PdfPreviewDialog", "ask_printer", "ask_pdf_path", "failure_text"]


def failure_text(error: BaseException) -> str:
    """What to say when a document could not be made, saved or printed."""
    if isinstance(error, Cancelled):
        return QCoreApplication.translate("ReportsPage", "Cancelled: no file was written.")
    if isinstance(error, FdError):
        return error.message
    if isinstance(error, OSError):
        return QCoreApplication.translate("ReportsPage", "The file or printer could not be written: {reason}").format(
            reason=error.strerror or type(error).__name__
        )
    return QCoreApplication.translate("ReportsPage", "Something went wrong ({what}); nothing was written.").format(
        what=type(error).__name__
    )


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    """The save dialog for a PDF; None when cancelled. ``.pdf`` is added when missing."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("ReportsPage", "Save as PDF"),
        str(Path.home() / suggested),
        QCoreApplication.translate("ReportsPage", "PDF documents (*.pdf)"),
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def ask_printer(parent: QWidget, pages: PdfPages, title: str) -> QPrinter | None:
    """The system's print dialog for *pages* (A4, standing as the document does); the
    printer chosen, or None when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setPageOrientation(pages.orientation())
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("ReportsPage", "Print {title}").format(title=title))
    dialog.setMinMax(1, len(pages))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


class PdfPreviewDialog(QDialog):
    def __init__(
        self, session: UiSession, pages: PdfPages, title: str, file_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreviewDialog")
        self.session = session
        self.pages = pages
        self.document_title = title
        self.file_name = file_name
        self.resize(1000, 720)

        self.view = PdfView(self)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("pageLabel")
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_out_button = self._button("zoomOut")
        self.zoom_out_button.setText("−")
        self.zoom_out_button.clicked.connect(self.view.zoom_out)
        self.zoom_in_button = self._button("zoomIn")
        self.zoom_in_button.setText("+")
        self.zoom_in_button.clicked.connect(self.view.zoom_in)
        self.fit_button = self._button("fitWidth")
        self.fit_button.clicked.connect(self.view.fit_width)
        for small in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            small.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl++ / Ctrl+- / Ctrl+0 in the view
        for small in (self.zoom_out_button, self.zoom_in_button):
            small.setFixedWidth(small.fontMetrics().height() * 2 + 8)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400%") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_button = self._button("printButton")
        self.print_button.clicked.connect(self.print_pages)
        self.save_button = self._button("saveButton")
        self.save_button.clicked.connect(self.save_pages)
        self.close_button = self._button("closeButton")
        self.close_button.clicked.connect(self.reject)
        self.message_label = MessageLabel("messageLabel", self)
        self.strip = TaskStrip(self)
        self.strip.finished.connect(self._work_ended)

        tools = QHBoxLayout()
        tools.setSpacing(6)
        tools.addWidget(self.page_label)
        tools.addStretch(1)
        tools.addWidget(self.zoom_out_button)
        tools.addWidget(self.zoom_label)
        tools.addWidget(self.zoom_in_button)
        tools.addWidget(self.fit_button)
        tools.addSpacing(24)
        tools.addWidget(self.print_button)
        tools.addWidget(self.save_button)
        tools.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.strip)
        self.setTabOrder(self.view, self.print_button)
        self.setTabOrder(self.print_button, self.save_button)
        self.setTabOrder(self.save_button, self.close_button)

        self.view.page_changed.connect(lambda _page: self._show_position())
        self.view.zoom_changed.connect(lambda _zoom: self._show_position())
        self.view.set_pages(pages)
        self.view.setFocus()
        self.retranslate_ui()

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            QCoreApplication.translate("ReportsPage", "Print preview: {title}").format(title=self.document_title)
        )
        self.fit_button.setText(QCoreApplication.translate("ReportsPage", "Fit width"))
        self.fit_button.setToolTip(QCoreApplication.translate("ReportsPage", "Fit the page to the width (Ctrl+0)"))
        self.zoom_in_button.setToolTip(QCoreApplication.translate("ReportsPage", "Zoom in (Ctrl++)"))
        self.zoom_out_button.setToolTip(QCoreApplication.translate("ReportsPage", "Zoom out (Ctrl+-)"))
        self.print_button.setText(QCoreApplication.translate("ReportsPage", "&Print…"))
        self.print_button.setToolTip(
            QCoreApplication.translate("ReportsPage", "Choose a printer and print these pages (Alt+P)")
        )
        self.save_button.setText(QCoreApplication.translate("ReportsPage", "&Save as PDF…"))
        self.save_button.setToolTip(QCoreApplication.translate("ReportsPage", "Save these pages as a PDF file (Alt+S)"))
        self.close_button.setText(QCoreApplication.translate("ReportsPage", "Close"))
        self.close_button.setToolTip(QCoreApplication.translate("ReportsPage", "Close the preview (Esc)"))
        self.strip.retranslate_ui()
        self._show_position()

    def _show_position(self) -> None:
        self.page_label.setText(
            QCoreApplication.translate("ReportsPage", "Page {page} of {pages}").format(
                page=self.view.current_page() + 1, pages=self.view.page_count()
            )
        )
        self.zoom_label.setText(f"{round(self.view.zoom() * 100)}%")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- printing and saving --------------------------------------------------------------------

    def print_pages(self) -> None:
        if self.strip.is_running():
            return
        printer = ask_printer(self, self.pages, self.document_title)
        if printer is not None:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Send the pages to *printer* (as chosen in the print dialog)."""
        self._begin(QCoreApplication.translate("ReportsPage", "Printing…"))
        handle = ops.print_document(
            self.session,
            self.pages,
            printer,
            self._printed,
            self._failed,
            progress=self.strip.report,
            owner=self,
        )
        self.strip.attach(handle)

    def save_pages(self) -> None:
        if self.strip.is_running():
            return
        path = ask_pdf_path(self, self.file_name)
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> None:
        self._begin(QCoreApplication.translate("ReportsPage", "Saving…"))
        self.strip.attach(ops.save_pdf(self.session, self.pages.data, path, self._saved, self._failed, owner=self))

    def _begin(self, text: str) -> None:
        self.message_label.clear()
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.strip.start(text)

    def _printed(self, pages: int) -> None:
        self.strip.stop()
        self._say(QCoreApplication.translate("ReportsPage", "Sent {pages} pages to the printer.").format(pages=pages))

    def _saved(self, path: Path) -> None:
        self.strip.stop()
        self._say(QCoreApplication.translate("ReportsPage", "Saved: {path}").format(path=str(path)))

    def _failed(self, error: BaseException) -> None:
        self.strip.stop()
        self._say(failure_text(error), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.say(text, error=error)

    def _work_ended(self) -> None:
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    # --- Qt -------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.strip.is_running():
            self.strip.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.strip.is_running():
            self.strip.cancel()
            event.ignore()
            return
        super().closeEvent(event)
