"""Planned services of the demo's contracts, by the planning module's own rules.

A member's services are what :func:`fdclient.services.contracts.plan.plan_member` would
plan when the contract is signed (or the member joins): the member's contract years
(``covered_years``), the packages and services that apply to their key populations on the
first day they are covered each year (``compute_tags``, ``applies``,
``SERVICE_POPULATION``), the windows of each item (``service_windows``) cut to the ages the
service is for (``age_span``) and to the day they joined. Only the loop is here, over
ordinals instead of ORM rows; tests compare the result with ``plan_member`` itself.

Records (visits.py) fulfil the services; what is still open when the member's coverage
ended (the contract expired, was renewed or terminated, or the member left) is closed:
cancelled, with that day as ``closed_on`` (:meth:`Planner.table`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from fdclient.domain.codes import PlannedServiceStatus, ServiceKind
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.service_ages import SERVICE_AGES
from fdclient.services.contracts.plan import (
    SERVICE_POPULATION,
    age_span,
    applies,
    covered_years,
    service_windows,
)
from fdclient.services.demo.catalogue import DemoItem, DemoPackage
from fdclient.services.demo.common import Context, TableRows
from fdclient.services.demo.people import Person

PLANNED_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "contract_id",
    "resident_id",
    "package_item_id",
    "service_kind",
    "sequence",
    "window_start",
    "window_end",
    "status",
    "fulfilled_on",
    "closed_on",
    "visit_id",
)
#: Positions in a planned row (a list until the table is finished).
CONTRACT, RESIDENT, STATUS, FULFILLED_ON, CLOSED_ON, VISIT = 3, 4, 10, 11, 12, 13
PLANNED, DONE, CANCELLED = (
    s.value for s in (PlannedServiceStatus.PLANNED, PlannedServiceStatus.DONE, PlannedServiceStatus.CANCELLED)
)
#: A planned service a record may fulfil: window start and end (ordinals), contract, row.
OpenService = tuple[int, int, str, list[Any]]


#: One window of a planned service: sequence, first and last day, and their stored text.
Window = tuple[int, int, int, str, str]


class Planner:
    """The planned services of one part of the demo, and those a record may still fulfil."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: list[list[Any]] = []
        #: resident id → service kind → their services, by window within each contract.
        self.open: dict[str, dict[str, list[OpenService]]] = defaultdict(lambda: defaultdict(list))
        #: (contract id, resident id) → the last day the member was covered, once it ended.
        self.closes: dict[tuple[str, str], int] = {}
        # What the planning rules give, remembered: members share contract years, packages
        # and ages far more often than not.
        self._years: dict[tuple[int, int, int | None], list[tuple[date, int, int, int]]] = {}
        self._items: dict[tuple[tuple[str, ...], frozenset[KeyPopulation]], list[DemoItem]] = {}
        self._cut: dict[tuple[ServiceKind, int, int, int, int, int], list[Window]] = {}
        self._ages: dict[tuple[ServiceKind, int], tuple[int, int]] = {}

    def member(
        self, cid: str, p: Person, start: int, term: int, joined: int | None, packages: list[DemoPackage]
    ) -> None:
        """Plan the services of member ``p`` of contract ``cid`` (from ``joined`` when they
        joined it in force)."""
        ctx = self.ctx
        ids, stamp, rows = ctx.ids, ctx.stamp, self.rows
        pid = p.id
        open_services = self.open[pid]
        chosen = tuple(package.spec.code for package in packages)
        for since_day, since, first, last in self._covered_years(start, term, joined):
            for item in self._applying(chosen, packages, p.tags(since_day)):
                kind = item.kind
                youngest, oldest = self._age_span(kind, p.birth)
                windows = self._service_windows(kind, first, last, item.times_per_year, max(since, youngest), oldest)
                if not windows:
                    continue
                item_id, stored_kind = item.id, item.service_kind
                fulfillable = open_services[stored_kind]
                for sequence, ws, we, ws_text, we_text in windows:
                    row = [
                        ids(),
                        stamp,
                        stamp,
                        cid,
                        pid,
                        item_id,
                        stored_kind,
                        sequence,
                        ws_text,
                        we_text,
                        PLANNED,
                        None,
                        None,
                        None,
                    ]
                    rows.append(row)
                    fulfillable.append((ws, we, cid, row))

    def _covered_years(self, start: int, term: int, joined: int | None) -> list[tuple[date, int, int, int]]:
        """``covered_years`` as (first covered day, as ordinal, first and last day of the year)."""
        key = (start, term, joined)
        found = self._years.get(key)
        if found is None:
            joined_on = date.fromordinal(joined) if joined is not None else None
            found = self._years[key] = [
                (year.since, year.since.toordinal(), year.first.toordinal(), year.last.toordinal())
                for year in covered_years(date.fromordinal(start), term, joined_on)
            ]
        return found

    def _applying(
        self, chosen: tuple[str, ...], packages: list[DemoPackage], tags: frozenset[KeyPopulation]
    ) -> list[DemoItem]:
        """The items of ``packages`` planned for a member with ``tags``: their package's
        population and their service's (``applies``)."""
        key = (chosen, tags)
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = [
                item
                for package in packages
                if applies(package.spec.target, tags)
                for item in package.items
                if applies(SERVICE_POPULATION.get(item.kind), tags)
            ]
        return found

    def services_of(self, resident_id: str, service_kind: str) -> list[OpenService]:
        """The planned services of a kind of a resident (all their contracts'), by window
        within each contract."""
        kinds = self.open.get(resident_id)
        return kinds.get(service_kind, _NONE) if kinds is not None else _NONE

    def close(self, cid: str, resident_id: str, day: int) -> None:
        """The member's coverage under ``cid`` ended on ``day``: what is open then is closed."""
        self.closes[(cid, resident_id)] = day

    def table(self) -> TableRows:
        """The planned services, once records have fulfilled theirs: those still open whose
        coverage ended are cancelled with that day."""
        days, closes, out = self.ctx.days, self.closes, []
        for row in self.rows:
            if row[STATUS] == PLANNED:
                closed = closes.get((row[CONTRACT], row[RESIDENT]))
                if closed is not None:
                    row[STATUS], row[CLOSED_ON] = CANCELLED, days(closed)
            out.append(tuple(row))
        return TableRows("planned_services", PLANNED_COLUMNS, out)

    def _service_windows(
        self, kind: ServiceKind, first: int, last: int, times: int, low: int, high: int
    ) -> list[Window]:
        """``service_windows`` of a contract year ``first``..``last``, cut to ``low``..``high``
        (the member covered and of the ages the service is for), with their sequence."""
        windows = year_windows(kind, first, last, times)
        if low <= first and high >= last:
            return windows
        key = (kind, first, last, times, max(low, first), min(high, last))
        found = self._cut.get(key)
        if found is None:
            days = self.ctx.days
            found = self._cut[key] = []
            for sequence, ws, we, _, _ in windows:
                start, end = max(ws, low), min(we, high)
                if start <= end:
                    found.append((sequence, start, end, days(start), days(end)))
        return found

    def _age_span(self, kind: ServiceKind, birth: int) -> tuple[int, int]:
        """``age_span`` as ordinals (no limits for most services)."""
        if kind not in SERVICE_AGES:
            return _NO_LIMITS
        key = (kind, birth)
        found = self._ages.get(key)
        if found is None:
            youngest, oldest = age_span(kind, date.fromordinal(birth))
            found = self._ages[key] = (youngest.toordinal(), oldest.toordinal())
        return found


_NO_LIMITS = (date.min.toordinal(), date.max.toordinal())
_NONE: list[OpenService] = []
#: ``service_windows`` by (kind, first day, last day, times a year): the same for every
#: contract of the same start in every part built by this process.
_YEAR_WINDOWS: dict[tuple[ServiceKind, int, int, int], list[Window]] = {}


def year_windows(kind: ServiceKind, first: int, last: int, times: int) -> list[Window]:
    """The windows of an item in the contract year ``first``..``last`` (ordinals), with their
    sequence and stored text."""
    key = (kind, first, last, times)
    found = _YEAR_WINDOWS.get(key)
    if found is None:
        found = _YEAR_WINDOWS[key] = [
            (sequence, ws.toordinal(), we.toordinal(), ws.isoformat(), we.isoformat())
            for sequence, (ws, we) in enumerate(
                service_windows(kind, date.fromordinal(first), date.fromordinal(last), times), 1
            )
        ]
    return found
