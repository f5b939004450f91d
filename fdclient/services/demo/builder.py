"""Building a demo township in memory, deterministically for a seed, one part at a time.

:func:`plan_demo` draws what the whole township shares from ``random.Random(seed)``: the
villages, staff and teams, the packages, where ID numbers were issued and how many
households each village has. Each village is then a part of its own
(:func:`build_village`): its households, residents, contracts, planned services and records,
from a random stream and an id range of its own (derived from the seed and the village's
place), so a village comes out the same whichever process builds it and whichever villages
are built before it. Only contract numbers run on from one village to the next: they are
given as the parts are written, in village order
(:class:`~fdclient.services.demo.contracts.ContractNumbers`).

Ids are UUIDv7-shaped values derived from the streams and a reference time (midnight of
``as_of`` in China), and created_at/updated_at are that reference time: the same seed,
arguments and ``as_of`` give the same rows, ids included.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from fdclient.domain.time import start_of_china_day
from fdclient.errors import ValidationError
from fdclient.services.demo.catalogue import DemoPackage, build_catalogue
from fdclient.services.demo.checks import elderly_checks, home_visits, surveys
from fdclient.services.demo.common import (
    Context,
    Days,
    DemoData,
    DemoPart,
    DemoTownship,
    TableRows,
    id_maker,
    stored_datetime,
)
from fdclient.services.demo.contracts import ContractBuilder
from fdclient.services.demo.followups import diabetes_visits, hypertension_visits
from fdclient.services.demo.names import NameMaker
from fdclient.services.demo.organisation import MAX_VILLAGES, Organisation, build_organisation, mobile
from fdclient.services.demo.planning import Planner
from fdclient.services.demo.population import (
    DIAGNOSIS_COLUMNS,
    HOUSEHOLD_COLUMNS,
    PREGNANCY_COLUMNS,
    RESIDENT_COLUMNS,
    Regions,
    build_population,
    finish_residents,
    regions,
    spread,
)
from fdclient.services.demo.service_records import service_records
from fdclient.services.demo.visits import SURVEY_COLUMNS, VisitLog
from fdclient.text import msg

MAX_HOUSEHOLDS = 200_000
#: Keeps a village under the 99,999 residents its 5-digit health-record sequence allows.
MAX_HOUSEHOLDS_PER_VILLAGE = 12_000
#: Years before as_of the day table covers (the oldest residents are under 100).
_DAYS_BACK = 115
#: Milliseconds of UUIDv7 time each part's ids may use (4096 ids a millisecond: far more
#: than the largest village needs).
PART_ID_MILLISECONDS = 10_000


@dataclass(frozen=True)
class DemoPlan:
    """What every part of a demo shares (plain data: a builder process gets a copy)."""

    township: DemoTownship
    seed: int
    as_of: date
    reference: datetime
    stamp: str
    days: Days
    org: Organisation
    packages: dict[str, DemoPackage]
    regions: Regions
    #: Households of each village, in village order.
    households: tuple[int, ...]
    #: The organisation's part: villages, staff, teams and packages.
    head: DemoPart
    township_details: dict[str, str]

    def data(self, parts: list[DemoPart]) -> DemoData:
        return DemoData(tuple(parts), self.stamp, self.reference, self.org.accounts, self.township_details)


def check_size(villages: int, households: int) -> None:
    if not 1 <= villages <= MAX_VILLAGES:
        raise ValidationError(
            msg(
                "村（居）委会数量应在 1 到 {most} 之间，实际为 {villages}。",
                "The number of villages must be between 1 and {most}; it is {villages}.",
                most=MAX_VILLAGES,
                villages=villages,
            ),
            field="villages",
        )
    most = min(MAX_HOUSEHOLDS, villages * MAX_HOUSEHOLDS_PER_VILLAGE)
    if not villages <= households <= most:
        raise ValidationError(
            msg(
                "户数应在 {least} 到 {most} 之间（每个村（居）委会至少 1 户、至多 {per_village} 户），实际为 {households}。",
                "The number of households must be between {least} and {most} (at least 1 and at most {per_village} "
                "per village); it is {households}.",
                least=villages,
                most=most,
                per_village=MAX_HOUSEHOLDS_PER_VILLAGE,
                households=households,
            ),
            field="households",
        )


def plan_demo(township: DemoTownship, *, villages: int, households: int, seed: int, as_of: date) -> DemoPlan:
    """The organisation and the share of each village (refuses impossible sizes)."""
    check_size(villages, households)
    rng = random.Random(seed)
    reference = start_of_china_day(as_of)
    days = Days(date(as_of.year - _DAYS_BACK, 1, 1), date.fromordinal(as_of.toordinal() + 3 * 366 + 400))
    ctx = Context(rng, id_maker(rng, reference), days, as_of.toordinal(), stored_datetime(reference), township)
    names = NameMaker(rng)
    org = build_organisation(ctx, names, villages)
    packages, package_tables = build_catalogue(ctx)
    where = regions(ctx)
    weights = [rng.uniform(0.6, 1.4) * (1.5 if v.neighbourhood else 1.0) for v in org.villages]
    details = {
        "institution_name": f"{township.name}{'社区卫生服务中心' if township.name.endswith('街道') else '卫生院'}",
        "centre_phone": mobile(ctx),
        "service_hours": "周一至周日 8:00-12:00，14:30-17:30（节假日值班）",
    }
    return DemoPlan(
        township,
        seed,
        as_of,
        reference,
        ctx.stamp,
        days,
        org,
        packages,
        where,
        tuple(spread(households, weights)),
        DemoPart((*org.tables, *package_tables)),
        details,
    )


def village_context(plan: DemoPlan, index: int) -> Context:
    """The random stream and id range of village ``index``: from the seed and the index alone."""
    rng = random.Random(f"fdclient-demo/{plan.seed}/{index}")
    ids = id_maker(rng, plan.reference, PART_ID_MILLISECONDS * (index + 1))
    return Context(rng, ids, plan.days, plan.as_of.toordinal(), plan.stamp, plan.township)


def build_village(plan: DemoPlan, index: int) -> DemoPart:
    """Every row about the residents of village ``index``, tables in foreign-key order."""
    ctx = village_context(plan, index)
    org, village = plan.org, plan.org.villages[index]
    population = build_population(
        ctx, NameMaker(ctx.rng), village, org.teams[village.team], plan.regions, plan.households[index]
    )
    planner = Planner(ctx)
    contracts = ContractBuilder(ctx, org, plan.packages, planner)
    for household in population.households:
        contracts.household(household)
    residents = finish_residents(ctx, population.people, contracts.coverage.first_covered)
    contract_tables = contracts.tables()

    log = VisitLog(ctx, org, contracts.coverage, planner)
    for person in population.people:
        if person.ht:
            hypertension_visits(ctx, log, person)
        if person.dm:
            diabetes_visits(ctx, log, person)
        elderly_checks(ctx, log, person)
        home_visits(ctx, log, person)
        service_records(ctx, log, person)
    surveys(ctx, log)
    for household in population.households:  # people and households refer to each other
        household.members.clear()
    return DemoPart(
        (
            TableRows("households", HOUSEHOLD_COLUMNS, population.household_rows),
            TableRows("residents", RESIDENT_COLUMNS, residents),
            TableRows("diagnoses", DIAGNOSIS_COLUMNS, population.diagnosis_rows),
            TableRows("pregnancies", PREGNANCY_COLUMNS, population.pregnancy_rows),
            *contract_tables,
            *log.tables(),
            planner.table(),
            TableRows("satisfaction_surveys", SURVEY_COLUMNS, log.surveys),
        ),
        population.household_heads,
    )


#: The tables a demo writes, in foreign-key order.
DEMO_TABLES = (
    "villages",
    "staff",
    "teams",
    "team_members",
    "team_villages",
    "service_packages",
    "package_items",
    "households",
    "residents",
    "diagnoses",
    "pregnancies",
    "contracts",
    "contract_members",
    "contract_packages",
    "visits",
    "hypertension_followups",
    "diabetes_followups",
    "elderly_checks",
    "home_visits",
    "service_records",
    "medications",
    "referrals",
    "planned_services",
    "satisfaction_surveys",
)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Millions of small rows: the cyclic garbage collector would rescan them again and
    again (a quarter of the build time) while none of them can be garbage yet."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
