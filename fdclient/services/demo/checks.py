"""Yearly health checks of residents aged 65 or more, door-to-door visits, and
satisfaction surveys of signed residents.

Checks and home visits mostly fall in the window of a planned service (and so fulfil it);
elderly residents without an elderly package are still checked in most years, as the basic
public health service offers the check to everyone aged 65 or more. A resident has at most
one check a calendar year, from the day they turn 65 (the rule of the visit use cases).
Surveys ask a contract's representative, by phone mostly; scores are mostly 80-100.
"""

from __future__ import annotations

from datetime import date

from fdclient.domain.codes import ServiceKind, SurveyChannel, VisitKind
from fdclient.services.demo.common import Context, Row, weighted
from fdclient.services.demo.people import Person
from fdclient.services.demo.visits import VisitLog

_SELF_CARE = weighted(((0, 3), (4, 8), (9, 18), (19, 25)), (80, 13, 5, 2))
_SELF_ASSESSMENT = weighted(("1", "2", "3", "4"), (40, 45, 10, 5))
_ELDERLY_SYMPTOMS = weighted(("无症状", "头晕", "关节痛", "视力模糊", "睡眠差", "乏力"), (12, 2, 3, 1, 1, 1))
_FINDINGS = ("血压偏高", "血脂偏高", "空腹血糖偏高", "心电图 ST-T 改变", "脂肪肝", "胆囊结石")
_PURPOSES = weighted(("3", "3,5", "4", "6", "3,4"), (8, 4, 3, 2, 3))
_SUMMARIES = {
    "3": "上门随访，询问近况，测量血压",
    "3,5": "上门随访并指导规律服药",
    "4": "开展健康教育，讲解慢病防治知识",
    "6": "上门诊疗，换药并测量生命体征",
    "3,4": "随访并进行健康生活方式指导",
}
_COMMENTS = (None, None, None, None, "医生服务态度好", "希望多上门随访", "取药方便了", "希望增加体检项目")
_SURVEY_CHANNELS = weighted(
    (SurveyChannel.PHONE.value, SurveyChannel.VISIT.value, SurveyChannel.CLINIC.value), (7, 2, 1)
)


def elderly_checks(ctx: Context, log: VisitLog, p: Person) -> None:
    """At most one check a calendar year for a resident aged 65 or more on the day of the
    check: in the windows of their planned checks mostly, in other years often too."""
    random, A = ctx.rng.random, ctx.as_of
    first = max(p.turns65, p.registered_on, A - 729)
    last = min(A, p.present_until(A))
    if first > last:
        return
    done: set[int] = set()
    for ws, we, _, _ in log.planner.services_of(p.id, ServiceKind.ELDERLY_CHECK.value):
        low, high = max(ws, first), min(we, last)
        if low <= high and random() < 0.88 * min(1.0, (A - ws + 1) / (we - ws + 1)):
            _check(ctx, log, p, low, high, done)
    this_year = date.fromordinal(A).year
    for year in (this_year - 2, this_year - 1, this_year):
        low = max(date(year, 1, 1).toordinal(), first)
        high = min(date(year, 12, 31).toordinal(), last)
        if year not in done and low <= high and random() < 0.55 * (high - low + 1) / 365:
            _check(ctx, log, p, low, high, done)


def _check(ctx: Context, log: VisitLog, p: Person, low: int, high: int, done: set[int]) -> None:
    """A check on a day of ``low``..``high`` in a calendar year without one, if there is such a day."""
    spans = []
    day = low
    while day <= high:
        year = date.fromordinal(day).year
        end = min(high, date(year, 12, 31).toordinal())
        if year not in done:
            spans.append((day, end))
        day = end + 1
    total = sum(end - start + 1 for start, end in spans)
    if not total:
        return
    k = ctx.randint(0, total - 1)
    for start, end in spans:
        if k <= end - start:
            day = start + k
            break
        k -= end - start + 1
    done.add(date.fromordinal(day).year)
    log.add(
        p,
        VisitKind.ELDERLY_CHECK,
        day,
        "1" if ctx.rng.random() < 0.7 else "2",
        log.doctor_for(p),
        day + 365,
        _elderly_detail(ctx, p),
    )


def _elderly_detail(ctx: Context, p: Person) -> Row:
    random, randint = ctx.rng.random, ctx.randint
    low, high = _SELF_CARE[int(random() * len(_SELF_CARE))]
    systolic = (128 + int(random() * 30)) if p.ht else (108 + int(random() * 32))
    diastolic = 68 + int(random() * 22)
    weight = round(p.weight + (random() - 0.5) * 2, 1)
    glucose = round((6.5 + random() * 3.5) if p.dm else (4.4 + random() * 1.8), 1)
    abnormal = random() < 0.35
    findings = _FINDINGS[int(random() * len(_FINDINGS))] if abnormal else None
    return (
        _ELDERLY_SYMPTOMS[int(random() * len(_ELDERLY_SYMPTOMS))],
        round(36.1 + random() * 0.8, 1),
        62 + int(random() * 26),
        16 + int(random() * 5),
        systolic,
        diastolic,
        systolic - 2 + int(random() * 5),
        diastolic - 2 + int(random() * 5),
        float(p.height),
        weight,
        float(70 + int(random() * 30)),
        round(weight / (p.height / 100) ** 2, 1),
        _SELF_ASSESSMENT[int(random() * len(_SELF_ASSESSMENT))],
        randint(low, high),
        "1" if random() < 0.93 else "2",
        "1" if random() < 0.95 else "2",
        float(110 + int(random() * 45)),
        glucose,
        round(3.6 + random() * 2.8, 2),
        round(0.7 + random() * 1.8, 2),
        round(1.8 + random() * 2.3, 2),
        round(0.9 + random() * 0.9, 2),
        float(55 + int(random() * 60)),
        float(10 + int(random() * 35)),
        float(12 + int(random() * 28)),
        "2" if random() < 0.15 else "1",
        "2" if random() < 0.12 else "1",
        "2" if abnormal else "1",
        findings,
        "定期随访，低盐低脂饮食，适量运动，预防跌倒" if abnormal else "保持健康生活方式，每年体检一次",
    )


def home_visits(ctx: Context, log: VisitLog, p: Person) -> None:
    """Door-to-door visits for planned home-visit services; severe mental disorder and TB
    patients are visited about every six months whatever their contract."""
    random, randint, A = ctx.rng.random, ctx.randint, ctx.as_of
    first = max(p.registered_on, p.birth)
    last = min(A, p.present_until(A))
    entries = log.planner.services_of(p.id, ServiceKind.HOME_VISIT.value)
    spans = [(ws, we) for ws, we, _, _ in entries]
    if p.smi or p.tb:
        spans += [(A - 729 + 182 * k, A - 548 + 182 * k) for k in range(4)]
    for ws, we in spans:
        start, end = max(ws, first), min(we, last)
        if end < start or random() >= 0.75:
            continue
        day = start + randint(0, end - start)
        purposes = _PURPOSES[int(random() * len(_PURPOSES))]
        measured = random() < 0.7
        detail = (
            purposes,
            _SUMMARIES[purposes],
            110 + int(random() * 40) if measured else None,
            68 + int(random() * 22) if measured else None,
            round(4.6 + random() * 3, 1) if measured and p.dm else None,
        )
        log.add(p, VisitKind.HOME_VISIT, day, "2", log.doctor_for(p), None, detail)


def surveys(ctx: Context, log: VisitLog) -> None:
    random, randint, ids, stamp, days = ctx.rng.random, ctx.randint, ctx.ids, ctx.stamp, ctx.days
    for cid, p, start, stop in log.coverage.contracts:
        if stop - start < 30 or random() >= 0.2:
            continue
        r = random()
        score = randint(80, 100) if r < 0.9 else randint(60, 79) if r < 0.98 else randint(40, 59)
        surveyor = log.org.teams[log.org.villages[p.village].team].public_health_id
        log.surveys.append(
            (
                ids(),
                stamp,
                stamp,
                p.id,
                cid,
                days(start + randint(30, stop - start)),
                _SURVEY_CHANNELS[int(random() * len(_SURVEY_CHANNELS))],
                score,
                int(score >= 60),
                _COMMENTS[int(random() * len(_COMMENTS))],
                surveyor,
            )
        )
