"""工作清单 (work lists): follow-ups overdue and due this week, contracts expiring within 30
or 60 days, key-population residents not signed and planned services due, for the whole
township or one village, team or family doctor. Sorted by the database (click a header,
or F6 for the next column); Enter or a double click opens the resident.

The lists are read again each time the page is shown (other pages change what is due).
The paper issue prints and exports the list as filtered and sorted here
(:meth:`WorklistsPage.current_filter`, :meth:`WorklistsPage.current_sort`).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.errors import FdError
from fdclient.services.worklists import SortColumn, WorklistChoices, WorklistFilter, WorklistKind
from fdclient.ui.operations import worklists as ops
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.worklists import COLUMNS, WorklistModel
from fdclient.ui.texts import format_count

__all__ = ["LIST_TITLES", "WorklistsPage"]

#: The lists in the order of the chooser.
LIST_TITLES: tuple[tuple[WorklistKind, str], ...] = (
    (WorklistKind.FOLLOWUPS_OVERDUE, str(QT_TRANSLATE_NOOP("WorklistsPage", "Follow-ups overdue"))),
    (WorklistKind.FOLLOWUPS_THIS_WEEK, str(QT_TRANSLATE_NOOP("WorklistsPage", "Follow-ups due this week"))),
    (WorklistKind.EXPIRING_30, str(QT_TRANSLATE_NOOP("WorklistsPage", "Contracts expiring within 30 days"))),
    (WorklistKind.EXPIRING_60, str(QT_TRANSLATE_NOOP("WorklistsPage", "Contracts expiring within 60 days"))),
    (WorklistKind.KEY_NOT_SIGNED, str(QT_TRANSLATE_NOOP("WorklistsPage", "Key populations not signed"))),
    (WorklistKind.SERVICES_DUE, str(QT_TRANSLATE_NOOP("WorklistsPage", "Planned services due"))),
)


def _chosen_id(box: QComboBox) -> uuid.UUID | None:
    data = box.currentData()
    return uuid.UUID(data) if data else None


class WorklistsPage(Page):
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Work lists"))
    NAME = "worklists"

    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._choices: WorklistChoices | None = None
        #: What show_list asked for before the villages, teams and doctors were read.
        self._pending: tuple[str | None, uuid.UUID | None, uuid.UUID | None] = (None, None, None)
        self._loading = False
        self._reload_again = False

        self.kind_label = QLabel(self)
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("kindBox")
        for kind, _title in LIST_TITLES:
            self.kind_box.addItem("", kind.value)
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_box.setMinimumContentsLength(10)
        self.kind_label.setBuddy(self.kind_box)

        self.village_label = QLabel(self)
        self.village_box = QComboBox(self)
        self.village_box.setObjectName("villageBox")
        self.village_label.setBuddy(self.village_box)
        self.team_label = QLabel(self)
        self.team_box = QComboBox(self)
        self.team_box.setObjectName("teamBox")
        self.team_label.setBuddy(self.team_box)
        self.doctor_label = QLabel(self)
        self.doctor_box = QComboBox(self)
        self.doctor_box.setObjectName("doctorBox")
        self.doctor_label.setBuddy(self.doctor_box)
        for box in (self.village_box, self.team_box, self.doctor_box):
            box.addItem("", None)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(7)

        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.reload)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.reload)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("messageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #c62828;")
        self.message_label.hide()

        self.model = WorklistModel(self)
        self.model.sort_requested.connect(self.reload)
        self.table = QTableView(self)
        self.table.setObjectName("worklistTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (↑/↓ move in it)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSectionsClickable(True)
        header.setSortIndicator(self._column_of(SortColumn.DUE), Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        widths = (90, 50, 100, 120, 270, 100, 100, 180)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

        next_sort = QShortcut(QKeySequence(Qt.Key.Key_F6), self)
        next_sort.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        next_sort.activated.connect(self._next_sort_column)

        # Two rows, so the page fits a narrow window: the list, then who it is for.
        first = QHBoxLayout()
        first.setSpacing(8)
        first.addWidget(self.kind_label)
        first.addWidget(self.kind_box)
        first.addSpacing(16)
        first.addWidget(self.count_label)
        first.addStretch(1)
        first.addWidget(self.refresh_button)
        second = QHBoxLayout()
        second.setSpacing(8)
        for label, box in (
            (self.village_label, self.village_box),
            (self.team_label, self.team_box),
            (self.doctor_label, self.doctor_box),
        ):
            second.addWidget(label)
            second.addWidget(box)
            second.addSpacing(8)
        second.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)

        self.setTabOrder(self.kind_box, self.village_box)
        self.setTabOrder(self.village_box, self.team_box)
        self.setTabOrder(self.team_box, self.doctor_box)
        self.setTabOrder(self.doctor_box, self.table)
        self.setTabOrder(self.table, self.refresh_button)

        for box in (self.kind_box, self.village_box, self.team_box, self.doctor_box):
            box.currentIndexChanged.connect(self._filter_changed)
        self.retranslate_ui()

    # --- what the page shows ----------------------------------------------------------------

    def current_filter(self) -> WorklistFilter:
        return WorklistFilter(
            kind=WorklistKind(self.kind_box.currentData()),
            village_id=_chosen_id(self.village_box),
            team_id=_chosen_id(self.team_box),
            doctor_id=_chosen_id(self.doctor_box),
        )

    def current_sort(self) -> tuple[SortColumn, bool]:
        return self.model.sort_column, self.model.descending

    def show_list(
        self,
        kind: WorklistKind | None = None,
        *,
        village_code: str | None = None,
        team_id: uuid.UUID | None = None,
        doctor_id: uuid.UUID | None = None,
    ) -> None:
        """Narrow the page to one list and one village (by code), team or doctor (what the
        dashboard opens on a click); the others are reset to "all". The list is read when
        the page is shown (:meth:`activated`) or at once when it is visible."""
        self._set_boxes_quietly(kind, village_code, team_id, doctor_id)
        if self.isVisible():
            self.reload()

    def _set_boxes_quietly(
        self,
        kind: WorklistKind | None,
        village_code: str | None,
        team_id: uuid.UUID | None,
        doctor_id: uuid.UUID | None,
    ) -> None:
        boxes = (self.kind_box, self.village_box, self.team_box, self.doctor_box)
        for box in boxes:
            box.blockSignals(True)
        try:
            if kind is not None:
                self.kind_box.setCurrentIndex(max(self.kind_box.findData(kind.value), 0))
            self._pending = (village_code, team_id, doctor_id)
            self._apply_pending()
        finally:
            for box in boxes:
                box.blockSignals(False)

    def _apply_pending(self) -> None:
        """Choose the village (by code), team and doctor asked for, once they are known."""
        code, team_id, doctor_id = self._pending
        if self._choices is None:
            return
        village_id = next((v.id for v in self._choices.villages if v.code == code), None)
        for box, wanted in ((self.village_box, village_id), (self.team_box, team_id), (self.doctor_box, doctor_id)):
            box.setCurrentIndex(max(box.findData(str(wanted)), 0) if wanted is not None else 0)
        self._pending = (None, None, None)

    def is_busy(self) -> bool:
        return self.session is not None and (self._loading or self._choices is None)

    def activated(self) -> None:
        if self.session is None:
            return
        if self._choices is None:
            ops.load_choices(self.session, self._choices_loaded, self._failed, owner=self)
        else:
            self.reload()

    def _choices_loaded(self, choices: WorklistChoices) -> None:
        self._choices = choices
        filling = (
            (self.village_box, choices.villages),
            (self.team_box, choices.teams),
            (self.doctor_box, choices.doctors),
        )
        for box, items in filling:
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for item in items:
                box.addItem(item.name, str(item.id))
            box.blockSignals(False)
        # show_list may have asked for a village, team or doctor before they were read.
        self._set_boxes_quietly(None, *self._pending)
        self.reload()

    def reload(self) -> None:
        """Read the list again (filters and order as chosen)."""
        if self.session is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        self.count_label.setText(QCoreApplication.translate("WorklistsPage", "Reading…"))
        ops.load_list(
            self.session,
            self.current_filter(),
            self.model.sort_column,
            self.model.descending,
            self._loaded,
            self._failed,
            owner=self,
        )

    def _loaded(self, loaded: ops.LoadedList) -> None:
        self._loading = False
        if self._reload_again or loaded.filter != self.current_filter() or loaded.sort != self.model.sort_column:
            self._reload_again = False
            self.reload()
            return
        assert self.session is not None
        self.message_label.hide()
        self.model.reset(
            loaded.keys, loaded.first_rows, ops.fetch_rows(self.session, loaded.filter), self.session.today()
        )
        self._show_count()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self._reload_again = False
        text = error.message if isinstance(error, FdError) else str(error)
        self.message_label.setText(text)
        self.message_label.show()
        self.count_label.clear()

    def _show_count(self) -> None:
        text = QCoreApplication.translate("WorklistsPage", "{count} items")
        self.count_label.setText(text.format(count=format_count(self.model.rowCount())))

    def _filter_changed(self, _index: int) -> None:
        self.reload()

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid() or self.navigator is None:
            return
        resident_id = self.model.resident_id_at(index.row())
        if resident_id is not None:
            self.navigator.open_resident(resident_id)

    def open_current(self) -> None:
        """Open the resident of the current row (what Enter does)."""
        self._open(self.table.currentIndex())

    def _column_of(self, sort: SortColumn) -> int:
        return next(i for i, (_title, column) in enumerate(COLUMNS) if column == sort)

    def _next_sort_column(self) -> None:
        header = self.table.horizontalHeader()
        column = (header.sortIndicatorSection() + 1) % len(COLUMNS)
        header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)

    def retranslate_ui(self) -> None:
        self.kind_label.setText(QCoreApplication.translate("WorklistsPage", "&List:"))
        self.village_label.setText(QCoreApplication.translate("WorklistsPage", "&Village:"))
        self.team_label.setText(QCoreApplication.translate("WorklistsPage", "&Team:"))
        self.doctor_label.setText(QCoreApplication.translate("WorklistsPage", "&Doctor:"))
        for i, (_kind, title) in enumerate(LIST_TITLES):
            self.kind_box.setItemText(i, QCoreApplication.translate("WorklistsPage", title))
        self.village_box.setItemText(0, QCoreApplication.translate("WorklistsPage", "All villages"))
        self.team_box.setItemText(0, QCoreApplication.translate("WorklistsPage", "All teams"))
        self.doctor_box.setItemText(0, QCoreApplication.translate("WorklistsPage", "All doctors"))
        self.refresh_button.setText(QCoreApplication.translate("WorklistsPage", "&Refresh"))
        self.refresh_button.setToolTip(QCoreApplication.translate("WorklistsPage", "Read the list again (F5)"))
        self.table.setToolTip(
            QCoreApplication.translate(
                "WorklistsPage", "Enter opens the resident; click a header (or F6) to sort by another column"
            )
        )
        if not self._loading and self.session is not None and self._choices is not None:
            self._show_count()
