"""Township settings: every rule that differs between regions, declared once with its type,
default, title and choices (DOMAIN.md: "where a rule differs between regions, make it
configuration").

A setting is a typed key: :data:`BP_TARGET` is a ``Setting[str]``, so
``get_setting(session, BP_TARGET)`` is a ``str`` to the type checker and
``set_setting(session, CONTRACT_DEFAULT_TERM_YEARS, "3")`` is a type error. Every setting
here is township-wide: values live in the synced ``township_settings`` table as JSON (one
row per key, its id derived from the township and the key, so every laptop of the township
edits the same record and classifies alike). Device facts (which township, the device id,
the sync state) stay in ``local_settings``. Reading an unset setting gives its declared
default. Changing one needs the ``MANAGE_SETTINGS`` permission and is written to the audit
trail (by the unit of work's flush hook, as every synced row).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from fdclient.domain.followup_rules import BP_TARGETS, DEFAULT_BP_TARGET
from fdclient.domain.management_denominators import (
    DEFAULT_DIABETES_PREVALENCE,
    DEFAULT_HYPERTENSION_PREVALENCE,
    DEFAULT_MANAGEMENT_DENOMINATOR,
    MANAGEMENT_DENOMINATORS,
    PER_MILLE_BOUNDS,
    PREVALENCE_SOURCE,
)
from fdclient.domain.roles import Permission
from fdclient.errors import ValidationError
from fdclient.models import LocalSetting, local
from fdclient.models.settings_table import TownshipSetting, township_setting_id
from fdclient.store.context import require
from fdclient.text import Text, msg

__all__ = [
    "BP_TARGET",
    "CONTRACT_AUTO_RENEW",
    "CONTRACT_DEFAULT_TERM_YEARS",
    "CONTRACT_NUMBER_PREFIX",
    "CONTRACT_PARTY_A",
    "CONTRACT_RENEWAL_CLOSES_DAYS",
    "CONTRACT_RENEWAL_OPENS_DAYS",
    "DIABETES_PREVALENCE",
    "HYPERTENSION_PREVALENCE",
    "MANAGEMENT_DENOMINATOR",
    "SERVICE_HOURS",
    "SETTINGS",
    "TARGET_CONTROLLED",
    "TARGET_COVERAGE",
    "TARGET_KEY_POPULATION_COVERAGE",
    "TARGET_STANDARDISED",
    "TARGETS",
    "Setting",
    "get_setting",
    "is_set",
    "set_setting",
    "target_percents",
]

T = TypeVar("T")

#: Prefix of the settings' keys in ``local_settings`` before migration 0010 moved them to
#: ``township_settings``.
_ROW_PREFIX = "setting."


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One township setting; its value has the type of its default."""

    key: str
    default: T
    title: Text
    #: The values allowed, or None for any value of the type.
    choices: tuple[T, ...] | None = None
    #: For a whole-number setting: the smallest and largest value allowed.
    bounds: tuple[int, int] | None = None

    @property
    def row_key(self) -> str:
        """The key the setting had in ``local_settings`` before migration 0010."""
        return _ROW_PREFIX + self.key


BP_TARGET = Setting(
    "bp_target",
    DEFAULT_BP_TARGET,
    msg("高血压控制目标（依据）", "Hypertension control target (source)"),
    tuple(BP_TARGETS),
)
MANAGEMENT_DENOMINATOR = Setting(
    "management_denominator",
    DEFAULT_MANAGEMENT_DENOMINATOR,
    msg(
        "高血压、2型糖尿病患者健康管理率的分母（依据）",
        "Denominator of the hypertension and type 2 diabetes management rates (source)",
    ),
    tuple(MANAGEMENT_DENOMINATORS),
)


def _prevalence_title(disease_zh: str, disease_en: str, default: int) -> Text:
    return msg(
        "成年人{disease}患病率（‰，估算健康管理率的分母用；默认 {default}‰ 为{source}全国数，"
        "县区有本地调查数的应改为本地数）",
        "Adult {disease} prevalence (per mille, for the estimated management-rate denominator; the default"
        " {default} is the national figure of the {source}; a county with a local survey figure should enter it)",
        disease=msg(disease_zh, disease_en),
        default=default,
        source=PREVALENCE_SOURCE,
    )


HYPERTENSION_PREVALENCE = Setting(
    "hypertension_prevalence_per_mille",
    DEFAULT_HYPERTENSION_PREVALENCE,
    _prevalence_title("高血压", "hypertension", DEFAULT_HYPERTENSION_PREVALENCE),
    bounds=PER_MILLE_BOUNDS,
)
DIABETES_PREVALENCE = Setting(
    "diabetes_prevalence_per_mille",
    DEFAULT_DIABETES_PREVALENCE,
    _prevalence_title("糖尿病", "diabetes", DEFAULT_DIABETES_PREVALENCE),
    bounds=PER_MILLE_BOUNDS,
)
CONTRACT_PARTY_A = Setting(
    "contract_party_a", "resident", msg("协议甲方", "Party A of the contract"), ("resident", "team")
)
CONTRACT_DEFAULT_TERM_YEARS = Setting(
    "contract_default_term_years", 1, msg("默认签约期限（年）", "Default contract term (years)"), (1, 2, 3)
)
CONTRACT_AUTO_RENEW = Setting(
    "contract_auto_renew", False, msg("到期自动续约", "Renew contracts automatically at expiry"), (True, False)
)
CONTRACT_NUMBER_PREFIX = Setting("contract_number_prefix", "QY", msg("协议编号前缀", "Contract number prefix"))
CONTRACT_RENEWAL_OPENS_DAYS = Setting(
    "contract_renewal_opens_days",
    90,
    msg("到期前多少天起可以续约", "Renewal opens this many days before the end date"),
    bounds=(0, 365),
)
CONTRACT_RENEWAL_CLOSES_DAYS = Setting(
    "contract_renewal_closes_days",
    90,
    msg("到期后多少天内仍可续约", "Renewal stays open this many days after the end date"),
    bounds=(0, 365),
)


def _target_title(indicator_zh: str, indicator_en: str, default: int) -> Text:
    return msg(
        "工作台{indicator}目标线（%，默认 {default}%：{source}）",
        "Dashboard target line for {indicator} (%, default {default}%: {source})",
        indicator=msg(indicator_zh, indicator_en),
        default=default,
        source=TARGET_SOURCE,
    )


#: Where the default targets come from (DOMAIN.md §6).
TARGET_SOURCE = msg(
    "2022 年国家家庭医生签约服务高质量发展指导意见及省级方案的 2025 年目标",
    "the 2025 targets of the 2022 national guidance on family-doctor contracts and the provinces' plans",
)
TARGET_COVERAGE = Setting(
    "target_coverage_percent", 50, _target_title("签约覆盖率", "contract coverage", 50), bounds=(0, 100)
)
TARGET_KEY_POPULATION_COVERAGE = Setting(
    "target_key_population_coverage_percent",
    70,
    _target_title("重点人群签约覆盖率", "key-population coverage", 70),
    bounds=(0, 100),
)
TARGET_STANDARDISED = Setting(
    "target_standardised_percent",
    80,
    _target_title("高血压、2型糖尿病规范管理率", "standardised management of hypertension and diabetes", 80),
    bounds=(0, 100),
)
TARGET_CONTROLLED = Setting(
    "target_controlled_percent",
    50,
    _target_title("血压、血糖控制率", "blood-pressure and glucose control", 50),
    bounds=(0, 100),
)
#: The dashboard's target lines.
TARGETS: tuple[Setting[int], ...] = (
    TARGET_COVERAGE,
    TARGET_KEY_POPULATION_COVERAGE,
    TARGET_STANDARDISED,
    TARGET_CONTROLLED,
)
SERVICE_HOURS = Setting("service_hours", "周一至周五 8:00-17:30，节假日电话预约", msg("服务时间", "Service hours"))

#: Every setting by key (for a settings page and for checks).
SETTINGS: Mapping[str, Setting[Any]] = MappingProxyType(
    {
        s.key: s
        for s in (
            BP_TARGET,
            MANAGEMENT_DENOMINATOR,
            HYPERTENSION_PREVALENCE,
            DIABETES_PREVALENCE,
            CONTRACT_PARTY_A,
            CONTRACT_DEFAULT_TERM_YEARS,
            CONTRACT_AUTO_RENEW,
            CONTRACT_NUMBER_PREFIX,
            CONTRACT_RENEWAL_OPENS_DAYS,
            CONTRACT_RENEWAL_CLOSES_DAYS,
            SERVICE_HOURS,
            TARGET_COVERAGE,
            TARGET_KEY_POPULATION_COVERAGE,
            TARGET_STANDARDISED,
            TARGET_CONTROLLED,
        )
    }
)


def _township_id(session: Session) -> uuid.UUID:
    row = session.get(LocalSetting, local.TOWNSHIP_ID)
    if row is None:
        raise RuntimeError("the store records no township")
    return uuid.UUID(str(row.value))


def _row(session: Session, setting: Setting[Any]) -> TownshipSetting | None:
    return session.get(TownshipSetting, township_setting_id(_township_id(session), setting.key))


def get_setting(session: Session, setting: Setting[T]) -> T:
    """The township's value of ``setting``, or its default when it was never set."""
    row = _row(session, setting)
    if row is None:
        return setting.default
    value: T = row.value
    return value


def is_set(session: Session, setting: Setting[Any]) -> bool:
    """Whether the township has a value of its own for ``setting`` (not the default)."""
    return _row(session, setting) is not None


def target_percents(session: Session) -> dict[str, int]:
    """The dashboard's target lines, in per cent, by setting key."""
    return {t.key: get_setting(session, t) for t in TARGETS}


def set_setting(session: Session, setting: Setting[T], value: T) -> None:
    """Change a township setting (administrators)."""
    require(session, Permission.MANAGE_SETTINGS)
    # bool is an int in Python: compare the exact types, so True is no contract term.
    if (
        type(value) is not type(setting.default)
        or (setting.choices is not None and value not in setting.choices)
        or (setting.bounds is not None and isinstance(value, int) and not _within(value, setting.bounds))
    ):
        raise ValidationError(_refusal(setting, value), field=setting.key)
    old = get_setting(session, setting)
    if value == old:
        return
    row = _row(session, setting)
    if row is None:
        township_id = _township_id(session)
        session.add(
            TownshipSetting(
                id=township_setting_id(township_id, setting.key), township_id=township_id, key=setting.key, value=value
            )
        )
    else:
        row.value = value
    # township_settings is synced: the flush hook writes the change to the audit trail.
    session.flush()


_KIND_TEXT: Mapping[type, Text] = MappingProxyType(
    {str: msg("文字", "text"), int: msg("整数", "a whole number"), bool: msg("是或否", "yes or no")}
)


def _within(value: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _refusal(setting: Setting[T], value: object) -> Text:
    if setting.bounds is not None:
        return msg(
            "设置“{title}”的值 {value} 无效：应为 {low} 到 {high} 之间的整数",
            "{value} is not a valid value for the setting “{title}”: it must be a whole number from {low} to {high}",
            title=setting.title,
            value=repr(value),
            low=setting.bounds[0],
            high=setting.bounds[1],
        )
    if setting.choices is None:
        return msg(
            "设置“{title}”的值 {value} 无效：应为 {kind}",
            "{value} is not a valid value for the setting “{title}”: it must be {kind}",
            title=setting.title,
            value=repr(value),
            kind=_KIND_TEXT.get(type(setting.default), msg("其他", "other")),
        )
    return msg(
        "设置“{title}”的值 {value} 无效，可选：{allowed}",
        "{value} is not a valid value for the setting “{title}”; choose one of: {allowed}",
        title=setting.title,
        value=repr(value),
        allowed=msg("、".join(str(c) for c in setting.choices), ", ".join(str(c) for c in setting.choices)),
    )
