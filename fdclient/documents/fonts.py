"""The CJK font printed documents are set in, embedded (as a subset) in every PDF.

ReportLab embeds TrueType-outline fonts only (STACK-NOTES: Noto Sans CJK, with CFF outlines,
fails; the built-in ``STSong-Light`` is not embedded and disappears on machines without the
Adobe-GB1 data). The first usable file of this list is registered:

1. ``FDCLIENT_PDF_FONT`` (a path to a ``.ttf``/``.ttc`` file), for a county that wants its own;
2. the font files shipped in ``resources/fonts`` (an installer puts one there);
3. the fonts found on the machine: AR PL UMing (a Song/Ming serif, as official forms are set)
   and WenQuanYi on Debian; SimSun, SimHei and Microsoft YaHei on Windows.

A serif (宋体-like) face is preferred for forms; the same face is used for "bold" text
(CJK fonts rarely ship a bold weight; documents draw headings larger instead).
No usable font is a :class:`~fdclient.errors.DocumentFontMissing` with what to install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from fdclient.errors import FdError
from fdclient.i18n import resources_dir
from fdclient.text import msg

__all__ = ["FONT_ENV", "DocumentFont", "DocumentFontMissing", "candidates", "document_font"]

#: Environment variable naming a font file to print with.
FONT_ENV = "FDCLIENT_PDF_FONT"

#: Font files looked for on the machine, in order of preference (file, sub-font index).
_SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # AR PL UMing (Debian fonts-arphic-uming)
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
)
_FONT_SUFFIXES = (".ttf", ".ttc")


class DocumentFontMissing(FdError):
    """No TrueType CJK font to print with."""

    exit_code = 1


@dataclass(frozen=True)
class DocumentFont:
    #: The name to pass to ReportLab's ``setFont`` / paragraph styles.
    name: str
    path: Path


def candidates() -> list[tuple[Path, int]]:
    """The font files to try, in order (see the module docstring)."""
    found: list[tuple[Path, int]] = []
    chosen = os.environ.get(FONT_ENV, "").strip()
    if chosen:
        found.append((Path(chosen), 0))
    shipped = resources_dir() / "fonts"
    if shipped.is_dir():
        found.extend((p, 0) for p in sorted(shipped.iterdir()) if p.suffix.lower() in _FONT_SUFFIXES)
    found.extend((Path(path), index) for path, index in _SYSTEM_FONTS)
    return found


@cache
def document_font() -> DocumentFont:
    """Register the first usable CJK font with ReportLab (once per process) and return it."""
    tried: list[str] = []
    for path, index in candidates():
        if not path.is_file():
            continue
        name = f"FdCJK-{path.stem}"
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except (TTFError, OSError, ValueError):
            tried.append(path.name)
            continue
        return DocumentFont(name, path)
    raise DocumentFontMissing(
        msg(
            "找不到可用于打印的中文字体。请安装 AR PL UMing 或文泉驿字体（Debian："
            "apt install fonts-arphic-uming），或用环境变量 {env} 指定一个 TrueType 字体文件（.ttf/.ttc）。",
            "No Chinese font to print with. Install AR PL UMing or WenQuanYi (Debian: apt install "
            "fonts-arphic-uming), or name a TrueType font file (.ttf/.ttc) in the environment variable {env}.",
            env=FONT_ENV,
        )
    )
