"""Small ReportLab flowables the documents are built from.

* :class:`TextLines`: text broken by :func:`fdclient.documents.text.break_text` (no line
  starts with ，。 ...), left, centred, right or justified; splits between lines;
* :class:`TickBoxes`: labelled tick boxes drawn as shapes (☑/☐ are not in every CJK font),
  flowing onto as many lines as they need;
* :class:`Reused`: a block drawn once into a PDF form XObject and placed again wherever it
  is needed (the contract clauses are the same on every form: drawing them once keeps
  1,000 forms small and fast);
* :class:`NeedSpace`: start a new page unless this much room is left (keeps a heading
  with what follows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from fdclient.documents.styles import BODY, SMALL, TextStyle, body_font
from fdclient.documents.text import break_text, text_width

__all__ = [
    "EndsLine",
    "Line",
    "NeedSpace",
    "Reused",
    "TextLines",
    "TickBoxes",
    "Ticks",
    "baseline",
    "draw_tick",
    "draw_tick_box",
]

#: Where the baseline sits in a line box: the em box centred in the leading (CJK glyphs
#: span about 0.88 em above the baseline and 0.12 below).
EM_CENTRE = 0.38


@dataclass(frozen=True)
class Line:
    text: str
    #: The last line of its paragraph (not stretched when justifying).
    last: bool
    #: Left offset of the line (the first-line indent).
    indent: float = 0.0


def baseline(top: float, index: int, style: TextStyle) -> float:
    """The baseline of line *index* (0 first) of a block whose top is at *top*."""
    return top - index * style.leading - style.leading / 2 - EM_CENTRE * style.size


class TextLines(Flowable):
    """A block of text; each ``\\n`` starts a paragraph."""

    def __init__(
        self,
        text: str,
        style: TextStyle = BODY,
        *,
        align: str = "left",
        first_indent: float = 0.0,
        space_before: float = 0.0,
        space_after: float = 0.0,
        bold: bool = False,
        lines: Sequence[Line] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.bold = bold
        self.style = style
        self.align = align
        self.first_indent = first_indent
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._lines: list[Line] | None = list(lines) if lines is not None else None
        self._for_width = -1.0 if lines is None else None

    def _layout(self, width: float) -> list[Line]:
        if self._lines is not None and (self._for_width is None or abs(self._for_width - width) < 0.01):
            return self._lines
        font = body_font()
        result: list[Line] = []
        for paragraph in self.text.split("\n"):
            broken = break_text(paragraph, width, font, self.style.size, first_indent=self.first_indent)
            for i, text in enumerate(broken):
                result.append(Line(text, i == len(broken) - 1, self.first_indent if i == 0 else 0.0))
        self._lines, self._for_width = result, width
        return result

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._layout(availWidth)
        fit = int((availHeight + 0.01) // self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        return [self._part(lines[:fit], before=self.spaceBefore), self._part(lines[fit:], after=self.spaceAfter)]

    def _part(self, lines: Sequence[Line], *, before: float = 0.0, after: float = 0.0) -> TextLines:
        return TextLines(
            self.text,
            self.style,
            align=self.align,
            first_indent=self.first_indent,
            bold=self.bold,
            space_before=before,
            space_after=after,
            lines=lines,
        )

    def draw(self) -> None:
        canv: Canvas = self.canv
        font = body_font()
        size = self.style.size
        canv.setFont(font, size)
        # "Bold": the one CJK weight drawn filled and outlined (CJK fonts rarely ship a bold).
        mode = 2 if self.bold else None
        if self.bold:
            canv.setLineWidth(size * 0.04)
        lines = self._layout(self.width)
        for i, line in enumerate(lines):
            if not line.text:
                continue
            y = baseline(self.height, i, self.style)
            w = text_width(line.text, font, size)
            room = self.width - line.indent
            if self.align == "center":
                canv.drawCentredString(self.width / 2, y, line.text, mode=mode)
            elif self.align == "right":
                canv.drawRightString(self.width, y, line.text, mode=mode)
            elif self.align == "justify" and not line.last and len(line.text) > 1 and 0 < room - w < size * 1.5:
                canv.drawString(line.indent, y, line.text, mode=mode, charSpace=(room - w) / (len(line.text) - 1))
            else:
                canv.drawString(line.indent, y, line.text, mode=mode)


def draw_tick(canv: Canvas, x: float, y: float, side: float) -> None:
    """The tick mark of a box whose lower-left corner is at (x, y)."""
    canv.setLineWidth(1.1)
    path = canv.beginPath()
    path.moveTo(x + side * 0.18, y + side * 0.52)
    path.lineTo(x + side * 0.42, y + side * 0.22)
    path.lineTo(x + side * 0.85, y + side * 0.85)
    canv.drawPath(path, stroke=1, fill=0)


def draw_tick_box(canv: Canvas, x: float, y: float, side: float, ticked: bool) -> None:
    """A square box with its lower-left corner at (x, y), with a tick mark when *ticked*."""
    canv.setLineWidth(0.6)
    canv.rect(x, y, side, side, stroke=1, fill=0)
    if ticked:
        draw_tick(canv, x, y, side)
        canv.setLineWidth(0.6)


class TickBoxes(Flowable):
    """Labelled tick boxes in reading order, wrapped onto lines."""

    def __init__(self, options: Sequence[tuple[str, bool]], style: TextStyle = BODY, *, lead: str = "") -> None:
        super().__init__()
        self.options = list(options)
        self.style = style
        self.lead = lead
        self._placed: list[tuple[float, int, str, bool]] = []

    def _layout(self, width: float) -> int:
        font, size = body_font(), self.style.size
        box = size * 0.85
        gap = size * 1.2
        x = text_width(self.lead, font, size) + (size * 0.3 if self.lead else 0.0)
        start = x
        row = 0
        self._placed = []
        for label, ticked in self.options:
            need = box + size * 0.3 + text_width(label, font, size)
            if x > start and x + need > width:
                row += 1
                x = start
            self._placed.append((x, row, label, ticked))
            x += need + gap
        return row + 1

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        rows = self._layout(availWidth)
        self.width, self.height = availWidth, rows * self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        self.paint(self.canv)

    def paint(self, canv: Canvas, *, skeleton: bool = True, ticks: bool = True) -> None:
        """Draw the boxes and labels (``skeleton``) and the ticks of the ticked ones."""
        font, size = body_font(), self.style.size
        canv.setFont(font, size)
        box = size * 0.85
        if self.lead and skeleton:
            canv.drawString(0, baseline(self.height, 0, self.style), self.lead)
        for x, row, label, ticked in self._placed:
            y = baseline(self.height, row, self.style)
            if skeleton:
                draw_tick_box(canv, x, y - size * 0.08, box, False)
                canv.drawString(x + box + size * 0.3, y, label)
            if ticks and ticked:
                draw_tick(canv, x, y - size * 0.08, box)


class Reused(Flowable):
    """A fixed block drawn once per document as a form XObject named *name*, then placed
    by reference. *paint* draws the block with its lower-left corner at (0, 0)."""

    def __init__(self, name: str, width: float, height: float, paint: Callable[[Canvas], None]) -> None:
        super().__init__()
        self.name = name
        self.width = width
        self.height = height
        self.paint = paint

    def define(self, canv: Canvas) -> None:
        """Record the block in *canv*'s document (before any page that places it)."""
        if canv.hasForm(self.name):
            return
        canv.beginForm(self.name, 0, 0, self.width, self.height)
        self.paint(canv)
        canv.endForm()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        self.canv.doForm(self.name)


class NeedSpace(Flowable):
    """Ends the page unless *height* points are left (nothing is drawn)."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.needed = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return availWidth, 0.0

    def draw(self) -> None:
        return None


class EndsLine(Flowable):
    """One line: a text at the left end and one at the right end."""

    def __init__(self, left: str, right: str, width: float) -> None:
        super().__init__()
        self.left, self.right = left, right
        self.width, self.height = width, BODY.leading

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(body_font(), BODY.size)
        y = baseline(self.height, 0, BODY)
        self.canv.drawString(0, y, self.left)
        self.canv.drawRightString(self.width, y, self.right)


class Ticks(Flowable):
    """The category boxes (reused) with this form's ticks."""

    def __init__(self, skeleton: Reused, categories: Sequence[tuple[str, bool]], width: float) -> None:
        super().__init__()
        self.skeleton = skeleton
        self.boxes = TickBoxes(categories, SMALL)
        self.boxes.wrap(width - 8, 1000)
        self.width, self.height = skeleton.width, skeleton.height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        self.canv.doForm(self.skeleton.name)
        self.canv.translate(4, 4)
        self.boxes.paint(self.canv, skeleton=False)
