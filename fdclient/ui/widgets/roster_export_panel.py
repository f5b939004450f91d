"""导出花名册 / Export the roster on the reports page: all villages or one, signed residents
only or everyone, one sheet per village or one for all, encrypted with a password typed
twice (masked; on by default: rosters travel on USB sticks); a save dialog, then the
export off the GUI thread with progress and cancel, and the count when done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.roles import Permission
from fdclient.errors import FdError
from fdclient.rosters.encryption import check_export_password
from fdclient.rosters.export import ExportOptions, ExportSummary
from fdclient.services.registry.village_lists import VillageChoice
from fdclient.ui.dialogs.pdf_preview import failure_text
from fdclient.ui.operations import rosters as ops
from fdclient.ui.session import UiSession
from fdclient.ui.widgets.task_strip import MessageLabel, TaskStrip

__all__ = ["ExportPanel"]


class ExportPanel(QGroupBox):
    def __init__(self, session: UiSession | None, strip: TaskStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPanel")
        self.session = session
        self.strip = strip
        self.allowed = session is not None and session.may(Permission.EXPORT)

        self.village_label = QLabel(self)
        self.village_box = QComboBox(self)
        self.village_box.setObjectName("exportVillageBox")
        self.village_box.setMinimumContentsLength(12)
        self.village_box.addItem("", None)
        self.village_label.setBuddy(self.village_box)
        self.signed_check = QCheckBox(self)
        self.signed_check.setObjectName("signedOnlyCheck")
        self.signed_check.setChecked(True)
        self.one_sheet_check = QCheckBox(self)
        self.one_sheet_check.setObjectName("oneSheetCheck")
        self.encrypt_check = QCheckBox(self)
        self.encrypt_check.setObjectName("encryptCheck")
        self.encrypt_check.setChecked(True)
        self.encrypt_check.toggled.connect(self._encrypt_toggled)
        self.password_label = QLabel(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label.setBuddy(self.password_edit)
        self.again_label = QLabel(self)
        self.again_edit = QLineEdit(self)
        self.again_edit.setObjectName("passwordAgainEdit")
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_label.setBuddy(self.again_edit)
        self.password_error = MessageLabel("passwordError", self)

        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export)
        self.again_edit.returnPressed.connect(self.export)
        self.message = MessageLabel("exportMessage", self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.village_label, self.village_box)
        checks = QHBoxLayout()
        checks.addWidget(self.signed_check)
        checks.addWidget(self.one_sheet_check)
        checks.addStretch(1)
        form.addRow(checks)
        form.addRow(self.encrypt_check)
        form.addRow(self.password_label, self.password_edit)
        form.addRow(self.again_label, self.again_edit)
        form.addRow(self.password_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)

        order = (
            self.village_box,
            self.signed_check,
            self.one_sheet_check,
            self.encrypt_check,
            self.password_edit,
            self.again_edit,
            self.export_button,
        )
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.setEnabled(self.allowed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(QCoreApplication.translate("ReportsPage", "Export the roster (Excel)"))
        self.village_label.setText(QCoreApplication.translate("ReportsPage", "Villag&es:"))
        self.village_box.setItemText(0, QCoreApplication.translate("ReportsPage", "All villages"))
        self.signed_check.setText(QCoreApplication.translate("ReportsPage", "Signed residen&ts only"))
        self.one_sheet_check.setText(QCoreApplication.translate("ReportsPage", "One s&heet for all villages"))
        self.encrypt_check.setText(QCoreApplication.translate("ReportsPage", "Encr&ypt with a password"))
        self.encrypt_check.setToolTip(
            QCoreApplication.translate(
                "ReportsPage", "Excel and WPS ask for the password to open it. Keep it apart from the USB stick."
            )
        )
        self.password_label.setText(QCoreApplication.translate("ReportsPage", "Pass&word:"))
        self.again_label.setText(QCoreApplication.translate("ReportsPage", "&Again:"))
        self.password_edit.setPlaceholderText(QCoreApplication.translate("ReportsPage", "At least 8 characters"))
        self.export_button.setText(QCoreApplication.translate("ReportsPage", "E&xport roster…"))
        self.export_button.setToolTip(
            QCoreApplication.translate("ReportsPage", "Choose where to save the workbook and export (Alt+X)")
        )
        if not self.allowed:
            self.setToolTip(QCoreApplication.translate("ReportsPage", "Your role may not export."))
            self.message.note(self.toolTip())

    def set_villages(self, villages: list[VillageChoice]) -> None:
        chosen = self.village_box.currentData()
        while self.village_box.count() > 1:
            self.village_box.removeItem(1)
        for v in villages:
            self.village_box.addItem(f"{v.name}（{v.code}）", v.code)
        self.village_box.setCurrentIndex(max(self.village_box.findData(chosen), 0) if chosen else 0)

    def _encrypt_toggled(self, on: bool) -> None:
        for widget in (self.password_label, self.password_edit, self.again_label, self.again_edit):
            widget.setEnabled(on)
        self.password_error.clear()

    # --- exporting ------------------------------------------------------------------------------

    def options(self) -> ExportOptions:
        code = self.village_box.currentData()
        return ExportOptions(
            village_code=str(code) if code else None,
            signed_only=self.signed_check.isChecked(),
            one_sheet=self.one_sheet_check.isChecked(),
        )

    def password(self) -> str | None:
        """The password typed twice (None: not encrypted); a problem is said beside the
        fields and raises :class:`FdError`."""
        if not self.encrypt_check.isChecked():
            return None
        first, second = self.password_edit.text(), self.again_edit.text()
        try:
            check_export_password(first)
        except FdError:
            self.password_edit.setFocus()
            raise
        if first != second:
            self.again_edit.setFocus()
            self.again_edit.selectAll()
            raise FdError(QCoreApplication.translate("ReportsPage", "The two passwords differ."))
        return first

    def _suggested_name(self) -> str:
        day = self.session.today().isoformat() if self.session is not None else ""
        where = self.village_box.currentText().split("（")[0] if self.village_box.currentData() else ""
        stem = QCoreApplication.translate("ReportsPage", "Roster")
        return "_".join(part for part in (stem, where, day) if part) + ".xlsx"

    def export(self) -> None:
        if self.session is None or self.strip.is_running():
            return
        self.message.clear()
        self.password_error.clear()
        try:
            password = self.password()
        except FdError as exc:
            self.password_error.say(exc.message, error=True)
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("ReportsPage", "Export the roster"),
            str(Path.home() / self._suggested_name()),
            QCoreApplication.translate("ReportsPage", "Excel workbooks (*.xlsx)"),
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.export_to(path, password)

    def export_to(self, path: Path, password: str | None) -> None:
        assert self.session is not None
        self.strip.start(QCoreApplication.translate("ReportsPage", "Exporting the roster…"))
        handle = ops.export_roster(
            self.session,
            path,
            self.options(),
            password,
            self._exported,
            self._failed,
            progress=self.strip.report,
            owner=self,
        )
        self.strip.attach(handle)

    def _exported(self, summary: ExportSummary) -> None:
        self.strip.stop()
        text = QCoreApplication.translate(
            "ReportsPage", "Exported {rows} residents ({sheets} roster sheets and the indicator sheet) to {path}."
        )
        text = text.format(rows=summary.rows, sheets=summary.sheets, path=str(summary.path))
        if summary.encrypted:
            text += " " + QCoreApplication.translate(
                "ReportsPage", "It is encrypted: Excel and WPS ask for the password."
            )
        self.password_edit.clear()
        self.again_edit.clear()
        self.message.say(text)

    def _failed(self, error: BaseException) -> None:
        self.strip.stop()
        self.message.say(failure_text(error), error=True)
