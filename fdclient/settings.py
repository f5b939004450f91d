"""Township settings: every rule that differs between regions, declared once with its
default (DOMAIN.md: "where a rule differs between regions, make it configuration").

Values live in the store's ``local_settings`` table as JSON, so they travel with the
township's data and are never pickled. Reading an unset key gives its declared default;
an unknown key is a programming error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fdclient.errors import ValidationError
from fdclient.models import LocalSetting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label_zh: str
    choices: tuple[Any, ...] | None = None


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "bp_target",
            "spec2017",
            "高血压控制目标（依据）",
            ("spec2017", "spec2017_elderly150", "guideline2025"),
        ),
        SettingSpec("contract_party_a", "resident", "协议甲方", ("resident", "team")),
        SettingSpec("contract_default_term_years", 1, "默认签约期限（年）", (1, 2, 3)),
        SettingSpec("contract_auto_renew", False, "到期自动续约", (True, False)),
        SettingSpec("contract_number_prefix", "QY", "协议编号前缀"),
        SettingSpec("service_hours", "周一至周五 8:00-17:30，节假日电话预约", "服务时间"),
    )
}


def get_setting(session: Session, key: str) -> Any:
    spec = SETTINGS[key]
    row = session.get(LocalSetting, f"setting.{key}")
    return spec.default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    spec = SETTINGS[key]
    if spec.choices is not None and value not in spec.choices:
        allowed = "、".join(str(c) for c in spec.choices)
        raise ValidationError(f"设置“{spec.label_zh}”的值 {value!r} 无效，可选：{allowed}", field=key)
    row = session.get(LocalSetting, f"setting.{key}")
    if row is None:
        session.add(LocalSetting(key=f"setting.{key}", value=value))
    else:
        row.value = value
