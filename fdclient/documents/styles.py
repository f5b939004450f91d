"""The look shared by the printed documents: A4 geometry, type sizes, rules and the ruled
table style of Chinese government forms (black 0.5 pt grid, grey label cells)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from fdclient.documents.fonts import document_font

__all__ = [
    "A4_LANDSCAPE",
    "A4_PORTRAIT",
    "BODY",
    "GRID",
    "LABEL_FILL",
    "LINE",
    "Margins",
    "SMALL",
    "TITLE",
    "TextStyle",
    "body_font",
    "grid_style",
]

# Streams are written as compressed binary, not ASCII85 text (ReportLab's default), which is
# a quarter larger and slower to write; every PDF reader takes binary streams.
rl_config.useA85 = 0

A4_PORTRAIT: tuple[float, float] = A4
A4_LANDSCAPE: tuple[float, float] = landscape(A4)

#: Grid lines of ruled tables and the fill of their label cells.
GRID = 0.5
LABEL_FILL = colors.Color(0.93, 0.93, 0.93)
LINE = colors.black


@dataclass(frozen=True)
class Margins:
    left: float = 20 * mm
    right: float = 20 * mm
    top: float = 18 * mm
    bottom: float = 18 * mm


@dataclass(frozen=True)
class TextStyle:
    """Size and leading in points (the font is always the document font)."""

    size: float
    leading: float


TITLE = TextStyle(20, 26)
BODY = TextStyle(10.5, 15)  # 五号
SMALL = TextStyle(9, 12)  # 小五


def body_font() -> str:
    """The registered name of the embedded CJK font (registers it on first use)."""
    return document_font().name


def grid_style(*, header_rows: int = 1, label_columns: tuple[int, ...] = (), padding: float = 3) -> TableStyle:
    """A ruled table: full grid, the first *header_rows* rows and the *label_columns*
    shaded, cells padded and vertically centred."""
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), GRID, LINE),
        ("BOX", (0, 0), (-1, -1), 1.0, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("FONT", (0, 0), (-1, -1), body_font(), SMALL.size, SMALL.leading),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), LABEL_FILL))
        commands.append(("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"))
    for column in label_columns:
        commands.append(("BACKGROUND", (column, 0), (column, -1), LABEL_FILL))
    return TableStyle(commands)
