"""Indicator definitions (考核指标, DOMAIN.md §6) as configuration, not code paths.

Definitions vary by region, so every indicator has a Chinese name and a formula text that
is shown next to its figure, and the parameters the formulas depend on (which key
populations count, the length of the period, what makes chronic-disease management
"standardised", the control targets, the satisfied score) are fields of
:class:`IndicatorDefinitions`. A county with different rules builds its own instance, e.g.
``dataclasses.replace(DEFAULT_DEFINITIONS, bp_target="guideline2025")``; the township's
``bp_target`` setting is applied by ``compute_indicators``. ``docs/indicators.md`` lists
every formula with its source.

Formula texts may contain ``{placeholders}`` filled from :meth:`IndicatorDefinitions.params`
(``{period_months}``, ``{min_followups}``, ``{followup_modes}``, ``{bp_target}``,
``{glucose_target}``, ``{management_source}``, ``{hypertension_denominator}``,
``{diabetes_denominator}``, ``{satisfied_min_score}``, and ``{tag}`` / ``{kind}`` for the
per-population and per-service rows), so the text shown always matches the parameters
used. The township's ``management_denominator`` and prevalence settings are applied by
``compute_indicators`` like ``bp_target``.

What the counts mean (the choices made where the national texts leave room):

* **Registered resident (在册居民) on D:** registered (建档, ``registered_on``) by D, not
  voided, not merged into another record, born by D, and active on D: status ``active``,
  or moved out / deceased *after* D (``status_changed_on > D``). Someone who died or moved
  on D no longer counts on D.
* **Contracted (签约) on D:** a ``contract_members`` row whose contract was signed by D
  (status not draft, ``signed_at`` on or before D in local time), covers D
  (``start_date <= D <= end_date``), was not terminated on or before D, and whose member
  had joined by D and not left on or before D. Only dates are used, never today's
  ``status`` / ``is_active``, so figures for a past D are right.
* **Team and family doctor (团队, 家庭医生):** those of the contract covering the resident on
  D (the one that started later when two overlap; on the same day, the later-created). A
  resident covered by no contract is counted in the township and the village only.
  Renewals count in the team and doctor of the contract that expired. For a team or
  doctor the population *is* its registered covered residents, so its coverage rates are
  100% by construction; its households are those with a member it covers (one household
  can count for two doctors, once for their team); its other figures are its own.
* **Period:** the :attr:`~IndicatorDefinitions.period_months` months ending on D, i.e.
  ``(D - period, D]`` (a year: the 2017 specification's "年内").
* **Renewal:** contracts signed by D whose end date is in the period and that were not
  terminated on or before their end date; renewed when a successor contract
  (``renewal_of_id``) was signed by D. Counted in the representative's village.
* **Fulfilment (履约率):** residents contracted on D with at least one planned service due in
  the period (window ending in it, not closed on or before D); fulfilled when every one of
  them was done by D (``status = 'done'`` and ``fulfilled_on <= D``). A service cancelled
  after D (``closed_on > D``) was open on D and counts as not done. Residents with nothing
  due are in neither numerator nor denominator.
* **Fulfilment per service kind:** for the township only, every planned service due in the
  period (also those of residents no longer contracted on D), and those done by D.
* **Chronic disease management (高血压, 2型糖尿病; 2017 specification):**

  - *patients*: registered residents with the diagnosis (``has_hypertension`` /
    ``has_diabetes``);
  - *follow-ups*: visits of kind hypertension / diabetes dated in the period that are the
    current revision (nothing supersedes them; a correction counts on its own
    ``visit_date``) and not voided;
  - *managed* (年内已管理): patients with at least one such follow-up, any mode;
  - *standardised* (规范管理): managed patients with at least ``min_followups``
    face-to-face follow-ups (mode clinic "1" or home "2"; phone "3" only when
    ``phone_followups_count``);
  - *controlled*: managed patients whose latest follow-up (the latest date; on one day the
    later-created record) was on target: blood pressure below the band of the
    ``bp_target`` for the patient's age on D for hypertension; fasting glucose below the
    ``glucose_target`` for diabetes, never blood pressure. A missing reading is not on
    target.

  健康管理率 = managed ÷ patients; 规范管理率 and the control rate = ... ÷ managed.
  With ``management_denominator = "estimated"`` (the specification's own denominator),
  健康管理率 of the township and of each village divides by the estimated patients
  instead: the village's registered residents aged 18 and over on D × the adult
  prevalence (``hypertension_prevalence`` / ``diabetes_prevalence``, per mille), rounded
  to a whole number per village; the township's is the sum of its villages'. A team or
  doctor has no population to estimate from and keeps the registered patients.
* **Satisfaction:** non-voided surveys dated in the period, by the surveyed resident's
  village (and team and doctor on D, when registered and covered then); the satisfied
  answer when there is one, otherwise the score.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from fdclient.domain.codes import VISIT_MODE
from fdclient.domain.control_targets import (
    BP_TARGETS,
    DEFAULT_BP_TARGET,
    DEFAULT_GLUCOSE_TARGET,
    GLUCOSE_TARGETS,
)
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.management_denominators import (
    ADULT_MIN_AGE,
    DEFAULT_DIABETES_PREVALENCE,
    DEFAULT_HYPERTENSION_PREVALENCE,
    DEFAULT_MANAGEMENT_DENOMINATOR,
    MANAGEMENT_DENOMINATORS,
    PREVALENCE_SOURCE,
)
from fdclient.text import CHINESE

__all__ = [
    "DEFAULT_DEFINITIONS",
    "FACE_TO_FACE_MODES",
    "PHONE_MODE",
    "SPEC_2017",
    "IndicatorDefinition",
    "IndicatorDefinitions",
    "period_start",
]

#: The national specification the chronic-disease figures follow by default.
SPEC_2017 = "国家基本公共卫生服务规范（第三版，2017）"
#: Visit modes (codes.VISIT_MODE) that are face-to-face: at the clinic, at home.
FACE_TO_FACE_MODES = ("1", "2")
#: The phone follow-up: managed, but not face-to-face.
PHONE_MODE = "3"
assert {*FACE_TO_FACE_MODES, PHONE_MODE} == set(VISIT_MODE)


@dataclass(frozen=True)
class IndicatorDefinition:
    """How one indicator is named and explained (the formula shown beside the figure)."""

    key: str
    name_zh: str
    #: Chinese formula text; may contain ``{placeholders}`` (see the module docstring).
    formula_zh: str

    def render(self, params: dict[str, Any], **extra: Any) -> tuple[str, str]:
        """(name, formula) with the placeholders filled in."""
        values = {**params, **extra}
        return self.name_zh.format_map(values), self.formula_zh.format_map(values)


def _managed(disease: str) -> IndicatorDefinition:
    return IndicatorDefinition(
        f"{disease}_managed",
        f"{_DISEASE[disease]}患者健康管理率",
        f"已管理的{_DISEASE[disease]}患者数（近{{period_months}}个月内至少随访1次，随访方式不限；"
        f"只计现行版本、未作废的随访记录）÷ {{{disease}_denominator}}",
    )


def _standardised(disease: str) -> IndicatorDefinition:
    return IndicatorDefinition(
        f"{disease}_standardised",
        f"{_DISEASE[disease]}患者规范管理率",
        f"近{{period_months}}个月内{{followup_modes}}随访≥{{min_followups}}次的{_DISEASE[disease]}患者数 ÷ "
        f"已管理的{_DISEASE[disease]}患者数（{{management_source}}）",
    )


_DISEASE = {"hypertension": "高血压", "diabetes": "2型糖尿病"}
#: The diseases as their prevalence is published (糖尿病: all types, as the survey counts).
_PREVALENCE_OF = {"hypertension": "高血压", "diabetes": "糖尿病"}
_NATIONAL_PREVALENCE = {"hypertension": DEFAULT_HYPERTENSION_PREVALENCE, "diabetes": DEFAULT_DIABETES_PREVALENCE}


@dataclass(frozen=True)
class IndicatorDefinitions:
    """Every indicator's name and formula, and the parameters of the formulas."""

    coverage: IndicatorDefinition = IndicatorDefinition(
        "coverage",
        "签约覆盖率",
        "签约居民数 ÷ 在册居民数（在册：统计日前已建档，档案未作废、未合并，统计日未死亡、未迁出；"
        "签约：统计日在已签订协议的有效期内，协议未解约，本人已加入、未退出）",
    )
    key_population_coverage: IndicatorDefinition = IndicatorDefinition(
        "key_population_coverage",
        "重点人群签约覆盖率",
        "已签约的重点人群在册居民数 ÷ 重点人群在册居民数（重点人群：{key_populations}，年龄按统计日计算）",
    )
    #: One row per key population in :attr:`key_populations` (``{tag}`` is its label).
    tag_coverage: IndicatorDefinition = IndicatorDefinition(
        "coverage_{tag_key}",
        "{tag}签约覆盖率",
        "已签约的{tag}数 ÷ 在册{tag}数",
    )
    renewal_rate: IndicatorDefinition = IndicatorDefinition(
        "renewal_rate",
        "续约率",
        "统计期内到期的协议中至统计日已签订续约协议的份数 ÷ 近{period_months}个月内到期的已签约协议份数"
        "（到期前已解约的不计）",
    )
    fulfilment_rate: IndicatorDefinition = IndicatorDefinition(
        "fulfilment_rate",
        "履约率",
        "近{period_months}个月内到期的计划服务至统计日全部完成的签约居民数 ÷ "
        "近{period_months}个月内有到期计划服务的签约居民数（统计日前已取消的服务不计，统计日后才取消的计为未完成）",
    )
    #: One row per service kind with services due in the period (``{kind}`` is its label),
    #: for the township only.
    kind_fulfilment: IndicatorDefinition = IndicatorDefinition(
        "fulfilment_rate_{kind_key}",
        "{kind}履约率",
        "近{period_months}个月内到期、至统计日已完成的{kind}次数 ÷ 近{period_months}个月内到期的{kind}次数"
        "（全乡镇的计划服务，含统计日已不在约居民的；统计日前已取消的不计）",
    )
    hypertension_managed: IndicatorDefinition = _managed("hypertension")
    hypertension_standardised: IndicatorDefinition = _standardised("hypertension")
    hypertension_controlled: IndicatorDefinition = IndicatorDefinition(
        "hypertension_controlled",
        "高血压管理人群血压控制率",
        "近{period_months}个月内最近一次随访血压达标（{bp_target}）的高血压患者数 ÷ 已管理的高血压患者数",
    )
    diabetes_managed: IndicatorDefinition = _managed("diabetes")
    diabetes_standardised: IndicatorDefinition = _standardised("diabetes")
    diabetes_controlled: IndicatorDefinition = IndicatorDefinition(
        "diabetes_controlled",
        "2型糖尿病管理人群血糖控制率",
        "近{period_months}个月内最近一次随访空腹血糖达标（{glucose_target}，只看血糖、不看血压）的2型糖尿病患者数 ÷ "
        "已管理的2型糖尿病患者数",
    )
    satisfaction: IndicatorDefinition = IndicatorDefinition(
        "satisfaction",
        "满意度",
        "满意的答卷数（回答满意，或只有评分时评分≥{satisfied_min_score}）÷ 近{period_months}个月内未作废的调查答卷数",
    )

    #: Which key populations count for key-population coverage (regions differ).
    key_populations: tuple[KeyPopulation, ...] = tuple(KeyPopulation)
    #: Show a coverage row per key population.
    per_population_rows: bool = True
    #: Show a fulfilment row per service kind (township only).
    per_service_rows: bool = True
    #: Length of the period ending on the statistics date (renewal, fulfilment,
    #: follow-ups, satisfaction).
    period_months: int = 12
    #: Face-to-face follow-ups in the period that make management standardised (规范管理).
    min_followups: int = 4
    #: Whether phone follow-ups count towards ``min_followups`` (not in the national
    #: specification; they always count towards "managed").
    phone_followups_count: bool = False
    #: Where the management rules above come from (shown in the formulas).
    management_source: str = SPEC_2017
    #: A key of control_targets.BP_TARGETS (age bands use the age on the statistics date).
    bp_target: str = DEFAULT_BP_TARGET
    #: A key of control_targets.GLUCOSE_TARGETS.
    glucose_target: str = DEFAULT_GLUCOSE_TARGET
    #: A survey with only a score counts as satisfied from this score (0-100).
    satisfied_min_score: int = 80
    #: A key of management_denominators.MANAGEMENT_DENOMINATORS: what 健康管理率 divides by.
    management_denominator: str = DEFAULT_MANAGEMENT_DENOMINATOR
    #: Adult prevalence, per mille, for the ``estimated`` denominator.
    hypertension_prevalence: int = DEFAULT_HYPERTENSION_PREVALENCE
    diabetes_prevalence: int = DEFAULT_DIABETES_PREVALENCE

    @property
    def estimates_patients(self) -> bool:
        """Whether 健康管理率 of the township and villages divides by the estimated patients
        (adults × prevalence) rather than the registered ones."""
        return MANAGEMENT_DENOMINATORS[self.management_denominator].estimated

    def prevalence(self, disease: str) -> int:
        """The adult prevalence of *disease* ("hypertension", "diabetes"), per mille."""
        return self.hypertension_prevalence if disease == "hypertension" else self.diabetes_prevalence

    def denominator_text(self, disease: str, area: bool) -> str:
        """What 健康管理率 of *disease* divides by, with its source: for an *area* (the
        township, a village) as the rule says; for a team or doctor always the registered
        patients (an area estimate makes no sense for them)."""
        name = _DISEASE[disease]
        if not self.estimates_patients:
            return f"在册{name}患者数（{self.management_source}）"
        if not area:
            return f"在册{name}患者数（团队、家庭医生没有辖区人口，不按人口估算；{self.management_source}）"
        rule = MANAGEMENT_DENOMINATORS[self.management_denominator]
        per_mille = self.prevalence(disease)
        national = per_mille == _NATIONAL_PREVALENCE[disease]
        prevalence_source = f"{PREVALENCE_SOURCE.render(CHINESE)}全国数" if national else "乡镇设置的本地调查数"
        return (
            f"辖区{name}患者估算数（{rule.source.render(CHINESE)}：辖区常住成年人口总数 × 成年人"
            f"{_PREVALENCE_OF[disease]}患病率；成年人口取在册{ADULT_MIN_AGE}岁及以上居民数，患病率取"
            f"{per_mille}‰（{prevalence_source}）；各村分别四舍五入取整，乡镇为各村之和）"
        )

    @property
    def counted_modes(self) -> tuple[str, ...]:
        """The visit modes that count towards standardised management."""
        return (*FACE_TO_FACE_MODES, PHONE_MODE) if self.phone_followups_count else FACE_TO_FACE_MODES

    def params(self) -> dict[str, Any]:
        """Values for the ``{placeholders}`` of the formula texts."""
        bp = BP_TARGETS[self.bp_target]
        glucose = GLUCOSE_TARGETS[self.glucose_target]
        bp_text = bp.bands[0].text if len(bp.bands) == 1 else bp.note
        return {
            "period_months": self.period_months,
            "min_followups": self.min_followups,
            "followup_modes": "门诊、家庭或电话"
            if self.phone_followups_count
            else "面对面（门诊、家庭；电话随访不计）",
            "management_source": self.management_source,
            "bp_target": f"{bp_text}，{bp.source.render(CHINESE)}",
            "glucose_target": f"<{glucose.fasting_below:.1f} mmol/L，{glucose.source.render(CHINESE)}",
            "satisfied_min_score": self.satisfied_min_score,
            "key_populations": "、".join(tag.label for tag in self.key_populations),
            "hypertension_denominator": self.denominator_text("hypertension", area=True),
            "diabetes_denominator": self.denominator_text("diabetes", area=True),
        }


DEFAULT_DEFINITIONS = IndicatorDefinitions()


def period_start(as_of: date, months: int) -> date:
    """The exclusive start of the *months*-month period ending on *as_of*: the same day
    *months* months earlier (the last day of the month when that day does not exist, so
    29 Feb 2024 minus 12 months is 28 Feb 2023). The period is ``(start, as_of]``."""
    index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))
