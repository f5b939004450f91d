"""Two years of hypertension and type 2 diabetes follow-ups (national forms, 2017 spec).

Each patient has a steady profile (how well controlled, lifestyle, a regimen of real
medicines with real doses) and is seen about every three months, within two weeks after
an uncontrolled reading. Blood pressure is mostly 120-160/70-95 (controlled below 140/90,
the 2017 specification's target recorded as ``spec2017``); a rare reading of 180/110 or
more is referred urgently, and two uncontrolled visits in a row are sometimes referred.
Fasting glucose is 5-12 mmol/L with HbA1c now and then; a rare 16.7 or more is referred.
A few visits are corrected by a second revision (a typing error in the weight).
"""

from __future__ import annotations

from fdclient.domain.codes import VisitKind
from fdclient.services.demo.common import Context, Row, weighted
from fdclient.services.demo.people import Person
from fdclient.services.demo.visits import VisitLog

#: A medicine: name, times a day, dose.
Drug = tuple[str, int, str]
#: An insulin: name, doses.
Insulin = tuple[str, str]
#: A follow-up's form row (without its id), whether to refer urgently, why, and to which department.
Reading = tuple[Row, bool, str, str]

HT_DRUGS: tuple[Drug, ...] = (
    ("氨氯地平片", 1, "5mg"),
    ("硝苯地平缓释片", 2, "20mg"),
    ("厄贝沙坦片", 1, "150mg"),
    ("缬沙坦胶囊", 1, "80mg"),
    ("依那普利片", 2, "10mg"),
    ("美托洛尔缓释片", 1, "47.5mg"),
    ("氢氯噻嗪片", 1, "12.5mg"),
    ("吲达帕胺片", 1, "2.5mg"),
    ("替米沙坦片", 1, "40mg"),
    ("左旋氨氯地平片", 1, "2.5mg"),
    ("厄贝沙坦氢氯噻嗪片", 1, "1片"),
    ("卡托普利片", 3, "12.5mg"),
)
DM_DRUGS: tuple[Drug, ...] = (
    ("二甲双胍片", 3, "0.5g"),
    ("二甲双胍缓释片", 2, "0.5g"),
    ("格列美脲片", 1, "2mg"),
    ("阿卡波糖片", 3, "50mg"),
    ("格列齐特缓释片", 1, "30mg"),
    ("西格列汀片", 1, "100mg"),
    ("达格列净片", 1, "10mg"),
    ("瑞格列奈片", 3, "1mg"),
)
INSULINS: tuple[Insulin, ...] = (
    ("门冬胰岛素30注射液", "早12单位、晚10单位"),
    ("甘精胰岛素注射液", "睡前14单位"),
    ("生物合成人胰岛素注射液", "三餐前各6单位"),
)
_CONTROL = weighted((0.85, 0.6, 0.3), (6, 3, 1))
_COMPLIANCE = weighted(("1", "2", "3"), (15, 4, 1))
_ADJUST = weighted(("1", "2", "3"), (16, 3, 1))
_HT_SYMPTOMS = weighted(("1", "2", "4", "6", "8", "9"), (15, 2, 1, 1, 1, 1))
_DM_SYMPTOMS = weighted(("1", "2", "4", "5", "7"), (16, 1, 1, 1, 1))
_MODE = weighted(("1", "2"), (11, 9))
_PEDIS = weighted(("1", "2", "3", "5"), (36, 2, 1, 1))
BP_TARGET = "spec2017"


class Profile:
    """What stays the same for one patient from visit to visit."""

    __slots__ = (
        "control",
        "smokes",
        "target_smokes",
        "alcohol",
        "target_alcohol",
        "exercise",
        "minutes",
        "salt",
        "weight_target",
        "bmi_target",
        "drugs",
        "height",
        "weight",
        "height_factor",
        "fixed",
    )

    def __init__(self, ctx: Context, p: Person, drugs: tuple[Drug, ...], regimen_size: int) -> None:
        random, randint = ctx.rng.random, ctx.randint
        self.control = _CONTROL[int(random() * len(_CONTROL))]
        male = p.sex == 1
        self.smokes = randint(5, 20) if male and random() < 0.45 else 0
        self.target_smokes = max(0, self.smokes - 5) if self.smokes else 0
        self.alcohol = float(randint(1, 3)) if male and random() < 0.3 else 0.0
        self.target_alcohol = 1.0 if self.alcohol else 0.0
        self.exercise, self.minutes = randint(0, 7), 10 * randint(1, 6)
        self.salt = "2" if random() < 0.6 else "3" if random() < 0.6 else "1"
        self.height, self.weight = float(p.height), p.weight
        bmi = p.weight / (p.height / 100) ** 2
        self.bmi_target = 24.0 if bmi > 24 else round(bmi, 1)
        self.weight_target = round(min(p.weight, 24.0 * (p.height / 100) ** 2), 1)
        self.height_factor = (p.height / 100) ** 2
        #: The form fields that stay the same, from cigarettes to the exercise targets.
        self.fixed = (
            self.smokes,
            self.target_smokes,
            self.alcohol,
            self.target_alcohol,
            self.exercise,
            self.minutes,
            5,
            30,
        )
        start = randint(0, len(drugs) - 1)
        self.drugs = tuple(drugs[(start + k * 3) % len(drugs)] for k in range(regimen_size))


def hypertension_visits(ctx: Context, log: VisitLog, p: Person) -> None:
    _visits(ctx, log, p, VisitKind.HYPERTENSION, p.ht_since, HT_DRUGS)


def diabetes_visits(ctx: Context, log: VisitLog, p: Person) -> None:
    _visits(ctx, log, p, VisitKind.DIABETES, p.dm_since, DM_DRUGS)


def _visits(ctx: Context, log: VisitLog, p: Person, kind: VisitKind, since: int, drugs: tuple[Drug, ...]) -> None:
    random, randint, A = ctx.rng.random, ctx.randint, ctx.as_of
    if random() < 0.08:  # not under management
        return
    profile = Profile(ctx, p, drugs, 1 if random() < 0.65 else 2)
    insulin = INSULINS[randint(0, len(INSULINS) - 1)] if kind == VisitKind.DIABETES and random() < 0.12 else None
    doctor = log.doctor_for(p)
    last = p.present_until(A)
    day = max(A - 729, since + 1) + randint(0, 60)
    previous_uncontrolled = False
    while day <= last:
        if kind == VisitKind.HYPERTENSION:
            detail, urgent, reason, department = _hypertension(ctx, p, profile, random() < profile.control)
        else:
            detail, urgent, reason, department = _diabetes(ctx, p, profile, random() < profile.control, day, insulin)
        controlled = detail[20] == "1"
        # The form asks for the next visit in 3 months, or within 2 weeks when not controlled;
        # most patients then come at their next quarterly visit all the same.
        next_day = day + (randint(80, 100) if controlled else randint(12, 14))
        comes = next_day if controlled or random() < 0.3 else day + randint(80, 100)
        refer = urgent or (previous_uncontrolled and not controlled and random() < 0.25)
        if refer:
            reason = reason if urgent else "连续两次随访控制不满意"
            detail = (*detail[:21], reason, log.institution, *detail[23:])
        vid = log.add(p, kind, day, _MODE[int(random() * len(_MODE))], doctor, next_day, detail)
        if detail[18] != "3":
            log.medicines(vid, profile.drugs)
        if refer:
            log.refer(p, vid, day, urgent, reason, department, doctor)
        elif random() < 0.006:
            weight = round(detail[3] - 1.0, 1)
            corrected = (*detail[:3], weight, *detail[4:6], round(weight / profile.height_factor, 1), *detail[7:])
            second = log.correct(vid, "体重录入有误（多记 1 kg），按原始记录更正", corrected)
            if detail[18] != "3":
                log.medicines(second, profile.drugs)
        previous_uncontrolled = not controlled
        day = comes + (randint(20, 80) if random() < 0.06 else 0)


def _lifestyle(ctx: Context, p: Person, profile: Profile, controlled: bool) -> Row:
    """The chronic-form fields from symptoms to the classification (detail[0:21])."""
    random = ctx.rng.random
    weight = round(profile.weight + (random() - 0.5) * 2, 1)
    return (
        (weight, profile.weight_target, profile.height, round(weight / profile.height_factor, 1), profile.bmi_target)
        + profile.fixed
        + (
            _ADJUST[int(random() * 20)],
            _ADJUST[int(random() * 20)],
            _COMPLIANCE[int(random() * 20)],
            "无",
            "1" if controlled else "2",
        )
    )


def _blood_pressure(ctx: Context, controlled: bool) -> tuple[int, int, bool]:
    random = ctx.rng.random
    if random() < 0.004:
        return 180 + int(random() * 20), 96 + int(random() * 20), True
    if controlled:
        return 116 + int(random() * 23), 68 + int(random() * 21), False
    if random() < 0.2:
        return 126 + int(random() * 14), 90 + int(random() * 6), False
    return 140 + int(random() * 24), 78 + int(random() * 18), False


def _hypertension(ctx: Context, p: Person, profile: Profile, controlled: bool) -> Reading:
    random = ctx.rng.random
    systolic, diastolic, urgent = _blood_pressure(ctx, controlled)
    controlled = controlled and not urgent
    symptoms = _HT_SYMPTOMS[int(random() * len(_HT_SYMPTOMS))] if not urgent else "2"
    detail = (
        symptoms,
        systolic,
        diastolic,
        *_lifestyle(ctx, p, profile, controlled),
        None,
        None,
        62 + int(random() * 26),
        profile.salt,
        "1",
        BP_TARGET,
    )
    reason = f"血压 {systolic}/{diastolic} mmHg，收缩压≥180 mmHg 和/或舒张压≥110 mmHg"
    return detail, urgent, reason, "心血管内科"


def _diabetes(
    ctx: Context, p: Person, profile: Profile, controlled: bool, day: int, insulin: Insulin | None
) -> Reading:
    random, randint = ctx.rng.random, ctx.randint
    danger = random() < 0.002
    if danger:
        glucose = round(16.8 + random() * 3, 1)
    elif controlled:
        glucose = round(5.0 + random() * 1.9, 1)
    else:
        glucose = round(7.0 + random() * 5.0, 1)
    controlled = controlled and not danger
    systolic, diastolic, _ = _blood_pressure(ctx, not p.ht or random() < 0.7)
    hba1c = hba1c_date = None
    if random() < 0.2:
        hba1c = round((5.8 + random() * 1.1) if controlled else (7.0 + random() * 2.8), 1)
        hba1c_date = ctx.days(day - randint(0, 20))
    detail = (
        _DM_SYMPTOMS[int(random() * len(_DM_SYMPTOMS))],
        systolic,
        diastolic,
        *_lifestyle(ctx, p, profile, controlled),
        None,
        None,
        _PEDIS[int(random() * len(_PEDIS))],
        50 * randint(5, 8),
        250,
        glucose,
        hba1c,
        hba1c_date,
        "1" if random() < 0.95 else "2",
        insulin[0] if insulin else None,
        insulin[1] if insulin else None,
    )
    return detail, danger, f"空腹血糖 {glucose} mmol/L，≥16.7 mmol/L", "内分泌科"
