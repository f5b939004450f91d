"""Results as you type, under the main window's search box.

Every edit of the search box (``MainWindow.search_requested``) runs the resident search on
a reader thread (:mod:`fdclient.ui.operations.search`); an answer to an older query than
the latest is dropped, so a slow answer never overwrites a newer one. The keyboard stays in
the search box: ↓/↑ move through the results, Enter opens the chosen resident through the
navigator (``open_resident``), Esc closes the list; a click opens a resident too.

The list is a child of the main window laid over the page (not a separate popup window),
so it never takes the keyboard from the search box.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.codes import ResidentStatus
from fdclient.errors import FdError
from fdclient.ui.operations.search import FoundResident, find
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.base import TranslatedTableModel

__all__ = ["SearchPopup", "SearchResultsModel", "install_search_popup"]

#: Rows shown before the list scrolls.
VISIBLE_ROWS = 10
#: The narrowest the list is (it widens to its columns at larger fonts, within the window).
POPUP_WIDTH = 800


#: The widest value each column usually shows (name with a status, sex, age, village, masked
#: ID number, masked phone, record number).
_WIDEST: tuple[str, ...] = (
    "欧阳娜娜娜（已迁出）",
    "男男",
    "100 岁",
    "罗家镇东山村村",
    "360111********1234",
    "139****9000",
    "36011110110100002",
)


class ResidentOpener(Protocol):
    def open_resident(self, resident_id: uuid.UUID) -> None: ...


class SearchResultsModel(TranslatedTableModel):
    """The residents found (at most a few dozen): name, sex, age, village, masked ID number,
    masked phone, record number."""

    HEADERS = (
        str(QT_TRANSLATE_NOOP("SearchPopup", "Name")),
        str(QT_TRANSLATE_NOOP("SearchPopup", "Sex")),
        str(QT_TRANSLATE_NOOP("SearchPopup", "Age")),
        str(QT_TRANSLATE_NOOP("SearchPopup", "Village")),
        str(QT_TRANSLATE_NOOP("SearchPopup", "ID number")),
        str(QT_TRANSLATE_NOOP("SearchPopup", "Phone")),
        str(QT_TRANSLATE_NOOP("SearchPopup", "Record number")),
    )

    def translated(self, text: str) -> str:
        return QCoreApplication.translate("SearchPopup", text)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[FoundResident, ...] = ()

    def set_rows(self, rows: Sequence[FoundResident]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def resident(self, row: int) -> FoundResident:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return str(r.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._matched(r.matched_on)
        return None

    @staticmethod
    def _text(r: FoundResident, column: int) -> str:
        if column == 0:
            return r.name if r.status == ResidentStatus.ACTIVE else f"{r.name}（{r.status.label}）"
        if column == 2:
            return QCoreApplication.translate("SearchPopup", "{age} yrs").format(age=r.age)
        return (r.name, r.sex_label, "", r.village_name, r.id_number, r.phone, r.health_record_no)[column]

    @staticmethod
    def _matched(field: str) -> str:
        what = {
            "name": QCoreApplication.translate("SearchPopup", "name"),
            "pinyin": QCoreApplication.translate("SearchPopup", "pinyin"),
            "initials": QCoreApplication.translate("SearchPopup", "initials"),
            "id_number": QCoreApplication.translate("SearchPopup", "ID number"),
            "phone": QCoreApplication.translate("SearchPopup", "phone"),
            "health_record_no": QCoreApplication.translate("SearchPopup", "record number"),
            "card": QCoreApplication.translate("SearchPopup", "contact card"),
        }.get(field, field)
        return QCoreApplication.translate("SearchPopup", "Found by {field}").format(field=what)


class SearchPopup(QFrame):
    """The list of residents found, under ``search_box``, inside ``host`` (the main window)."""

    def __init__(
        self,
        search_box: QLineEdit,
        session: UiSession,
        navigator: ResidentOpener,
        host: QWidget | None = None,
    ) -> None:
        owner = host or search_box.window()
        super().__init__(owner)
        self.host: QWidget = owner
        self.setObjectName("searchPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.search_box = search_box
        self.session = session
        self.navigator = navigator
        #: The query whose answer is awaited (older answers are dropped).
        self._serial = 0
        self.query = ""

        self.model = SearchResultsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("searchResults")
        self.table.setModel(self.model)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        # Widths from the font, not from the rows: sizing to the contents measured every
        # cell again on each keystroke (a few ms of the 20 ms a keystroke may take).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._size_columns()
        self.table.clicked.connect(lambda index: self.open_row(index.row()))
        self.message = QLabel(self)
        self.message.setObjectName("searchMessage")
        self.message.setContentsMargins(8, 6, 8, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        self.hide()

        search_box.installEventFilter(self)
        self.host.installEventFilter(self)

    def _size_columns(self) -> None:
        """Each column as wide as its widest likely value (or its header) at the current font."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        #: What the columns need together (the popup is made that wide when the window allows).
        self._columns_width = 0
        for column, sample in enumerate(_WIDEST):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 24
            header.resizeSection(column, width)
            self._columns_width += width

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self._size_columns()
        super().changeEvent(event)

    # --- searching ------------------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Look for ``text`` (the search box's text as typed)."""
        self._serial += 1
        serial = self._serial
        self.query = text
        if not text.strip():
            self.model.set_rows(())
            self.hide()
            return
        find(
            self.session,
            text,
            lambda rows: self._show_rows(serial, rows),
            lambda exc: self._show_error(serial, exc),
            owner=self,
        )

    def _show_rows(self, serial: int, rows: tuple[FoundResident, ...]) -> None:
        if serial != self._serial:
            return  # an answer to an older query
        self.model.set_rows(rows)
        if rows:
            self.table.show()
            self.message.hide()
            self.table.selectRow(0)
        else:
            self.table.hide()
            self.message.setText(QCoreApplication.translate("SearchPopup", "No resident found."))
            self.message.show()
        self._popup()

    def _show_error(self, serial: int, exc: BaseException) -> None:
        if serial != self._serial:
            return
        self.model.set_rows(())
        self.table.hide()
        self.message.setText(
            exc.message
            if isinstance(exc, FdError)
            else QCoreApplication.translate("SearchPopup", "The search failed: {error}").format(
                error=type(exc).__name__
            )
        )
        self.message.show()
        self._popup()

    # --- choosing -------------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1

    def move_choice(self, step: int) -> None:
        """Move the chosen row by ``step`` (↓ +1, ↑ -1), staying within the list."""
        count = self.model.rowCount()
        if not count:
            return
        row = min(max(self.current_row() + step, 0), count - 1)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def open_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        resident_id = self.model.resident(row).id
        self.hide()
        self.navigator.open_resident(resident_id)

    # --- placement and keys ------------------------------------------------------------------------

    def _popup(self) -> None:
        host = self.host
        below = self.search_box.mapTo(host, QPoint(0, self.search_box.height()))
        wanted = max(POPUP_WIDTH, self._columns_width + self.table.verticalScrollBar().sizeHint().width() + 8)
        width = min(wanted, host.width() - below.x() - 8)
        if self.table.isVisible() or self.model.rowCount():
            rows = min(self.model.rowCount(), VISIBLE_ROWS)
            height = (
                self.table.horizontalHeader().sizeHint().height()
                + rows * self.table.verticalHeader().defaultSectionSize()
                + 6
            )
        else:
            height = self.message.sizeHint().height() + 4
        height = min(height, host.height() - below.y() - 8)
        self.setGeometry(below.x(), below.y() + 2, max(width, 200), max(height, 24))
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.search_box:
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._key(event)
            if event.type() == QEvent.Type.FocusOut and self.isVisible():
                self.hide()
        elif watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._popup()
        return False

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.isVisible():
            self.hide()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            if not self.isVisible():
                if self.search_box.text().strip():
                    self.search(self.search_box.text())
                return True
            self.move_choice(1 if key == Qt.Key.Key_Down else -1)
            return True
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and self.isVisible():
            self.move_choice(VISIBLE_ROWS if key == Qt.Key.Key_PageDown else -VISIBLE_ROWS)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isVisible() and self.model.rowCount():
            self.open_row(max(self.current_row(), 0))
            return True
        return False


def install_search_popup(window: Any, session: UiSession) -> SearchPopup:
    """Results as you type under ``window.search_box`` (a MainWindow), opening residents
    with ``window.open_resident``."""
    popup = SearchPopup(window.search_box, session, window, window)
    window.search_requested.connect(popup.search)
    window.search_popup = popup
    return popup
