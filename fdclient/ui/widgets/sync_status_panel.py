"""The 数据同步 page's first tab: this laptop and its server, the last sync, what waits to be
sent, 立即同步 with its progress and 取消, the automatic sync's interval, the history of runs
and the changes the server refused (copyable, and saved as a tab-separated file for a
spreadsheet)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.ui.operations.sync import SYNC_INTERVAL_MINUTES, SyncController, SyncOverview
from fdclient.ui.table_models.sync import RejectedEntriesModel, SyncHistoryModel, local_time
from fdclient.ui.widgets.task_strip import MessageLabel, TaskStrip, action_button

__all__ = ["SyncStatusPanel", "table_view"]


def table_view(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setWordWrap(False)
    return view


class SyncStatusPanel(QWidget):
    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatusPanel")
        self.controller = controller

        self.facts = QGroupBox(self)
        self.facts.setObjectName("syncFacts")
        form = QFormLayout(self.facts)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fact_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("server", "township", "device", "user", "last", "pending", "rejected"):
            caption, value = QLabel(self.facts), QLabel(self.facts)
            value.setObjectName(f"syncFact_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(caption, value)
            self.fact_labels[key] = (caption, value)

        self.sync_button = action_button(self, "syncNowButton", self.sync_now)
        self.sync_button.setMinimumHeight(34)
        self.sync_button.setMinimumWidth(140)
        self.sync_button.setStyleSheet("font-weight: bold;")
        self.interval_label = QLabel(self)
        self.interval_box = QSpinBox(self)
        self.interval_box.setObjectName("syncIntervalBox")
        low, high = SYNC_INTERVAL_MINUTES.bounds or (0, 240)
        self.interval_box.setRange(low, high)
        self.interval_box.setValue(controller.ui.preferences.get(SYNC_INTERVAL_MINUTES))
        self.interval_box.valueChanged.connect(self._interval_changed)
        self.interval_label.setBuddy(self.interval_box)
        self.strip = TaskStrip(self)
        self.message = MessageLabel("syncMessage", self)

        self.history_title = QLabel(self)
        self.history_model = SyncHistoryModel(self)
        self.history_view = table_view(self, "syncHistoryView")
        self.history_view.setModel(self.history_model)
        self.history_title.setBuddy(self.history_view)

        self.rejected_title = QLabel(self)
        self.rejected_model = RejectedEntriesModel(self)
        self.rejected_view = table_view(self, "rejectedView")
        self.rejected_view.setModel(self.rejected_model)
        self.rejected_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.rejected_title.setBuddy(self.rejected_view)
        self.copy_button = action_button(self, "copyRejectedButton", self.copy_rejected)
        self.save_button = action_button(self, "saveRejectedButton", self.save_rejected)

        actions = QHBoxLayout()
        actions.addWidget(self.sync_button)
        actions.addSpacing(16)
        actions.addWidget(self.interval_label)
        actions.addWidget(self.interval_box)
        actions.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.facts, 1)
        right = QVBoxLayout()
        right.addLayout(actions)
        right.addWidget(self.strip)
        right.addWidget(self.message)
        right.addStretch(1)
        top.addLayout(right, 1)
        rejected_buttons = QHBoxLayout()
        rejected_buttons.addWidget(self.rejected_title, 1)
        rejected_buttons.addWidget(self.copy_button)
        rejected_buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history_view, 3)
        layout.addLayout(rejected_buttons)
        layout.addWidget(self.rejected_view, 2)

        controller.running_changed.connect(self._running_changed)
        controller.progressed.connect(self.strip.report)
        controller.synced.connect(self._synced)
        controller.sync_failed.connect(self._sync_failed)
        controller.overview_changed.connect(self.show_overview)
        self.retranslate_ui()
        self.show_overview(controller.overview)

    # --- texts --------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.facts.setTitle(QCoreApplication.translate("SyncPage", "This laptop and the county server"))
        captions = {
            "server": QCoreApplication.translate("SyncPage", "Server:"),
            "township": QCoreApplication.translate("SyncPage", "Township:"),
            "device": QCoreApplication.translate("SyncPage", "This device:"),
            "user": QCoreApplication.translate("SyncPage", "Enrolled by:"),
            "last": QCoreApplication.translate("SyncPage", "Last sync:"),
            "pending": QCoreApplication.translate("SyncPage", "Changes to upload:"),
            "rejected": QCoreApplication.translate("SyncPage", "Refused by the server:"),
        }
        for key, (caption, _value) in self.fact_labels.items():
            caption.setText(captions[key])
        self.sync_button.setText(QCoreApplication.translate("SyncPage", "S&ync now"))
        self.sync_button.setToolTip(
            QCoreApplication.translate("SyncPage", "Send this laptop's changes and fetch the others' (Alt+Y)")
        )
        self.interval_label.setText(QCoreApplication.translate("SyncPage", "Sync &automatically every"))
        self.interval_box.setSuffix(QCoreApplication.translate("SyncPage", " min"))
        self.interval_box.setSpecialValueText(QCoreApplication.translate("SyncPage", "never"))
        self.interval_box.setToolTip(
            QCoreApplication.translate("SyncPage", "When enrolled and online; 0: only with Sync now")
        )
        self.history_title.setText(QCoreApplication.translate("SyncPage", "&History"))
        self.rejected_title.setText(
            QCoreApplication.translate("SyncPage", "Changes the server &refused (kept on this laptop)")
        )
        self.copy_button.setText(QCoreApplication.translate("SyncPage", "Co&py"))
        self.copy_button.setToolTip(
            QCoreApplication.translate("SyncPage", "Copy the chosen (or all) refused changes with their reasons")
        )
        self.save_button.setText(QCoreApplication.translate("SyncPage", "Sa&ve as…"))
        self.save_button.setToolTip(
            QCoreApplication.translate("SyncPage", "Save the refused changes as a file a spreadsheet opens")
        )
        self.strip.retranslate_ui()
        self.show_overview(self.controller.overview)

    # --- the state ----------------------------------------------------------------------------

    def show_overview(self, overview: SyncOverview | None) -> None:
        status = overview.status if overview is not None else None
        enrolled = status is not None and status.enrolled
        values = dict.fromkeys(self.fact_labels, "—")
        if status is not None and enrolled:
            values.update(
                server=status.server_url or "—",
                township=status.township or "—",
                device=status.device_id or "—",
                user=getattr(status, "enrolled_user", "") or "—",
                last=(
                    local_time(status.last_sync_at)
                    if status.last_sync_at
                    else QCoreApplication.translate("SyncPage", "never")
                ),
                pending=str(status.pending),
                rejected=str(status.rejected),
            )
            if status.last_error:
                values["last"] += "  " + QCoreApplication.translate("SyncPage", "(last attempt: {error})").format(
                    error=status.last_error
                )
        for key, (_caption, value) in self.fact_labels.items():
            value.setText(values[key])
        pending_label = self.fact_labels["pending"][1]
        pending_label.setStyleSheet("color: #ef6c00;" if status is not None and status.pending else "")
        rejected_label = self.fact_labels["rejected"][1]
        rejected_label.setStyleSheet("color: #c62828;" if status is not None and status.rejected else "")
        self.history_model.set_runs(overview.history if overview is not None else ())
        self.rejected_model.set_entries(overview.rejected if overview is not None else ())
        has_rejected = self.rejected_model.rowCount() > 0
        self.copy_button.setEnabled(has_rejected)
        self.save_button.setEnabled(has_rejected)
        self._update_button()

    def _update_button(self) -> None:
        c = self.controller
        status = c.overview.status if c.overview is not None else None
        can = status is not None and status.enrolled and not c.revoked and not c.is_running()
        self.sync_button.setEnabled(bool(can))
        self.interval_box.setEnabled(status is not None and bool(status.enrolled))

    # --- a run --------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.controller.is_running():
            return
        self.message.clear()
        self.controller.sync_now()

    def _running_changed(self, running: bool) -> None:
        if running:
            self.strip.start(QCoreApplication.translate("SyncPage", "Syncing…"))
            self.strip.attach(self.controller.handle)
        else:
            self.strip.stop()
        self._update_button()

    def _synced(self, report: object) -> None:
        if getattr(report, "cancelled", False):
            self.message.say(
                QCoreApplication.translate(
                    "SyncPage", "Sync cancelled. What was already sent or received is kept; the rest goes next time."
                )
            )
            return
        text = QCoreApplication.translate(
            "SyncPage", "Synced: {pushed} changes sent, {pulled} received, {conflicts} conflicts, {rejected} refused."
        ).format(
            pushed=getattr(report, "pushed", 0),
            pulled=getattr(report, "pulled", 0),
            conflicts=getattr(report, "conflicts", 0),
            rejected=getattr(report, "rejected", 0),
        )
        self.message.say(text)

    def _sync_failed(self, _error: object, message: str) -> None:
        if message:
            self.message.say(message, error=True)

    def _interval_changed(self, minutes: int) -> None:
        prefs = self.controller.ui.preferences
        prefs.set(SYNC_INTERVAL_MINUTES, minutes)
        if self.controller.timer.isActive() or minutes == 0:
            self.controller.set_interval(minutes)

    # --- refused changes ------------------------------------------------------------------------

    def _chosen_rows(self) -> list[int] | None:
        rows = sorted({i.row() for i in self.rejected_view.selectionModel().selectedRows()})
        return rows or None

    def copy_rejected(self) -> None:
        QGuiApplication.clipboard().setText(self.rejected_model.as_text(self._chosen_rows()))
        self.message.say(QCoreApplication.translate("SyncPage", "Copied: paste into a spreadsheet or a message."))

    def save_rejected(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("SyncPage", "Save the refused changes"),
            str(Path.home() / (QCoreApplication.translate("SyncPage", "refused_changes") + ".tsv")),
            QCoreApplication.translate("SyncPage", "Tab-separated text (*.tsv *.txt)"),
        )
        if chosen:
            self.save_rejected_to(Path(chosen))

    def save_rejected_to(self, path: Path) -> None:
        try:
            # UTF-8 with a byte-order mark: Excel and WPS then read the Chinese correctly.
            path.write_text(self.rejected_model.as_text(), encoding="utf-8-sig")
        except OSError as exc:
            self.message.say(
                QCoreApplication.translate("SyncPage", "The file could not be written: {reason}").format(
                    reason=exc.strerror or type(exc).__name__
                ),
                error=True,
            )
            return
        self.message.say(QCoreApplication.translate("SyncPage", "Saved: {path}").format(path=str(path)))
