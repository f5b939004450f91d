"""The errors workbook of a roster import: the rejected rows as they were in the file, under
the file's own header, with columns added at the end: the sheet (原工作表, for a roster
written one sheet per village), the row's number in the file (原行号) and the reasons (原因),
all of them, each naming its column.

People fix the rows here and import this workbook again: its header is the roster's, the
two added columns are ignored by the import. Digits that must stay text (ID numbers,
phones, codes) are written as text cells; dates as dates. The file is written to a
temporary name in the same folder and renamed into place when complete.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fdclient.errors import OperationFailed
from fdclient.rosters.cleaning import cell_text
from fdclient.rosters.columns import CellKind
from fdclient.rosters.import_rows import Problem
from fdclient.rosters.reading import RosterTable
from fdclient.text import msg

__all__ = ["REASON_HEADER", "ROW_HEADER", "SHEET_HEADER", "write_errors_workbook"]

SHEET_HEADER = "原工作表"
ROW_HEADER = "原行号"
REASON_HEADER = "原因"
_TEXT = "@"
_DATE = "yyyy-mm-dd"


def _reasons(problems: Sequence[Problem]) -> str:
    return "；".join(f"{p.column}：{p.message.render('zh_CN')}" for p in problems)


def write_errors_workbook(path: Path, table: RosterTable, problems: Sequence[Problem]) -> Path:
    """Write the rows of ``table`` that have ``problems`` to ``path`` (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    by_row: dict[tuple[str, int], list[Problem]] = defaultdict(list)
    for p in problems:
        by_row[(p.sheet, p.row)].append(p)
    several = any(p.sheet for p in problems)
    text_positions = {i for i, c in table.columns.items() if c.kind is CellKind.DIGITS_TEXT}
    width = len(table.headers)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("不合格的行")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for position in range(width):
        letter = _letter(position)
        sheet.column_dimensions[letter].width = 22 if position in text_positions else 12
    extra = (12, 8, 60) if several else (8, 60)
    for offset, size in enumerate(extra):
        sheet.column_dimensions[_letter(width + offset)].width = size
    sheet.freeze_panes = "A2"

    def header_cell(text: str, highlighted: bool = False) -> Any:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        if highlighted:
            cell.fill = fill
        return cell

    added = [header_cell(SHEET_HEADER)] if several else []
    added += [header_cell(ROW_HEADER), header_cell(REASON_HEADER, True)]
    sheet.append([header_cell(h) for h in table.headers] + added)
    wrap = Alignment(wrap_text=True, vertical="top")
    for source in table.rows:
        found = by_row.get((source.sheet, source.number))
        if not found:
            continue
        cells: list[Any] = []
        for position in range(width):
            value = source.cells[position] if position < len(source.cells) else None
            cells.append(_cell(sheet, WriteOnlyCell, value, position in text_positions))
        reason = WriteOnlyCell(sheet, value=_reasons(found))
        reason.alignment = wrap
        cells += ([source.sheet] if several else []) + [source.number, reason]
        sheet.append(cells)
    return _save(workbook, path)


def _letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(position + 1))


def _cell(sheet: Any, make: Any, value: Any, as_text: bool) -> Any:
    if value is None or value == "":
        return None
    if as_text:
        cell = make(sheet, value=cell_text(value))
        cell.number_format = _TEXT
        return cell
    if isinstance(value, (date, datetime)):
        cell = make(sheet, value=value)
        cell.number_format = _DATE
        return cell
    return value


def _save(workbook: Any, path: Path) -> Path:
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=folder)
        os.close(handle)
        try:
            workbook.save(temporary)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OperationFailed(
            msg(
                "无法写入错误清单“{path}”（{reason}）。",
                "The errors workbook “{path}” cannot be written ({reason}).",
                path=str(path),
                reason=exc.strerror or type(exc).__name__,
            )
        ) from None
    return path
