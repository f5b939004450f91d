"""打印 / Print on the reports page: the contract forms (签约服务协议书) or contact cards
(家庭医生联系卡) of a village or of one contract, or the walking list (入户工作清单) of a
village for a day; then 预览 (the pages in a preview dialog, from which they can be printed
or saved), 打印 (the system's print dialog) or 另存为 PDF (a save dialog).

The batch is made off the GUI thread with progress and cancel
(:mod:`fdclient.ui.operations.documents`); a cancelled or failed batch leaves no file and
the reason is said under the buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.roles import Permission
from fdclient.services.registry.village_lists import VillageChoice
from fdclient.ui.dialogs.pdf_preview import PdfPreviewDialog, ask_pdf_path, ask_printer, failure_text
from fdclient.ui.operations import documents as ops
from fdclient.ui.operations.documents import DocumentKind, MadeDocument, PrintChoice
from fdclient.ui.pdf_pages import PdfPages
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.task_strip import MessageLabel, TaskStrip, action_button

__all__ = ["KIND_TITLES", "PrintPanel"]

#: What can be printed, with its button text and the document's title.
KIND_TITLES: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.CONTRACT_FORMS: (
        str(QT_TRANSLATE_NOOP("ReportsPage", "Contract for&ms")),
        str(QT_TRANSLATE_NOOP("ReportsPage", "Contract forms")),
    ),
    DocumentKind.CONTACT_CARDS: (
        str(QT_TRANSLATE_NOOP("ReportsPage", "Co&ntact cards")),
        str(QT_TRANSLATE_NOOP("ReportsPage", "Contact cards")),
    ),
    DocumentKind.WALKING_LIST: (
        str(QT_TRANSLATE_NOOP("ReportsPage", "Wal&king list")),
        str(QT_TRANSLATE_NOOP("ReportsPage", "Walking list")),
    ),
}


class PrintPanel(QGroupBox):
    def __init__(self, session: UiSession | None, strip: TaskStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPanel")
        self.session = session
        self.strip = strip
        self.allowed = session is not None and session.may(Permission.PRINT)
        self._preview: PdfPreviewDialog | None = None

        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[DocumentKind, QRadioButton] = {}
        kinds = QHBoxLayout()
        for kind in KIND_TITLES:
            radio = QRadioButton(self)
            radio.setObjectName(f"{kind.value}Radio")
            self.kind_group.addButton(radio)
            self.kind_buttons[kind] = radio
            kinds.addWidget(radio)
        kinds.addStretch(1)
        self.kind_buttons[DocumentKind.CONTRACT_FORMS].setChecked(True)

        self.village_box = QComboBox(self)
        self.village_box.setObjectName("printVillageBox")
        self.village_box.setMinimumContentsLength(12)
        self.contract_edit = QLineEdit(self)
        self.contract_edit.setObjectName("contractNumberEdit")
        self.contract_edit.setClearButtonEnabled(True)
        self.day_edit = QDateEdit(self)
        self.day_edit.setObjectName("walkingDayEdit")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        if session is not None:
            today = session.today()
            self.day_edit.setDate(QDate(today.year, today.month, today.day))

        self.kind_label = QLabel(self)
        self.village_label = QLabel(self)
        self.village_label.setBuddy(self.village_box)
        self.contract_label = QLabel(self)
        self.contract_label.setBuddy(self.contract_edit)
        self.day_label = QLabel(self)
        self.day_label.setBuddy(self.day_edit)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.kind_label, kinds)
        form.addRow(self.village_label, self.village_box)
        form.addRow(self.contract_label, self.contract_edit)
        form.addRow(self.day_label, self.day_edit)

        self.preview_button = self._button("previewButton", self.preview)
        self.print_button = self._button("printButton", self.print_batch)
        self.save_button = self._button("savePdfButton", self.save_batch)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(button)
        self.message = MessageLabel("printMessage", self)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)

        first = self.kind_buttons[DocumentKind.CONTRACT_FORMS]
        self.setTabOrder(first, self.village_box)
        self.setTabOrder(self.village_box, self.contract_edit)
        self.setTabOrder(self.contract_edit, self.day_edit)
        self.setTabOrder(self.day_edit, self.preview_button)
        self.setTabOrder(self.preview_button, self.print_button)
        self.setTabOrder(self.print_button, self.save_button)
        for radio in self.kind_buttons.values():
            radio.toggled.connect(self._kind_changed)
        self.setEnabled(self.allowed)
        self._kind_changed()
        self.retranslate_ui()

    def _button(self, name: str, slot: Callable[[], object]) -> QPushButton:
        return action_button(self, name, slot)

    def retranslate_ui(self) -> None:
        self.setTitle(QCoreApplication.translate("ReportsPage", "Print"))
        for kind, radio in self.kind_buttons.items():
            radio.setText(QCoreApplication.translate("ReportsPage", KIND_TITLES[kind][0]))
        self.kind_label.setText(QCoreApplication.translate("ReportsPage", "What:"))
        self.village_label.setText(QCoreApplication.translate("ReportsPage", "Vi&llage:"))
        self.contract_label.setText(QCoreApplication.translate("ReportsPage", "Contract num&ber:"))
        self.day_label.setText(QCoreApplication.translate("ReportsPage", "&Day:"))
        self.contract_edit.setPlaceholderText(QCoreApplication.translate("ReportsPage", "Empty: the whole village"))
        self.contract_edit.setToolTip(
            QCoreApplication.translate(
                "ReportsPage", "A contract number prints that one contract (a draft with blank signature lines)"
            )
        )
        self.day_edit.setToolTip(
            QCoreApplication.translate("ReportsPage", "The door-knocking day the walking list is for")
        )
        self.preview_button.setText(QCoreApplication.translate("ReportsPage", "Pre&view"))
        self.preview_button.setToolTip(
            QCoreApplication.translate("ReportsPage", "Make the pages and look at them before printing (Alt+V)")
        )
        self.print_button.setText(QCoreApplication.translate("ReportsPage", "&Print…"))
        self.print_button.setToolTip(
            QCoreApplication.translate("ReportsPage", "Make the pages and choose a printer (Alt+P)")
        )
        self.save_button.setText(QCoreApplication.translate("ReportsPage", "&Save as PDF…"))
        self.save_button.setToolTip(QCoreApplication.translate("ReportsPage", "Make the pages into a PDF file (Alt+S)"))
        if self.village_box.count() and self.village_box.itemData(0) is None:
            self.village_box.setItemText(0, QCoreApplication.translate("ReportsPage", "Choose a village"))
        if not self.allowed:
            self.setToolTip(QCoreApplication.translate("ReportsPage", "Your role may not print."))
            self.message.note(self.toolTip())

    # --- what is chosen -------------------------------------------------------------------------

    def set_villages(self, villages: list[VillageChoice]) -> None:
        chosen = self.village_box.currentData()
        self.village_box.clear()
        self.village_box.addItem(QCoreApplication.translate("ReportsPage", "Choose a village"), None)
        for v in villages:
            self.village_box.addItem(f"{v.name}（{v.code}）", v.code)
        self.village_box.setCurrentIndex(max(self.village_box.findData(chosen), 0) if chosen else 0)
        if len(villages) == 1:
            self.village_box.setCurrentIndex(1)

    def kind(self) -> DocumentKind:
        return next(kind for kind, radio in self.kind_buttons.items() if radio.isChecked())

    def _kind_changed(self, _checked: bool = True) -> None:
        walking = self.kind() is DocumentKind.WALKING_LIST
        self.contract_edit.setEnabled(not walking)
        self.day_edit.setEnabled(walking)

    def choice(self) -> PrintChoice | None:
        """What to print, or None (and the reason said) when it is not chosen yet."""
        kind = self.kind()
        number = self.contract_edit.text().strip() if kind is not DocumentKind.WALKING_LIST else ""
        village = self.village_box.currentData()
        if number:
            return PrintChoice(kind, contract_no=number)
        if not village:
            self.message.say(
                QCoreApplication.translate("ReportsPage", "Choose a village (or type a contract number)."), error=True
            )
            self.village_box.setFocus()
            return None
        day = self.day_edit.date().toPython() if kind is DocumentKind.WALKING_LIST else None
        assert day is None or isinstance(day, date)
        return PrintChoice(kind, village_code=str(village), day=day)

    def _title(self, choice: PrintChoice) -> str:
        return QCoreApplication.translate("ReportsPage", KIND_TITLES[choice.kind][1])

    def _file_name(self, choice: PrintChoice) -> str:
        where = choice.contract_no or self.village_box.currentText().split("（")[0]
        day = choice.day or (self.session.today() if self.session else None)
        parts = (self._title(choice), where, day.isoformat() if day else "")
        return "_".join(part for part in parts if part).replace("/", "-").replace(" ", "") + ".pdf"

    # --- the three actions ----------------------------------------------------------------------

    def _begin(self) -> PrintChoice | None:
        """The choice, with the strip started for it (None: nothing to start)."""
        if self.session is None or self.strip.is_running():
            return None
        self.message.clear()
        choice = self.choice()
        if choice is not None:
            self.strip.start(self._making_text(choice))
        return choice

    def _making_text(self, choice: PrintChoice) -> str:
        return QCoreApplication.translate("ReportsPage", "Making the {what}…").format(what=self._title(choice))

    def preview(self) -> None:
        self._make(self._show_preview)

    def print_batch(self) -> None:
        self._make(self._print_made)

    def _make(self, then: Callable[[PrintChoice, MadeDocument], None]) -> None:
        """Make the chosen document in the background, then hand it to *then*."""
        choice = self._begin()
        if choice is None or self.session is None:
            return
        handle = ops.make_document(
            self.session,
            choice,
            lambda made: then(choice, made),
            self._failed,
            progress=self.strip.report,
            owner=self,
        )
        self.strip.attach(handle)

    def save_batch(self) -> None:
        if self.session is None or self.strip.is_running():
            return
        self.message.clear()
        choice = self.choice()
        if choice is None:
            return
        path = ask_pdf_path(self, self._file_name(choice))
        if path is None:
            return
        self.save_to(choice, path)

    def save_to(self, choice: PrintChoice, path: Path) -> None:
        assert self.session is not None
        self.strip.start(self._making_text(choice))
        handle = ops.save_document(
            self.session, choice, path, self._saved, self._failed, progress=self.strip.report, owner=self
        )
        self.strip.attach(handle)

    # --- how they end ---------------------------------------------------------------------------

    def _made_text(self, made: MadeDocument) -> str:
        if made.kind is DocumentKind.CONTRACT_FORMS:
            text = QCoreApplication.translate("ReportsPage", "{items} contract forms, two copies each ({pages} pages).")
        elif made.kind is DocumentKind.CONTACT_CARDS:
            text = QCoreApplication.translate(
                "ReportsPage", "{items} contact cards ({pages} pages: print both sides, flip on the long edge)."
            )
        else:
            text = QCoreApplication.translate("ReportsPage", "Walking list of {items} households ({pages} pages).")
        text = text.format(items=made.items, pages=made.pages)
        if made.new_cards:
            text += " " + QCoreApplication.translate("ReportsPage", "{n} residents got their first card.").format(
                n=made.new_cards
            )
        return text

    def _show_preview(self, choice: PrintChoice, made: MadeDocument) -> None:
        self.strip.stop()
        assert self.session is not None
        self.message.say(self._made_text(made))
        pages = PdfPages(made.data)
        dialog = PdfPreviewDialog(self.session, pages, self._title(choice), self._file_name(choice), self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(pages.close)
        self._preview = dialog
        dialog.open()

    def _print_made(self, choice: PrintChoice, made: MadeDocument) -> None:
        self.strip.stop()
        assert self.session is not None
        pages = PdfPages(made.data)
        printer = ask_printer(self, pages, self._title(choice))
        if printer is None:
            pages.close()
            return
        self.strip.start(QCoreApplication.translate("ReportsPage", "Printing…"))

        def printed(sent: int) -> None:
            pages.close()
            self.strip.stop()
            self.message.say(
                self._made_text(made)
                + " "
                + QCoreApplication.translate("ReportsPage", "Sent {pages} pages to the printer.").format(pages=sent)
            )

        def failed(error: BaseException) -> None:
            pages.close()
            self._failed(error)

        self.strip.attach(
            ops.print_document(self.session, pages, printer, printed, failed, progress=self.strip.report, owner=self)
        )

    def _saved(self, made: MadeDocument) -> None:
        self.strip.stop()
        self.message.say(
            self._made_text(made)
            + " "
            + QCoreApplication.translate("ReportsPage", "Saved: {path}").format(path=str(made.path))
        )

    def _failed(self, error: BaseException) -> None:
        self.strip.stop()
        self.message.say(failure_text(error), error=True)
