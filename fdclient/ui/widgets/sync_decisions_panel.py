"""The 冲突 and 待合并 tabs of the 数据同步 page: what a person must decide after a sync.

* A conflict (the same field changed on two laptops): 保留本机 / 保留对方 / 输入新值… The
  choice is written here at once and sent to the server with the next sync.
* A merge task (two records that may be one person): 合并 / 不是同一人 / 撤销合并.

Each button is enabled only when the signed-in role may change that kind of record, and
says why not in its tooltip otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fdclient.domain.roles import Permission
from fdclient.sync.api import permission_for_table
from fdclient.ui.operations import sync as ops
from fdclient.ui.operations.session import failure_message
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.sync_decisions import ConflictsModel, MergeTasksModel, field_title
from fdclient.ui.widgets.sync_status_panel import table_view
from fdclient.ui.widgets.task_strip import MessageLabel, action_button

__all__ = ["ConflictsPanel", "MergesPanel"]


class _DecisionPanel(QWidget):
    """A list and its buttons; a decision goes to the writer and the list is read again."""

    #: A decision was written (the page reads the counts again).
    decided = Signal()

    def __init__(
        self, ui: UiSession, name: str, model: ConflictsModel | MergeTasksModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.ui = ui
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.view = table_view(self, f"{name}View")
        self.note.setBuddy(self.view)
        self.message = MessageLabel(f"{name}Message", self)
        self.buttons: list[QPushButton] = []
        self.button_row = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.button_row)
        layout.addWidget(self.message)
        self._busy = False
        model.setParent(self)
        self.model = model
        self.view.setModel(model)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

    def set_items(self, items: tuple[Any, ...]) -> None:
        self.model.set_items(items)
        if items:
            self.view.selectRow(0)
        self.update_buttons()

    def _button(self, name: str, slot: Callable[[], object]) -> QPushButton:
        button = action_button(self, name, slot)
        self.button_row.addWidget(button)
        self.buttons.append(button)
        return button

    def chosen(self) -> Any | None:
        model: Any = self.view.model()
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows:
            return None
        return model.item(rows[0].row())

    def choose_row(self, row: int) -> None:
        self.view.selectRow(row)

    def _selection_changed(self, *_args: object) -> None:
        self.update_buttons()

    def update_buttons(self) -> None:
        raise NotImplementedError

    def _written(self, _result: object) -> None:
        self._busy = False
        self.message.say(
            QCoreApplication.translate("SyncPage", "Saved on this laptop; it goes to the server with the next sync.")
        )
        self.decided.emit()

    def _refused(self, error: BaseException) -> None:
        self._busy = False
        self.message.say(failure_message(error), error=True)
        self.update_buttons()

    def _not_allowed(self, button: QPushButton, allowed: bool, tip: str) -> None:
        button.setEnabled(allowed and not self._busy)
        if allowed:
            button.setToolTip(tip)
        else:
            button.setToolTip(QCoreApplication.translate("SyncPage", "Your role may not change this kind of record."))


class ConflictsPanel(_DecisionPanel):
    def __init__(self, ui: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(ui, "conflicts", ConflictsModel(), parent)
        self.mine_button = self._button("keepMineButton", lambda: self.resolve("mine"))
        self.theirs_button = self._button("keepTheirsButton", lambda: self.resolve("theirs"))
        self.value_button = self._button("newValueButton", self.enter_value)
        self.button_row.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.note.setText(
            QCoreApplication.translate(
                "SyncPage",
                "The same field was changed on two laptops. The server kept its value until a person "
                "chooses; every laptop of the township shows it. Choose a line, then what to keep.",
            )
        )
        self.mine_button.setText(QCoreApplication.translate("SyncPage", "Keep &mine"))
        self.theirs_button.setText(QCoreApplication.translate("SyncPage", "Keep &theirs"))
        self.value_button.setText(QCoreApplication.translate("SyncPage", "Enter a &new value…"))
        self.update_buttons()

    def update_buttons(self) -> None:
        item = self.chosen()
        allowed = item is not None and self.ui.may(permission_for_table(item.table))
        tips = (
            QCoreApplication.translate("SyncPage", "Keep the value written on this laptop (Alt+M)"),
            QCoreApplication.translate("SyncPage", "Keep the value from the other laptop (Alt+T)"),
            QCoreApplication.translate("SyncPage", "Type the right value (Alt+N)"),
        )
        for button, tip in zip((self.mine_button, self.theirs_button, self.value_button), tips, strict=True):
            if item is None:
                button.setEnabled(False)
                button.setToolTip(tip)
            else:
                self._not_allowed(button, allowed, tip)

    def resolve(self, keep: str) -> None:
        item = self.chosen()
        if item is None or self._busy:
            return
        self._busy = True
        self.update_buttons()
        self.message.clear()
        ops.resolve_conflict(self.ui, item.id, keep, self._written, self._refused, owner=self)

    def enter_value(self) -> None:
        item = self.chosen()
        if item is None:
            return
        value, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("SyncPage", "Enter a new value"),
            QCoreApplication.translate("SyncPage", "{field}:").format(field=field_title(item.field)),
            QLineEdit.EchoMode.Normal,
            "" if item.mine is None else str(item.mine),
        )
        if ok:
            self.resolve_with(value)

    def resolve_with(self, value: str) -> None:
        """Resolve the chosen conflict with a value typed by the user."""
        self.resolve(value)


class MergesPanel(_DecisionPanel):
    def __init__(self, ui: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(ui, "merges", MergeTasksModel(), parent)
        self.merge_button = self._button("mergeButton", lambda: self.decide("merge"))
        self.apart_button = self._button("keepApartButton", lambda: self.decide("keep_apart"))
        self.undo_button = self._button("undoMergeButton", lambda: self.decide("undo"))
        self.button_row.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.note.setText(
            QCoreApplication.translate(
                "SyncPage",
                "Two records with one ID number whose name, birth date or sex differ, or two active "
                "contracts of one person. Merge them, keep them apart, or undo a merge made by mistake.",
            )
        )
        self.merge_button.setText(QCoreApplication.translate("SyncPage", "Mer&ge"))
        self.apart_button.setText(QCoreApplication.translate("SyncPage", "Not the same &person"))
        self.undo_button.setText(QCoreApplication.translate("SyncPage", "&Undo merge"))
        self.update_buttons()

    def update_buttons(self) -> None:
        task = self.chosen()
        permission = (
            Permission.MANAGE_CONTRACTS
            if task is not None and task.kind == "two_active_contracts"
            else Permission.REGISTER_RESIDENTS
        )
        allowed = task is not None and self.ui.may(permission)
        status = task.status if task is not None else ""
        for button, fits, tip in (
            (self.merge_button, status == "open", str(QT_TRANSLATE_NOOP("SyncPage", "Make them one record (Alt+G)"))),
            (
                self.apart_button,
                status == "open",
                str(QT_TRANSLATE_NOOP("SyncPage", "They are two people: keep both records (Alt+P)")),
            ),
            (
                self.undo_button,
                status == "done",
                str(QT_TRANSLATE_NOOP("SyncPage", "Split a merge made by mistake (Alt+U)")),
            ),
        ):
            self._not_allowed(button, allowed, QCoreApplication.translate("SyncPage", tip))
            if allowed and not fits:
                button.setEnabled(False)

    def decide(self, decision: str) -> None:
        task = self.chosen()
        if task is None or self._busy:
            return
        self._busy = True
        self.update_buttons()
        self.message.clear()
        ops.decide_merge(self.ui, task.id, decision, self._written, self._refused, owner=self)
