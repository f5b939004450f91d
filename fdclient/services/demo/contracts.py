"""Contracts of the last two years, their covered members, packages and planned services.

Each household gets one of these histories (DOMAIN.md §4): last year's contract renewed
into this year's (``renewed`` → ``active`` with ``renewal_of_id``), a first contract
signed this year, a 2-3 year term still running, last year's contract expired without
renewal, a contract terminated with a reason, or never signed. Households with a key
population member sign far more often. A member who dies or moves out leaves a contract
that goes on (``ended_on``); a contract whose every member left is terminated for that
reason. Planned services follow services/service_plan.py: each item ``times_per_year``
times in back-to-back windows of every contract year, items of a personalised package only
for members of its population. Services a visit delivers stay open for clinical.py to
fulfil; the others are marked done in windows already past, mostly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fdclient.domain.codes import (
    ContractScope,
    ContractStatus,
    PlannedServiceStatus,
    ResidentStatus,
    ServiceKind,
    SigningChannel,
    TerminationReason,
)
from fdclient.domain.key_populations import KeyPopulation
from fdclient.services.contracts.numbers import format_contract_no
from fdclient.services.demo.catalogue import DemoItem, DemoPackage
from fdclient.services.demo.common import Context, Row, TableRows, weighted
from fdclient.services.demo.organisation import Organisation
from fdclient.services.demo.people import Household, Person

CONTRACT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "contract_no",
    "scope",
    "household_id",
    "representative_id",
    "team_id",
    "doctor_id",
    "start_date",
    "end_date",
    "term_years",
    "auto_renew",
    "status",
    "channel",
    "consent_given",
    "consented_at",
    "consent_text_version",
    "signed_at",
    "terminated_on",
    "termination_reason",
    "termination_note",
    "renewal_of_id",
)
MEMBER_COLUMNS = ("id", "created_at", "updated_at", "contract_id", "resident_id", "is_active", "ended_on")
CONTRACT_PACKAGE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "contract_id",
    "package_id",
    "fee_total_fen",
    "fee_insurance_fen",
    "fee_public_health_fen",
    "fee_resident_fen",
)
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
    "visit_id",
)
#: Service kinds a visit record delivers (services/service_plan.py VISIT_SERVICE_KIND).
VISIT_KINDS = frozenset(
    {
        ServiceKind.HYPERTENSION_FOLLOWUP,
        ServiceKind.DIABETES_FOLLOWUP,
        ServiceKind.ELDERLY_CHECK,
        ServiceKind.HOME_VISIT,
    }
)
CONSENT_TEXT_VERSION = "2024.1"

# Rows hold stored values (plain strings, see common.py): the members' values.
_ACTIVE, _EXPIRED, _RENEWED, _TERMINATED = (
    s.value for s in (ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED)
)
_PLANNED, _DONE, _CANCELLED = (
    s.value for s in (PlannedServiceStatus.PLANNED, PlannedServiceStatus.DONE, PlannedServiceStatus.CANCELLED)
)
_CHANNELS = weighted(
    (SigningChannel.DOOR_TO_DOOR.value, SigningChannel.CLINIC.value, SigningChannel.ROSTER_IMPORT.value), (14, 5, 1)
)
_ENDINGS = weighted(
    (TerminationReason.VOLUNTARY, TerminationReason.REFUSED, TerminationReason.UNREACHABLE, TerminationReason.OTHER),
    (4, 2, 2, 1),
)
_NOTES = {
    TerminationReason.VOLUNTARY: "本人申请解约",
    TerminationReason.REFUSED: "连续一年拒绝履约服务",
    TerminationReason.UNREACHABLE: "连续一年无法联系",
    TerminationReason.OTHER: "家庭要求更换签约团队",
    TerminationReason.DEATH: "签约居民死亡",
    TerminationReason.MOVED_OUT: "签约居民迁出本辖区",
}
#: A planned service a visit may still fulfil: a list (visits.py sets its status, day and
#: visit), turned into a tuple by :meth:`ContractBuilder.planned_table`.
OpenRow = list[Any]
#: A window of a contract year: first and last day (ordinals) and their stored text.
Span = tuple[int, int, str, str]


def add_years(ordinal: int, years: int) -> int:
    """The same day ``years`` later; 29 February becomes 1 March (as service_plan.add_years)."""
    day = date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:
        return date(day.year + years, 3, 1).toordinal()


def windows(first: int, last: int, times: int) -> list[tuple[int, int]]:
    """Back-to-back windows over first..last, as evenly as whole days allow."""
    days = last - first + 1
    bounds = [first + i * days // times for i in range(times + 1)]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(times)]


@dataclass
class Coverage:
    """What clinical.py needs: open planned services and who was covered when."""

    #: (resident id, service kind) → [(window start, window end, planned row)], oldest first.
    open_services: dict[tuple[str, str], list[tuple[int, int, OpenRow]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: resident id → [(first day, last day, contract id)].
    periods: dict[str, list[tuple[int, int, str]]] = field(default_factory=lambda: defaultdict(list))
    #: (contract id, representative, start, last day in force) of every signed contract.
    contracts: list[tuple[str, Person, int, int]] = field(default_factory=list)


class ContractBuilder:
    def __init__(self, ctx: Context, org: Organisation, packages: dict[str, DemoPackage]) -> None:
        self.ctx, self.org, self.packages = ctx, org, packages
        #: Lists: the contract number, dates and status are filled in later.
        self.contract_rows: list[list[Any]] = []
        self.member_rows: list[Row] = []
        self.package_rows: list[Row] = []
        #: Tuples, or lists for services a visit may still fulfil (see :meth:`planned_table`).
        self.planned_rows: list[Row | OpenRow] = []
        self.coverage = Coverage()
        self._spans: dict[tuple[int, int, int], list[Span]] = {}

    # -- one household -------------------------------------------------------------------

    def household(self, hh: Household) -> None:
        ctx = self.ctx
        random, randint, A = ctx.rng.random, ctx.randint, ctx.as_of
        present = [p for p in hh.members if p.status == ResidentStatus.ACTIVE]
        if not present:  # died or moved away: contracts of their last years end with them
            if random() < 0.8:
                self._history(hh, hh.members, ContractScope.HOUSEHOLD, 0.0)
            return
        key = any(p.key for p in present)
        if random() < (0.89 if key else 0.18):
            if key and random() < 0.07:
                for p in present:
                    if p.key:
                        self._history(hh, [p], ContractScope.INDIVIDUAL, random())
                return
            included = [p for p in hh.members if random() < (0.97 if p.key else 0.55)]
            if included:
                self._history(hh, included, ContractScope.HOUSEHOLD, random())
        else:
            r = random()
            if r < 0.3:
                start = A - randint(365, 729)
                self._contract(hh, self._included(hh.members, start), ContractScope.HOUSEHOLD, start, 1, None)
            elif r < 0.45:
                start = A - randint(60, 700)
                ending = _ENDINGS[int(random() * len(_ENDINGS))]
                self._contract(
                    hh,
                    self._included(hh.members, start),
                    ContractScope.HOUSEHOLD,
                    start,
                    1,
                    None,
                    (min(A, start + randint(20, 340)), ending),
                )

    def _history(self, hh: Household, people: list[Person], scope: ContractScope, r: float) -> None:
        ctx, A = self.ctx, self.ctx.as_of
        randint = ctx.randint
        if r < 0.6:
            start = A - randint(365, 729)
            previous = self._contract(hh, self._included(people, start), scope, start, 1, None)
            if previous is not None and previous[13] == _EXPIRED:
                renewal = previous[10] + 1
                members = self._included(people, renewal)
                if members:
                    previous[13] = _RENEWED
                    self._contract(hh, members, scope, renewal, 1, previous[0])
        elif r < 0.88:
            start = A - randint(0, 364)
            self._contract(hh, self._included(people, start), scope, start, 1, None)
        else:
            term = randint(2, 3)
            start = A - randint(0, 365 * term - 2)
            self._contract(hh, self._included(people, start), scope, start, term, None)

    @staticmethod
    def _included(people: list[Person], start: int) -> list[Person]:
        return [p for p in people if p.birth <= start and (p.status_on is None or p.status_on > start)]

    # -- one contract -------------------------------------------------------------------

    def _contract(
        self,
        hh: Household,
        members: list[Person],
        scope: ContractScope,
        start: int,
        term: int,
        renewal_of: str | None,
        ending: tuple[int, TerminationReason] | None = None,
    ) -> list[Any] | None:
        if not members:
            return None
        ctx = self.ctx
        ids, stamp, days, A, random, randint = ctx.ids, ctx.stamp, ctx.days, ctx.as_of, ctx.rng.random, ctx.randint
        end = add_years(start, term) - 1
        leaves: dict[str, int] = {p.id: p.status_on for p in members if p.status_on is not None and p.status_on <= end}
        if ending is None and len(leaves) == len(members):
            last = max(members, key=lambda p: leaves[p.id])
            reason = TerminationReason.DEATH if last.status == ResidentStatus.DECEASED else TerminationReason.MOVED_OUT
            ending = (leaves[last.id], reason)
        if ending is not None:
            status, stop = _TERMINATED, ending[0]
        else:
            status, stop = (_ACTIVE if end >= A else _EXPIRED), min(end, A)
        village = self.org.villages[hh.village]
        team = self.org.teams[village.team]
        doctor = village.doctor_id if random() < 0.7 else team.leader_id
        representative = members[0]  # the head when the head is covered (members keep household order)
        cid = ids()
        signed = days.at(start, 8 + randint(0, 9), randint(0, 59))
        row = [
            cid,
            stamp,
            stamp,
            None,
            scope.value,
            hh.id,
            representative.id,
            team.id,
            doctor,
            start,
            end,
            term,
            0,
            status,
            _CHANNELS[int(random() * len(_CHANNELS))],
            1,
            signed,
            CONSENT_TEXT_VERSION,
            signed,
            days(ending[0]) if ending else None,
            ending[1].value if ending else None,
            _NOTES[ending[1]] if ending else None,
            renewal_of,
        ]
        self.contract_rows.append(row)
        self.coverage.contracts.append((cid, representative, start, stop))
        in_force = status == _ACTIVE
        for p in members:
            left = leaves.get(p.id)
            if in_force and left is None:
                self.member_rows.append((ids(), stamp, stamp, cid, p.id, 1, None))
                self.coverage.periods[p.id].append((start, end, cid))
            else:  # stop <= end: the day the contract ended, or was terminated
                ended = stop if left is None or left > stop else left
                self.member_rows.append((ids(), stamp, stamp, cid, p.id, 0, days(ended)))
                self.coverage.periods[p.id].append((start, ended, cid))
        self._packages(cid, members, start, end, term, stop if status != _ACTIVE else None, leaves, hh)
        return row

    def _packages(
        self,
        cid: str,
        members: list[Person],
        start: int,
        end: int,
        term: int,
        stopped: int | None,
        leaves: dict[str, int],
        hh: Household,
    ) -> None:
        ctx, packages, A = self.ctx, self.packages, self.ctx.as_of
        random = ctx.rng.random
        chosen = ["TP-15" if hh.poverty else "ZD-150" if any(p.key for p in members) else "JC-55"]
        if any(p.ht for p in members):
            chosen.append("GX-GXY")
        if any(p.dm for p in members):
            chosen.append("GX-TNB")
        if any(p.turns65 <= start for p in members):
            chosen.append("GX-LNR")
            if random() < 0.4:
                chosen.append("GX-ZYY")
        if any(p.pregnant for p in members) and end >= A:
            chosen.append("GX-YCF")
        if any(p.turns7 > start for p in members) and random() < 0.7:
            chosen.append("GX-ET")
        # Last day each member can receive services under this contract (None: open-ended).
        gone: dict[str, int | None] = {p.id: leaves.get(p.id) for p in members}
        if stopped is not None:
            gone = {k: stopped if v is None or v > stopped else v for k, v in gone.items()}
        for code in chosen:
            package = packages[code]
            self.package_rows.append((ctx.ids(), ctx.stamp, ctx.stamp, cid, package.id, *package.spec.fees))
            target = package.spec.target
            for k in range(term):
                ys, ye = add_years(start, k), add_years(start, k + 1) - 1
                if stopped is not None and stopped < ys:
                    break
                covered = [
                    p for p in members if _in_population(p, target, ys) and (p.id not in leaves or leaves[p.id] > ys)
                ]
                for item in package.items:
                    self._plan(cid, covered, item, self._spans_of(ys, ye, item.times_per_year), gone)

    def _spans_of(self, first: int, last: int, times: int) -> list[Span]:
        key = (first, last, times)
        spans = self._spans.get(key)
        if spans is None:
            days = self.ctx.days
            spans = self._spans[key] = [(ws, we, days(ws), days(we)) for ws, we in windows(first, last, times)]
        return spans

    def _plan(
        self, cid: str, covered: list[Person], item: DemoItem, spans: list[Span], gone: dict[str, int | None]
    ) -> None:
        """One planned service per window for each covered member."""
        ctx = self.ctx
        ids, stamp, days, A, random, randint = ctx.ids, ctx.stamp, ctx.days, ctx.as_of, ctx.rng.random, ctx.randint
        kind, item_id, append = item.service_kind, item.id, self.planned_rows.append
        visit_kind, open_services = kind in VISIT_KINDS, self.coverage.open_services
        for p in covered:
            pid, left = p.id, gone[p.id]
            last = A if left is None or left > A else left
            for n, (ws, we, ws_text, we_text) in enumerate(spans, start=1):
                status, done = _PLANNED, None
                if left is not None and left < ws:
                    status = _CANCELLED
                elif ws <= A:
                    if visit_kind:  # a list: clinical.py fills in the visit that fulfils it
                        row = [ids(), stamp, stamp, cid, pid, item_id, kind, n, ws_text, we_text, status, None, None]
                        open_services[(pid, kind)].append((ws, we if left is None or we < left else left, row))
                        append(row)
                        continue
                    if random() < (0.88 if we < A else 0.35):
                        status, done = _DONE, days(ws + randint(0, (we if we < last else last) - ws))
                append((ids(), stamp, stamp, cid, pid, item_id, kind, n, ws_text, we_text, status, done, None))

    # -- satisfaction surveys and the finished tables ------------------------------------

    def planned_table(self) -> TableRows:
        """The planned services, all as tuples (once visits have fulfilled theirs)."""
        return TableRows(
            "planned_services",
            PLANNED_COLUMNS,
            [row if row.__class__ is tuple else tuple(row) for row in self.planned_rows],
        )

    def tables(self, township_code: str) -> list[TableRows]:
        numbers: dict[int, int] = defaultdict(int)
        for row in sorted(self.contract_rows, key=lambda r: (r[9], r[0])):
            year = date.fromordinal(row[9]).year
            numbers[year] += 1
            row[3] = format_contract_no(township_code, year, numbers[year])
        days = self.ctx.days
        for row in self.contract_rows:
            row[9], row[10] = days(row[9]), days(row[10])
        return [
            TableRows("contracts", CONTRACT_COLUMNS, [tuple(row) for row in self.contract_rows]),
            TableRows("contract_members", MEMBER_COLUMNS, self.member_rows),
            TableRows("contract_packages", CONTRACT_PACKAGE_COLUMNS, self.package_rows),
        ]


def _in_population(p: Person, target: KeyPopulation | None, day: int) -> bool:
    """Whether ``p`` belongs to a package's population on ``day`` (None: everyone)."""
    if target is None:
        return True
    if target == KeyPopulation.HYPERTENSION:
        return p.ht
    if target == KeyPopulation.DIABETES:
        return p.dm
    if target == KeyPopulation.ELDERLY:
        return p.turns65 <= day
    if target == KeyPopulation.CHILD:
        return p.turns7 > day
    if target == KeyPopulation.MATERNAL:
        return p.pregnant or p.postpartum_until is not None
    return False
