"""Households and their members before they become rows: who lives together, how old, which
sex, and how they are related to the head (GB/T 4761 top-level codes, models/codes.py).

A household is drawn from a template of roles for its size, with the head's age range:
``H`` head, ``S`` spouse (opposite sex, similar age), ``C`` child (20-32 years younger
than both parents), ``L`` the first child's spouse (son-in-law coded 20, daughter-in-law
30, the top-level groups that hold 女婿 28 and 儿媳 38), ``G`` grandchild, ``P`` a parent
of the head. The weights give a rural pyramid: many older couples and left-behind
grandchildren, few adults of 20-40 (migrant work), about a fifth aged 65 or more.

Each child knows its mother when she lives in the household (her pregnancies are recorded)
and the members who can be its guardian (监护人): its parents in the household, then its
grandparents.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fdclient.domain.codes import GuardianRelationship, ResidentStatus
from fdclient.domain.key_populations import KeyPopulation, PersonFacts, PregnancyDates, compute_tags
from fdclient.services.demo.common import Context, weighted

#: Household size → (weight, [(template, head's youngest age, oldest age, weight)]).
TEMPLATES: dict[int, tuple[int, list[tuple[str, int, int, int]]]] = {
    1: (13, [("H", 62, 92, 6), ("H", 30, 61, 4)]),
    2: (25, [("HS", 58, 88, 60), ("HS", 28, 57, 12), ("HC", 58, 86, 14), ("HP", 40, 60, 14)]),
    3: (21, [("HSC", 30, 56, 40), ("HSG", 55, 78, 30), ("HSP", 40, 60, 12), ("HCG", 58, 84, 18)]),
    4: (19, [("HSCC", 34, 52, 36), ("HSGG", 55, 76, 30), ("HSCP", 38, 56, 12), ("HSCG", 52, 72, 22)]),
    5: (13, [("HSCLG", 50, 72, 45), ("HSCCP", 38, 54, 15), ("HSGGG", 55, 72, 15), ("HSCGG", 52, 72, 25)]),
    6: (9, [("HSCLGG", 50, 72, 55), ("HSCCCP", 40, 54, 20), ("HSCLGP", 46, 56, 25)]),
}
_SIZES = tuple(TEMPLATES)
_SIZE_WEIGHTS = tuple(TEMPLATES[s][0] for s in _SIZES)
_SIZE_TABLE = weighted(_SIZES, _SIZE_WEIGHTS)
_TEMPLATE_TABLES = {size: weighted(options, [o[3] for o in options]) for size, (_, options) in TEMPLATES.items()}
#: Mean household size the weights give (used to size a township for a resident target).
MEAN_HOUSEHOLD_SIZE = sum(s * w for s, w in zip(_SIZES, _SIZE_WEIGHTS, strict=False)) / sum(_SIZE_WEIGHTS)

HEAD, SPOUSE, SON, DAUGHTER, GRANDCHILD, PARENT = "01", "10", "20", "30", "40", "50"


class Person:
    """One resident while the township is built (plain attributes, no ORM).

    Days are ordinals (``date.toordinal()``); the attributes without a default are set
    as the population is built (ids, village, birth day, name, measurements)."""

    __slots__ = (
        "id",
        "household",
        "village",
        "role",
        "rel",
        "age",
        "birth",
        "sex",
        "surname",
        "name",
        "id_number",
        "ht",
        "dm",
        "tb",
        "smi",
        "disabled",
        "pregnant",
        "pregnancies",
        "relief",
        "fps",
        "status",
        "status_on",
        "key",
        "height",
        "weight",
        "phone",
        "ht_since",
        "dm_since",
        "turns7",
        "turns14",
        "turns18",
        "turns35",
        "turns65",
        "mother",
        "guardians",
        "registered_on",
        "doctor",
        "row",
        "_facts",
        "_tags",
    )
    id: str
    household: Household
    #: Index of the village in the organisation's list.
    village: int
    #: Relationship to the head (GB/T 4761 top-level code).
    rel: str
    birth: int
    name: str
    height: int
    weight: float
    #: The days the person turns 7, 14, 18, 35 and 65.
    turns7: int
    turns14: int
    turns18: int
    turns35: int
    turns65: int
    #: 建档日期 (an ordinal): drawn with the person, moved back to the first day a contract
    #: covers them if that is earlier.
    registered_on: int
    #: The responsible doctor (责任医生) on the record cover.
    doctor: str
    #: The resident row while the contracts may still change its cover (see population.py).
    row: list[object]

    def __init__(self, role: str, age: int, sex: int, surname: str) -> None:
        self.role = role
        self.age = age
        self.sex = sex
        self.surname = surname
        self.ht = self.dm = self.tb = self.smi = self.disabled = self.pregnant = self.fps = False
        #: (last menstrual period, expected delivery, delivery) ordinals, oldest first.
        self.pregnancies: list[tuple[int | None, int | None, int | None]] = []
        #: Poverty and relief statuses as stored: sorted codes joined by commas ("" for none).
        self.relief = ""
        self.status = ResidentStatus.ACTIVE
        self.status_on: int | None = None
        self.key = False
        self.phone: str | None = None
        self.id_number: str | None = None
        self.ht_since = self.dm_since = 0
        self.mother: Person | None = None
        #: Who can be this person's guardian, in order of preference, with the relationship.
        self.guardians: list[tuple[Person, GuardianRelationship]] = []
        self._facts: PersonFacts | None = None
        self._tags: dict[date, frozenset[KeyPopulation]] = {}

    def present_until(self, as_of: int) -> int:
        """Last day the resident lives in the township (death or moving out), else as_of."""
        return self.status_on if self.status_on is not None else as_of

    def present_on(self, day: int) -> bool:
        """Whether the person is born and still lives in the township on ``day``."""
        return self.birth <= day and (self.status_on is None or self.status_on >= day)

    def facts(self) -> PersonFacts:
        """What the record says, as the key-population rules read it (once the record is
        complete)."""
        if self._facts is None:
            self._facts = PersonFacts(
                birth_date=date.fromordinal(self.birth),
                has_hypertension=self.ht,
                has_diabetes=self.dm,
                has_tuberculosis=self.tb,
                has_severe_mental_disorder=self.smi,
                has_disability=self.disabled,
                in_poverty_programme=bool(self.relief),
                family_planning_special=self.fps,
                pregnancies=tuple(
                    PregnancyDates(*(None if d is None else date.fromordinal(d) for d in dates))
                    for dates in self.pregnancies
                ),
            )
        return self._facts

    def tags(self, day: date) -> frozenset[KeyPopulation]:
        """The person's key populations on ``day`` (``compute_tags`` of their record)."""
        found = self._tags.get(day)
        if found is None:
            found = self._tags[day] = compute_tags(self.facts(), day)
        return found


class Household:
    __slots__ = ("id", "village", "members", "head", "relief", "address", "phone", "environment")
    id: str
    head: Person
    address: str
    phone: str | None
    #: Kitchen exhaust, fuel, water, toilet and livestock pen codes.
    environment: tuple[str, ...]

    def __init__(self, village: int) -> None:
        self.village = village
        self.members: list[Person] = []
        #: The household's poverty or relief statuses (stored codes, "" for none).
        self.relief = ""


class BirthDays:
    """Birth ordinals for an exact age (full years) on the reference day."""

    def __init__(self, as_of: date, oldest: int = 110) -> None:
        bounds = []
        for age in range(oldest + 2):
            try:
                bounds.append(as_of.replace(year=as_of.year - age).toordinal())
            except ValueError:  # 29 February in a common year
                bounds.append(date(as_of.year - age, 3, 1).toordinal())
        self._bounds = bounds

    def draw(self, rng_randint: Callable[[int, int], int], age: int) -> int:
        return rng_randint(self._bounds[age + 1] + 1, self._bounds[age])


def birthday(birth: int, years: int) -> int:
    """Ordinal of the day a person born on ``birth`` turns ``years`` (29 February → 1 March)."""
    return birthdays(birth, (years,))[0]


def birthdays(birth: int, ages: tuple[int, ...]) -> list[int]:
    """Ordinals of the days a person born on ``birth`` turns each of ``ages``."""
    day = date.fromordinal(birth)
    out = []
    for years in ages:
        try:
            out.append(day.replace(year=day.year + years).toordinal())
        except ValueError:
            out.append(date(day.year + years, 3, 1).toordinal())
    return out


def draw_household(ctx: Context, village: int, family_surname: str, other_surname: Callable[[], str]) -> Household:
    """Members with role, relationship, age, sex and surname (names come later)."""
    rng = ctx.rng
    randint, random = ctx.randint, rng.random
    size = _SIZE_TABLE[int(random() * len(_SIZE_TABLE))]
    options = _TEMPLATE_TABLES[size]
    template, youngest, oldest, _ = options[int(random() * len(options))]
    hh = Household(village)
    head_age = randint(youngest, oldest)
    has_spouse = "S" in template
    if has_spouse:
        head_sex = 1 if random() < 0.86 else 2
    elif size == 1 and head_age >= 62:
        head_sex = 2 if random() < 0.6 else 1
    else:
        head_sex = 1 if random() < 0.7 else 2
    head = Person("H", head_age, head_sex, family_surname if head_sex == 1 else other_surname())
    head.rel = HEAD
    members = [head]
    father_surname = head.surname if head_sex == 1 else None
    younger_parent = head_age
    if has_spouse:
        gap = randint(0, 6) if head_sex == 1 else -randint(0, 6)
        spouse = Person(
            "S", max(20, head_age - gap), 3 - head_sex, family_surname if head_sex == 2 else other_surname()
        )
        spouse.rel = SPOUSE
        members.append(spouse)
        younger_parent = min(head_age, spouse.age)
        if head_sex == 2:
            father_surname = spouse.surname
    father_surname = father_surname or (head.surname if random() < 0.3 else other_surname())
    parents = [m for m in members if m.role in "HS"]
    children: list[Person] = []
    #: The parents of the grandchildren: the first child, and their spouse when present.
    children_parents: list[Person] = []
    needs_adult_child = "L" in template or ("G" in template and "C" in template)
    for role in template[1:]:
        if role == "C":
            adult = needs_adult_child and not children
            low = 22 if adult else 20
            high = max(low, min(32, younger_parent - (20 if adult else 0)))
            sex = 1 if random() < 0.52 else 2
            child = Person("C", max(0, younger_parent - randint(low, high)), sex, father_surname)
            child.rel = SON if sex == 1 else DAUGHTER
            _parented(child, parents, [])
            children.append(child)
            members.append(child)
        elif role == "L":
            first = children[0]
            in_law = Person(
                "L", max(18, min(first.age + randint(-3, 3), younger_parent - 18)), 3 - first.sex, other_surname()
            )
            in_law.rel = SON if in_law.sex == 1 else DAUGHTER
            members.append(in_law)
            children_parents = [children[0], in_law]
        elif role == "G":
            parent_age = children[0].age if children else None
            if parent_age is not None:
                age = max(0, parent_age - randint(20, 32))
                # the father's surname: the son's, or the son-in-law's (the member before)
                surname = (
                    children[0].surname
                    if children[0].sex == 1
                    else (members[members.index(children[0]) + 1].surname if "L" in template else other_surname())
                )
            else:
                age = max(0, min(16, younger_parent - randint(44, 62)))
                surname = father_surname if random() < 0.85 else other_surname()
            sex = 1 if random() < 0.53 else 2
            own_parents = (children_parents or [children[0]]) if parent_age is not None else []
            if not any(m.sex == 2 for m in own_parents):
                age = max(1, age)  # a baby left with its grandparents is weaned first
            grandchild = Person("G", age, sex, surname)
            grandchild.rel = GRANDCHILD
            _parented(grandchild, own_parents, parents)
            members.append(grandchild)
        elif role == "P":
            sex = 2 if random() < 0.68 else 1
            parent = Person(
                "P",
                min(98, head_age + randint(22, 34)),
                sex,
                head.surname if sex == 1 and head_sex == 1 else other_surname(),
            )
            parent.rel = PARENT
            members.append(parent)
    hh.members = members
    hh.head = head
    return hh


def _parented(child: Person, parents: list[Person], grandparents: list[Person]) -> None:
    """The child's mother (when she lives with it) and guardians: parents, then grandparents."""
    child.mother = next((m for m in parents if m.sex == 2), None)
    child.guardians = [
        (m, GuardianRelationship.MOTHER if m.sex == 2 else GuardianRelationship.FATHER) for m in parents
    ] + [(m, GuardianRelationship.GRANDPARENT) for m in grandparents]
