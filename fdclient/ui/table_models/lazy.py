"""The lazy table model of the big lists (after Anki's browser table): it keeps the ordered
ids the service returned (filtered and sorted in SQL) and reads the rows of a block of ids
when the view first asks for one of them.

The rows read are kept in a bounded cache: at most :attr:`LazyRowsModel.MAX_BLOCKS` blocks,
the least recently shown dropped first, so scrolling a list of 100,000 residents from top to
bottom keeps memory flat. Only the ids (and, once asked, their positions) are kept whole.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt

from fdclient.ui.table_models.base import RIGHT, Index, TranslatedTableModel

__all__ = ["Fetch", "LazyRowsModel", "by_id"]

KeyT = TypeVar("KeyT", bound=Hashable)
RowT = TypeVar("RowT")

#: Reads the rows of some ids at once; an id whose row is gone is left out.
Fetch = Callable[[Sequence[KeyT]], Mapping[KeyT, RowT]]


class _HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


_IdRowT = TypeVar("_IdRowT", bound=_HasId)


def by_id(fetch: Callable[[Sequence[uuid.UUID]], Iterable[_IdRowT]]) -> Fetch[uuid.UUID, _IdRowT]:
    """A :data:`Fetch` from a service that returns a list of rows with an ``id``."""

    def keyed(ids: Sequence[uuid.UUID]) -> Mapping[uuid.UUID, _IdRowT]:
        return {row.id: row for row in fetch(ids)}

    return keyed


def _no_rows(keys: Sequence[Any]) -> Mapping[Any, Any]:
    return {}


class LazyRowsModel(TranslatedTableModel, Generic[KeyT, RowT]):
    """Ids in order, rows read a block at a time and cached in a bounded LRU of blocks.

    Subclasses give the headers (:attr:`HEADERS`, :meth:`translated`) and the cells
    (:meth:`cell`); the right-aligned columns in :attr:`RIGHT_ALIGNED`.
    """

    #: Rows read at once (one indexed query).
    BLOCK = 100
    #: Blocks kept at most. A view sizing its columns to their contents reads about 1,000
    #: rows around the visible ones (Qt's resizeContentsPrecision), so keep well above 11.
    MAX_BLOCKS = 30
    #: The role answering the row's id (any column).
    IdRole = Qt.ItemDataRole.UserRole
    #: The roles whose answer needs the row's data; other roles never read a block.
    ROW_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole})
    #: Columns of numbers and dates.
    RIGHT_ALIGNED: frozenset[int] = frozenset()

    def __init__(self, fetch: Fetch[KeyT, RowT] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch: Fetch[KeyT, RowT] = fetch if fetch is not None else _no_rows
        self._ids: list[KeyT] = []
        #: id → position, built when first asked (a list of 100k ids is not searched).
        self._positions: dict[KeyT, int] | None = None
        #: block number → the rows read of its ids (None: asked, gone); least recent first.
        self._blocks: OrderedDict[int, dict[KeyT, RowT | None]] = OrderedDict()
        #: How many times a block was read (for tests and benchmarks).
        self.blocks_read = 0

    # --- the ids -----------------------------------------------------------------------------

    def set_fetch(self, fetch: Fetch[KeyT, RowT]) -> None:
        """Read rows through ``fetch`` from now on (call :meth:`set_ids` next)."""
        self._fetch = fetch

    def set_ids(self, ids: Sequence[KeyT], rows: Mapping[KeyT, RowT] | None = None) -> None:
        """Show these ids, in order; ``rows`` are rows already read (the first ones, say)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._positions = None
        self._blocks = OrderedDict()
        if rows:
            self._keep(rows)
        self.endResetModel()

    def id_at(self, row: int) -> KeyT | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, key: KeyT) -> int | None:
        """The position of an id (None when it is not in the list)."""
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(self._ids)}
        return self._positions.get(key)

    def forget(self, key: KeyT) -> None:
        """The row of ``key`` changed: read it again when next shown."""
        row = self.row_of(key)
        if row is None:
            return
        block = self._blocks.get(row // self.BLOCK)
        if block is not None:
            block.pop(key, None)
        if self.HEADERS:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    # --- the rows ----------------------------------------------------------------------------

    def row_at(self, row: int) -> RowT | None:
        """The data of a row, read now with its block if it was not yet (None when it is gone)."""
        key = self.id_at(row)
        if key is None:
            return None
        number = row // self.BLOCK
        block = self._blocks.get(number)
        if block is None:
            block = self._blocks[number] = {}
            while len(self._blocks) > self.MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        if key not in block:
            self._read(number, block)
        return block.get(key)

    def cached_rows(self) -> int:
        """How many rows are held now (bounded by ``MAX_BLOCKS * BLOCK``)."""
        return sum(len(block) for block in self._blocks.values())

    def _read(self, number: int, block: dict[KeyT, RowT | None]) -> None:
        wanted = [k for k in self._ids[number * self.BLOCK : (number + 1) * self.BLOCK] if k not in block]
        self.blocks_read += 1
        found = self._fetch(wanted)
        for k in wanted:
            block[k] = found.get(k)

    def _keep(self, rows: Mapping[KeyT, RowT]) -> None:
        """Put rows already read in their blocks (they are near the top: look there)."""
        left = len(rows)
        for number in range(min(self.MAX_BLOCKS, -(-len(self._ids) // self.BLOCK))):
            found = {k: rows[k] for k in self._ids[number * self.BLOCK : (number + 1) * self.BLOCK] if k in rows}
            if found:
                self._blocks[number] = dict(found)
                left -= len(found)
            if left <= 0:
                break

    # --- the model ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if index.column() in self.RIGHT_ALIGNED else None
        if role not in self.ROW_ROLES:
            return None
        return self.cell(self.row_at(index.row()), index.column(), role)

    def cell(self, row: RowT | None, column: int, role: int) -> Any:
        """What a cell shows for ``role`` (display, tool tip or foreground); ``row`` is None
        when the row is gone since the ids were read."""
        raise NotImplementedError
