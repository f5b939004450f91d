"""``fdclient stats`` output: an :class:`~fdclient.services.indicators.compute.IndicatorReport` as a
JSON object (parsed by county IT scripts, so its keys are a contract) or as a Chinese text
table aligned for CJK display width.

JSON (``report_to_json``), rates are fractions 0..1 rounded to 6 places, ``null`` when the
denominator is 0::

    {"format": 1, "as_of": "2025-06-30", "township_code": "360111101", "township_name": "罗家镇",
     "households": 3, "residents": 8, "contracted_residents": 4, "coverage": 0.5,
     "key_population": 7, "key_population_contracted": 3, "key_population_coverage": 0.428571,
     "renewal_rate": 0.5, "fulfilment_rate": 0.666667,
     "hypertension": {"patients": 2, "managed": 2, "standardised": 1, "controlled": 1,
                      "management_rate": 1.0, "standardisation_rate": 0.5, "control_rate": 0.5},
     "diabetes": {<the same keys>},
     "indicators": [{"key": "coverage", "name": "签约覆盖率", "formula": "...",
                     "numerator": 4, "denominator": 8, "value": 0.5}, ...],
     "villages": [{"code": "360111101201", "name": "东村", <the same figures>,
                   "indicators": [...]}, ...],
     "teams": [{"team_id": "0197…", "team_name": "第一团队", <the same figures>,
                "doctors": [{"doctor_id": "0197…", "doctor_name": "李医生", <the same figures>}, ...]},
               ...]}

A team's or doctor's residents are those it covers on the day (its coverage rates are 1 by
construction); residents without a contract are in the township and village figures only.

Under the township setting ``management_denominator = "estimated"``, the ``hypertension``
and ``diabetes`` objects of the township and of each village also have
``estimated_patients`` (adults × prevalence, the denominator of ``management_rate``) and
``adults`` (registered residents aged 18 and over); ``patients`` stays the registered
patients. Teams and doctors keep the registered patients as the denominator and have
neither key.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from fdclient.domain.management_denominators import ADULT_MIN_AGE
from fdclient.services.indicators.compute import AreaIndicators, Indicator, IndicatorReport, TeamIndicators

__all__ = ["JSON_FORMAT", "format_percent", "display_width", "report_to_json", "report_to_text"]

#: Bumped when a key changes meaning or disappears (new keys do not bump it).
JSON_FORMAT = 1

#: Top-level figures taken from indicators: JSON key → (indicator key, part).
_HEADLINE = {
    "coverage": ("coverage", "value"),
    "key_population": ("key_population_coverage", "denominator"),
    "key_population_contracted": ("key_population_coverage", "numerator"),
    "key_population_coverage": ("key_population_coverage", "value"),
    "renewal_rate": ("renewal_rate", "value"),
    "fulfilment_rate": ("fulfilment_rate", "value"),
}


#: The chronic-disease objects: JSON key → {JSON key: (indicator key, part)}, with
#: ``{d}`` the disease ("hypertension", "diabetes").
_CHRONIC = {
    "managed": ("{d}_managed", "numerator"),
    "standardised": ("{d}_standardised", "numerator"),
    "controlled": ("{d}_controlled", "numerator"),
    "management_rate": ("{d}_managed", "value"),
    "standardisation_rate": ("{d}_standardised", "value"),
    "control_rate": ("{d}_controlled", "value"),
}
DISEASES = ("hypertension", "diabetes")


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _indicator_json(item: Indicator) -> dict[str, Any]:
    return {
        "key": item.key,
        "name": item.name_zh,
        "formula": item.formula_zh,
        "numerator": item.numerator,
        "denominator": item.denominator,
        "value": _rate(item.value),
    }


def _part(area: AreaIndicators, key: str, part: str) -> float | int | None:
    value = getattr(area.indicator(key), part)
    return _rate(value) if part == "value" else value


def _area_json(area: AreaIndicators) -> dict[str, Any]:
    data: dict[str, Any] = {
        "households": area.households,
        "residents": area.residents,
        "contracted_residents": area.contracted_residents,
    }
    for name, (key, part) in _HEADLINE.items():
        data[name] = _part(area, key, part)
    for disease in DISEASES:
        data[disease] = {
            "patients": area.patients(disease),
            **{name: _part(area, key.format(d=disease), part) for name, (key, part) in _CHRONIC.items()},
        }
        estimate = area.estimate(disease)
        if estimate is not None:
            data[disease].update(estimated_patients=estimate.estimated, adults=estimate.adults)
    data["indicators"] = [_indicator_json(item) for item in area.indicators]
    return data


def report_to_json(report: IndicatorReport) -> dict[str, Any]:
    """The report as a JSON-ready dict (see the module docstring for the keys)."""
    township = report.township
    return {
        "format": JSON_FORMAT,
        "as_of": report.as_of.isoformat(),
        "township_code": township.code,
        "township_name": township.name,
        **_area_json(township),
        "villages": [
            {"code": village.code, "name": village.name, **_area_json(village)} for village in report.villages
        ],
        "teams": [_team_json(team) for team in report.teams],
    }


def _team_json(team: TeamIndicators) -> dict[str, Any]:
    return {
        "team_id": team.team.code,
        "team_name": team.team.name,
        **_area_json(team.team),
        "doctors": [
            {"doctor_id": doctor.code, "doctor_name": doctor.name, **_area_json(doctor)} for doctor in team.doctors
        ],
    }


# --- text ----------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns *text* takes in a terminal: wide and full-width characters (CJK) take two,
    combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _table(headers: list[str], rows: list[list[str]], right: set[int], free_last: bool = False) -> list[str]:
    """Rows aligned on display width; columns in *right* are right-aligned; with
    *free_last* the last column is not padded (long free text such as formulas)."""
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [
            cell if free_last and i == len(row) - 1 else _pad(cell, widths[i], i in right) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def format_percent(value: float | None) -> str:
    """``0.5`` → ``50.0%``; ``None`` (denominator 0) → ``无``."""
    return "无" if value is None else f"{value * 100:.1f}%"


_VILLAGE_COLUMNS = (
    ("签约覆盖率", "coverage"),
    ("重点人群覆盖率", "key_population_coverage"),
    ("续约率", "renewal_rate"),
    ("履约率", "fulfilment_rate"),
    ("满意度", "satisfaction"),
)


def _village_row(area: AreaIndicators, name: str, code: str) -> list[str]:
    keys = {item.key for item in area.indicators}
    rates = [format_percent(area.value(key)) if key in keys else "无" for _, key in _VILLAGE_COLUMNS]
    return [name, code, str(area.households), str(area.residents), str(area.contracted_residents), *rates]


_TEAM_COLUMNS = (("续约率", "renewal_rate"), ("履约率", "fulfilment_rate"), ("满意度", "satisfaction"))
#: Before a doctor's name, under their team's.
_DOCTOR_INDENT = "  └ "


def _team_rows(teams: tuple[TeamIndicators, ...]) -> list[list[str]]:
    rows = []
    for team in teams:
        for area, name in ((team.team, team.team.name), *((d, _DOCTOR_INDENT + d.name) for d in team.doctors)):
            kp = area.indicator("key_population_coverage").numerator
            rates = [format_percent(area.value(key)) for _, key in _TEAM_COLUMNS]
            rows.append([name, str(area.households), str(area.contracted_residents), str(kp), *rates])
    return rows


def _chronic_row(area: AreaIndicators, name: str, estimated: bool) -> list[str]:
    """One row of the chronic-disease table; with *estimated*, a column of the estimated
    patients (the denominator of 健康管理率; "—" for a team or doctor, which has none)."""
    cells = [name]
    for disease in DISEASES:
        managed = area.indicator(f"{disease}_managed")
        estimate = area.estimate(disease)
        cells.append(str(area.patients(disease)))
        if estimated:
            cells.append(str(estimate.estimated) if estimate else "—")
        cells += [
            str(managed.numerator),
            format_percent(managed.value),
            format_percent(area.value(f"{disease}_standardised")),
            format_percent(area.value(f"{disease}_controlled")),
        ]
    return cells


def _chronic_table(report: IndicatorReport) -> list[str]:
    estimated = bool(report.township.estimates)
    rows = [_chronic_row(report.township, report.township.name, estimated)]
    rows += [_chronic_row(v, v.name, estimated) for v in report.villages]
    for team in report.teams:
        rows.append(_chronic_row(team.team, team.team.name, estimated))
        rows += [_chronic_row(d, _DOCTOR_INDENT + d.name, estimated) for d in team.doctors]
    headers = ["乡镇／村／团队／医生"]
    for disease, control in (("高血压", "血压控制率"), ("糖尿病", "血糖控制率")):
        headers += [
            f"{disease}患者",
            *(["估算患者"] if estimated else []),
            "已管理",
            "健康管理率",
            "规范管理率",
            control,
        ]
    return _table(headers, rows, right=set(range(1, len(headers))))


def report_to_text(report: IndicatorReport) -> str:
    """A readable Chinese report: the township's indicators (value as a percentage with
    one decimal, numerator/denominator, formula), then one row per village, per team and
    doctor, and the chronic-disease management of each."""
    t = report.township
    lines = [
        f"{t.name}（{t.code}）家庭医生签约服务考核指标",
        f"统计日期：{report.as_of.isoformat()}",
        f"在册居民 {t.residents} 人，{t.households} 户；签约居民 {t.contracted_residents} 人",
        "",
    ]
    rows = [
        [item.name_zh, format_percent(item.value), f"{item.numerator}/{item.denominator}", item.formula_zh]
        for item in t.indicators
    ]
    lines += _table(["指标", "数值", "分子/分母", "计算公式"], rows, right={1, 2}, free_last=True)
    lines += ["", "分村（居）情况"]
    village_rows = [_village_row(v, v.name, v.code) for v in report.villages]
    village_rows.append(_village_row(t, "合计", t.code))
    headers = ["村（居）委会", "代码", "户数", "在册人数", "签约人数", *(h for h, _ in _VILLAGE_COLUMNS)]
    lines += _table(headers, village_rows, right=set(range(2, len(headers))))
    if report.teams:
        lines += ["", "分团队、家庭医生情况（按统计日有效协议的团队和医生；未签约居民只计入乡镇和村）"]
        headers = ["团队／家庭医生", "户数", "签约人数", "重点人群签约人数", *(h for h, _ in _TEAM_COLUMNS)]
        lines += _table(headers, _team_rows(report.teams), right=set(range(1, len(headers))))
    lines += ["", "高血压、2型糖尿病患者管理（公式见上表）"]
    if t.estimates:
        lines.append(
            f"健康管理率的分母：乡镇和各村为估算患者数（在册{ADULT_MIN_AGE}岁及以上居民数 × 成年人患病率），"
            "团队和医生为在册患者数"
        )
    lines += _chronic_table(report)
    lines += ["", "注：“无”表示分母为 0，无法计算。"]
    return "\n".join(lines)
