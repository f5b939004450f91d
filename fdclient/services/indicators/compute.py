"""Indicators (考核指标, DOMAIN.md §6) for the township, each village, each family-doctor
team and each doctor of a team, as of a date.

``compute_indicators(store, as_of)`` runs about ten aggregate queries, grouped by cell
(village, team, doctor; :mod:`fdclient.services.indicators.tally`), and never loads ORM
objects or loops over residents in Python (its cost on a 100k-resident demo store is
measured by ``bench/stats_bench.py``). The township's, villages', teams' and doctors'
figures are sums of the same cells, so the breakdowns always add up (the per-service-kind
fulfilment rows exist for the township only; under the ``estimated`` denominator of
健康管理率 the township's estimated patients are the sum of its villages', each rounded on
its own). ``village_indicators(store, village_id)``
computes one village alone, from its residents (what the dashboard shows on a click).

What is counted is configuration (:mod:`fdclient.services.indicators.definitions`); the
queries are in :mod:`fdclient.services.indicators.queries` and
:mod:`fdclient.services.indicators.chronic`, built from the conditions in
:mod:`fdclient.services.indicators.sql`. Rates are fractions from 0 to 1, or ``None`` when
the denominator is 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.roles import Permission
from fdclient.models import Village
from fdclient.services.indicators import chronic, queries
from fdclient.services.indicators.chronic import DISEASES
from fdclient.services.indicators.definitions import (
    DEFAULT_DEFINITIONS,
    IndicatorDefinition,
    IndicatorDefinitions,
)
from fdclient.services.indicators.forked import start_in_child
from fdclient.services.indicators.sql import STAFF, TEAMS, VILLAGES, covered_residents
from fdclient.services.indicators.tally import Count, Counts, Tally
from fdclient.services.lookup import fetch
from fdclient.services.township import store_township
from fdclient.settings import (
    BP_TARGET,
    DIABETES_PREVALENCE,
    HYPERTENSION_PREVALENCE,
    MANAGEMENT_DENOMINATOR,
    get_setting,
)
from fdclient.store import Store
from fdclient.store.context import require, today
from fdclient.store.engine import BULK_CACHE_KIB, bulk_load_cache
from fdclient.text import msg

__all__ = [
    "AreaIndicators",
    "Indicator",
    "IndicatorReport",
    "PatientEstimate",
    "TeamIndicators",
    "compute_indicators",
    "village_indicators",
]


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    formula_zh: str
    numerator: int
    denominator: int
    #: numerator ÷ denominator (0..1), None when the denominator is 0.
    value: float | None


@dataclass(frozen=True)
class PatientEstimate:
    """The estimated denominator of one area's 健康管理率 for one disease (the
    ``estimated`` rule): ``estimated`` replaces ``registered`` as the denominator."""

    disease: str
    #: Registered patients with the diagnosis.
    registered: int
    #: Registered residents aged 18 and over on the day.
    adults: int
    #: adults × prevalence, rounded per village (the township's: the sum of its villages').
    estimated: int


@dataclass(frozen=True)
class AreaIndicators:
    """The figures of one unit: the township, a village, a team or a doctor (``code`` is
    the township's or village's code, or the team's or doctor's id)."""

    code: str
    name: str
    residents: int
    households: int
    contracted_residents: int
    indicators: tuple[Indicator, ...]
    #: Under the ``estimated`` denominator of 健康管理率, for the township and each village:
    #: one per disease; otherwise (and for teams and doctors) none.
    estimates: tuple[PatientEstimate, ...] = ()

    def indicator(self, key: str) -> Indicator:
        for item in self.indicators:
            if item.key == key:
                return item
        raise KeyError(key)

    def value(self, key: str) -> float | None:
        return self.indicator(key).value

    def estimate(self, disease: str) -> PatientEstimate | None:
        """The estimated denominator of *disease*'s 健康管理率, or None when it divides by the
        registered patients."""
        return next((e for e in self.estimates if e.disease == disease), None)

    def patients(self, disease: str) -> int:
        """The registered patients with *disease* ("hypertension", "diabetes")."""
        estimate = self.estimate(disease)
        return estimate.registered if estimate else self.indicator(f"{disease}_managed").denominator


@dataclass(frozen=True)
class TeamIndicators:
    """A family-doctor team's figures, and those of each of its doctors (by name)."""

    team: AreaIndicators
    doctors: tuple[AreaIndicators, ...]


@dataclass(frozen=True)
class IndicatorReport:
    as_of: date
    township: AreaIndicators
    villages: tuple[AreaIndicators, ...]
    #: In the order the teams were made; only residents covered on the day belong to a team.
    teams: tuple[TeamIndicators, ...] = ()


def _covered_counts(session: Session, as_of: date, d: IndicatorDefinitions) -> list[Count]:
    """The counts that read the table of residents covered on the day (built here)."""
    with covered_residents(session, as_of) as covered:
        return [
            *queries.population(session, as_of, covered, d),
            *queries.fulfilment(session, as_of, d, covered),
            *queries.team_households(session, covered),
            *queries.satisfaction(session, as_of, d, covered=covered),
        ]


def _other_counts(session: Session, as_of: date, d: IndicatorDefinitions) -> list[Count]:
    """The counts that need no table of covered residents (the patients' teams are
    looked up per patient)."""
    counts = [
        *queries.households(session, as_of),
        *queries.renewals(session, as_of, d),
        *chronic.followups(session, as_of, d, VisitKind.HYPERTENSION),
        *chronic.followups(session, as_of, d, VisitKind.DIABETES),
    ]
    if d.per_service_rows:
        counts += queries.fulfilment_by_kind(session, as_of, d)
    return counts


CountGroup = Callable[[Session, date, IndicatorDefinitions], list[Count]]
#: Two groups of about equal cost (about 500 ms each on the 100k demo store, every page
#: decrypted once).
_GROUPS: tuple[CountGroup, CountGroup] = (_covered_counts, _other_counts)


def _in_own_unit_of_work(
    store: Store, groups: tuple[CountGroup, ...], as_of: date, d: IndicatorDefinitions, cache_kib: int = BULK_CACHE_KIB
) -> list[Count]:
    """The counts of *groups* in one read unit of work with a large page cache: the
    queries look residents up by id again and again, and every page that fell out of the
    cache costs a decryption."""
    with store.read() as session, bulk_load_cache(session.connection(), cache_kib):
        return [count for group in groups for count in group(session, as_of, d)]


def _all_counts(
    store: Store, as_of: date, d: IndicatorDefinitions, side_by_side: bool, cache_kib: int = BULK_CACHE_KIB
) -> list[Count]:
    """Every count: with *side_by_side*, the second group in a forked child process while
    this one reads the first (:mod:`~fdclient.services.indicators.forked`; where that is
    not possible, one after the other)."""
    first, second = _GROUPS
    child = (
        start_in_child(store.engine, lambda: _in_own_unit_of_work(store, (second,), as_of, d)) if side_by_side else None
    )
    if child is None:
        return _in_own_unit_of_work(store, _GROUPS, as_of, d, cache_kib)
    try:
        own = _in_own_unit_of_work(store, (first,), as_of, d)
    except BaseException:
        child.abandon()
        raise
    return own + child.result()


def _township_definitions(session: Session, definitions: IndicatorDefinitions | None) -> IndicatorDefinitions:
    """The given definitions, or the defaults with the township's own settings: the
    blood-pressure target (``bp_target``, so the control rate judges visits as the
    follow-up forms did) and the denominator of 健康管理率 with its prevalence rates."""
    if definitions is not None:
        return definitions
    return replace(
        DEFAULT_DEFINITIONS,
        bp_target=get_setting(session, BP_TARGET),
        management_denominator=get_setting(session, MANAGEMENT_DENOMINATOR),
        hypertension_prevalence=get_setting(session, HYPERTENSION_PREVALENCE),
        diabetes_prevalence=get_setting(session, DIABETES_PREVALENCE),
    )


def _add_estimates(tally: Tally, d: IndicatorDefinitions) -> None:
    """Under the ``estimated`` denominator, each village's estimated patients from its
    adults (and the township's, their sum)."""
    if d.estimates_patients:
        adults = {village: counts.get("adults", 0) for village, counts in tally.villages.items()}
        tally.add_all(chronic.estimated_patients(adults, d))


def compute_indicators(
    store: Store,
    as_of: date | None = None,
    definitions: IndicatorDefinitions | None = None,
    *,
    side_by_side: bool = True,
    cache_kib: int = BULK_CACHE_KIB,
) -> IndicatorReport:
    """All indicators on *as_of* (today by the store's clock) for the store's township,
    each of its villages, each team and each doctor of a team.

    The counts are read in two groups, with ``side_by_side`` at the same time: the second
    in a forked child process with connections of its own
    (:mod:`~fdclient.services.indicators.forked`), so on a two-core laptop the report
    takes little more than half the time. Each group sees a consistent snapshot; a write
    committed between the two could make them differ by that write, which a report
    tolerates. Without ``side_by_side``, or where a fork is not possible, one unit of work
    reads everything. ``cache_kib`` is the page cache of that unit of work: the large
    default is quickest; the GUI, which keeps running afterwards, asks for the store's usual
    cache (:data:`~fdclient.store.engine.CACHE_KIB`: about 40 % slower, 200 MB less at peak
    on the 100k demo township).
    """
    with store.read() as session:
        require(session, Permission.VIEW_INDICATORS)
        as_of = as_of or today(session)
        definitions = _township_definitions(session, definitions)
        township = store_township(session)
        township_code, township_name = township.code, township.name
        villages = session.execute(
            select(VILLAGES.c.id, VILLAGES.c.code, VILLAGES.c.name)
            .where(VILLAGES.c.township_id == township.id)
            .order_by(VILLAGES.c.code)
        ).all()
        # In the order they were made (ids are UUIDv7); by name, 第七团队 would come
        # before 第三团队.
        teams = session.execute(
            select(TEAMS.c.id, TEAMS.c.name).where(TEAMS.c.township_id == township.id).order_by(TEAMS.c.id)
        ).all()
        staff = dict(session.execute(select(STAFF.c.id, STAFF.c.name)).tuples().all())
    tally = Tally(row.id for row in villages)
    tally.add_all(_all_counts(store, as_of, definitions, side_by_side, cache_kib))
    _add_estimates(tally, definitions)

    kinds = [k for k in ServiceKind if tally.township.get(f"kind_due:{k}")]
    build = _Builder(definitions)
    return IndicatorReport(
        as_of=as_of,
        township=build.area(township_code, township_name, tally.township, kinds, is_area=True),
        villages=tuple(
            build.area(row.code, row.name, tally.villages.get(row.id, {}), is_area=True) for row in villages
        ),
        teams=tuple(_team(build, tally, team_id, name, staff) for team_id, name in teams),
    )


def _team(
    build: _Builder, tally: Tally, team_id: uuid.UUID, name: str, staff: Mapping[uuid.UUID, str]
) -> TeamIndicators:
    doctors = sorted(tally.doctors_of(team_id), key=lambda doctor: (staff.get(doctor, ""), str(doctor)))
    return TeamIndicators(
        team=build.area(str(team_id), name, tally.teams.get(team_id, {})),
        doctors=tuple(
            build.area(str(doctor), staff.get(doctor, ""), tally.doctors[team_id, doctor]) for doctor in doctors
        ),
    )


def village_indicators(
    store: Store,
    village_id: uuid.UUID,
    as_of: date | None = None,
    definitions: IndicatorDefinitions | None = None,
) -> AreaIndicators:
    """The indicators of one village on *as_of* (today by the store's clock), the same
    figures as its row of :func:`compute_indicators`, computed from the village's own
    residents and contracts only (what the dashboard shows on a click)."""
    with store.read() as session:
        require(session, Permission.VIEW_INDICATORS)
        as_of = as_of or today(session)
        definitions = _township_definitions(session, definitions)
        village = fetch(session, Village, village_id, msg("该村（居）委会", "the village"), "village_id")
        tally = Tally([village.id])
        d, v = definitions, village.id
        with covered_residents(session, as_of, v) as covered:
            tally.add_all(queries.population(session, as_of, covered, d, v))
            tally.add_all(queries.fulfilment(session, as_of, d, covered))
            tally.add_all(queries.satisfaction(session, as_of, d, v, covered))
            for kind in (VisitKind.HYPERTENSION, VisitKind.DIABETES):
                tally.add_all(chronic.followups(session, as_of, d, kind, v, covered))
        tally.add_all(queries.households(session, as_of, v))
        tally.add_all(queries.renewals(session, as_of, d, v))
        _add_estimates(tally, d)
        counts: Counts = tally.villages.get(village.id, {})
        return _Builder(definitions).area(village.code, village.name, counts, is_area=True)


# --- assembling ----------------------------------------------------------------------


class _Builder:
    def __init__(self, definitions: IndicatorDefinitions) -> None:
        self.d = definitions
        self.params = definitions.params()
        #: For a team or doctor: 健康管理率 divides by the registered patients whatever the rule.
        self.unit_params = {
            **self.params,
            **{f"{disease}_denominator": definitions.denominator_text(disease, area=False) for disease in DISEASES},
        }

    def area(
        self, code: str, name: str, c: Counts, kinds: list[ServiceKind] | None = None, *, is_area: bool = False
    ) -> AreaIndicators:
        """The indicators of one unit; *kinds* are the service kinds shown with a row of
        their own (the township only). With *is_area* the unit is the township or a
        village (an area with a population: the estimated denominator applies), otherwise
        a team or doctor."""
        d = self.d
        estimated = is_area and d.estimates_patients
        params = self.params if is_area else self.unit_params
        make = partial(self._make, params, c)
        rows = [
            make(d.coverage, "contracted", "residents"),
            make(d.key_population_coverage, "kp_contracted", "kp"),
        ]
        if d.per_population_rows:
            rows += [
                make(d.tag_coverage, f"tag_contracted:{tag}", f"tag:{tag}", tag=tag.label, tag_key=tag.value)
                for tag in d.key_populations
            ]
        rows += [
            make(d.renewal_rate, "renewed", "expired"),
            make(d.fulfilment_rate, "fulfilled", "with_due"),
        ]
        rows += [
            make(d.kind_fulfilment, f"kind_done:{k}", f"kind_due:{k}", kind=k.label, kind_key=k.value)
            for k in kinds or ()
        ]
        for disease, (managed, standardised, controlled) in (
            ("hypertension", (d.hypertension_managed, d.hypertension_standardised, d.hypertension_controlled)),
            ("diabetes", (d.diabetes_managed, d.diabetes_standardised, d.diabetes_controlled)),
        ):
            rows += [
                make(managed, f"{disease}_managed", f"{disease}_estimated" if estimated else f"{disease}_patients"),
                make(standardised, f"{disease}_standardised", f"{disease}_managed"),
                make(controlled, f"{disease}_controlled", f"{disease}_managed"),
            ]
        rows.append(make(d.satisfaction, "satisfied", "surveys"))
        estimates = (
            tuple(
                PatientEstimate(
                    disease, c.get(f"{disease}_patients", 0), c.get("adults", 0), c.get(f"{disease}_estimated", 0)
                )
                for disease in DISEASES
            )
            if estimated
            else ()
        )
        return AreaIndicators(
            code=code,
            name=name,
            residents=c.get("residents", 0),
            households=c.get("households", 0),
            contracted_residents=c.get("contracted", 0),
            indicators=tuple(rows),
            estimates=estimates,
        )

    @staticmethod
    def _make(
        params: dict[str, Any], c: Counts, definition: IndicatorDefinition, num: str, den: str, **extra: str
    ) -> Indicator:
        name, formula = definition.render(params, **extra)
        key = definition.key.format_map({**params, **extra})
        numerator, denominator = c.get(num, 0), c.get(den, 0)
        return Indicator(key, name, formula, numerator, denominator, numerator / denominator if denominator else None)
