"""Messages for people, in Chinese first and English when asked for.

Error messages and command-line notices are written in code as a pair, Chinese then
English, with the same ``{placeholders}``::

    raise ValidationError(msg("乡镇代码“{code}”格式不对……", "Township code “{code}” is …", code=code))

A :class:`Text` keeps both and its parameters, and renders in the language current when
it is shown (``--lang``, ``FDCLIENT_LANG`` or the GUI setting; Chinese by default), so an
error raised deep in a service reads in the user's language wherever it is printed. The
GUI's own strings use Qt's translation files instead (see :mod:`fdclient.i18n`).

This module imports nothing of fdclient, so every layer can use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

CHINESE = "zh_CN"
ENGLISH = "en"

_current = CHINESE


def set_language(language: str) -> None:
    """Render messages in ``language`` (``zh_CN`` or ``en``) from now on."""
    global _current
    if language not in (CHINESE, ENGLISH):
        raise ValueError(f"unsupported message language {language!r}")
    _current = language


def current_language() -> str:
    return _current


@dataclass(frozen=True)
class Text:
    """A message in both languages; ``str()`` renders it in the current language."""

    zh: str
    en: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def render(self, language: str | None = None) -> str:
        template = self.en if (language or _current) == ENGLISH else self.zh
        values = {k: (v.render(language) if isinstance(v, Text) else v) for k, v in self.params.items()}
        return template.format_map(values) if values else template

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its values as a plain dict (a mapping proxy cannot be pickled): an
        error raised in a worker process reaches the parent whole."""
        return (_text_from, (self.zh, self.en, dict(self.params)))

    def __add__(self, other: Text) -> Text:
        """Two messages one after the other (``a + b``)."""
        return Text("{_a}{_b}", "{_a} {_b}", MappingProxyType({"_a": self, "_b": other}))


def _text_from(zh: str, en: str, params: dict[str, Any]) -> Text:
    return Text(zh, en, MappingProxyType(params))


def msg(zh: str, en: str, /, **params: Any) -> Text:
    """A message with its Chinese and English templates and the values to fill in."""
    return Text(zh, en, MappingProxyType(params))


def plain(text: str) -> Text:
    """A message that reads the same in both languages (a path, a number)."""
    return Text(text, text)
