"""Drawing the short texts of a contact card on a ReportLab canvas: one line each, shrunk
to fit its room down to a smallest size, then cut with "…"; "bold" drawn by stroking the
outlines (CJK fonts rarely have a bold weight); phone and record numbers grouped for
reading aloud; and a QR code drawn as filled rectangles from a ``segno`` matrix
(STACK-NOTES: ReportLab's own QR widget is about five times slower)."""

from __future__ import annotations

from collections.abc import Sequence

import segno
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from fdclient.documents.fonts import document_font
from fdclient.documents.text import text_width

__all__ = ["BLACK", "GREY", "WHITE", "Pen", "group_phone", "group_record_no", "module_rectangles", "qr_matrix"]

BLACK = Color(0, 0, 0)
GREY = Color(0.36, 0.36, 0.36)
WHITE = Color(1, 1, 1)
ELLIPSIS = "…"
#: Stroke width of "bold" text, as a share of the type size.
BOLD_STROKE = 0.035


def group_phone(phone: str) -> str:
    """A mainland mobile number in groups 3-4-4 (``138 0013 8000``); others as stored."""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit() and digits.startswith("1"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


def group_record_no(number: str) -> str:
    """A 17-digit health record number as county-township-village-sequence (6 3 3 5)."""
    if len(number) == 17 and number.isdigit():
        return f"{number[:6]} {number[6:9]} {number[9:12]} {number[12:]}"
    return number


def qr_matrix(data: str) -> Sequence[Sequence[int]]:
    """The modules of a QR code holding ``data`` (error correction M at least), without
    the quiet zone."""
    matrix: Sequence[Sequence[int]] = segno.make(data, error="m", micro=False).matrix
    return matrix


class Pen:
    """Draws with the document font on ``canvas``."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.font = document_font().name

    def width(self, text: str, size: float) -> float:
        return text_width(text, self.font, size)

    def fit(self, text: str, size: float, room: float, smallest: float) -> tuple[str, float]:
        """``text`` and the largest size from ``size`` down to ``smallest`` (by half points)
        at which it fits ``room``; at ``smallest``, cut and ended with "…" if it must."""
        while size > smallest and self.width(text, size) > room:
            size = max(smallest, size - 0.5)
        if self.width(text, size) <= room:
            return text, size
        while text and self.width(text + ELLIPSIS, size) > room:
            text = text[:-1]
        return text + ELLIPSIS, size

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        color: Color = BLACK,
        bold: bool = False,
        anchor: str = "left",
    ) -> float:
        """Draw ``text`` with its baseline at ``y``, starting (``anchor`` left), centred on
        (``centre``) or ending (``right``) at ``x``; returns the x after its end."""
        if not text:
            return x
        width = self.width(text, size)
        if anchor == "right":
            x -= width
        elif anchor == "centre":
            x -= width / 2
        c = self.canvas
        t = c.beginText(x, y)
        t.setFont(self.font, size)
        t.setFillColor(color)
        if bold:
            # The render mode stays in the graphics state (and ReportLab's text object
            # never writes mode 0 again): a saved state keeps it to this text.
            c.saveState()
            c.setStrokeColor(color)
            c.setLineWidth(size * BOLD_STROKE)
            t.setTextRenderMode(2)  # fill, then stroke the outlines
        t.textOut(text)
        c.drawText(t)
        if bold:
            c.restoreState()
        return x + width

    def fitted(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        room: float,
        *,
        smallest: float = 5.5,
        color: Color = BLACK,
        bold: bool = False,
        anchor: str = "left",
    ) -> float:
        """:meth:`text` after :meth:`fit` into ``room``."""
        shown, shown_size = self.fit(text, size, room, smallest)
        return self.text(x, y, shown, shown_size, color=color, bold=bold, anchor=anchor)

    def blank(self, x: float, y: float, end: float) -> None:
        """A line to write on by hand, from ``x`` to ``end`` just below the baseline ``y``."""
        c = self.canvas
        c.setStrokeColor(GREY)
        c.setLineWidth(0.4)
        c.line(x, y - 1, end, y - 1)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code of ``data`` filling the square of side ``size`` with its lower left
        corner at (x, y): one filled path of rectangles (:func:`module_rectangles`) in
        module units, whole numbers written straight into the page (ReportLab's path
        object formats every coordinate in Python: three times slower for 1,000 cards)."""
        matrix = qr_matrix(data)
        n = len(matrix)
        module = size / n
        ops = [f"q 0 g {module:.5f} 0 0 {module:.5f} {x:.3f} {y:.3f} cm"]
        # Each rectangle a hair taller, so that no seam shows between rows on screen.
        ops += [f"{c} {n - r - h} {w} {h}.02 re" for c, r, w, h in module_rectangles(matrix)]
        ops.append("f Q")
        self.canvas.addLiteral("\n".join(ops))


def module_rectangles(matrix: Sequence[Sequence[int]]) -> list[tuple[int, int, int, int]]:
    """The dark modules of ``matrix`` as rectangles (column, row, width, height; rows
    counted from the top): each run of dark modules in a row, merged with the same run in
    the rows below it (about a third fewer rectangles to write than runs)."""
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, width) -> first row
    for r, row in enumerate(matrix):
        runs: list[tuple[int, int]] = []
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((start, c - start))
            else:
                c += 1
        current = set(runs)
        for run in [k for k in open_runs if k not in current]:
            top = open_runs.pop(run)
            done.append((run[0], top, run[1], r - top))
        for run in runs:
            open_runs.setdefault(run, r)
    done.extend((run[0], top, run[1], len(matrix) - top) for run, top in open_runs.items())
    return done
