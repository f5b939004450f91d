"""Breaking Chinese text into lines the way printed Chinese is set (禁则).

ReportLab's ``wordWrap='CJK'`` breaks between any two characters and keeps only a few
closing marks off the start of a line: a full-width comma, semicolon, colon, question or
exclamation mark can still begin one (STACK-NOTES). :func:`break_lines` does the breaking
for our documents instead:

* a line never starts with closing punctuation (:data:`NO_LINE_START`: ，。、；：？！ and
  the closing brackets and quotes): the mark stays with the character before it, which
  moves to the next line with it when the line is full;
* a line never ends with opening punctuation (:data:`NO_LINE_END`: （「《 ...): it moves
  down with the character after it;
* runs of Latin letters and digits (ID numbers, phones, dates such as 2026-01-01, contract
  numbers) are not cut, unless one alone is wider than the line;
* a space is a break opportunity and disappears at the end of a line.

Widths come from the registered ReportLab font (the embedded CJK font), so the result is
what will be drawn. :class:`fdclient.documents.flowables.TextLines` draws the lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

__all__ = ["NO_LINE_END", "NO_LINE_START", "break_lines", "break_text", "text_width"]

#: Characters a line must not start with: closing punctuation, full-width and ASCII.
NO_LINE_START = frozenset(
    "，。、；：？！）」』》〉】〕〗｝］’”…—～·%‰℃°"  # full-width (and a few signs)
    ",.;:?!)]}"  # ASCII
    "ー々ゝゞヽヾ"  # iteration marks
)
#: Characters a line must not end with: opening brackets and quotes.
NO_LINE_END = frozenset("（「『《〈【〔〖｛［‘“([{")

#: Characters that belong to a run kept whole (ID numbers, dates, phones, numbers).
_RUN = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*-_./:+#@&%'")


@lru_cache(maxsize=65536)
def text_width(text: str, font_name: str, size: float) -> float:
    """The width of *text* in points in the registered font *font_name* at *size*."""
    return float(pdfmetrics.stringWidth(text, font_name, size))


def _atoms(text: str) -> Iterator[str]:
    """The smallest pieces a line may break between: a character, a Latin/digit run, a
    space."""
    run: list[str] = []
    for ch in text:
        if ch in _RUN:
            run.append(ch)
            continue
        if run:
            yield "".join(run)
            run = []
        yield ch
    if run:
        yield "".join(run)


def _units(text: str) -> list[str]:
    """Atoms glued so that no unit starts with :data:`NO_LINE_START` or ends with
    :data:`NO_LINE_END` (spaces stay units of their own: they are break opportunities)."""
    units: list[str] = []
    pending_open = ""  # opening punctuation waiting for the next atom
    for atom in _atoms(text):
        if atom.isspace():
            if pending_open:
                units.append(pending_open)
                pending_open = ""
            units.append(" ")
            continue
        if atom[0] in NO_LINE_START and not pending_open and any(not u.isspace() for u in units):
            if units[-1].isspace():  # "word ，": the space goes with them
                units.pop()
                units[-1] += " "
            units[-1] += atom
            continue
        if atom[-1] in NO_LINE_END and len(atom) == 1:
            pending_open += atom
            continue
        units.append(pending_open + atom)
        pending_open = ""
    if pending_open:
        units.append(pending_open)
    return units


def _split_unit(unit: str, width: float, font_name: str, size: float) -> list[str]:
    """A unit wider than a whole line, cut into pieces that fit (a punctuation mark is
    never the first character of a piece after the first)."""
    pieces: list[str] = []
    current = ""
    for ch in unit:
        if current and text_width(current + ch, font_name, size) > width and ch not in NO_LINE_START:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def break_text(text: str, width: float, font_name: str, size: float, *, first_indent: float = 0.0) -> list[str]:
    """One paragraph (no newlines) broken into lines at most *width* points wide (the
    first *first_indent* narrower). An empty paragraph is one empty line."""
    return list(_broken(text, round(width, 2), font_name, size, round(first_indent, 2)))


@lru_cache(maxsize=16384)
def _broken(text: str, width: float, font_name: str, size: float, first_indent: float) -> tuple[str, ...]:
    """:func:`break_text`, remembered: a batch of forms breaks the same cells again and
    again (sexes, dates, relationships, amounts, package items)."""
    return tuple(_break(text, width, font_name, size, first_indent))


def _break(text: str, width: float, font_name: str, size: float, first_indent: float) -> list[str]:
    units = _units(text.strip())
    if not units:
        return [""]
    lines: list[str] = []
    line = ""
    used = 0.0
    available = width - first_indent
    for unit in units:
        if unit == " ":
            if line:
                line += " "
                used += text_width(" ", font_name, size)
            continue
        w = text_width(unit, font_name, size)
        if used + w <= available + 0.01:
            line += unit
            used += w
            continue
        if line.strip():
            lines.append(line.rstrip())
            available = width
        line, used = "", 0.0
        if w > available:
            *whole, last = _split_unit(unit, available, font_name, size)
            lines.extend(whole)
            line, used = last, text_width(last, font_name, size)
        else:
            line, used = unit, w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def break_lines(text: str, width: float, font_name: str, size: float, *, first_indent: float = 0.0) -> list[str]:
    """*text* broken into lines: each ``\\n`` starts a paragraph (each paragraph's first
    line indented by *first_indent*)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(break_text(paragraph, width, font_name, size, first_indent=first_indent))
    return lines
