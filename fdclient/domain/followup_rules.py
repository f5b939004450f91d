"""Follow-up rules for hypertension and type 2 diabetes patients (高血压/2型糖尿病患者随访),
in one place: classification, the next visit, and whether to refer.

From the national basic public health service specification, 3rd edition (2017), see
DOMAIN.md §5:

* **What decides control.** A hypertension follow-up is classified on blood pressure; a
  type 2 diabetes follow-up on fasting glucose alone (controlled below 7.0 mmol/L), never
  on blood pressure. Blood pressure measured at a diabetes follow-up gets a status of its
  own (shown beside the classification, deciding neither it nor the next visit), except
  that a danger value still means urgent referral (:func:`followup_outcome`).
* **Danger values** — systolic ≥ 180 mmHg and/or diastolic ≥ 110 mmHg; fasting glucose ≥ 16.7
  or ≤ 3.9 mmol/L — mean **urgent referral** whatever the control target; the team follows
  the referral up within 2 weeks. These thresholds are fixed, not settings.
* **Danger signs** (危急情况) mean urgent referral after first aid too: the ticked signs of
  ``codes.DANGER_SIGN`` (altered consciousness, severe headache or dizziness, nausea and
  vomiting, blurred vision or eye pain, chest pain, tightness or palpitations, breathlessness,
  acetone breath, heart rate above 100, temperature above 39 °C, raised readings in pregnancy
  or breastfeeding, anything the village cannot treat), and these symptoms of the
  hypertension form (:data:`HYPERTENSION_DANGER_SYMPTOMS`): 呼吸困难 (5), 心悸胸闷 (6),
  鼻衄出血不止 (7), and 头痛头晕 (2) together with 恶心呕吐 (3). Headache or dizziness alone, or
  nausea alone, does not count (the form does not say how severe), nor does any symptom of
  the diabetes form (thirst, polyuria, blurred vision ... are the disease's usual
  symptoms): tick the danger sign when it applies.
* Otherwise the reading is **controlled** when it is below the control target, else
  **uncontrolled**: the next follow-up is due within 2 weeks (after adjusting treatment).
  A controlled patient is seen again in 3 months (at least 4 face-to-face follow-ups a year).
* Uncontrolled at two consecutive follow-ups, or a new or worsening complication → refer to
  a higher-level hospital, and follow the referral up within 2 weeks. :func:`needs_referral`
  is the one referral rule: the form, the work list and the tests all use it.

The control targets are settings that name their source (:mod:`fdclient.domain.control_targets`,
re-exported here): :data:`BP_TARGETS` by guideline edition and age, :data:`GLUCOSE_TARGETS`.

Explanations (``reason``) are :class:`~fdclient.text.Text`: Chinese for the form and the
work list, English when the program runs in English.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from fdclient.domain.codes import DANGER_SIGN_TEXT, HYPERTENSION_SYMPTOM, VisitKind, in_sentence
from fdclient.domain.control_targets import (
    BP_TARGETS,
    DEFAULT_BP_TARGET,
    DEFAULT_GLUCOSE_TARGET,
    GLUCOSE_TARGETS,
    BpBand,
    BpTarget,
    GlucoseTarget,
    lookup_target,
)
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
    "HYPERTENSION_DANGER_SYMPTOMS",
    "UNCONTROLLED_FOLLOWUP_DAYS",
    "Assessment",
    "BpAssessment",
    "BpBand",
    "BpTarget",
    "ControlStatus",
    "FollowupOutcome",
    "GlucoseAssessment",
    "GlucoseTarget",
    "ReferralAdvice",
    "classify_bp",
    "classify_fasting_glucose",
    "danger_findings",
    "followup_outcome",
    "joined",
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
    #: Why, one explanation per ground (empty when no referral is needed).
    reasons: tuple[Text, ...] = ()

    @property
    def reason(self) -> Text | None:
        """The explanations in one message; None when no referral is needed."""
        return joined(self.reasons) if self.reasons else None


def joined(texts: Sequence[Text]) -> Text:
    """Several explanations in one message, separated as each language does."""
    if len(texts) == 1:
        return texts[0]
    params = {f"_{i}": t for i, t in enumerate(texts)}
    slots = [f"{{{name}}}" for name in params]
    return msg("；".join(slots), "; ".join(slots), **params)


def _listed(texts: Sequence[Text]) -> Text:
    """Items of a list in one message (“甲、乙” / “a, b”)."""
    params = {f"_{i}": t for i, t in enumerate(texts)}
    slots = [f"{{{name}}}" for name in params]
    return msg("、".join(slots), ", ".join(slots), **params)


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
    rule = lookup_target(BP_TARGETS, target, msg("血压控制目标", "blood-pressure control target"))
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
    rule = lookup_target(GLUCOSE_TARGETS, target, msg("血糖控制目标", "glucose control target"))
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


#: Symptoms of the hypertension form that are danger signs: each set counts when all its
#: codes are ticked (codes.HYPERTENSION_SYMPTOM).
HYPERTENSION_DANGER_SYMPTOMS: tuple[frozenset[str], ...] = (
    frozenset({"5"}),  # 呼吸困难: the specification's 喘憋不能平卧
    frozenset({"6"}),  # 心悸胸闷: the specification's 心悸、胸闷
    frozenset({"7"}),  # 鼻衄出血不止: bleeding the village cannot stop
    frozenset({"2", "3"}),  # 头痛头晕 with 恶心呕吐: the specification's 剧烈头痛或头晕、恶心呕吐
)
_HYPERTENSION_SYMPTOM_EN: Mapping[str, str] = MappingProxyType(
    {
        "2": "headache or dizziness",
        "3": "nausea or vomiting",
        "5": "difficulty breathing",
        "6": "palpitations or chest tightness",
        "7": "a nosebleed that does not stop",
    }
)


def danger_findings(kind: VisitKind, symptoms: Iterable[str], danger_signs: Iterable[str]) -> tuple[Text, ...]:
    """The danger signs a follow-up of ``kind`` shows: the ticked ``danger_signs`` (codes of
    codes.DANGER_SIGN) and the ticked ``symptoms`` that count as one (see the module text)."""
    found = [in_sentence(DANGER_SIGN_TEXT[code]) for code in danger_signs]
    if kind is VisitKind.HYPERTENSION:
        chosen = set(symptoms)
        for rule in HYPERTENSION_DANGER_SYMPTOMS:
            if rule <= chosen:
                ordered = sorted(rule, key=int)
                found.append(
                    msg(
                        "伴".join(HYPERTENSION_SYMPTOM[c] for c in ordered),
                        " with ".join(_HYPERTENSION_SYMPTOM_EN[c] for c in ordered),
                    )
                )
    return tuple(found)


def needs_referral(
    recent_assessments: Sequence[Assessment],
    *,
    also_measured: Sequence[Assessment] = (),
    danger_signs: Sequence[Text] = (),
    new_complication: bool = False,
) -> ReferralAdvice:
    """Whether to refer the patient: the one referral rule.

    ``recent_assessments`` are the readings that decide control of one condition (blood
    pressure for hypertension, fasting glucose for diabetes), oldest first, the latest being
    this follow-up's; ``also_measured`` other readings of this follow-up (blood pressure on a
    diabetes form); ``danger_signs`` what :func:`danger_findings` found.

    * a danger value in the latest or an also measured reading, or a danger sign → urgent;
    * the latest two follow-ups were both not controlled → refer;
    * a new or worsening complication (*new_complication*) → refer.
    """
    latest = recent_assessments[-1:]
    urgent = [a.reason for a in (*latest, *also_measured) if a.status is ControlStatus.URGENT_REFERRAL]
    if danger_signs:
        urgent.append(
            msg(
                "出现危急情况（{signs}），应在处理后紧急转诊，{weeks} 周内主动随访转诊情况",
                "Danger signs ({signs}): give first aid, refer urgently and follow the referral up within "
                "{weeks} weeks",
                signs=_listed(danger_signs),
                weeks=_WEEKS,
            )
        )
    reasons = list(urgent)
    last_two = list(recent_assessments[-2:])
    if not urgent and len(last_two) == 2 and all(a.status is not ControlStatus.CONTROLLED for a in last_two):
        reasons.append(
            msg(
                "连续两次随访控制不满意（{first}；{second}），建议转诊到上级医院，{weeks} 周内主动随访转诊情况",
                "Not on target at two follow-ups in a row ({first}; {second}): refer to a higher-level hospital "
                "and follow the referral up within {weeks} weeks",
                first=last_two[0].reading,
                second=last_two[1].reading,
                weeks=_WEEKS,
            )
        )
    if new_complication:
        reasons.append(
            msg(
                "出现新的并发症或原有并发症加重，建议转诊到上级医院，{weeks} 周内主动随访转诊情况",
                "A new or worsening complication: refer to a higher-level hospital and follow the referral up "
                "within {weeks} weeks",
                weeks=_WEEKS,
            )
        )
    return ReferralAdvice(refer=bool(reasons), urgent=bool(urgent), reasons=tuple(reasons))


@dataclass(frozen=True)
class FollowupOutcome:
    """What the readings and findings of one follow-up mean (:func:`followup_outcome`)."""

    #: The reading that decides control: blood pressure at a hypertension follow-up, fasting
    #: glucose at a diabetes follow-up; None when it was not measured.
    deciding: Assessment | None
    #: Blood pressure at a diabetes follow-up: its own status, deciding only a danger value.
    blood_pressure_aside: BpAssessment | None
    referral: ReferralAdvice
    #: Latest date for the next follow-up; None without a reading or a referral.
    next_due: date | None

    @property
    def classification(self) -> int | None:
        """Form code: 1 controlled, 2 uncontrolled; None when the deciding reading is missing."""
        return self.deciding.form_classification if self.deciding is not None else None

    @property
    def reasons(self) -> tuple[Text, ...]:
        """The explanations: the deciding reading, the blood pressure aside, the referral."""
        shown: list[Text] = []
        if self.deciding is not None:
            shown.append(self.deciding.reason)
        aside = self.blood_pressure_aside
        if aside is not None:
            shown.append(
                msg(
                    "{reason}（血压单独评价，不参与血糖控制分类）",
                    "{reason} (blood pressure is judged on its own and does not decide the glucose classification)",
                    reason=aside.reason,
                )
            )
        readings = [a.reason for a in (self.deciding, aside) if a is not None]
        return (*shown, *(r for r in self.referral.reasons if r not in readings))


def followup_outcome(
    kind: VisitKind,
    visit_date: date,
    *,
    bp: BpAssessment | None,
    glucose: GlucoseAssessment | None = None,
    previous: Assessment | None = None,
    danger_signs: Sequence[Text] = (),
    new_complication: bool = False,
) -> FollowupOutcome:
    """Classify a follow-up of ``kind`` (hypertension or diabetes) and advise.

    ``previous`` is the deciding reading of the patient's previous follow-up of the same
    kind (for “two in a row”). With a referral the next follow-up is due within 2 weeks
    (to follow the referral up); otherwise as :func:`next_followup_due` of the deciding
    reading.
    """
    deciding: Assessment | None
    if kind is VisitKind.HYPERTENSION:
        deciding, aside = bp, None
    elif kind is VisitKind.DIABETES:
        deciding, aside = glucose, bp
    else:
        raise ValueError(f"not a chronic-disease follow-up: {kind}")
    recent = [a for a in (previous, deciding) if a is not None] if deciding is not None else []
    referral = needs_referral(
        recent,
        also_measured=[aside] if aside is not None else [],
        danger_signs=danger_signs,
        new_complication=new_complication,
    )
    if referral.refer:
        due: date | None = visit_date + timedelta(days=UNCONTROLLED_FOLLOWUP_DAYS)
    else:
        due = next_followup_due(visit_date, deciding) if deciding is not None else None
    return FollowupOutcome(deciding, aside, referral, due)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
