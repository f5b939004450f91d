"""How the roster workbook looks: fonts, the header, number formats, widths.

XlsxWriter formats are made once per workbook (:class:`RosterStyles`); every cell of a kind
shares one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

#: The font Chinese Excel and WPS show by default on Windows; LibreOffice substitutes a
#: CJK font of its own where it is missing.
FONT_NAME = "宋体"
FONT_SIZE = 11
DATE_FORMAT = "yyyy-mm-dd"
#: The header row's height in points (two lines of wrapped text).
HEADER_HEIGHT = 33
#: Widths (Excel character units) never go beyond this, whatever the data.
MAX_WIDTH = 48
#: Rows of each sheet measured to widen a column to its data.
MEASURED_ROWS = 300


@dataclass(frozen=True)
class RosterStyles:
    header: Any
    text: Any
    digits: Any
    date: Any
    integer: Any
    percent: Any
    #: Indicator rows: aligned to the top of rows as tall as their formula text.
    top: Any
    wrapped: Any
    title: Any
    label: Any


def make_styles(workbook: Any) -> RosterStyles:
    """The formats of one XlsxWriter workbook."""
    base = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "valign": "vcenter"}

    def fmt(**properties: Any) -> Any:
        return workbook.add_format({**base, **properties})

    return RosterStyles(
        header=fmt(bold=True, bg_color="#DDEBF7", border=1, align="center", text_wrap=True),
        text=fmt(),
        # '@': Excel's text format, so a number typed into the column later stays text too.
        digits=fmt(num_format="@"),
        date=fmt(num_format=DATE_FORMAT, align="center"),
        integer=fmt(num_format="0", align="center"),
        percent=fmt(num_format="0.0%", valign="top"),
        top=fmt(valign="top"),
        wrapped=fmt(text_wrap=True, valign="top"),
        title=fmt(bold=True, font_size=14),
        label=fmt(bold=True),
    )


def display_width(text: str) -> float:
    """Width of *text* in Excel character units: wide (CJK) characters count 2."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))


def fitted_width(header_width: float, data_width: float, floor: float) -> float:
    """A column's width: room for its widest measured value (plus a margin), at least
    *floor* (its default) and half the header's (headers wrap onto two lines)."""
    return min(MAX_WIDTH, max(floor, data_width + 2, header_width / 2 + 2))
