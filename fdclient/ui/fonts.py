"""The application font: a CJK family chosen explicitly.

With several CJK fonts installed, Qt's fallback picks one per glyph unpredictably (and with
none it draws boxes), so the application font is set to the first available family of
:data:`PREFERRED_FAMILIES`. Fonts shipped in ``resources/fonts`` (for a bundle on a machine
without CJK fonts) are registered first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from fdclient.i18n import resources_dir

log = logging.getLogger(__name__)

#: CJK families in order of preference: the Debian packages fonts-wqy-microhei,
#: fonts-wqy-zenhei and fonts-arphic-uming first, then the usual system fonts elsewhere.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
    "AR PL UMing TW",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
)

_FONT_SUFFIXES = {".ttf", ".ttc", ".otf"}


def _base_family(name: str) -> str:
    # QFontDatabase lists duplicates as "Family [Foundry]".
    return name.split(" [", 1)[0].strip()


def cjk_families(available: Iterable[str]) -> list[str]:
    """The families of :data:`PREFERRED_FAMILIES` found in ``available``, in that order."""
    by_key: dict[str, str] = {}
    for name in available:
        by_key.setdefault(_base_family(name).casefold(), name)
    return [by_key[f.casefold()] for f in PREFERRED_FAMILIES if f.casefold() in by_key]


def choose_cjk_family(available: Iterable[str]) -> str | None:
    """The first of :data:`PREFERRED_FAMILIES` among ``available`` family names, if any."""
    found = cjk_families(available)
    return found[0] if found else None


def load_bundled_fonts(directory: Path | None = None) -> list[str]:
    """Register the font files of ``directory`` (default ``resources/fonts``) with Qt.

    Returns the families they provide; a missing folder is not an error.
    """
    folder = directory if directory is not None else resources_dir() / "fonts"
    families: list[str] = []
    if not folder.is_dir():
        return families
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in _FONT_SUFFIXES:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("could not load font file %s", path)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def apply_application_font(app: QApplication) -> str | None:
    """Set the application font to the preferred CJK family; return the family used.

    The other installed preferred families follow it as explicit fallbacks (for rare
    characters), so Qt's own fallback order does not decide. Keeps the platform's font
    size. Returns ``None`` (and logs a warning) when no CJK font is installed: Chinese text
    will then show as boxes.
    """
    load_bundled_fonts()
    families = cjk_families(QFontDatabase.families())
    if not families:
        log.warning("no CJK font found (install fonts-wqy-microhei): Chinese text will not display")
        return None
    font = QFont(app.font())
    font.setFamilies(families)
    app.setFont(font)
    return families[0]


def apply_font_size(points: int) -> None:
    """Set the application font's size (every widget without a font of its own follows)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    font = QFont(app.font())
    if font.pointSize() == points:
        return
    font.setPointSize(points)
    app.setFont(font)
