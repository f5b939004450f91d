"""Households and residents of one demo village, with what their records say.

* ID numbers (GB 11643) come from :func:`~fdclient.domain.identity.make_id_number`: the
  region is mostly the county (first 6 digits of the township code), some come from
  elsewhere in the province, a few from older prefecture-era regions; birth date and sex
  agree with the record; children under 16 carry theirs on the household register (type
  02) and babies under three months have none yet. As police stations do, each village
  has order codes of its own (:data:`ORDER_CODES_PER_VILLAGE`), so villages built apart
  never give two people one number.
* Health record numbers: 6 county + 3 township + 3 village record segment + a 5-digit
  sequence per village in registration order. The record cover (建档日期, 建档人, 责任医生):
  most files were made in the years of the big registration drives, babies' soon after
  birth; the contracts may move the date back to the day a contract first covered the
  person (population.finish_residents), and name the responsible doctor.
* Conditions by age: hypertension from ~1% under 35 to ~55% at 75+, type 2 diabetes about a
  third of that, each with its diagnosis row (the flags agree with the diagnoses); a few TB
  and severe mental disorder patients; disabilities; poverty-relief households, some of
  them holding two statuses (脱贫户 and 低保); some deaths and moves in the last two years.
* Pregnancies with their dates: the births of the children under seven whose mother lives
  with them, a few women pregnant now; mothers of babies under 42 days are postpartum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fdclient.domain.codes import DIABETES_DISEASE, HYPERTENSION_DISEASE, ResidentStatus
from fdclient.domain.identity import make_id_number
from fdclient.domain.key_populations import POSTPARTUM_DAYS, PREGNANCY_DAYS
from fdclient.services.demo.common import Context, Row, weighted
from fdclient.services.demo.names import NameMaker
from fdclient.services.demo.organisation import MAX_VILLAGES, DemoTeam, DemoVillage, mobile
from fdclient.services.demo.people import BirthDays, Household, Person, birthdays, draw_household

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
    "relief_statuses",
    "family_planning_special",
    "status",
    "status_changed_on",
    "registered_on",
    "registered_by_id",
    "responsible_doctor_id",
)
#: Where the record cover sits in a resident row (filled in by :func:`finish_residents`).
_REGISTERED_ON = RESIDENT_COLUMNS.index("registered_on")
_RESPONSIBLE = RESIDENT_COLUMNS.index("responsible_doctor_id")
DIAGNOSIS_COLUMNS = ("id", "created_at", "updated_at", "resident_id", "disease", "detail", "diagnosed_on")
PREGNANCY_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "resident_id",
    "last_menstrual_period",
    "expected_delivery_date",
    "delivery_date",
)
#: ID-number order codes (the 3 digits before the check digit, halved: their parity is the
#: sex) each village draws from: village ``v`` uses ``v``, ``v + 100``, ...
ORDER_CODES_PER_VILLAGE = 500 // MAX_VILLAGES

#: Age band upper bounds and the share with hypertension in each.
_HT_BANDS = ((35, 0.01), (45, 0.10), (55, 0.20), (65, 0.34), (75, 0.46), (200, 0.55))
_HT_BY_AGE = [next(p for top, p in _HT_BANDS if age < top) for age in range(120)]
_DM_SHARE = 0.33
_ABO = weighted(("1", "2", "3", "4", "5"), (28, 26, 30, 7, 9))
_EDU_OLD, _EDU_MID, _EDU_YOUNG = ("9", "8", "8", "7"), ("8", "7", "7", "6", "4"), ("7", "6", "5", "4", "3", "2")
_OCCUPATION = weighted(("4", "5", "3", "7", "1"), (12, 3, 3, 1, 1))
_SINGLE_MARITAL = weighted(("1", "2", "4"), (10, 7, 3))
_DISABILITY = ("5", "5", "2", "3", "4", "6", "7")
#: Family history of parents (codes.FAMILY_HISTORY, the 2017 form's own list).
_PARENT_HISTORY = weighted(("1", "2", "3", "4", "7", "6", "2,7", "2,3", "5", "12"), (140, 26, 10, 8, 8, 6, 4, 4, 3, 1))
_ALLERGY = weighted(("1", "2", "3"), (90, 7, 3))
#: A household's poverty and relief statuses (codes.RELIEF_STATUS, a set).
_RELIEF = weighted(("1", "1,3", "2", "3", "1,4"), (10, 3, 2, 4, 1))
_ENV = (
    weighted(("1", "2", "3", "4"), (6, 7, 2, 5)),
    weighted(("1", "5", "3", "4", "2"), (10, 6, 2, 1, 1)),
    weighted(("1", "3", "2"), (16, 3, 1)),
    weighted(("1", "2", "3", "5"), (13, 3, 3, 1)),
    weighted(("1", "2", "4"), (6, 3, 1)),
)
_MINORITIES_HAN_NAMED = ("03", "06", "22")
#: Years of the big registration drives, before as_of: most files were made then.
_DRIVE_YEARS = (2, 10)
#: The ages a person's services and consent change at (Person.turns7 ... turns65).
_AGES_OF_NOTE = (7, 14, 18, 35, 65)
#: Mothers' ages at a delivery the demo records.
_MOTHER_AGES = (18, 45)

#: Where ID numbers were issued: the county, other counties of the province, older regions.
Regions = tuple[str, list[str], list[str]]


@dataclass
class Population:
    households: list[Household]
    people: list[Person]
    household_rows: list[Row]
    diagnosis_rows: list[Row]
    pregnancy_rows: list[Row]
    household_heads: list[tuple[str, str]]


def regions(ctx: Context) -> Regions:
    """The county, other counties of the province and a few older prefecture-era regions."""
    rng, county = ctx.rng, ctx.township.county_code
    province = county[:2]
    others = sorted({f"{province}{rng.randint(1, 11):02d}{rng.randint(2, 29):02d}" for _ in range(14)} - {county})
    legacy = sorted({f"{province}{rng.randint(21, 26)}{rng.randint(21, 30):02d}" for _ in range(4)})
    return county, others, legacy


def spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), at least one each."""
    scale = (total - len(weights)) / sum(weights)
    raw = [w * scale for w in weights]
    counts = [1 + int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (int(raw[i]) - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Village:
    """What building one village's people needs besides the context."""

    def __init__(self, ctx: Context, names: NameMaker, village: DemoVillage, team: DemoTeam, where: Regions) -> None:
        self.ctx, self.names, self.village, self.team, self.regions = ctx, names, village, team, where
        as_of_day = date.fromordinal(ctx.as_of)
        self.births = BirthDays(as_of_day)
        self.as_of_year = as_of_day.year
        self.codes = tuple(village.index + MAX_VILLAGES * k for k in range(ORDER_CODES_PER_VILLAGE))
        self.used: set[str] = set()
        #: Who makes files in this village: its doctor mostly, the team's nurse or public-health worker.
        self.registrars = weighted((village.doctor_id, team.nurse_id, team.public_health_id), (6, 3, 1))


def build_population(
    ctx: Context, names: NameMaker, village: DemoVillage, team: DemoTeam, where: Regions, households: int
) -> Population:
    """``households`` households of ``village`` with their members, diagnoses and pregnancies
    (the resident rows stay open for the contracts: see :func:`finish_residents`)."""
    ids, stamp, random, randint = ctx.ids, ctx.stamp, ctx.rng.random, ctx.randint
    v = _Village(ctx, names, village, team, where)
    out = Population([], [], [], [], [], [])
    clans = [names.surname() for _ in range(2)]
    sequence = 0
    groups = max(1, households // 30)
    for n in range(households):
        family = clans[0] if random() < 0.3 else clans[1] if random() < 0.15 else names.surname()
        hh = draw_household(ctx, village.index, family, names.surname)
        hh.id = ids()
        hh.address = (
            f"{ctx.township.name}{village.name}{n // 24 + 1}栋{n % 24 + 101}室"
            if village.neighbourhood
            else f"{ctx.township.name}{village.name}{randint(1, groups)}组{n // groups + 1}号"
        )
        hh.environment = tuple(t[int(random() * len(t))] for t in _ENV)
        if random() < 0.06:
            hh.relief = "4" if len(hh.members) == 1 and hh.head.age >= 60 else _RELIEF[int(random() * len(_RELIEF))]
        out.households.append(hh)
        for p in hh.members:
            p.id = ids()
            p.household = hh
            p.village = village.index
            p.birth = v.births.draw(randint, p.age)
            p.turns7, p.turns14, p.turns18, p.turns35, p.turns65 = birthdays(p.birth, _AGES_OF_NOTE)
            _conditions(ctx, p, hh)
            out.people.append(p)
        _recent_events(ctx, hh)
        _pregnancies(ctx, hh)
        hh.phone = next((p.phone for p in hh.members if p.phone), None)
        out.household_rows.append((hh.id, stamp, stamp, village.id, hh.address, hh.phone))
        out.household_heads.append((hh.head.id, hh.id))
        spouse_present = any(p.rel == "10" for p in hh.members)
        for p in hh.members:
            sequence += 1
            p.row = _resident_row(v, p, hh, sequence, spouse_present)
            _diagnoses(ctx, p, out.diagnosis_rows)
            for lmp, edd, delivered in p.pregnancies:
                out.pregnancy_rows.append(
                    (ids(), stamp, stamp, p.id, *(None if d is None else ctx.days(d) for d in (lmp, edd, delivered)))
                )
    return out


def finish_residents(ctx: Context, people: list[Person], covered_from: dict[str, int]) -> list[Row]:
    """The resident rows, with their cover: a file is made at the latest on the first day a
    contract covers the person (``covered_from``), and names the responsible doctor."""
    days, rows = ctx.days, []
    for p in people:
        first = covered_from.get(p.id)
        if first is not None and first < p.registered_on:
            p.registered_on = first
        row = p.row
        row[_REGISTERED_ON] = days(p.registered_on)
        row[_RESPONSIBLE] = p.doctor
        rows.append(tuple(row))
    return rows


def _conditions(ctx: Context, p: Person, hh: Household) -> None:
    random, age = ctx.rng.random, p.age
    p.relief = hh.relief
    if age >= 18:
        p.ht = random() < _HT_BY_AGE[min(age, 119)]
        p.dm = random() < _HT_BY_AGE[min(age, 119)] * _DM_SHARE
        p.tb = random() < 0.002
        p.smi = age < 75 and random() < 0.004
        if 14 <= age <= 84:
            p.phone = mobile(ctx) if random() < (0.9 if age < 75 else 0.5) else None
    p.disabled = random() < (0.012 if age < 60 else 0.05)
    p.pregnant = p.sex == 2 and 20 <= age <= 40 and p.role in ("S", "L") and random() < 0.08
    p.height = (158 + int(random() * 21) if p.sex == 1 else 148 + int(random() * 18)) - (4 if age >= 70 else 0)
    bmi = 19.0 + random() * 10.5
    p.weight = round(bmi * (p.height / 100) ** 2, 1)
    p.key = age >= 65 or age <= 6 or p.ht or p.dm or p.tb or p.smi or p.disabled or p.pregnant or bool(p.relief)


def _recent_events(ctx: Context, hh: Household) -> None:
    """Deaths of old members and moves of young ones in the last two years (the head only
    when living alone); a few family-planning special families."""
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


def _pregnancies(ctx: Context, hh: Household) -> None:
    """Deliveries of the household's children under seven whose mother lives with them,
    and the pregnancies of women pregnant now (none overlaps another of the same woman)."""
    A, randint = ctx.as_of, ctx.randint
    recent = A - 7 * 365
    for child in sorted((p for p in hh.members if p.mother is not None and p.birth > recent), key=_birth):
        mother = child.mother
        assert mother is not None
        age = (child.birth - mother.birth) // 365
        if not _MOTHER_AGES[0] <= age <= _MOTHER_AGES[1] or mother.status_on is not None:
            continue
        lmp = child.birth - PREGNANCY_DAYS + randint(-14, 10)
        previous = mother.pregnancies[-1][2] if mother.pregnancies else None
        if previous is not None and lmp <= previous:
            continue  # born too soon after a sibling to be a pregnancy of its own
        edd = lmp + PREGNANCY_DAYS
        r = ctx.rng.random()
        # Older files hold the expected date without the LMP, or the delivery alone.
        if r < 0.8:
            mother.pregnancies.append((lmp, edd, child.birth))
        elif r < 0.9:
            mother.pregnancies.append((None, edd, child.birth))
        else:
            mother.pregnancies.append((None, None, child.birth))
        if A - child.birth <= POSTPARTUM_DAYS:
            mother.key = True
    for p in hh.members:
        if not p.pregnant or p.status_on is not None:
            continue
        lmp = A - randint(20, PREGNANCY_DAYS - 8)
        if p.pregnancies and (p.pregnancies[-1][2] or 0) + 60 >= lmp:
            p.pregnant = False  # delivered lately: postpartum, not pregnant again
            continue
        p.pregnancies.append((lmp, lmp + PREGNANCY_DAYS, None))


def _birth(p: Person) -> int:
    return p.birth


def _id_number(v: _Village, p: Person) -> str:
    """An ID number no other resident of the demo has: the village's order codes, in the
    region drawn (another of the province when the village has used them all that day)."""
    rng = v.ctx.rng
    county, others, legacy = v.regions
    r = rng.random()
    region = county if r < 0.85 else rng.choice(others) if r < 0.96 or p.age < 40 else rng.choice(legacy)
    born = date.fromordinal(p.birth)
    first = int(rng.random() * len(v.codes))
    for where in (region, *others):
        for k in range(len(v.codes)):
            code = v.codes[(first + k) % len(v.codes)]
            number = make_id_number(where, born, code * 2 + (1 if p.sex == 1 else 0))
            if number not in v.used:
                v.used.add(number)
                return number
    raise RuntimeError("the demo village has used every ID number of a birth day")


def _registered_on(ctx: Context, p: Person) -> int:
    """建档日期 as drawn: soon after birth for young children; otherwise mostly in the years
    of the registration drives, some lately, some long ago; never before birth nor after
    the person left."""
    A, randint, random = ctx.as_of, ctx.randint, ctx.rng.random
    if A - p.birth < 7 * 365:
        day = p.birth + randint(3, 60)
    else:
        r = random()
        low, high = _DRIVE_YEARS
        if r < 0.65:
            day = A - randint(365 * low, 365 * high)
        elif r < 0.85:
            day = A - randint(0, 729)
        else:
            day = A - randint(365 * high, 365 * 15)
        day = max(day, p.birth + randint(3, 60))
    last = A if p.status_on is None else p.status_on
    return min(day, last)


def _resident_row(v: _Village, p: Person, hh: Household, sequence: int, spouse_present: bool) -> list[object]:
    ctx, names = v.ctx, v.names
    rng, days, stamp = ctx.rng, ctx.days, ctx.stamp
    random, choice = rng.random, rng.choice
    age = p.age
    ethnicity, resident_type = "01", "1"
    if 18 <= age <= 60 and p.role in ("S", "L") and random() < 0.004:
        name, ethnicity = names.minority(p.sex)
        resident_type = "2"
    else:
        name = p.surname + names.given(v.as_of_year - age, p.sex)
        if random() < 0.006:
            ethnicity = choice(_MINORITIES_HAN_NAMED)
    p.name = name
    pinyin, initials = names.pinyin(name)
    if age < 16:
        id_type = "02"
        p.id_number = None if ctx.as_of - p.birth < 90 else _id_number(v, p)
    else:
        id_type, p.id_number = "01", _id_number(v, p)
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
        contact_name, contact_phone = p.surname + names.given(v.as_of_year - age + 28, ctx.randint(1, 2)), mobile(ctx)
    payment = "2" if random() < 0.93 else "1"
    if p.relief:
        payment += ",4"
    kitchen, fuel, water, toilet, pen = hh.environment
    p.registered_on = _registered_on(ctx, p)
    p.doctor = v.village.doctor_id if random() < 0.8 else v.team.leader_id
    history = _PARENT_HISTORY
    return [
        p.id,
        stamp,
        stamp,
        v.village.id,
        hh.id,
        p.rel,
        name,
        pinyin,
        initials,
        p.sex,
        days(p.birth),
        id_type,
        p.id_number,
        f"{ctx.township.code}{v.village.record_segment}{sequence:05d}",
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
        history[int(random() * len(history))],
        history[int(random() * len(history))],
        "1" if random() < 0.95 else "2",
        "1" if random() < 0.997 else "11",
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
        p.relief,
        int(p.fps),
        p.status.value,
        days(p.status_on) if p.status_on is not None else None,
        None,  # registered_on: finish_residents
        v.registrars[int(random() * len(v.registrars))],
        None,  # responsible doctor: finish_residents
    ]


def _diagnoses(ctx: Context, p: Person, rows: list[Row]) -> None:
    """A diagnosis row for every flag (the flags say a diagnosis exists), and a few more."""
    rng, ids, stamp, days, A = ctx.rng, ctx.ids, ctx.stamp, ctx.days, ctx.as_of
    adult_from = p.birth + 365 * 30
    for flag, disease, longest in (
        (p.ht, HYPERTENSION_DISEASE, 5400),
        (p.dm, DIABETES_DISEASE, 4000),
        (p.tb, "9", 200),
        (p.smi, "8", 5000),
    ):
        if flag:
            on = min(A - 1, max(adult_from if disease != "9" else p.birth + 365 * 18, A - ctx.randint(30, longest)))
            if p.status_on is not None:
                on = min(on, p.status_on - 1)
            rows.append((ids(), stamp, stamp, p.id, disease, None, days(on)))
            if disease == HYPERTENSION_DISEASE:
                p.ht_since = on
            elif disease == DIABETES_DISEASE:
                p.dm_since = on
    if p.ht and p.age >= 60 and rng.random() < 0.12:
        rows.append((ids(), stamp, stamp, p.id, "4", None, days(A - ctx.randint(30, 3000))))
    if p.ht and p.age >= 60 and rng.random() < 0.05:
        rows.append((ids(), stamp, stamp, p.id, "7", None, days(A - ctx.randint(30, 3000))))
