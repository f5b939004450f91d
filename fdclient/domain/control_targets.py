"""Control targets (控制目标) for hypertension and type 2 diabetes follow-ups, each naming the
publication it comes from.

The blood-pressure target differs by guideline edition and age, so it is a setting: a
township picks the key its county follows (``settings.BP_TARGET``). A :class:`BpTarget` is
a tuple of age bands; the band with the highest ``min_age`` not above the patient's age
applies, so age-dependent targets are data, not code. The fasting glucose target is a
setting in the same way. The danger thresholds are not targets: they are fixed
(:mod:`fdclient.domain.followup_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from fdclient.errors import ValidationError
from fdclient.text import Text, msg

__all__ = [
    "BP_TARGETS",
    "DEFAULT_BP_TARGET",
    "DEFAULT_GLUCOSE_TARGET",
    "GLUCOSE_TARGETS",
    "BpBand",
    "BpTarget",
    "GlucoseTarget",
    "lookup_target",
]

_SPEC_2017_ZH = "国家基本公共卫生服务规范（第三版，2017）"
_SPEC_2017_EN = "National Basic Public Health Service Specification, 3rd edition (2017)"


@dataclass(frozen=True)
class BpBand:
    """Control target from ``min_age`` (inclusive) up to the next band's ``min_age``."""

    min_age: int
    #: Controlled means systolic < systolic_below and diastolic < diastolic_below.
    systolic_below: int
    diastolic_below: int

    @property
    def text(self) -> str:
        return f"<{self.systolic_below}/{self.diastolic_below} mmHg"


@dataclass(frozen=True)
class BpTarget:
    """A blood-pressure control target as published by one source."""

    key: str
    #: The publication the target comes from.
    source: Text
    #: Ascending ``min_age``; the first band starts at age 0.
    bands: tuple[BpBand, ...]
    note: str = ""

    def __post_init__(self) -> None:
        ages = [band.min_age for band in self.bands]
        if not ages or ages[0] != 0 or ages != sorted(set(ages)):
            raise ValueError(f"{self.key}: bands must start at age 0 and ascend: {ages}")

    def band_for(self, age: int) -> BpBand:
        """The band that applies at *age* (full years)."""
        return [band for band in self.bands if band.min_age <= age][-1]


#: Known targets by key. Pick one per township (settings); the default is DEFAULT_BP_TARGET.
BP_TARGETS: MappingProxyType[str, BpTarget] = MappingProxyType(
    {
        "spec2017": BpTarget(
            key="spec2017",
            source=msg(_SPEC_2017_ZH, _SPEC_2017_EN),
            bands=(BpBand(0, 140, 90),),
            note="收缩压<140 mmHg 且舒张压<90 mmHg 为控制满意",
        ),
        "spec2017_elderly150": BpTarget(
            key="spec2017_elderly150",
            source=msg(
                _SPEC_2017_ZH + "；65 岁及以上按国家基层高血压防治管理指南（2017）",
                _SPEC_2017_EN + "; from 65 years, the National Guideline for Hypertension Management in"
                " Primary Care (2017)",
            ),
            bands=(BpBand(0, 140, 90), BpBand(65, 150, 90)),
            note="65 岁及以上老年患者收缩压<150 mmHg 即为控制满意",
        ),
        "guideline2025": BpTarget(
            key="guideline2025",
            source=msg(
                "国家基层高血压防治管理指南（2025版）",
                "National Guideline for Hypertension Management in Primary Care (2025 edition)",
            ),
            bands=(BpBand(0, 130, 80), BpBand(80, 140, 90)),
            note="80 岁以下<130/80 mmHg，80 岁及以上<140/90 mmHg",
        ),
    }
)
DEFAULT_BP_TARGET = "spec2017"


@dataclass(frozen=True)
class GlucoseTarget:
    key: str
    source: Text
    #: Controlled means fasting glucose < fasting_below (mmol/L).
    fasting_below: float


GLUCOSE_TARGETS: MappingProxyType[str, GlucoseTarget] = MappingProxyType(
    {"spec2017": GlucoseTarget(key="spec2017", source=msg(_SPEC_2017_ZH, _SPEC_2017_EN), fasting_below=7.0)}
)
DEFAULT_GLUCOSE_TARGET = "spec2017"


_Target = TypeVar("_Target", BpTarget, GlucoseTarget)


def lookup_target(table: Mapping[str, _Target], target: _Target | str, what: Text) -> _Target:
    if not isinstance(target, str):
        return target
    try:
        return table[target]
    except KeyError:
        raise ValidationError(
            msg(
                "未知的{what}“{target}”，可选：{known}",
                "Unknown {what} “{target}”; choose one of: {known}",
                what=what,
                target=target,
                known=msg("、".join(table), ", ".join(table)),
            ),
            field="target",
        ) from None
