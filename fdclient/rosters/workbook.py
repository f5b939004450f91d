"""Writing the roster workbook with XlsxWriter in constant-memory mode.

Rows are written as they come and flushed to a temporary file per sheet, so memory does
not grow with the township (``bench/roster_bench.py`` measures it). Each cell is written
with the call for its kind (no type guessing per cell):

* ID numbers, health record numbers, phones and codes as strings, in columns formatted
  as text (``@``), with Excel's "number stored as text" warning turned off for them;
* dates as Excel date serials with a date format (real dates: they sort and filter as
  dates);
* counts and ages as numbers.

Every roster sheet has the header in row 1 (bold, filled, wrapped), frozen, with an
auto-filter over the rows written, and column widths fitted to the header and the first
rows. The indicator sheet lists each indicator with its numerator, denominator, value
(an Excel formula, numerator ÷ denominator, with its computed value cached) and the
formula text of its definition.

XlsxWriter keeps its temporary files in *tmpdir*: the caller gives a private folder and
removes it afterwards (they hold personal data in the clear).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from fdclient.rosters.columns import EXPORT_COLUMNS, CellKind, RosterColumn
from fdclient.rosters.styles import (
    FONT_NAME,
    FONT_SIZE,
    HEADER_HEIGHT,
    MEASURED_ROWS,
    RosterStyles,
    display_width,
    fitted_width,
    make_styles,
)

__all__ = ["IndicatorLine", "IndicatorSection", "RosterWorkbook", "RowLayout", "excel_serial", "sheet_name"]

#: Excel's limit on a sheet name, and the characters it refuses in one.
_SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
#: Width of the indicator sheet's formula column, and the height of one line of text (points).
_FORMULA_WIDTH = 90
_LINE_HEIGHT = 14.5
#: 1899-12-30, day 0 of Excel's 1900 date system as Python counts days.
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
#: 1900-03-01: before it, Excel's serials are off by one (its phantom 29 February 1900).
_FIRST_TRUE_SERIAL_DAY = date(1900, 3, 1)


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid sheet name close to *wanted*, not in *taken* (case-insensitive, as Excel
    compares them); added to *taken*."""
    base = _SHEET_NAME_BAD.sub("_", wanted).strip().strip("'") or "Sheet"
    base = base[:_SHEET_NAME_MAX]
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f"({n})"
        name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def excel_serial(day: date) -> int:
    """The Excel serial of *day* (1900 date system)."""
    serial = day.toordinal() - _EXCEL_EPOCH_ORDINAL
    return serial if day >= _FIRST_TRUE_SERIAL_DAY else serial - 1


def _page_setup(ws: Any, *, header_row: int, pages_wide: int) -> None:
    """Printing: A4 landscape, the header row on every page, *pages_wide* pages across
    (the roster's 25 columns on one page would print too small to read), the sheet's name
    and page numbers in the margins."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(header_row)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_header("&L&A")
    ws.set_footer("&C第 &P 页，共 &N 页")


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    numerator: int
    denominator: int
    value: float | None
    formula: str


@dataclass(frozen=True)
class IndicatorSection:
    """The indicators of one area (the township, a village)."""

    area: str
    lines: tuple[IndicatorLine, ...]


class RowLayout:
    """How the service's rows (values in the order of its ``row_keys``) become sheet rows.

    :meth:`prepare` puts the values in the order of the columns after 序号 and turns dates
    into Excel serials: done where the rows are read (the reading process), it leaves the
    writer nothing to convert and makes the rows cheaper to pass between processes. The
    positions below are those of prepared rows: position p is sheet column p + 1."""

    def __init__(self, row_keys: Sequence[str], columns: Sequence[RosterColumn] = EXPORT_COLUMNS) -> None:
        keys = list(row_keys)
        data_columns = list(columns[1:])
        self.order = tuple(keys.index(col.key) for col in data_columns)

        def of(*kinds: CellKind) -> tuple[int, ...]:
            return tuple(p for p, col in enumerate(data_columns) if col.kind in kinds)

        self.text = of(CellKind.TEXT)
        #: Text in text-formatted cells (ID numbers, phones, codes).
        self.digits = of(CellKind.DIGITS_TEXT)
        self.numbers = of(CellKind.INTEGER)
        self.dates = of(CellKind.DATE)
        #: The columns whose widths are fitted to their values.
        self.measured = of(CellKind.TEXT, CellKind.DIGITS_TEXT)
        self._positions = {col.key: p for p, col in enumerate(data_columns)}

    def position(self, key: str) -> int:
        """The position of column *key* in a prepared row."""
        return self._positions[key]

    def prepare(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        order, dates = self.order, self.dates
        prepared = []
        for row in rows:
            values = [row[i] for i in order]
            for p in dates:
                day = values[p]
                if day is not None:
                    values[p] = excel_serial(day)
            prepared.append(values)
        return prepared


class RosterWorkbook:
    """One roster workbook being written to *output* (a binary file object)."""

    def __init__(
        self,
        output: IO[bytes],
        tmpdir: Path,
        *,
        layout: RowLayout,
        created: datetime,
        title: str,
        company: str,
    ) -> None:
        self._book = xlsxwriter.Workbook(
            output,
            {
                "constant_memory": True,
                "tmpdir": str(tmpdir),
                "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE},
            },
        )
        self._book.set_properties({"title": title, "company": company, "created": created.replace(tzinfo=None)})
        self.styles: RosterStyles = make_styles(self._book)
        self._names: set[str] = set()
        self._sheet: Any = None
        self._next_row = 1
        self._measured: list[float] = [0.0] * len(EXPORT_COLUMNS)
        self._layout = layout

    # --- roster sheets ----------------------------------------------------------------------

    def begin_sheet(self, wanted_name: str) -> None:
        """A new roster sheet (the one before is finished first), with its header."""
        self.end_sheet()
        ws = self._book.add_worksheet(sheet_name(wanted_name, self._names))
        ws.set_row(0, HEADER_HEIGHT)
        for c, column in enumerate(EXPORT_COLUMNS):
            ws.write_string(0, c, column.header, self.styles.header)
        ws.freeze_panes(1, 0)
        _page_setup(ws, header_row=0, pages_wide=2)
        self._sheet = ws
        self._next_row = 1
        self._measured = [0.0] * len(EXPORT_COLUMNS)

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Rows prepared by :meth:`RowLayout.prepare`; None leaves a cell empty."""
        ws, layout, r = self._sheet, self._layout, self._next_row
        write_string, write_number = ws.write_string, ws.write_number
        date_format, text_format, integer_format = self.styles.date, self.styles.digits, self.styles.integer
        text, digits, numbers, dates = layout.text, layout.digits, layout.numbers, layout.dates
        for row in rows:
            write_number(r, 0, r)  # 序号
            for p in text:
                value = row[p]
                if value is not None:
                    write_string(r, p + 1, value)
            for p in digits:
                value = row[p]
                if value is not None:
                    write_string(r, p + 1, value, text_format)
            for p in numbers:
                value = row[p]
                if value is not None:
                    write_number(r, p + 1, value, integer_format)
            for p in dates:
                value = row[p]
                if value is not None:
                    write_number(r, p + 1, value, date_format)
            if r <= MEASURED_ROWS:
                self._measure(row)
            r += 1
        self._next_row = r

    def _measure(self, row: Sequence[Any]) -> None:
        for p in self._layout.measured:
            value = row[p]
            if value is not None:
                width = display_width(value)
                if width > self._measured[p + 1]:
                    self._measured[p + 1] = width

    def end_sheet(self) -> None:
        """Widths, the auto-filter and the text-number warnings of the current sheet."""
        ws = self._sheet
        if ws is None:
            return
        s = self.styles
        last_row = max(self._next_row - 1, 1)
        for c, column in enumerate(EXPORT_COLUMNS):
            width = fitted_width(display_width(column.header), self._measured[c], column.width)
            cell_format = {CellKind.DIGITS_TEXT: s.digits, CellKind.DATE: s.date}.get(column.kind)
            ws.set_column(c, c, width, cell_format)
        ws.autofilter(0, 0, self._next_row - 1, len(EXPORT_COLUMNS) - 1)
        digit_ranges = " ".join(
            f"{xl_rowcol_to_cell(1, c)}:{xl_rowcol_to_cell(last_row, c)}"
            for c, column in enumerate(EXPORT_COLUMNS)
            if column.kind is CellKind.DIGITS_TEXT
        )
        if digit_ranges:
            ws.ignore_errors({"number_stored_as_text": digit_ranges})
        self._sheet = None

    @property
    def rows_in_sheet(self) -> int:
        return self._next_row - 1

    # --- the indicator sheet ------------------------------------------------------------------

    def write_indicators(
        self, name: str, heading: str, notes: Sequence[tuple[str, str]], sections: Sequence[IndicatorSection]
    ) -> None:
        """The indicator sheet: a heading, the export's notes (label, value), then per area
        a table of indicators with the value as a formula over its numerator and
        denominator."""
        self.end_sheet()
        s = self.styles
        ws = self._book.add_worksheet(sheet_name(name, self._names))
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 4, 11)
        ws.set_column(5, 5, _FORMULA_WIDTH, s.wrapped)
        ws.write_string(0, 0, heading, s.title)
        r = 1
        for label, value in notes:
            ws.write_string(r, 0, label, s.label)
            ws.write_string(r, 1, value)
            r += 1
        r += 1
        header_row = r
        ws.set_row(r, HEADER_HEIGHT)
        for c, header in enumerate(("范围", "指标", "分子", "分母", "数值", "计算公式（分子 ÷ 分母）")):
            ws.write_string(r, c, header, s.header)
        r += 1
        for section in sections:
            for line in section.lines:
                num, den = xl_rowcol_to_cell(r, 2), xl_rowcol_to_cell(r, 3)
                # Spreadsheets do not grow a row to its wrapped text when opening a file:
                # give each row the lines its formula text needs.
                lines = max(1, math.ceil(display_width(line.formula) / (_FORMULA_WIDTH - 4)))
                ws.set_row(r, _LINE_HEIGHT * lines + 3)
                ws.write_string(r, 0, section.area, s.top)
                ws.write_string(r, 1, line.name, s.top)
                ws.write_number(r, 2, line.numerator, s.top)
                ws.write_number(r, 3, line.denominator, s.top)
                cached: float | str = "" if line.value is None else line.value
                ws.write_formula(r, 4, f'=IF({den}=0,"",{num}/{den})', s.percent, cached)
                ws.write_string(r, 5, line.formula, s.wrapped)
                r += 1
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, max(r - 1, header_row), 5)
        _page_setup(ws, header_row=header_row, pages_wide=1)

    def close(self) -> None:
        self.end_sheet()
        self._book.close()
