"""Building a whole demo township in memory, deterministically for a seed.

Everything random comes from one ``random.Random(seed)`` consumed in a fixed order, ids
are UUIDv7-shaped values derived from it and a reference time (midnight of ``as_of`` in
China), and created_at/updated_at are that reference time: the same seed, arguments and
``as_of`` give the same rows, ids included.
"""

from __future__ import annotations

import gc
import random
from datetime import date

from fdclient.domain.time import start_of_china_day
from fdclient.errors import ValidationError
from fdclient.services.demo.catalogue import build_catalogue
from fdclient.services.demo.checks import elderly_checks, home_visits, surveys
from fdclient.services.demo.common import (
    Context,
    Days,
    DemoData,
    DemoTownship,
    TableRows,
    id_maker,
    stored_datetime,
)
from fdclient.services.demo.contracts import ContractBuilder
from fdclient.services.demo.followups import diabetes_visits, hypertension_visits
from fdclient.services.demo.names import NameMaker
from fdclient.services.demo.organisation import MAX_VILLAGES, build_organisation, mobile
from fdclient.services.demo.population import build_population
from fdclient.services.demo.visits import SURVEY_COLUMNS, VisitLog
from fdclient.text import msg

MAX_HOUSEHOLDS = 200_000
#: Keeps a village under the 99,999 residents its 5-digit health-record sequence allows.
MAX_HOUSEHOLDS_PER_VILLAGE = 12_000
#: Years before as_of the day table covers (the oldest residents are under 100).
_DAYS_BACK = 115


def build_demo(township: DemoTownship, *, villages: int, households: int, seed: int, as_of: date) -> DemoData:
    """All rows of a demo township, per table in foreign-key order."""
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
    # Millions of small rows: the cyclic garbage collector would rescan them again and again
    # (a quarter of the build time) while none of them can be garbage yet.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(township, villages, households, seed, as_of)
    finally:
        if collecting:
            gc.enable()


def _build(township: DemoTownship, villages: int, households: int, seed: int, as_of: date) -> DemoData:
    rng = random.Random(seed)
    reference = start_of_china_day(as_of)
    days = Days(date(as_of.year - _DAYS_BACK, 1, 1), date.fromordinal(as_of.toordinal() + 3 * 366 + 400))
    ctx = Context(rng, id_maker(rng, reference), days, as_of.toordinal(), stored_datetime(reference), township)
    names = NameMaker(rng)

    org = build_organisation(ctx, names, villages)
    packages, package_tables = build_catalogue(ctx)
    population = build_population(ctx, names, org.villages, households)

    contracts = ContractBuilder(ctx, org, packages)
    for household in population.households:
        contracts.household(household)
    contract_tables = contracts.tables(township.code)

    log = VisitLog(ctx, org, contracts.coverage)
    for person in population.people:
        if person.ht:
            hypertension_visits(ctx, log, person)
        if person.dm:
            diabetes_visits(ctx, log, person)
        if person.age >= 65:
            elderly_checks(ctx, log, person)
        home_visits(ctx, log, person)
    surveys(ctx, log)

    tables = (
        *org.tables,
        *package_tables,
        *population.tables,
        *contract_tables,
        *log.tables(),
        contracts.planned_table(),
        TableRows("satisfaction_surveys", SURVEY_COLUMNS, log.surveys),
    )
    details = {
        "institution_name": f"{township.name}{'社区卫生服务中心' if township.name.endswith('街道') else '卫生院'}",
        "centre_phone": mobile(ctx),
        "service_hours": "周一至周日 8:00-12:00，14:30-17:30（节假日值班）",
    }
    return DemoData(tables, population.household_heads, ctx.stamp, reference, org.accounts, details)
