"""The denominator of 健康管理率 (hypertension and type 2 diabetes management rates), each
rule naming the publication it comes from.

Provinces count this denominator differently, so it is a township setting
(``settings.MANAGEMENT_DENOMINATOR``), like the blood-pressure target
(:mod:`fdclient.domain.control_targets`):

* ``registered`` (the default): the registered residents with the diagnosis;
* ``estimated``: the 2017 national specification's own denominator, the estimated number
  of patients in the area, 辖区常住成年人口总数 × 成年人患病率. The adults are the registered
  residents aged :data:`ADULT_MIN_AGE` and over on the statistics date; the prevalence
  rates are two more settings, in per mille, defaulting to the national survey figures
  (:data:`PREVALENCE_SOURCE`). The estimate is for an area (the township, a village); a
  family-doctor team or doctor has no population of its own and keeps the registered
  patients.

The counting itself is in :mod:`fdclient.services.indicators`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from fdclient.text import Text, msg

__all__ = [
    "ADULT_MIN_AGE",
    "DEFAULT_DIABETES_PREVALENCE",
    "DEFAULT_HYPERTENSION_PREVALENCE",
    "DEFAULT_MANAGEMENT_DENOMINATOR",
    "MANAGEMENT_DENOMINATORS",
    "PER_MILLE_BOUNDS",
    "PREVALENCE_SOURCE",
    "ManagementDenominator",
    "estimate_patients",
]


@dataclass(frozen=True)
class ManagementDenominator:
    """One way of counting the denominator of 健康管理率, as published by one source."""

    key: str
    title: Text
    #: The publication (or the program's own rule) it comes from.
    source: Text
    #: The denominator is the area's estimated patients (adults × prevalence), not the
    #: registered ones.
    estimated: bool


#: Known rules by key. Pick one per township (settings); the default is
#: DEFAULT_MANAGEMENT_DENOMINATOR.
MANAGEMENT_DENOMINATORS: MappingProxyType[str, ManagementDenominator] = MappingProxyType(
    {
        "registered": ManagementDenominator(
            key="registered",
            title=msg("在册患者数", "Registered patients"),
            source=msg(
                "本系统默认口径：在册（已建档）且有该诊断的居民",
                "This program's default: registered residents with the diagnosis",
            ),
            estimated=False,
        ),
        "estimated": ManagementDenominator(
            key="estimated",
            title=msg(
                "辖区患者估算数（常住成年人口 × 成年人患病率）", "Estimated patients (resident adults × prevalence)"
            ),
            source=msg(
                "国家基本公共卫生服务规范（第三版，2017）",
                "National Basic Public Health Service Specification, 3rd edition (2017)",
            ),
            estimated=True,
        ),
    }
)
DEFAULT_MANAGEMENT_DENOMINATOR = "registered"

#: Adults (成年人) for the estimate: aged 18 and over on the statistics date.
ADULT_MIN_AGE = 18
#: Where the default prevalence rates come from (the 2012 national survey).
PREVALENCE_SOURCE = msg(
    "《中国居民营养与慢性病状况报告（2015年）》",
    "Report on Nutrition and Chronic Diseases of Chinese Residents (2015)",
)
#: Adult prevalence of hypertension, per mille (25.2%, PREVALENCE_SOURCE).
DEFAULT_HYPERTENSION_PREVALENCE = 252
#: Adult prevalence of diabetes, per mille (9.7%, PREVALENCE_SOURCE).
DEFAULT_DIABETES_PREVALENCE = 97
#: The prevalence settings are whole numbers of per mille in this range.
PER_MILLE_BOUNDS = (0, 1000)


def estimate_patients(adults: int, per_mille: int) -> int:
    """The estimated patients among *adults* at a prevalence of *per_mille*, rounded to the
    nearest whole number (halves up; integer arithmetic, so 0.5 is exactly 0.5)."""
    return (adults * per_mille + 500) // 1000
