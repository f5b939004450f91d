"""Reading a roster file into rows of cells, and finding its header (DOMAIN.md §7).

Townships keep rosters as ``.xlsx`` (often from the system they used before), old ``.xls``
and ``.csv`` (Chinese Excel saves CSV in GBK; other tools in UTF-8, with or without a BOM).

* Workbooks are read with python-calamine (a 100k-row roster in seconds, where openpyxl's
  read-only mode takes half a minute). Numbers come back as floats, dates formatted as
  dates as ``date``/``datetime``: :mod:`fdclient.rosters.cleaning` turns cells into values.
* The header is the row among the first :data:`HEADER_SEARCH_ROWS` that names the most
  roster columns (:func:`fdclient.rosters.columns.column_for_header`, which knows the
  synonyms); title rows above it ("XX镇2026年家庭医生签约居民花名册", the date it was made)
  are skipped.
* Merged cells: calamine gives the value in the top-left cell only. A merged header cell
  counts for every row it covers (a header merged over two rows); a cell merged down over
  data rows (the village written once beside its households) is filled down its first
  column, which is what such a file means.
* Rows with nothing in them are dropped; every other row keeps its row number in the file
  (1-based, as Excel shows it) and its original cells, for the errors workbook.

A file that is not a workbook or CSV, is encrypted, damaged or has no recognisable header
raises :class:`RosterFileError` (exit status 2) with a Chinese message; nothing is read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fdclient.errors import FdError
from fdclient.rosters.columns import RosterColumn, column_for_header
from fdclient.text import Text, msg

__all__ = [
    "HEADER_SEARCH_ROWS",
    "RosterFileError",
    "RosterTable",
    "SourceRow",
    "find_header",
    "read_roster",
    "table_from_rows",
]

#: How many rows from the top are searched for the header.
HEADER_SEARCH_ROWS = 20
#: A header names at least this many roster columns, one of them the name or ID number.
MIN_HEADER_COLUMNS = 2
_IDENTIFYING = frozenset({"name", "id_number"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")

Cell = Any


class RosterFileError(FdError):
    """The roster file cannot be read (not a workbook, damaged, encrypted, no header)."""

    exit_code = 2


@dataclass(frozen=True)
class SourceRow:
    """One data row: its number in the file (1-based) and its cells as read."""

    number: int
    #: As the reader gave them (not copied: a 100k-row roster is large enough once).
    cells: Sequence[Cell]
    #: Position in the whole roster (unique when several sheets are read).
    key: int = 0
    #: The sheet's name when the roster has several roster sheets, else "".
    sheet: str = ""


@dataclass(frozen=True)
class RosterTable:
    """A roster as read: the header row, which column holds what, and the data rows."""

    path: Path
    sheet: str
    #: Row number of the header in the file (1-based).
    header_row: int
    #: The header cells as written (for the errors workbook).
    headers: tuple[str, ...]
    #: Column position → the roster column it holds (the first of duplicates wins).
    columns: dict[int, RosterColumn]
    rows: tuple[SourceRow, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_positions", {c.key: i for i, c in self.columns.items()})

    def position(self, key: str) -> int | None:
        """The position of the column with ``key``, or None when the roster has none."""
        positions: dict[str, int] = self.__dict__["_positions"]
        return positions.get(key)

    def has(self, key: str) -> bool:
        return self.position(key) is not None

    def header_of(self, key: str) -> str:
        """The header as written in the file for ``key`` (for messages)."""
        position = self.position(key)
        return self.headers[position] if position is not None else key


def _file_error(problem: Text, path: Path) -> RosterFileError:
    return RosterFileError(
        msg(
            "无法读取花名册“{name}”：{problem}没有导入任何数据。",
            "The roster “{name}” cannot be read: {problem} Nothing was imported.",
            name=path.name,
            problem=problem,
        )
    )


_NOT_A_ROSTER = msg(
    "它不是 Excel 工作簿（.xlsx / .xls）或 CSV 文件，或者文件已损坏。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。",
    "it is not an Excel workbook (.xlsx / .xls) or a CSV file, or it is damaged. Open it in Excel or WPS, save it "
    "as .xlsx and import that.",
)


def read_roster(path: Path) -> RosterTable:
    """Read the first sheet of ``path`` that has a roster header (see the module docstring)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise _file_error(msg("文件不存在。", "the file does not exist."), path) from None
    except OSError:
        raise _file_error(msg("文件打不开（没有读取权限或磁盘错误）。", "the file cannot be opened."), path) from None
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        return _read_workbook(path, encrypted_possible=head.startswith(_OLE_MAGIC))
    if path.suffix.lower() in (".csv", ".txt"):
        return _read_csv(path)
    raise _file_error(_NOT_A_ROSTER, path)


def _read_workbook(path: Path, *, encrypted_possible: bool) -> RosterTable:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise _encrypted(path) from None
    except (python_calamine.CalamineError, zipfile.BadZipFile, OSError, ValueError):
        if encrypted_possible and _is_encrypted_ooxml(path):
            raise _encrypted(path) from None
        raise _file_error(_NOT_A_ROSTER, path) from None
    except Exception:  # calamine raises plain exceptions for some damaged files
        raise _file_error(_NOT_A_ROSTER, path) from None
    tables: list[RosterTable] = []
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
                del sheet
            except Exception:
                raise _file_error(_NOT_A_ROSTER, path) from None
            table = table_from_rows(path, name, rows, merged)
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
        _give_back_memory()
    if not tables:
        raise _no_header(path)
    return tables[0] if len(tables) == 1 else _one_table(path, tables)


def _one_table(path: Path, tables: list[RosterTable]) -> RosterTable:
    """The sheets of a roster written one per village, as one table: they must share their
    layout (rows keep their sheet and their number in it)."""
    layout = {i: c.key for i, c in tables[0].columns.items()}
    for other in tables[1:]:
        if {i: c.key for i, c in other.columns.items()} != layout:
            raise _file_error(
                msg(
                    "工作表“{first}”和“{other}”的列不一样：请把格式不同的花名册分开导入。",
                    "the sheets “{first}” and “{other}” have different columns: import rosters of different "
                    "layouts separately.",
                    first=tables[0].sheet,
                    other=other.sheet,
                ),
                path,
            )
    rows = [
        SourceRow(r.number, r.cells, key, t.sheet) for key, (t, r) in enumerate((t, r) for t in tables for r in t.rows)
    ]
    first = tables[0]
    sheets = "、".join(t.sheet for t in tables)
    return RosterTable(path, sheets, first.header_row, first.headers, first.columns, tuple(rows))


def _give_back_memory() -> None:
    """Return the heap calamine freed to the system (glibc keeps it otherwise: about 50 MB
    of a 100k-row roster, on top of the rows the import is about to check)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _is_encrypted_ooxml(path: Path) -> bool:
    """An OLE file holding an encrypted Office Open XML package (a password-protected .xlsx)."""
    try:
        import msoffcrypto

        with open(path, "rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:
        return False


def _encrypted(path: Path) -> RosterFileError:
    return _file_error(
        msg(
            "工作簿设置了打开密码。请在 Excel 或 WPS 中用密码打开，取消密码后另存，再导入。",
            "the workbook is protected with a password. Open it with the password in Excel or WPS, remove the "
            "password, save it and import that.",
        ),
        path,
    )


def _no_header(path: Path) -> RosterFileError:
    return _file_error(
        msg(
            "前 {rows} 行中找不到表头：表头应有“姓名”或“身份证号”等列名。",
            "no header was found in the first {rows} rows: it needs column names such as 姓名 (name) or 身份证号 "
            "(ID number).",
            rows=HEADER_SEARCH_ROWS,
        ),
        path,
    )


def _read_csv(path: Path) -> RosterTable:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise _file_error(_NOT_A_ROSTER, path)
    text = None
    for encoding in _CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise _file_error(
            msg(
                "CSV 文件的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV，或另存为 .xlsx。",
                "the encoding of the CSV file is not recognised: save it as UTF-8 or GBK CSV, or as .xlsx.",
            ),
            path,
        )
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    table = table_from_rows(path, path.stem, rows, [])
    if table is None:
        raise _no_header(path)
    return table


# --- header and merged cells ------------------------------------------------------------------


def _fill_header_merges(rows: list[list[Cell]], merged: Sequence[Merged], last: int) -> None:
    """A header cell merged over rows or columns names each cell it covers (rows up to
    ``last``)."""
    for (r1, c1), (r2, c2) in merged:
        if r1 > last or r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else None
        for r in range(r1, min(r2, last, len(rows) - 1) + 1):
            for c in range(c1, c2 + 1):
                if c < len(rows[r]) and _is_blank(rows[r][c]):
                    rows[r][c] = value


Merged = tuple[tuple[int, int], tuple[int, int]]


def find_header(rows: Sequence[Sequence[Cell]]) -> int | None:
    """Index of the header row among the first rows: the one naming the most roster
    columns (at least two, the name or the ID number among them), or None."""
    best, best_count = None, MIN_HEADER_COLUMNS - 1
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {c.key for c in (column_for_header(cell) for cell in row if isinstance(cell, str)) if c}
        if keys & _IDENTIFYING and len(keys) > best_count:
            best, best_count = index, len(keys)
    return best


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def table_from_rows(path: Path, sheet: str, rows: list[list[Cell]], merged: Sequence[Merged]) -> RosterTable | None:
    """A :class:`RosterTable` from a sheet's cells (absolute positions, 0-based) and its
    merged ranges ``((first row, first column), (last row, last column))``; None when no
    header is found. ``rows`` is changed in place where merged cells are filled."""
    width = max((len(r) for r in rows[:HEADER_SEARCH_ROWS]), default=0)
    top = [list(r) for r in rows[:HEADER_SEARCH_ROWS]]
    _fill_header_merges(top, merged, len(top) - 1)
    header_index = find_header(top)
    if header_index is None:
        return None
    _fill_header_merges(rows, merged, header_index)
    for (r1, c1), (r2, _c2) in merged:  # data merged down a column: the value on every row
        if r2 > header_index and r1 < len(rows):
            value = rows[r1][c1] if c1 < len(rows[r1]) else None
            for r in range(max(r1, header_index + 1), min(r2, len(rows) - 1) + 1):
                if c1 < len(rows[r]) and _is_blank(rows[r][c1]):
                    rows[r][c1] = value
    header = rows[header_index]
    width = max(width, len(header))
    headers = tuple("" if _is_blank(c) else str(c).strip() for c in header) + ("",) * (width - len(header))
    columns: dict[int, RosterColumn] = {}
    seen: set[str] = set()
    for position, text in enumerate(headers):
        column = column_for_header(text) if text else None
        if column is not None and column.key not in seen:
            seen.add(column.key)
            columns[position] = column
    data: list[SourceRow] = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if all(_is_blank(c) for c in cells):
            continue
        data.append(SourceRow(index + 1, cells, len(data)))
    return RosterTable(path, sheet, header_index + 1, headers, columns, tuple(data))
