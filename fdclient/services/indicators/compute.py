"""Indicators (考核指标, DOMAIN.md §6) for the township and each village, as of a date.

``compute_indicators(store, as_of)`` runs nine aggregate queries, grouped by village,
and never loads ORM objects or loops over residents in Python (its cost on a 100k-resident
demo store is measured by ``bench/stats_bench.py``; most of it is reading the planned
services due in the period). The township figures are
the sums of the village figures, so the breakdown always adds up (the per-service-kind
fulfilment rows exist for the township only).

What is counted is configuration (:mod:`fdclient.services.indicators.definitions`); the queries are
in :mod:`fdclient.services.indicators.queries`, built from the conditions in
:mod:`fdclient.services.indicators.sql`. Rates are fractions from 0 to 1, or ``None`` when
the denominator is 0.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.domain.roles import Permission
from fdclient.services.indicators import queries
from fdclient.services.indicators.definitions import (
    DEFAULT_DEFINITIONS,
    IndicatorDefinition,
    IndicatorDefinitions,
)
from fdclient.services.indicators.sql import VILLAGES, contracted_residents
from fdclient.services.township import store_township
from fdclient.settings import BP_TARGET, get_setting
from fdclient.store import Store
from fdclient.store.context import require, today

__all__ = [
    "AreaIndicators",
    "Indicator",
    "IndicatorReport",
    "compute_indicators",
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
class AreaIndicators:
    """The figures of one area (the township or a village)."""

    code: str
    name: str
    residents: int
    households: int
    contracted_residents: int
    indicators: tuple[Indicator, ...]

    def indicator(self, key: str) -> Indicator:
        for item in self.indicators:
            if item.key == key:
                return item
        raise KeyError(key)

    def value(self, key: str) -> float | None:
        return self.indicator(key).value


@dataclass(frozen=True)
class IndicatorReport:
    as_of: date
    township: AreaIndicators
    villages: tuple[AreaIndicators, ...]


Counts = dict[str, int]
#: ``(village id, count name, value)`` as the queries yield them.
Count = tuple[uuid.UUID, str, int]
Counted = Iterator[Count]


def _contract_counts(session: Session, as_of: date, d: IndicatorDefinitions) -> Counted:
    """The counts that need the residents covered on *as_of* (one temporary table)."""
    with contracted_residents(session, as_of) as contracted:
        yield from queries.population_by_village(session, as_of, contracted, d)
        yield from queries.fulfilment(session, as_of, d, contracted)


def _other_counts(session: Session, as_of: date, d: IndicatorDefinitions) -> Counted:
    yield from queries.households_by_village(session, as_of)
    yield from queries.renewals(session, as_of, d)
    yield from queries.followups(session, as_of, d, VisitKind.HYPERTENSION)
    yield from queries.followups(session, as_of, d, VisitKind.DIABETES)
    yield from queries.satisfaction(session, as_of, d)
    if d.per_service_rows:
        for kind, due, done in queries.fulfilment_by_kind(session, as_of, d):
            yield TOWNSHIP_ONLY, f"kind_due:{kind}", due
            yield TOWNSHIP_ONLY, f"kind_done:{kind}", done


CountGroup = Callable[[Session, date, IndicatorDefinitions], Counted]
#: Two groups of about equal cost: side by side, each reads on a connection of its own.
_GROUPS: tuple[CountGroup, ...] = (_contract_counts, _other_counts)
#: The "village" of counts that exist for the township only (per service kind).
TOWNSHIP_ONLY = uuid.UUID(int=0)


def _in_own_unit_of_work(store: Store, group: CountGroup, as_of: date, d: IndicatorDefinitions) -> list[Count]:
    with store.read() as session:
        return list(group(session, as_of, d))


def _side_by_side(store: Store, as_of: date, d: IndicatorDefinitions) -> list[list[Count]]:
    """The groups' counts, each group read in a unit of work of its own on its own thread."""
    with ThreadPoolExecutor(len(_GROUPS), thread_name_prefix="indicators") as pool:
        futures = [pool.submit(_in_own_unit_of_work, store, group, as_of, d) for group in _GROUPS]
        return [f.result() for f in futures]


def compute_indicators(
    store: Store,
    as_of: date | None = None,
    definitions: IndicatorDefinitions | None = None,
    *,
    side_by_side: bool = True,
) -> IndicatorReport:
    """All indicators on *as_of* (today by the store's clock) for the store's township and
    each of its villages.

    The counts are read in two groups, each in a read unit of work of its own and, with
    ``side_by_side``, on two connections at once: SQLite in WAL mode lets readers run side
    by side and releases the GIL while it works, so on a two-core laptop the report takes
    about half the time. (Each group sees a consistent snapshot; a write committed between
    the two could make them differ by that write, which a report tolerates.)

    Without *definitions*, the defaults apply with the township's own blood-pressure
    target (the ``bp_target`` setting), so the control rate judges visits as the
    follow-up forms did.
    """
    with store.read() as session:
        require(session, Permission.VIEW_INDICATORS)
        as_of = as_of or today(session)
        if definitions is None:
            definitions = replace(DEFAULT_DEFINITIONS, bp_target=get_setting(session, BP_TARGET))
        township = store_township(session)
        township_code, township_name = township.code, township.name
        villages = session.execute(
            select(VILLAGES.c.id, VILLAGES.c.code, VILLAGES.c.name)
            .where(VILLAGES.c.township_id == township.id)
            .order_by(VILLAGES.c.code)
        ).all()
        results = None if side_by_side else [list(group(session, as_of, definitions)) for group in _GROUPS]
    if results is None:
        results = _side_by_side(store, as_of, definitions)
    counts: dict[uuid.UUID, Counts] = defaultdict(lambda: defaultdict(int))
    for rows in results:
        for village_id, name, value in rows:
            counts[village_id][name] += value

    known = {row.id for row in villages}
    total: Counts = defaultdict(int)
    for village_id, figures in counts.items():
        if village_id in known or village_id == TOWNSHIP_ONLY:
            for name, value in figures.items():
                total[name] += value
    kinds = [k for k in ServiceKind if total.get(f"kind_due:{k}")]
    build = _Builder(definitions)
    return IndicatorReport(
        as_of=as_of,
        township=build.area(township_code, township_name, total, kinds),
        villages=tuple(build.area(row.code, row.name, counts.get(row.id, {})) for row in villages),
    )


# --- assembling ----------------------------------------------------------------------


class _Builder:
    def __init__(self, definitions: IndicatorDefinitions) -> None:
        self.d = definitions
        self.params = definitions.params()

    def area(self, code: str, name: str, c: Counts, kinds: Iterable[ServiceKind] = ()) -> AreaIndicators:
        """The indicators of one area; *kinds* are the service kinds shown with a row of
        their own (the township only)."""
        d = self.d
        rows = [
            self._make(d.coverage, c, "contracted", "residents"),
            self._make(d.key_population_coverage, c, "kp_contracted", "kp"),
        ]
        if d.per_population_rows:
            rows += [
                self._make(d.tag_coverage, c, f"tag_contracted:{tag}", f"tag:{tag}", tag=tag.label, tag_key=tag.value)
                for tag in d.key_populations
            ]
        rows += [
            self._make(d.renewal_rate, c, "renewed", "expired"),
            self._make(d.fulfilment_rate, c, "fulfilled", "with_due"),
        ]
        rows += [
            self._make(d.kind_fulfilment, c, f"kind_done:{k}", f"kind_due:{k}", kind=k.label, kind_key=k.value)
            for k in kinds
        ]
        rows += [
            self._make(d.hypertension_standardised, c, "hypertension_standard", "hypertension_patients"),
            self._make(d.hypertension_controlled, c, "hypertension_controlled", "hypertension_followed"),
            self._make(d.diabetes_standardised, c, "diabetes_standard", "diabetes_patients"),
            self._make(d.diabetes_controlled, c, "diabetes_controlled", "diabetes_followed"),
            self._make(d.satisfaction, c, "satisfied", "surveys"),
        ]
        return AreaIndicators(
            code=code,
            name=name,
            residents=c.get("residents", 0),
            households=c.get("households", 0),
            contracted_residents=c.get("contracted", 0),
            indicators=tuple(rows),
        )

    def _make(self, definition: IndicatorDefinition, c: Counts, num: str, den: str, **extra: str) -> Indicator:
        name, formula = definition.render(self.params, **extra)
        key = definition.key.format_map({**self.params, **extra})
        numerator, denominator = c.get(num, 0), c.get(den, 0)
        return Indicator(key, name, formula, numerator, denominator, numerator / denominator if denominator else None)
