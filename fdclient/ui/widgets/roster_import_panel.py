"""导入花名册 / Import a roster on the reports page, with a preview before anything is
written: choose a file (.xlsx, .xls, .csv); it is read and every row planned off the GUI
thread (a dry run), then the page shows the counts (read, added, updated, unchanged,
rejected, contracts), the villages the import would add, and the rejected rows with their
reasons. 导入 writes (all rows that are valid, or with the strict option nothing unless all
are), 保存错误行 writes the errors workbook (the rejected rows as in the file, with a reason
column, to fix and import again), 取消 drops the preview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.roles import Permission
from fdclient.rosters.import_summary import ImportSummary
from fdclient.rosters.importing import ImportPlan
from fdclient.ui.dialogs.pdf_preview import failure_text
from fdclient.ui.operations import rosters as ops
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.rejected_rows import RejectedRowsModel
from fdclient.ui.widgets.task_strip import MessageLabel, TaskStrip, action_button

__all__ = ["ImportPanel"]


class ImportPanel(QGroupBox):
    def __init__(self, session: UiSession | None, strip: TaskStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPanel")
        self.session = session
        self.strip = strip
        self.allowed = session is not None and session.may(Permission.IMPORT_ROSTERS)
        self.plan: ImportPlan | None = None
        self.imported: ImportSummary | None = None

        self.file_label = QLabel(self)
        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("rosterFileEdit")
        self.file_edit.setReadOnly(True)
        self.file_label.setBuddy(self.file_edit)
        self.open_button = self._button("openRosterButton", self.choose_file)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("importCounts")
        self.counts_label.setWordWrap(True)
        bold = self.counts_label.font()
        bold.setBold(True)
        self.counts_label.setFont(bold)
        self.villages_label = QLabel(self)
        self.villages_label.setObjectName("newVillages")
        self.villages_label.setWordWrap(True)
        self.villages_label.setStyleSheet("color: #8d5a00;")

        self.model = RejectedRowsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("rejectedRowsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((90, 90, 120)):
            self.table.setColumnWidth(column, width)

        self.strict_check = QCheckBox(self)
        self.strict_check.setObjectName("strictCheck")
        self.import_button = self._button("importButton", self.apply)
        self.errors_button = self._button("saveErrorsButton", self.save_errors)
        self.discard_button = self._button("discardPreviewButton", self.discard)
        self.message = MessageLabel("importMessage", self)

        top = QHBoxLayout()
        top.addWidget(self.file_label)
        top.addWidget(self.file_edit, 1)
        top.addWidget(self.open_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.strict_check)
        bottom.addStretch(1)
        for button in (self.import_button, self.errors_button, self.discard_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.villages_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)

        order = (
            self.open_button,
            self.table,
            self.strict_check,
            self.import_button,
            self.errors_button,
            self.discard_button,
        )
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.file_edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEnabled(self.allowed)
        self._show_plan()
        self.retranslate_ui()

    def _button(self, name: str, slot: Callable[[], object]) -> QPushButton:
        return action_button(self, name, slot)

    def retranslate_ui(self) -> None:
        self.setTitle(QCoreApplication.translate("ReportsPage", "Import a roster (Excel or CSV)"))
        self.file_label.setText(QCoreApplication.translate("ReportsPage", "Roster file:"))
        self.file_edit.setPlaceholderText(
            QCoreApplication.translate("ReportsPage", "Nothing is written before you press Import.")
        )
        self.open_button.setText(QCoreApplication.translate("ReportsPage", "&Open roster…"))
        self.open_button.setToolTip(
            QCoreApplication.translate("ReportsPage", "Choose an .xlsx, .xls or .csv roster and see what it would do")
        )
        self.strict_check.setText(
            QCoreApplication.translate("ReportsPage", "Import nothing &unless every row is valid (strict)")
        )
        self.import_button.setText(QCoreApplication.translate("ReportsPage", "&Import"))
        self.import_button.setToolTip(
            QCoreApplication.translate("ReportsPage", "Write the valid rows to the store (Alt+I)")
        )
        self.errors_button.setText(QCoreApplication.translate("ReportsPage", "Save re&jected rows…"))
        self.errors_button.setToolTip(
            QCoreApplication.translate(
                "ReportsPage", "A workbook of the rejected rows with the reason, to correct and import again"
            )
        )
        self.discard_button.setText(QCoreApplication.translate("ReportsPage", "Disca&rd preview"))
        if not self.allowed:
            self.setToolTip(QCoreApplication.translate("ReportsPage", "Your role may not import rosters."))
            self.message.note(self.toolTip())
        self._show_plan()

    # --- the preview ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        if self.session is None or self.strip.is_running():
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("ReportsPage", "Open a roster"),
            str(Path.home()),
            QCoreApplication.translate("ReportsPage", "Rosters (*.xlsx *.xls *.csv);;All files (*)"),
        )
        if chosen:
            self.preview_file(Path(chosen))

    def preview_file(self, path: Path) -> None:
        """Read and plan *path* (nothing is written)."""
        if self.session is None or self.strip.is_running():
            return
        self.plan, self.imported = None, None
        self.file_edit.setText(str(path))
        self.message.clear()
        self._show_plan()
        self.strip.start(QCoreApplication.translate("ReportsPage", "Reading the roster and checking every row…"))
        handle = ops.plan_import(
            self.session, path, self._planned, self._failed, progress=self.strip.report, owner=self
        )
        self.strip.attach(handle)

    def _planned(self, plan: ImportPlan) -> None:
        self.strip.stop()
        self.plan = plan
        self._show_plan()
        self.import_button.setFocus()

    def _show_plan(self) -> None:
        plan = self.plan
        summary = self.imported or (plan.summary if plan is not None else None)
        if summary is None:
            self.counts_label.setText(
                QCoreApplication.translate(
                    "ReportsPage",
                    "Choose a roster: you will see what importing it would do before anything is written.",
                )
            )
            self.villages_label.clear()
            self.villages_label.hide()
            self.model.set_problems(())
        else:
            template = (
                QCoreApplication.translate(
                    "ReportsPage",
                    "Imported: {read} rows read; {created} residents added, {updated} updated, {unchanged} unchanged;"
                    " {rejected} rows rejected; {contracts} contracts created.",
                )
                if summary.written
                else QCoreApplication.translate(
                    "ReportsPage",
                    "Preview (nothing written yet): {read} rows read; {created} residents to add, {updated} to"
                    " update, {unchanged} unchanged; {rejected} rows rejected; {contracts} contracts to create.",
                )
            )
            self.counts_label.setText(
                template.format(
                    read=summary.read,
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                    rejected=summary.rejected,
                    contracts=summary.contracts_created,
                )
            )
            villages = "、".join(f"{v.name}（{v.code}）" for v in summary.new_villages)
            self.villages_label.setText(
                QCoreApplication.translate(
                    "ReportsPage", "Villages not in the township, to be added: {villages}"
                ).format(villages=villages)
                if villages
                else ""
            )
            self.villages_label.setVisible(bool(villages))
            if plan is not None and self.model.problems() is not summary.errors:
                self.model.set_problems(summary.errors, plan.outcomes)
        planned = plan is not None
        self.import_button.setEnabled(planned and self.imported is None and bool(plan and plan.summary.read))
        self.errors_button.setEnabled(planned and bool(summary and summary.errors))
        self.discard_button.setEnabled(planned)
        self.strict_check.setEnabled(planned and self.imported is None)

    # --- the actions ----------------------------------------------------------------------------

    def apply(self) -> None:
        if self.session is None or self.plan is None or self.strip.is_running() or self.imported is not None:
            return
        self.message.clear()
        self.strip.start(QCoreApplication.translate("ReportsPage", "Importing…"), cancellable=False)
        ops.apply_import(
            self.session, self.plan.table, self.strict_check.isChecked(), self._applied, self._failed, owner=self
        )

    def _applied(self, summary: ImportSummary) -> None:
        self.strip.stop()
        if not summary.written:
            self.message.say(
                QCoreApplication.translate(
                    "ReportsPage", "Strict import: {rejected} rows are not valid, so nothing was imported."
                ).format(rejected=summary.rejected),
                error=True,
            )
            return
        self.imported = summary
        self._show_plan()
        self.message.say(QCoreApplication.translate("ReportsPage", "The roster was imported."))

    def save_errors(self) -> None:
        if self.session is None or self.plan is None or self.strip.is_running():
            return
        summary = self.imported or self.plan.summary
        stem = Path(self.plan.table.path).stem
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("ReportsPage", "Save the rejected rows"),
            str(
                Path(self.plan.table.path).with_name(
                    stem + QCoreApplication.translate("ReportsPage", "_rejected") + ".xlsx"
                )
            ),
            QCoreApplication.translate("ReportsPage", "Excel workbooks (*.xlsx)"),
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.message.clear()
        self.strip.start(QCoreApplication.translate("ReportsPage", "Saving the rejected rows…"))
        handle = ops.save_errors(
            self.session, path, self.plan.table, summary.errors, self._errors_saved, self._failed, owner=self
        )
        self.strip.attach(handle)

    def _errors_saved(self, path: Path) -> None:
        self.strip.stop()
        self.message.say(
            QCoreApplication.translate("ReportsPage", "The rejected rows and their reasons are in {path}.").format(
                path=str(path)
            )
        )

    def discard(self) -> None:
        if self.strip.is_running():
            return
        self.plan, self.imported = None, None
        self.file_edit.clear()
        self.message.clear()
        self._show_plan()
        self.open_button.setFocus()

    def _failed(self, error: BaseException) -> None:
        self.strip.stop()
        self.message.say(failure_text(error), error=True)
