"""Two years of hypertension and type 2 diabetes follow-ups (national forms, 2017 spec).

Each patient has a steady profile (how well controlled, lifestyle, a regimen of real
medicines with real doses) and is seen about every three months from the later of their
diagnosis, their 35th birthday and their file, within two weeks after an uncontrolled
reading. Blood pressure is mostly 120-160/70-95, fasting glucose 5-12 mmol/L with HbA1c now
and then; a rare reading reaches a danger value, and a rare symptom or danger sign is one
the specification refers urgently.

What the form then says is what the program's own rules say
(:mod:`fdclient.domain.followup_rules`): the classification (blood pressure for
hypertension, fasting glucose alone for diabetes, against the township's default targets),
the next visit date, and the referral advice (urgent for danger values and signs; after
two uncontrolled follow-ups in a row, which the doctor confirms most of the time). A few
visits are corrected by a second revision (a typing error in the weight).
"""

from __future__ import annotations

from datetime import date

from fdclient.domain.codes import VisitKind
from fdclient.domain.followup_rules import (
    BP_TARGETS,
    DEFAULT_BP_TARGET,
    DEFAULT_GLUCOSE_TARGET,
    Assessment,
    BpAssessment,
    GlucoseAssessment,
    classify_bp,
    classify_fasting_glucose,
    danger_findings,
    followup_outcome,
)
from fdclient.domain.key_populations import age_on
from fdclient.services.demo.common import Context, Row, weighted
from fdclient.services.demo.people import Person, birthday
from fdclient.services.demo.visits import VisitLog
from fdclient.text import CHINESE, Text

#: A medicine: name, times a day, dose.
Drug = tuple[str, int, str]
#: An insulin: name, doses.
Insulin = tuple[str, str]
#: A follow-up's readings: symptoms, danger signs, blood pressure, fasting glucose (None at a
#: hypertension follow-up).
Readings = tuple[str, str, int, int, float | None]

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
#: Hypertension symptoms: 心悸胸闷 (6) is a danger sign (rare); headache alone is not.
_HT_SYMPTOMS = weighted(("1", "2", "4", "6", "8", "9"), (150, 20, 10, 1, 10, 10))
_DM_SYMPTOMS = weighted(("1", "2", "4", "5", "7"), (16, 1, 1, 1, 1))
_MODE = weighted(("1", "2"), (11, 9))
_PEDIS = weighted(("1", "2", "3", "5"), (36, 2, 1, 1))
#: Danger signs ticked at a follow-up: almost always none; chest pain now and then.
_DANGER_SIGNS = weighted(("", "5"), (999, 1))
#: The department a referral goes to.
_DEPARTMENT = {VisitKind.HYPERTENSION: "心血管内科", VisitKind.DIABETES: "内分泌科"}
#: Share of advised routine referrals (two uncontrolled follow-ups) the doctor confirms.
_ROUTINE_REFERRALS_CONFIRMED = 0.25
#: Longest referral reason on the form.
_REASON_LENGTH = 100


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


class _Rules:
    """The domain's rules for the demo's readings, remembered: the demo repeats readings
    far more often than not (a blood pressure is judged by the band of the default target
    the patient's age falls in, so it is remembered per band)."""

    def __init__(self) -> None:
        self._bands = BP_TARGETS[DEFAULT_BP_TARGET]
        self._band_of_age: dict[int, int] = {}
        self._bp: dict[tuple[int, int, int], BpAssessment] = {}
        self._glucose: dict[float, GlucoseAssessment] = {}
        self._danger: dict[tuple[VisitKind, str, str], tuple[Text, ...]] = {}

    def bp(self, systolic: int, diastolic: int, age: int) -> BpAssessment:
        band = self._band_of_age.get(age)
        if band is None:
            band = self._band_of_age[age] = self._bands.band_for(age).min_age
        key = (systolic, diastolic, band)
        found = self._bp.get(key)
        if found is None:
            found = self._bp[key] = classify_bp(systolic, diastolic, age, DEFAULT_BP_TARGET)
        return found

    def glucose(self, value: float) -> GlucoseAssessment:
        found = self._glucose.get(value)
        if found is None:
            found = self._glucose[value] = classify_fasting_glucose(value, DEFAULT_GLUCOSE_TARGET)
        return found

    def danger(self, kind: VisitKind, symptoms: str, signs: str) -> tuple[Text, ...]:
        key = (kind, symptoms, signs)
        found = self._danger.get(key)
        if found is None:
            found = self._danger[key] = danger_findings(kind, symptoms.split(","), signs.split(",") if signs else ())
        return found


RULES = _Rules()


def _visits(ctx: Context, log: VisitLog, p: Person, kind: VisitKind, since: int, drugs: tuple[Drug, ...]) -> None:
    random, randint, A = ctx.rng.random, ctx.randint, ctx.as_of
    if random() < 0.08:  # not under management
        return
    profile = Profile(ctx, p, drugs, 1 if random() < 0.65 else 2)
    insulin = INSULINS[randint(0, len(INSULINS) - 1)] if kind == VisitKind.DIABETES and random() < 0.12 else None
    doctor, institution, department = log.doctor_for(p), log.institution, _DEPARTMENT[kind]
    hypertension = kind == VisitKind.HYPERTENSION
    last = p.present_until(A)
    day = max(A - 729, since + 1, p.turns35, p.registered_on) + randint(0, 60)
    age = age_on(date.fromordinal(p.birth), date.fromordinal(day))
    birthday = next_birthday(p.birth, age)
    previous: Assessment | None = None
    while day <= last:
        while day >= birthday:
            age += 1
            birthday = next_birthday(p.birth, age)
        visit_date = date.fromordinal(day)
        symptoms, signs, systolic, diastolic, glucose = _readings(ctx, p, kind, profile, random() < profile.control)
        bp = RULES.bp(systolic, diastolic, age)
        deciding: Assessment = bp if glucose is None else RULES.glucose(glucose)
        outcome = followup_outcome(
            kind,
            visit_date,
            bp=bp,
            glucose=None if glucose is None else deciding,  # type: ignore[arg-type]
            previous=previous,
            danger_signs=RULES.danger(kind, symptoms, signs),
        )
        advice = outcome.referral
        refer = advice.urgent or (advice.refer and random() < _ROUTINE_REFERRALS_CONFIRMED)
        reason = advice.reason.render(CHINESE)[:_REASON_LENGTH] if refer and advice.reason is not None else None
        assert outcome.next_due is not None and outcome.classification is not None
        next_day = outcome.next_due.toordinal()
        form = _lifestyle(ctx, profile, "1" if outcome.classification == 1 else "2", reason, institution)
        if hypertension:
            detail = (
                symptoms,
                systolic,
                diastolic,
                *form,
                62 + int(random() * 26),
                profile.salt,
                "1",
                bp.target_key,
                signs,
            )
        else:
            detail = _diabetes(ctx, profile, symptoms, signs, bp, glucose, form, day, insulin)
        vid = log.add(p, kind, day, _MODE[int(random() * len(_MODE))], doctor, next_day, detail)
        if form[15] != "3":
            log.medicines(vid, profile.drugs)
        if reason is not None:
            log.refer(p, vid, day, advice.urgent, reason, department, doctor)
        elif random() < 0.006:
            weight = round(detail[3] - 1.0, 1)
            corrected = (*detail[:3], weight, *detail[4:6], round(weight / profile.height_factor, 1), *detail[7:])
            second = log.correct(vid, "体重录入有误（多记 1 kg），按原始记录更正", corrected)
            if form[15] != "3":
                log.medicines(second, profile.drugs)
        previous = deciding
        # Most come back around the day asked; after an uncontrolled reading many come at
        # their next quarterly visit all the same.
        if next_day - day > 14:
            day = next_day - randint(0, 12)
        elif random() < 0.3:
            day = next_day - randint(0, 2)
        else:
            day += randint(80, 100)
        if random() < 0.06:
            day += randint(20, 80)


def next_birthday(birth: int, age: int) -> int:
    """The day someone born on ``birth`` turns ``age + 1``."""
    return birthday(birth, age + 1)


def _readings(ctx: Context, p: Person, kind: VisitKind, profile: Profile, controlled: bool) -> Readings:
    """Symptoms, danger signs, blood pressure and (for diabetes) fasting glucose."""
    random = ctx.rng.random
    signs = _DANGER_SIGNS[int(random() * len(_DANGER_SIGNS))]
    if kind == VisitKind.HYPERTENSION:
        systolic, diastolic = _blood_pressure(ctx, controlled)
        return _HT_SYMPTOMS[int(random() * len(_HT_SYMPTOMS))], signs, systolic, diastolic, None
    r = random()
    if r < 0.002:
        glucose = round(16.8 + random() * 3, 1)
    elif r < 0.003:
        glucose = round(3.0 + random() * 0.8, 1)  # hypoglycaemia
    elif controlled:
        glucose = round(5.0 + random() * 1.9, 1)
    else:
        glucose = round(7.0 + random() * 5.0, 1)
    systolic, diastolic = _blood_pressure(ctx, not p.ht or random() < 0.7)
    return _DM_SYMPTOMS[int(random() * len(_DM_SYMPTOMS))], signs, systolic, diastolic, glucose


def _lifestyle(ctx: Context, profile: Profile, classification: str, reason: str | None, institution: str) -> Row:
    """The chronic-form fields from the weight to the referral (detail[3:23])."""
    random = ctx.rng.random
    weight = round(profile.weight + (random() - 0.5) * 2, 1)
    return (
        weight,
        profile.weight_target,
        profile.height,
        round(weight / profile.height_factor, 1),
        profile.bmi_target,
        *profile.fixed,
        _ADJUST[int(random() * 20)],
        _ADJUST[int(random() * 20)],
        _COMPLIANCE[int(random() * 20)],
        "无",
        classification,
        reason,
        institution if reason else None,
    )


def _blood_pressure(ctx: Context, controlled: bool) -> tuple[int, int]:
    random = ctx.rng.random
    if random() < 0.004:
        return 180 + int(random() * 20), 96 + int(random() * 20)
    if controlled:
        return 116 + int(random() * 23), 68 + int(random() * 21)
    if random() < 0.2:
        return 126 + int(random() * 14), 90 + int(random() * 6)
    return 140 + int(random() * 24), 78 + int(random() * 18)


def _diabetes(
    ctx: Context,
    profile: Profile,
    symptoms: str,
    signs: str,
    bp: BpAssessment,
    glucose: float | None,
    form: Row,
    day: int,
    insulin: Insulin | None,
) -> Row:
    random, randint = ctx.rng.random, ctx.randint
    hba1c = hba1c_date = None
    if random() < 0.2:
        hba1c = round((5.8 + random() * 1.1) if form[17] == "1" else (7.0 + random() * 2.8), 1)
        hba1c_date = ctx.days(day - randint(0, 20))
    return (
        symptoms,
        bp.systolic,
        bp.diastolic,
        *form,
        _PEDIS[int(random() * len(_PEDIS))],
        50 * randint(5, 8),
        250,
        glucose,
        hba1c,
        hba1c_date,
        "1" if random() < 0.95 else "2",
        insulin[0] if insulin else None,
        insulin[1] if insulin else None,
        bp.target_key,
        signs,
    )
