"""Filling pages with flowables, without ReportLab's document templates.

:func:`fill_frame` draws flowables from the front of a list into one frame, splitting the
one that does not fit (a table between rows, repeating its header rows; text between
lines), and honours :class:`~fdclient.documents.flowables.NeedSpace`. The documents call
it page by page, so they can draw a page into a form XObject (the contract form's two
copies share one drawing) and know the page count before the footers are drawn.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

from fdclient.documents.flowables import NeedSpace
from fdclient.errors import OperationFailed
from fdclient.text import msg

__all__ = ["LayoutFailed", "fill_frame", "new_frame"]


class LayoutFailed(OperationFailed):
    """Something too big for a whole page (a bug or a template with a huge paragraph)."""


def new_frame(x: float, y: float, width: float, height: float) -> Frame:
    return Frame(x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)


def _room(frame: Frame) -> float:
    return float(frame._y - frame._y1p)  # noqa: SLF001 - Frame keeps its cursor there


def fill_frame(canv: Canvas, frame: Frame, flowables: list[Flowable]) -> bool:
    """Draw from the front of *flowables* into *frame* (consuming them) until it is full;
    True when anything was drawn. A flowable that fits no empty frame is a
    :class:`LayoutFailed`."""
    drew = False
    while flowables:
        head = flowables[0]
        if isinstance(head, NeedSpace):
            del flowables[0]
            if drew and _room(frame) < head.needed:
                return True
            continue
        if frame.add(head, canv, trySplit=1):
            del flowables[0]
            drew = True
            continue
        parts = frame.split(head, canv)
        if parts and not (len(parts) == 1 and parts[0] is head):
            flowables[0:1] = parts
            if frame.add(parts[0], canv, trySplit=1):
                del flowables[0]
                drew = True
                continue
        if not drew:
            raise LayoutFailed(
                msg(
                    "有一部分内容（{kind}）比一整页还大，无法排版。请缩短协议条款模板中过长的段落。",
                    "A part of the document ({kind}) is larger than a whole page and cannot be laid out. Shorten the"
                    " long paragraph of the clause template.",
                    kind=type(head).__name__,
                )
            )
        return True
    return drew
