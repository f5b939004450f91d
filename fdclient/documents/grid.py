"""A ruled table drawn directly on the canvas: the grid of a Chinese government form.

ReportLab's ``Table`` styles every cell on every draw (about 50 µs a cell); a batch of
1,000 contract forms has ~100,000 cells. :class:`Grid` draws what a form needs and no
more: cells of one or more columns (no row spans), optional shading, text broken by
:func:`fdclient.documents.text.break_text`, all lines in one path and all text in one
text object. Rows split across pages, repeating the header rows.

Static parts are drawn once per document: :meth:`Grid.skeleton` draws the lines, the
shading and the cells marked ``static`` into a form XObject, and
:class:`Overlay` places it with the other cells written on top. With ``fixed=True`` the
rows are one line high whatever their text (text too wide is set smaller to fit), so the
skeleton of a form part is the same on every form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from fdclient.documents.flowables import EM_CENTRE, Reused
from fdclient.documents.styles import GRID, LABEL_FILL, SMALL, TextStyle, body_font
from fdclient.documents.text import break_text, text_width

__all__ = ["Cell", "Grid", "Overlay", "Row"]

_PAD_X = 3.0
_PAD_Y = 2.5


class Cell(NamedTuple):
    text: str = ""
    span: int = 1
    align: str = "left"
    shade: bool = False
    #: Part of the skeleton (labels): drawn once per document by :meth:`Grid.skeleton`.
    static: bool = False
    style: TextStyle | None = None


class Row(NamedTuple):
    cells: tuple[Cell, ...]
    shade: bool = False
    #: At least this high (points), e.g. room to write in.
    min_height: float = 0.0
    #: Cells (by position in ``cells``) with no line under them: they read as one cell
    #: with the cell below (a heading over two header rows).
    open_below: tuple[int, ...] = ()


class _Placed(NamedTuple):
    """A cell with its box and its lines."""

    x: float
    width: float
    cell: Cell
    lines: tuple[str, ...]
    size: float


class Grid(Flowable):
    """Rows of cells under optional header rows (repeated on each page it spans)."""

    def __init__(
        self,
        widths: Sequence[float],
        rows: Sequence[Row],
        *,
        header: Sequence[Row] = (),
        style: TextStyle = SMALL,
        fixed: bool = False,
        header_block: Reused | None = None,
    ) -> None:
        super().__init__()
        self.widths = list(widths)
        self.rows = list(rows)
        self.header = list(header)
        self.style = style
        self.fixed = fixed
        self.header_block = header_block
        self._layout: list[tuple[Row, float, list[_Placed]]] | None = None

    # --- layout -----------------------------------------------------------------------

    def _place(self, row: Row) -> tuple[float, list[_Placed]]:
        placed: list[_Placed] = []
        x, column, lines_needed = 0.0, 0, 1
        font = body_font()
        for cell in row.cells:
            width = sum(self.widths[column : column + cell.span])
            column += cell.span
            style = cell.style or self.style
            room = width - 2 * _PAD_X
            size = style.size
            if self.fixed:
                while size > 5 and text_width(cell.text, font, size) > room:
                    size -= 0.5
                lines: list[str] = [cell.text]
            else:
                lines = []
                for paragraph in cell.text.split("\n"):
                    lines += break_text(paragraph, room, font, size)
            lines_needed = max(lines_needed, len(lines))
            placed.append(_Placed(x, width, cell, tuple(lines), size))
            x += width
        height = max(row.min_height, lines_needed * self.style.leading + 2 * _PAD_Y)
        return height, placed

    def _laid_out(self) -> list[tuple[Row, float, list[_Placed]]]:
        if self._layout is None:
            self._layout = [(row, *self._place(row)) for row in self.header + self.rows]
        return self._layout

    def _header_height(self) -> float:
        if self.header_block is not None:
            return self.header_block.height
        return sum(h for _, h, _ in self._laid_out()[: len(self.header)])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        self.width = sum(self.widths)
        self.height = self._header_height() + sum(h for _, h, _ in self._laid_out()[len(self.header) :])
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        body = self._laid_out()[len(self.header) :]
        room = availHeight - self._header_height()
        fit = 0
        for _, height, _ in body:
            if height > room:
                break
            room -= height
            fit += 1
        if fit == 0:
            return []
        if fit == len(body):
            return [self]
        return [self._part(self.rows[:fit]), self._part(self.rows[fit:])]

    def _part(self, rows: Sequence[Row]) -> Grid:
        return Grid(
            self.widths, rows, header=self.header, style=self.style, fixed=self.fixed, header_block=self.header_block
        )

    # --- drawing ----------------------------------------------------------------------

    def _draw_rows(
        self, canv: Canvas, top: float, rows: list[tuple[Row, float, list[_Placed]]], static: bool | None
    ) -> float:
        """Draw *rows* from *top* down; ``static`` None draws everything, True only the
        skeleton (lines, shading, static cells), False only the other cells."""
        font = body_font()
        leading = self.style.leading
        y = top
        text = canv.beginText()
        # The text object's current size and line start: only changes are written
        # (a relative move is two numbers, an absolute one six).
        size = 0.0
        start: tuple[float, float] | None = None
        shaded: list[tuple[float, float, float, float]] = []
        verticals: dict[float, list[tuple[float, float]]] = {}
        path = canv.beginPath()
        for row, height, placed in rows:
            for p in placed:
                if static is not False and (row.shade or p.cell.shade):
                    shaded.append((p.x, y - height, p.width, height))
                if static is not False and p.x > 0:
                    verticals.setdefault(round(p.x, 2), []).append((y, y - height))
                if static is not None and p.cell.static != static:
                    continue
                line_top = y - (height - len(p.lines) * leading) / 2
                for i, line in enumerate(p.lines):
                    if not line:
                        continue
                    base = line_top - i * leading - leading / 2 - EM_CENTRE * p.size
                    if p.cell.align == "center":
                        x = p.x + (p.width - text_width(line, font, p.size)) / 2
                    elif p.cell.align == "right":
                        x = p.x + p.width - _PAD_X - text_width(line, font, p.size)
                    else:
                        x = p.x + _PAD_X
                    if p.size != size:
                        text.setFont(font, p.size)
                        size = p.size
                    if start is None:
                        text.setTextOrigin(x, base)
                    else:
                        text.moveCursor(x - start[0], start[1] - base)
                    start = (x, base)
                    text.textOut(line)
            if static is not False:
                if not row.open_below:
                    path.moveTo(0, y - height)
                    path.lineTo(self.width, y - height)
                for index, p in enumerate(placed):
                    if row.open_below and index not in row.open_below:
                        path.moveTo(p.x, y - height)
                        path.lineTo(p.x + p.width, y - height)
            y -= height
        if static is not False:
            # One stroke per run of the same column line down consecutive rows.
            for x, spans in verticals.items():
                run_top, run_bottom = spans[0]
                for top_, bottom in spans[1:]:
                    if abs(top_ - run_bottom) > 0.01:
                        path.moveTo(x, run_top)
                        path.lineTo(x, run_bottom)
                        run_top = top_
                    run_bottom = bottom
                path.moveTo(x, run_top)
                path.lineTo(x, run_bottom)
            canv.setFillColor(LABEL_FILL)
            for x, yy, w, h in shaded:
                canv.rect(x, yy, w, h, stroke=0, fill=1)
            canv.setFillColor(colors.black)
            canv.setLineWidth(GRID)
            path.moveTo(0, top)
            path.lineTo(self.width, top)
            path.moveTo(0, top)
            path.lineTo(0, y)
            path.moveTo(self.width, top)
            path.lineTo(self.width, y)
            canv.drawPath(path, stroke=1, fill=0)
        canv.drawText(text)
        return y

    def draw(self) -> None:
        canv: Canvas = self.canv
        layout = self._laid_out()
        top = self.height
        if self.header_block is not None:
            canv.saveState()
            canv.translate(0, top - self.header_block.height)
            canv.doForm(self.header_block.name)
            canv.restoreState()
            top -= self.header_block.height
            layout = layout[len(self.header) :]
        self._draw_rows(canv, top, layout, None)

    def skeleton(self, name: str) -> Reused:
        """The lines, shading and static cells as a block drawn once per document."""
        self.wrap(0, 0)

        def paint(canv: Canvas) -> None:
            self._draw_rows(canv, self.height, self._laid_out(), True)

        return Reused(name, self.width, self.height, paint)

    def draw_values(self, canv: Canvas) -> None:
        """The cells not in the skeleton (with the skeleton's layout)."""
        self._draw_rows(canv, self.height, self._laid_out(), False)


class Overlay(Flowable):
    """A fixed :class:`Grid`: its skeleton placed by reference, its values drawn on top."""

    def __init__(self, grid: Grid, skeleton: Reused) -> None:
        super().__init__()
        self.grid = grid
        self.skeleton = skeleton
        grid.wrap(0, 0)
        self.width, self.height = grid.width, grid.height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        self.canv.doForm(self.skeleton.name)
        self.grid.draw_values(self.canv)
