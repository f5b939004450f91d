"""Follow-up rules for hypertension and type 2 diabetes patients (高血压/2型糖尿病患者随访).

From the national basic public health service specification, 3rd edition (2017), see
DOMAIN.md §5:

* At each follow-up the reading is classified. A reading at or above the danger
  thresholds — systolic ≥ 180 mmHg and/or diastolic ≥ 110 mmHg; fasting glucose ≥ 16.7 or
  ≤ 3.9 mmol/L — means **urgent referral** whatever the control target; the team follows the
  referral up within 2 weeks. These thresholds are fixed, not settings.
* Otherwise the reading is **controlled** when it is below the control target, else
  **uncontrolled**: the next follow-up is due within 2 weeks (after adjusting treatment).
  A controlled patient is seen again in 3 months (at least 4 face-to-face follow-ups a year).
* Uncontrolled at two consecutive follow-ups, or a new or worsening complication → refer to
  a higher-level hospital (:func:`needs_referral`).

The blood-pressure control target differs by guideline edition and age, so it is a setting
(:data:`BP_TARGETS`) that names its source: a township picks the key its county follows.
A :class:`BpTarget` is a tuple of age bands; the band with the highest ``min_age`` not above
the patient's age applies, so age-dependent targets are data, not code. The fasting glucose
target is a setting in the same way (:data:`GLUCOSE_TARGETS`).

Explanations (``reason``) are :class:`~fdclient.text.Text`: Chinese for the form and the
work list, English when the program runs in English.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from fdclient.domain.validation import check_blood_pressure, check_measurement
from fdclient.errors import ValidationError
from fdclient.text import Text, msg

__all__ = [
    "BP_TARGETS",
    "BP_URGENT_DIASTOLIC",
    "BP_URGENT_SYSTOLIC",
    "CONTROLLED_FOLLOWUP_MONTHS",
    "DEFAULT_BP_TARGET",
    "DEFAULT_GLUCOSE_TARGET",
    "GLUCOSE_DANGER_HIGH",
    "GLUCOSE_DANGER_LOW",
    "GLUCOSE_TARGETS",
    "UNCONTROLLED_FOLLOWUP_DAYS",
    "Assessment",
    "BpAssessment",
    "BpBand",
    "BpTarget",
    "ControlStatus",
    "GlucoseAssessment",
    "GlucoseTarget",
    "ReferralAdvice",
    "classify_bp",
    "classify_fasting_glucose",
    "needs_referral",
    "next_followup_due",
]

#: Danger thresholds (mmHg): at or above either one → urgent referral. Not configurable.
BP_URGENT_SYSTOLIC = 180
BP_URGENT_DIASTOLIC = 110
#: Fasting glucose danger signs (mmol/L): ≥ high or ≤ low → urgent referral.
GLUCOSE_DANGER_HIGH = 16.7
GLUCOSE_DANGER_LOW = 3.9
#: Uncontrolled or referred: the next follow-up is due within this many days.
UNCONTROLLED_FOLLOWUP_DAYS = 14
#: Controlled: the next follow-up is due this many calendar months later (4 a year).
CONTROLLED_FOLLOWUP_MONTHS = 3

_SPEC_2017_ZH = "国家基本公共卫生服务规范（第三版，2017）"
_SPEC_2017_EN = "National Basic Public Health Service Specification, 3rd edition (2017)"
_WEEKS = UNCONTROLLED_FOLLOWUP_DAYS // 7


class ControlStatus(StrEnum):
    """Outcome of one follow-up reading."""

    CONTROLLED = "controlled"
    UNCONTROLLED = "uncontrolled"
    URGENT_REFERRAL = "urgent_referral"

    @property
    def text(self) -> Text:
        return _STATUS_TEXT[self]

    @property
    def label(self) -> str:
        return self.text.zh


_STATUS_TEXT: Mapping[ControlStatus, Text] = MappingProxyType(
    {
        ControlStatus.CONTROLLED: msg("控制满意", "controlled"),
        ControlStatus.UNCONTROLLED: msg("控制不满意", "not controlled"),
        ControlStatus.URGENT_REFERRAL: msg("需紧急转诊", "urgent referral"),
    }
)


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


@dataclass(frozen=True)
class BpAssessment:
    status: ControlStatus
    systolic: int
    diastolic: int
    age: int
    target_key: str
    target_source: Text
    systolic_below: int
    diastolic_below: int
    #: Explanation for the form and the work list.
    reason: Text

    @property
    def reading(self) -> Text:
        return _bp_reading(self.systolic, self.diastolic)

    @property
    def form_classification(self) -> int:
        """Code on the follow-up form: 1 controlled, 2 uncontrolled (urgent included)."""
        return 1 if self.status is ControlStatus.CONTROLLED else 2


@dataclass(frozen=True)
class GlucoseAssessment:
    status: ControlStatus
    fasting_glucose: float
    target_key: str
    target_source: Text
    fasting_below: float
    reason: Text

    @property
    def reading(self) -> Text:
        return _glucose_reading(self.fasting_glucose)

    @property
    def form_classification(self) -> int:
        return 1 if self.status is ControlStatus.CONTROLLED else 2


Assessment = BpAssessment | GlucoseAssessment


@dataclass(frozen=True)
class ReferralAdvice:
    refer: bool
    urgent: bool
    #: Why; None when no referral is needed.
    reason: Text | None = None


def _bp_reading(systolic: int, diastolic: int) -> Text:
    return msg(
        "血压 {systolic}/{diastolic} mmHg",
        "blood pressure {systolic}/{diastolic} mmHg",
        systolic=systolic,
        diastolic=diastolic,
    )


def _glucose_reading(value: float) -> Text:
    return msg("空腹血糖 {value} mmol/L", "fasting glucose {value} mmol/L", value=f"{value:g}")


def _danger_signs(systolic: int, diastolic: int) -> Text:
    """Which danger threshold a reading reaches (at least one does)."""
    params = {"s": BP_URGENT_SYSTOLIC, "d": BP_URGENT_DIASTOLIC}
    if systolic >= BP_URGENT_SYSTOLIC and diastolic >= BP_URGENT_DIASTOLIC:
        return msg("收缩压≥{s} mmHg且舒张压≥{d} mmHg", "systolic ≥ {s} mmHg and diastolic ≥ {d} mmHg", **params)
    if systolic >= BP_URGENT_SYSTOLIC:
        return msg("收缩压≥{s} mmHg", "systolic ≥ {s} mmHg", **params)
    return msg("舒张压≥{d} mmHg", "diastolic ≥ {d} mmHg", **params)


def classify_bp(
    systolic: int | float | str,
    diastolic: int | float | str,
    age: int,
    target: BpTarget | str = DEFAULT_BP_TARGET,
) -> BpAssessment:
    """Classify one reading against *target* (a :class:`BpTarget` or a key of BP_TARGETS).

    The reading is checked first (plausible range, systolic above diastolic).
    """
    high, low = check_blood_pressure(systolic, diastolic)
    if not 0 <= age <= 150:
        raise ValidationError(
            msg("年龄应在 0 到 150 岁之间，实际为 {age}", "Age must be between 0 and 150 years, not {age}", age=age),
            field="age",
        )
    rule = _lookup(BP_TARGETS, target, msg("血压控制目标", "blood-pressure control target"))
    band = rule.band_for(age)
    reading = _bp_reading(high, low)
    if high >= BP_URGENT_SYSTOLIC or low >= BP_URGENT_DIASTOLIC:
        status = ControlStatus.URGENT_REFERRAL
        reason = msg(
            "{reading}，{signs}，属危急情况，应紧急转诊，{weeks} 周内主动随访转诊情况",
            "{reading}, {signs}: a danger sign; refer urgently and follow the referral up within {weeks} weeks",
            reading=reading,
            signs=_danger_signs(high, low),
            weeks=_WEEKS,
        )
    elif high < band.systolic_below and low < band.diastolic_below:
        status = ControlStatus.CONTROLLED
        reason = msg(
            "{reading}，达到控制目标（{target}，{source}）",
            "{reading}: on target ({target}, {source})",
            reading=reading,
            target=band.text,
            source=rule.source,
        )
    else:
        status = ControlStatus.UNCONTROLLED
        reason = msg(
            "{reading}，未达到控制目标（{target}，{source}），{weeks} 周内随访",
            "{reading}: not on target ({target}, {source}); follow up within {weeks} weeks",
            reading=reading,
            target=band.text,
            source=rule.source,
            weeks=_WEEKS,
        )
    return BpAssessment(
        status=status,
        systolic=high,
        diastolic=low,
        age=age,
        target_key=rule.key,
        target_source=rule.source,
        systolic_below=band.systolic_below,
        diastolic_below=band.diastolic_below,
        reason=reason,
    )


def classify_fasting_glucose(
    value: float | int | str, target: GlucoseTarget | str = DEFAULT_GLUCOSE_TARGET
) -> GlucoseAssessment:
    """Classify a fasting glucose reading (mmol/L): danger sign, controlled or not."""
    glucose = check_measurement("fasting_glucose", value)
    rule = _lookup(GLUCOSE_TARGETS, target, msg("血糖控制目标", "glucose control target"))
    reading = _glucose_reading(glucose)
    below = f"{rule.fasting_below:.1f}"
    if glucose >= GLUCOSE_DANGER_HIGH or glucose <= GLUCOSE_DANGER_LOW:
        status = ControlStatus.URGENT_REFERRAL
        which = (
            msg("≥{high} mmol/L", "≥ {high} mmol/L", high=f"{GLUCOSE_DANGER_HIGH:.1f}")
            if glucose >= GLUCOSE_DANGER_HIGH
            else msg("≤{low} mmol/L，低血糖", "≤ {low} mmol/L, hypoglycaemia", low=f"{GLUCOSE_DANGER_LOW:.1f}")
        )
        reason = msg(
            "{reading}（{which}），属危急情况，应紧急转诊，{weeks} 周内主动随访转诊情况",
            "{reading} ({which}): a danger sign; refer urgently and follow the referral up within {weeks} weeks",
            reading=reading,
            which=which,
            weeks=_WEEKS,
        )
    elif glucose < rule.fasting_below:
        status = ControlStatus.CONTROLLED
        reason = msg(
            "{reading}，达到控制目标（<{below} mmol/L，{source}）",
            "{reading}: on target (<{below} mmol/L, {source})",
            reading=reading,
            below=below,
            source=rule.source,
        )
    else:
        status = ControlStatus.UNCONTROLLED
        reason = msg(
            "{reading}，未达到控制目标（<{below} mmol/L，{source}），{weeks} 周内随访",
            "{reading}: not on target (<{below} mmol/L, {source}); follow up within {weeks} weeks",
            reading=reading,
            below=below,
            source=rule.source,
            weeks=_WEEKS,
        )
    return GlucoseAssessment(
        status=status,
        fasting_glucose=glucose,
        target_key=rule.key,
        target_source=rule.source,
        fasting_below=rule.fasting_below,
        reason=reason,
    )


def next_followup_due(last_visit_date: date, assessment: Assessment) -> date:
    """Latest date for the next follow-up after a visit with *assessment*.

    Controlled: 3 calendar months later (31 Jan → 30 Apr; 30 Nov → 28/29 Feb).
    Uncontrolled or referred: 14 days later.
    """
    if assessment.status is ControlStatus.CONTROLLED:
        return _add_months(last_visit_date, CONTROLLED_FOLLOWUP_MONTHS)
    return last_visit_date + timedelta(days=UNCONTROLLED_FOLLOWUP_DAYS)


def needs_referral(recent_assessments: Sequence[Assessment], *, new_complication: bool = False) -> ReferralAdvice:
    """Whether to refer the patient, from the assessments of one condition, oldest first.

    * the latest reading is a danger sign → urgent referral;
    * the latest two follow-ups were both not controlled → refer;
    * a new or worsening complication (*new_complication*) → refer.
    """
    if recent_assessments and recent_assessments[-1].status is ControlStatus.URGENT_REFERRAL:
        return ReferralAdvice(refer=True, urgent=True, reason=recent_assessments[-1].reason)
    last_two = list(recent_assessments[-2:])
    if len(last_two) == 2 and all(a.status is not ControlStatus.CONTROLLED for a in last_two):
        return ReferralAdvice(
            refer=True,
            urgent=False,
            reason=msg(
                "连续两次随访控制不满意（{first}；{second}），建议转诊到上级医院，{weeks} 周内主动随访转诊情况",
                "Not on target at two follow-ups in a row ({first}; {second}): refer to a higher-level hospital "
                "and follow the referral up within {weeks} weeks",
                first=last_two[0].reading,
                second=last_two[1].reading,
                weeks=_WEEKS,
            ),
        )
    if new_complication:
        return ReferralAdvice(
            refer=True,
            urgent=False,
            reason=msg(
                "出现新的并发症或原有并发症加重，建议转诊到上级医院，{weeks} 周内主动随访转诊情况",
                "A new or worsening complication: refer to a higher-level hospital and follow the referral up "
                "within {weeks} weeks",
                weeks=_WEEKS,
            ),
        )
    return ReferralAdvice(refer=False, urgent=False)


_Target = TypeVar("_Target", BpTarget, GlucoseTarget)


def _lookup(table: Mapping[str, _Target], target: _Target | str, what: Text) -> _Target:
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


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
