"""Households and residents of the demo township, with what their records say.

* ID numbers (GB 11643) come from :func:`~fdclient.domain.identity.make_id_number`: the
  region is mostly the county (first 6 digits of the township code), some come from
  elsewhere in the province, a few from older prefecture-era regions; birth date and sex
  agree with the record; children under 16 carry theirs on the household register (type
  02) and babies under three months have none yet.
* Health record numbers: 6 county + 3 township + 3 village record segment + a 5-digit
  sequence per village in registration order.
* Conditions by age: hypertension from ~1% under 35 to ~55% at 75+, type 2 diabetes about a
  third of that; a few TB and severe mental disorder patients; disabilities; poverty-relief
  households; a few pregnant women; some deaths and moves in the last two years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from random import Random

from fdclient.domain.codes import ResidentStatus
from fdclient.domain.identity import make_id_number
from fdclient.services.demo.common import Context, Row, TableRows, weighted
from fdclient.services.demo.names import NameMaker
from fdclient.services.demo.organisation import DemoVillage, mobile
from fdclient.services.demo.people import BirthDays, Household, Person, birthday, draw_household

HOUSEHOLD_COLUMNS = ("id", "created_at", "updated_at", "village_id", "address", "phone")
RESIDENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "village_id",
    "household_id",
    "relationship_to_head",
    "name",
    "name_pinyin",
    "name_initials",
    "sex",
    "birth_date",
    "id_type",
    "id_number",
    "health_record_no",
    "ethnicity",
    "phone",
    "contact_name",
    "contact_phone",
    "resident_type",
    "blood_abo",
    "blood_rh",
    "education",
    "occupation",
    "marital_status",
    "payment_methods",
    "drug_allergies",
    "exposures",
    "family_history_father",
    "family_history_mother",
    "family_history_siblings",
    "family_history_children",
    "disabilities",
    "kitchen_exhaust",
    "fuel",
    "water",
    "toilet",
    "livestock_pen",
    "has_hypertension",
    "has_diabetes",
    "has_tuberculosis",
    "has_severe_mental_disorder",
    "poverty_status",
    "family_planning_special",
    "pregnant",
    "postpartum_until",
    "status",
    "status_changed_on",
)
DIAGNOSIS_COLUMNS = ("id", "created_at", "updated_at", "resident_id", "disease", "detail", "diagnosed_on")

#: Age band upper bounds and the share with hypertension in each.
_HT_BANDS = ((35, 0.01), (45, 0.10), (55, 0.20), (65, 0.34), (75, 0.46), (200, 0.55))
_HT_BY_AGE = [next(p for top, p in _HT_BANDS if age < top) for age in range(120)]
_DM_SHARE = 0.33
_ABO = weighted(("1", "2", "3", "4", "5"), (28, 26, 30, 7, 9))
_EDU_OLD, _EDU_MID, _EDU_YOUNG = ("9", "8", "8", "7"), ("8", "7", "7", "6", "4"), ("7", "6", "5", "4", "3", "2")
_OCCUPATION = weighted(("4", "5", "3", "7", "1"), (12, 3, 3, 1, 1))
_SINGLE_MARITAL = weighted(("1", "2", "4"), (10, 7, 3))
_DISABILITY = ("5", "5", "2", "3", "4", "6", "7")
_HISTORY = weighted(("1", "2", "3", "4", "7", "6"), (70, 14, 5, 4, 4, 3))
_ALLERGY = weighted(("1", "2", "3"), (90, 7, 3))
_POVERTY = weighted(("1", "2", "3", "4"), (6, 1, 2, 1))
_ENV = (
    weighted(("1", "2", "3", "4"), (6, 7, 2, 5)),
    weighted(("1", "5", "3", "4", "2"), (10, 6, 2, 1, 1)),
    weighted(("1", "3", "2"), (16, 3, 1)),
    weighted(("1", "2", "3", "5"), (13, 3, 3, 1)),
    weighted(("1", "2", "4"), (6, 3, 1)),
)
_MINORITIES_HAN_NAMED = ("03", "06", "22")


#: Where ID numbers were issued: the county, other counties of the province, older regions.
Regions = tuple[str, list[str], list[str]]


@dataclass
class Population:
    households: list[Household]
    people: list[Person]
    tables: list[TableRows]
    household_heads: list[tuple[str, str]]


def _regions(ctx: Context) -> Regions:
    """The county, other counties of the province and a few older prefecture-era regions."""
    rng, county = ctx.rng, ctx.township.county_code
    province = county[:2]
    others = sorted({f"{province}{rng.randint(1, 11):02d}{rng.randint(2, 29):02d}" for _ in range(14)} - {county})
    legacy = sorted({f"{province}{rng.randint(21, 26)}{rng.randint(21, 30):02d}" for _ in range(4)})
    return county, others, legacy


def build_population(ctx: Context, names: NameMaker, villages: list[DemoVillage], households: int) -> Population:
    rng, ids, stamp = ctx.rng, ctx.ids, ctx.stamp
    random, randint = rng.random, ctx.randint
    as_of_day = date.fromordinal(ctx.as_of)
    births = BirthDays(as_of_day)
    as_of_year = as_of_day.year
    county, other_regions, legacy_regions = _regions(ctx)
    weights = [rng.uniform(0.6, 1.4) * (1.5 if v.neighbourhood else 1.0) for v in villages]
    counts = _spread(households, weights)

    all_households: list[Household] = []
    people: list[Person] = []
    household_rows: list[Row] = []
    resident_rows: list[Row] = []
    diagnosis_rows: list[Row] = []
    heads: list[tuple[str, str]] = []
    used_numbers: set[str] = set()
    for vi, village in enumerate(villages):
        clans = [names.surname() for _ in range(2)]
        sequence = 0
        groups = max(1, counts[vi] // 30)
        for n in range(counts[vi]):
            family = clans[0] if random() < 0.3 else clans[1] if random() < 0.15 else names.surname()
            hh = draw_household(ctx, vi, family, names.surname)
            hh.id = ids()
            hh.address = (
                f"{ctx.township.name}{village.name}{n // 24 + 1}栋{n % 24 + 101}室"
                if village.neighbourhood
                else f"{ctx.township.name}{village.name}{randint(1, groups)}组{n // groups + 1}号"
            )
            hh.environment = tuple(t[int(random() * len(t))] for t in _ENV)
            if random() < 0.06:
                hh.poverty = "4" if len(hh.members) == 1 and hh.head.age >= 60 else _POVERTY[int(random() * 10)]
            all_households.append(hh)
            for p in hh.members:
                p.id = ids()
                p.household = hh
                p.village = vi
                p.birth = births.draw(randint, p.age)
                p.turns65, p.turns7 = birthday(p.birth, 65), birthday(p.birth, 7)
                _conditions(ctx, p, hh)
                people.append(p)
            _recent_events(ctx, hh)
            hh.phone = next((p.phone for p in hh.members if p.phone), None)
            household_rows.append((hh.id, stamp, stamp, village.id, hh.address, hh.phone))
            heads.append((hh.head.id, hh.id))
            spouse_present = any(p.rel == "10" for p in hh.members)
            for p in hh.members:
                sequence += 1
                resident_rows.append(
                    _resident_row(
                        ctx,
                        names,
                        p,
                        hh,
                        village,
                        sequence,
                        spouse_present,
                        as_of_year,
                        (county, other_regions, legacy_regions),
                        used_numbers,
                    )
                )
                _diagnoses(ctx, p, diagnosis_rows)
    return Population(
        all_households,
        people,
        [
            TableRows("households", HOUSEHOLD_COLUMNS, household_rows),
            TableRows("residents", RESIDENT_COLUMNS, resident_rows),
            TableRows("diagnoses", DIAGNOSIS_COLUMNS, diagnosis_rows),
        ],
        heads,
    )


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), at least one each."""
    scale = (total - len(weights)) / sum(weights)
    raw = [w * scale for w in weights]
    counts = [1 + int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (int(raw[i]) - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _conditions(ctx: Context, p: Person, hh: Household) -> None:
    rng = ctx.rng
    random, age = rng.random, p.age
    p.poverty = hh.poverty
    if age >= 18:
        p.ht = random() < _HT_BY_AGE[min(age, 119)]
        p.dm = random() < _HT_BY_AGE[min(age, 119)] * _DM_SHARE
        p.tb = random() < 0.002
        p.smi = age < 75 and random() < 0.004
        if 14 <= age <= 84:
            p.phone = mobile(ctx) if random() < (0.9 if age < 75 else 0.5) else None
    p.disabled = random() < (0.012 if age < 60 else 0.05)
    p.pregnant = p.sex == 2 and 20 <= age <= 40 and p.role in ("S", "L") and random() < 0.1
    p.height = (158 + int(random() * 21) if p.sex == 1 else 148 + int(random() * 18)) - (4 if age >= 70 else 0)
    bmi = 19.0 + random() * 10.5
    p.weight = round(bmi * (p.height / 100) ** 2, 1)
    p.key = age >= 65 or age <= 6 or p.ht or p.dm or p.tb or p.smi or p.disabled or p.pregnant or p.poverty is not None


def _recent_events(ctx: Context, hh: Household) -> None:
    """Deaths of old members and moves of young ones in the last two years (the head only
    when living alone); postpartum mothers of babies under 42 days."""
    rng, A = ctx.rng, ctx.as_of
    alone = len(hh.members) == 1
    for p in hh.members:
        if p.role == "H" and not alone:
            continue
        if p.age >= 72 and rng.random() < 0.08:
            p.status, p.status_on = ResidentStatus.DECEASED, A - ctx.randint(10, 700)
        elif (18 <= p.age <= 40 or alone and p.age <= 60) and not p.pregnant and rng.random() < 0.04:
            p.status, p.status_on = ResidentStatus.MOVED_OUT, A - ctx.randint(10, 700)
        if p.status != ResidentStatus.ACTIVE:
            p.key = False  # no longer registered: outside every indicator
    if len(hh.members) == 2 and hh.members[1].role == "S" and hh.head.age >= 55 and rng.random() < 0.02:
        for p in hh.members:
            p.fps = p.key = True
    for baby in hh.members:
        if A - baby.birth < 42:
            mothers = [m for m in hh.members if m.sex == 2 and 18 <= m.age <= 45 and m is not baby]
            if mothers:
                mothers[0].postpartum_until = baby.birth + 42
                mothers[0].pregnant = False
                mothers[0].key = True


def _id_number(rng: Random, p: Person, regions: Regions, used: set[str]) -> str:
    county, others, legacy = regions
    r = rng.random()
    region = county if r < 0.85 else rng.choice(others) if r < 0.96 or p.age < 40 else rng.choice(legacy)
    born = date.fromordinal(p.birth)
    while True:
        number = make_id_number(region, born, rng.randrange(500) * 2 + (1 if p.sex == 1 else 0))
        if number not in used:
            used.add(number)
            return number


def _resident_row(
    ctx: Context,
    names: NameMaker,
    p: Person,
    hh: Household,
    village: DemoVillage,
    sequence: int,
    spouse_present: bool,
    as_of_year: int,
    regions: Regions,
    used: set[str],
) -> Row:
    rng, days, stamp = ctx.rng, ctx.days, ctx.stamp
    random, choice = rng.random, rng.choice
    age = p.age
    ethnicity, resident_type = "01", "1"
    if 18 <= age <= 60 and p.role in ("S", "L") and random() < 0.004:
        name, ethnicity = names.minority(p.sex)
        resident_type = "2"
    else:
        name = p.surname + names.given(as_of_year - age, p.sex)
        if random() < 0.006:
            ethnicity = choice(_MINORITIES_HAN_NAMED)
    p.name = name
    pinyin, initials = names.pinyin(name)
    if age < 16:
        id_type = "02"
        id_number = None if ctx.as_of - p.birth < 90 else _id_number(rng, p, regions, used)
    else:
        id_type, id_number = "01", _id_number(rng, p, regions, used)
    if age < 7:
        education = occupation = None
    elif age < 18:
        education, occupation = ("8" if age < 13 else "7"), None
    else:
        education = choice(_EDU_OLD if age >= 60 else _EDU_MID if age >= 40 else _EDU_YOUNG)
        occupation = ("8" if random() < 0.5 else "4") if age >= 65 else _OCCUPATION[int(random() * 20)]
    if age < 20:
        marital = "1"
    elif p.role in ("H", "S") and spouse_present or p.role == "L":
        marital = "2"
    elif age >= 60:
        marital = "3" if random() < 0.8 else "2"
    else:
        marital = _SINGLE_MARITAL[int(random() * 20)]
    contact_name = contact_phone = None
    if age >= 65 and len(hh.members) == 1:
        contact_name, contact_phone = p.surname + names.given(as_of_year - age + 28, ctx.randint(1, 2)), mobile(ctx)
    payment = "2" if random() < 0.93 else "1"
    if p.poverty:
        payment += ",4"
    kitchen, fuel, water, toilet, pen = hh.environment
    return (
        p.id,
        stamp,
        stamp,
        village.id,
        hh.id,
        p.rel,
        name,
        pinyin,
        initials,
        p.sex,
        days(p.birth),
        id_type,
        id_number,
        f"{ctx.township.code}{village.record_segment}{sequence:05d}",
        ethnicity,
        p.phone,
        contact_name,
        contact_phone,
        resident_type,
        _ABO[int(random() * 100)],
        "2" if random() < 0.85 else "3",
        education,
        occupation,
        marital,
        payment,
        _ALLERGY[int(random() * 100)],
        "1",
        _HISTORY[int(random() * 100)],
        _HISTORY[int(random() * 100)],
        "1",
        "1",
        choice(_DISABILITY) if p.disabled else "1",
        kitchen,
        fuel,
        water,
        toilet,
        pen,
        int(p.ht),
        int(p.dm),
        int(p.tb),
        int(p.smi),
        p.poverty,
        int(p.fps),
        int(p.pregnant),
        days(p.postpartum_until) if p.postpartum_until else None,
        p.status.value,
        days(p.status_on) if p.status_on is not None else None,
    )


def _diagnoses(ctx: Context, p: Person, rows: list[Row]) -> None:
    rng, ids, stamp, days, A = ctx.rng, ctx.ids, ctx.stamp, ctx.days, ctx.as_of
    adult_from = p.birth + 365 * 30
    for flag, disease, longest in ((p.ht, "2", 5400), (p.dm, "3", 4000), (p.tb, "9", 200), (p.smi, "8", 5000)):
        if flag:
            on = min(A - 1, max(adult_from if disease != "9" else p.birth + 365 * 18, A - ctx.randint(30, longest)))
            rows.append((ids(), stamp, stamp, p.id, disease, None, days(on)))
            if disease == "2":
                p.ht_since = on
            elif disease == "3":
                p.dm_since = on
    if p.ht and p.age >= 60 and rng.random() < 0.12:
        rows.append((ids(), stamp, stamp, p.id, "4", None, days(A - ctx.randint(30, 3000))))
    if p.ht and p.age >= 60 and rng.random() < 0.05:
        rows.append((ids(), stamp, stamp, p.id, "7", None, days(A - ctx.randint(30, 3000))))
