"""This laptop's GUI preferences, declared once with their defaults (after Picard's
``options.py``): window geometry, the last page, font size, idle lock, language, the last
user name. They are UI state of one device, kept in ``DATA_DIR/ui.ini`` apart from the
township's settings (which live in the store and travel with it); a value that cannot be
read falls back to its default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

__all__ = [
    "FONT_SIZE",
    "IDLE_LOCK_MINUTES",
    "LANGUAGE",
    "LAST_PAGE",
    "LAST_USERNAME",
    "PREFERENCES",
    "WINDOW_GEOMETRY",
    "Preference",
    "Preferences",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Preference(Generic[T]):
    key: str
    default: T
    #: For whole numbers: the smallest and largest value kept.
    bounds: tuple[int, int] | None = None
    #: The values allowed (None: any value of the type).
    choices: tuple[T, ...] | None = None

    def accept(self, value: object) -> T:
        """``value`` when it is valid for this preference, else the default."""
        if type(value) is not type(self.default):
            return self.default
        if self.bounds is not None and isinstance(value, int) and not self.bounds[0] <= value <= self.bounds[1]:
            return self.default
        if self.choices is not None and value not in self.choices:
            return self.default
        return value


WINDOW_GEOMETRY = Preference("window/geometry", b"")
LAST_PAGE = Preference("window/last_page", 0, bounds=(0, 7))
#: Point size of the interface font (older eyes: larger).
FONT_SIZE = Preference("appearance/font_size", 11, bounds=(9, 20))
#: Minutes without input before the screen locks (0: never).
IDLE_LOCK_MINUTES = Preference("security/idle_lock_minutes", 10, bounds=(0, 240))
LANGUAGE = Preference("appearance/language", "zh_CN", choices=("zh_CN", "en"))
LAST_USERNAME = Preference("sign_in/last_username", "")

PREFERENCES: tuple[Preference[Any], ...] = (
    WINDOW_GEOMETRY,
    LAST_PAGE,
    FONT_SIZE,
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    LAST_USERNAME,
)


class Preferences:
    """The preferences file of a data folder (``QSettings`` in INI format)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, preference: Preference[T]) -> T:
        raw = self._settings.value(preference.key)
        if raw is None:
            return preference.default
        default = preference.default
        value: object
        try:
            if isinstance(default, bytes):
                value = bytes(raw.data()) if isinstance(raw, QByteArray) else bytes(raw)
            elif isinstance(default, bool):
                value = str(raw).lower() in ("true", "1")
            elif isinstance(default, int):
                value = int(raw)
            else:
                value = str(raw)
        except (TypeError, ValueError):
            return default
        return preference.accept(value)

    def set(self, preference: Preference[T], value: T) -> None:
        stored: object = QByteArray(value) if isinstance(value, bytes) else value
        self._settings.setValue(preference.key, stored)

    def sync(self) -> None:
        """Write the file now (QSettings also writes on its own, and when it is deleted)."""
        self._settings.sync()
