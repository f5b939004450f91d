"""Where the contact cards sit on an A4 sheet: ten cards of 85.6 × 54 mm (ISO/IEC 7810
ID-1, the size of a bank card) in two columns and five rows, edge to edge and centred, with
cut marks in the margins only (never on a card).

The cards touch, as on business-card sheets: one cut separates two cards, so a paper
trimmer needs three cuts down and six across, guided by the marks. Each card's content
keeps :data:`SAFE_INSET` from its edges, so a cut or a duplex registration a millimetre
off loses nothing.

**Duplex.** A sheet is printed as two pages, the fronts then the backs, for a printer
that turns the sheet over its long edge (the usual duplex setting, 长边翻转). Turning
the sheet that way mirrors left and right and keeps top and bottom: the back of the card
in column ``c`` of a row is printed in column ``1 - c`` of the same row, and lands behind
its front. The grid is symmetric about the page's vertical centre line, so the mirrored
position is exactly behind the front.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "CARDS_PER_SHEET",
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "COLUMNS",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "ROWS",
    "SAFE_INSET",
    "CardPlace",
    "card_place",
    "draw_cut_marks",
    "grid_origin",
]

PAGE_WIDTH, PAGE_HEIGHT = A4
CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
COLUMNS, ROWS = 2, 5
CARDS_PER_SHEET = COLUMNS * ROWS
#: Nothing is drawn nearer a card's edge than this.
SAFE_INSET = 3 * mm
#: The cut marks: their length, and the gap between a mark and the cards.
MARK_LENGTH = 6 * mm
MARK_GAP = 2 * mm
MARK_WIDTH = 0.3


def grid_origin() -> tuple[float, float]:
    """The lower left corner of the grid of cards (the grid is centred on the page)."""
    return (PAGE_WIDTH - COLUMNS * CARD_WIDTH) / 2, (PAGE_HEIGHT - ROWS * CARD_HEIGHT) / 2


@dataclass(frozen=True)
class CardPlace:
    """A card's lower left corner on the page, in points (PDF coordinates: y up)."""

    x: float
    y: float
    row: int
    column: int


def card_place(index: int, *, back: bool) -> CardPlace:
    """Where card ``index`` (0-9, in reading order of the fronts) sits on the front page,
    or, with ``back``, on the back page (mirrored left to right, see the module docstring)."""
    if not 0 <= index < CARDS_PER_SHEET:
        raise ValueError(f"card index {index} is outside a sheet of {CARDS_PER_SHEET}")
    row, column = divmod(index, COLUMNS)
    if back:
        column = COLUMNS - 1 - column
    left, bottom = grid_origin()
    return CardPlace(left + column * CARD_WIDTH, bottom + (ROWS - 1 - row) * CARD_HEIGHT, row, column)


def draw_cut_marks(canvas: Canvas) -> None:
    """Marks in the margins on every cut line: above and below the grid for the vertical
    cuts, left and right of it for the horizontal ones."""
    left, bottom = grid_origin()
    right, top = left + COLUMNS * CARD_WIDTH, bottom + ROWS * CARD_HEIGHT
    canvas.saveState()
    canvas.setLineWidth(MARK_WIDTH)
    canvas.setStrokeGray(0)
    path = canvas.beginPath()
    for c in range(COLUMNS + 1):
        x = left + c * CARD_WIDTH
        for start, end in (
            (top + MARK_GAP, top + MARK_GAP + MARK_LENGTH),
            (bottom - MARK_GAP, bottom - MARK_GAP - MARK_LENGTH),
        ):
            path.moveTo(x, start)
            path.lineTo(x, end)
    for r in range(ROWS + 1):
        y = bottom + r * CARD_HEIGHT
        for start, end in (
            (left - MARK_GAP, left - MARK_GAP - MARK_LENGTH),
            (right + MARK_GAP, right + MARK_GAP + MARK_LENGTH),
        ):
            path.moveTo(start, y)
            path.lineTo(end, y)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()
