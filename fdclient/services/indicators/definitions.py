"""Indicator definitions (考核指标, DOMAIN.md §6) as configuration, not code paths.

Definitions vary by region, so every indicator has a Chinese name and a formula text that
is shown next to its figure, and the parameters the formulas depend on (which key
populations count, the length of the period, the number of follow-ups that makes
management "standardised", the control targets, the satisfied score) are fields of
:class:`IndicatorDefinitions`. A county with different rules builds its own instance, e.g.
``dataclasses.replace(DEFAULT_DEFINITIONS, bp_target="guideline2025")``.

Formula texts may contain ``{placeholders}`` filled from :meth:`IndicatorDefinitions.params`
(``{period_months}``, ``{min_followups}``, ``{bp_target}``, ``{glucose_target}``,
``{satisfied_min_score}``, and ``{tag}`` / ``{kind}`` for the per-population and
per-service rows), so the text shown always matches the parameters used.

What the counts mean (the choices made where the national texts leave room):

* **Registered resident (在册居民) on D:** not voided, not merged into another record, born
  by D, and active on D: status ``active``, or moved out / deceased *after* D
  (``status_changed_on > D``). Someone who died or moved on D no longer counts on D. The
  model has no registration date, so a resident registered after D still counts for D
  when the other conditions hold.
* **Contracted (签约) on D:** a ``contract_members`` row whose contract was signed by D
  (status not draft, ``signed_at`` on or before D in local time), covers D
  (``start_date <= D <= end_date``), was not terminated on or before D and whose member
  had not left on or before D. Only dates are used, never today's ``status`` /
  ``is_active``, so figures for a past D are right.
* **Period:** the :attr:`~IndicatorDefinitions.period_months` months ending on D, i.e.
  ``(D - period, D]``.
* **Renewal:** contracts signed by D whose end date is in the period and that were not
  terminated on or before their end date; renewed when a successor contract
  (``renewal_of_id``) was signed by D. Counted in the representative's village.
* **Fulfilment (履约率):** residents contracted on D with at least one planned service due in
  the period (window ending in it, not cancelled); fulfilled when every one of them was
  done by D (``status = 'done'`` and ``fulfilled_on <= D``). Residents with nothing due are
  in neither numerator nor denominator. No cancellation date is recorded, so a service
  cancelled after D is left out for D as well.
* **Fulfilment per service kind:** for the township only, every planned service due in the
  period (also those of residents no longer contracted on D), and those done by D.
* **Follow-ups (规范管理率, 控制率):** visits of kind hypertension / diabetes that are the
  current revision (nothing supersedes them; a correction's own date counts), not voided,
  dated in the period, any mode (clinic, home, phone). Controlled means the latest such
  visit's reading is below the target (blood pressure: the band for the patient's age on
  D; a missing reading is not controlled).
* **Satisfaction:** non-voided surveys dated in the period, by the surveyed resident's
  village; the satisfied answer when there is one, otherwise the score.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from fdclient.domain.followup_rules import (
    BP_TARGETS,
    DEFAULT_BP_TARGET,
    DEFAULT_GLUCOSE_TARGET,
    GLUCOSE_TARGETS,
)
from fdclient.domain.key_populations import KeyPopulation

__all__ = [
    "DEFAULT_DEFINITIONS",
    "IndicatorDefinition",
    "IndicatorDefinitions",
    "period_start",
]


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


@dataclass(frozen=True)
class IndicatorDefinitions:
    """Every indicator's name and formula, and the parameters of the formulas."""

    coverage: IndicatorDefinition = IndicatorDefinition(
        "coverage",
        "签约覆盖率",
        "签约居民数 ÷ 在册居民数（在册：档案未作废、未合并，统计日未死亡、未迁出；"
        "签约：统计日在已签订协议的有效期内，协议未解约、本人未退出）",
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
        "近{period_months}个月内有到期计划服务的签约居民数（已取消的服务不计）",
    )
    #: One row per service kind with services due in the period (``{kind}`` is its label),
    #: for the township only.
    kind_fulfilment: IndicatorDefinition = IndicatorDefinition(
        "fulfilment_rate_{kind_key}",
        "{kind}履约率",
        "近{period_months}个月内到期、至统计日已完成的{kind}次数 ÷ 近{period_months}个月内到期的{kind}次数"
        "（全乡镇的计划服务，含统计日已不在约居民的，已取消的不计）",
    )
    hypertension_standardised: IndicatorDefinition = IndicatorDefinition(
        "hypertension_standardised",
        "高血压患者规范管理率",
        "近{period_months}个月内有效随访（现行版本、未作废）≥{min_followups}次的在册高血压患者数 ÷ 在册高血压患者数",
    )
    hypertension_controlled: IndicatorDefinition = IndicatorDefinition(
        "hypertension_controlled",
        "高血压患者血压控制率",
        "最近一次随访血压达标（{bp_target}）的高血压患者数 ÷ 近{period_months}个月内有随访的在册高血压患者数",
    )
    diabetes_standardised: IndicatorDefinition = IndicatorDefinition(
        "diabetes_standardised",
        "2型糖尿病患者规范管理率",
        "近{period_months}个月内有效随访（现行版本、未作废）≥{min_followups}次的在册糖尿病患者数 ÷ 在册糖尿病患者数",
    )
    diabetes_controlled: IndicatorDefinition = IndicatorDefinition(
        "diabetes_controlled",
        "2型糖尿病患者血糖控制率",
        "最近一次随访空腹血糖达标（{glucose_target}）的糖尿病患者数 ÷ 近{period_months}个月内有随访的在册糖尿病患者数",
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
    #: Follow-ups in the period that make management standardised (规范管理).
    min_followups: int = 4
    #: A key of followup_rules.BP_TARGETS (age bands use the age on the statistics date).
    bp_target: str = DEFAULT_BP_TARGET
    #: A key of followup_rules.GLUCOSE_TARGETS.
    glucose_target: str = DEFAULT_GLUCOSE_TARGET
    #: A survey with only a score counts as satisfied from this score (0-100).
    satisfied_min_score: int = 80

    def params(self) -> dict[str, Any]:
        """Values for the ``{placeholders}`` of the formula texts."""
        bp = BP_TARGETS[self.bp_target]
        glucose = GLUCOSE_TARGETS[self.glucose_target]
        return {
            "period_months": self.period_months,
            "min_followups": self.min_followups,
            "bp_target": bp.bands[0].text if len(bp.bands) == 1 else bp.note,
            "glucose_target": f"<{glucose.fasting_below:.1f} mmol/L",
            "satisfied_min_score": self.satisfied_min_score,
            "key_populations": "、".join(tag.label for tag in self.key_populations),
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
