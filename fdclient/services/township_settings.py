"""The township's settings as a list to read and change (``fdclient settings``, the GUI's
settings page): each with its title, value, default and the values allowed. Values come
in as text (from a command line or an entry field) and are read in the setting's type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fdclient.domain.roles import Permission
from fdclient.errors import ValidationError
from fdclient.settings import SETTINGS, Setting, get_setting, set_setting
from fdclient.store import Store
from fdclient.store.context import require
from fdclient.text import msg

__all__ = ["SettingInfo", "change_setting", "list_settings", "parse_value"]

_YES = frozenset({"是", "true", "yes", "y", "1", "on"})
_NO = frozenset({"否", "false", "no", "n", "0", "off"})


@dataclass(frozen=True)
class SettingInfo:
    key: str
    title: str
    value: Any
    default: Any
    #: The values allowed (None: any value of the type, within ``bounds``).
    choices: tuple[Any, ...] | None
    bounds: tuple[int, int] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "value": self.value,
            "default": self.default,
            "choices": list(self.choices) if self.choices is not None else None,
            "bounds": list(self.bounds) if self.bounds is not None else None,
        }


def list_settings(store: Store) -> list[SettingInfo]:
    """Every township setting with its current value (anyone signed in may read them)."""
    with store.read() as session:
        require(session, Permission.VIEW_INDICATORS)
        return [
            SettingInfo(s.key, str(s.title), get_setting(session, s), s.default, s.choices, s.bounds)
            for s in SETTINGS.values()
        ]


def change_setting(store: Store, key: str, text: str) -> SettingInfo:
    """Set the setting ``key`` to the value written as ``text`` (administrators; the
    change is in the audit trail)."""
    setting = _setting(key)
    value = parse_value(setting, text)
    with store.write() as session:
        set_setting(session, setting, value)
        return SettingInfo(setting.key, str(setting.title), value, setting.default, setting.choices, setting.bounds)


def parse_value(setting: Setting[Any], text: str) -> Any:
    """``text`` read as a value of the setting's type (set_setting checks the range)."""
    text = text.strip()
    kind = type(setting.default)
    if kind is bool:
        word = text.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    elif kind is int:
        try:
            return int(text)
        except ValueError:
            pass
    else:
        return text
    raise ValidationError(
        msg(
            "设置“{title}”的值“{text}”无效：应为{kind}",
            "“{text}” is not a valid value for the setting “{title}”: it must be {kind}",
            title=setting.title,
            text=text,
            kind=msg("是或否", "yes or no") if kind is bool else msg("整数", "a whole number"),
        ),
        field=setting.key,
    )


def _setting(key: str) -> Setting[Any]:
    setting = SETTINGS.get(key.strip())
    if setting is None:
        raise ValidationError(
            msg(
                "没有名为“{key}”的设置。可用的设置：{known}",
                "There is no setting “{key}”. Settings: {known}",
                key=key,
                known=", ".join(SETTINGS),
            ),
            field="key",
        )
    return setting
