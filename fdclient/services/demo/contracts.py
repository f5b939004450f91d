"""Contracts of the last two years, their covered members with their consent, packages
and planned services.

Each household gets one of these histories (DOMAIN.md §4): last year's contract renewed
into this year's (``renewed`` → ``active`` with ``renewal_of_id``), a first contract
signed this year, a 2-3 year term still running, last year's contract expired without
renewal, a contract terminated with a reason, or never signed. Households with a key
population member sign far more often. A member who dies or moves out leaves a contract
that goes on (``ended_on``); a contract whose every member left is terminated for that
reason. A baby born while the household's contract is in force joins it (``joined_on``).

Consent is per covered member (PIPL art. 28-31, services/contracts/consent.py): from 14
the member's own, or for an adult one who agreed in person, the family representative's;
under 14 a guardian's, a parent living in the household (else a grandparent or another
adult member), named with their ID number. The representative is the first adult covered
member, else an adult of the household who is not covered (a mother for her child), else
a minor member who signs through their guardian. A child no adult of the household can
consent for is not covered.

Planned services: :mod:`fdclient.services.demo.planning`, with the packages chosen as a
team would (the basic package for the household's population, each personalised package
for which some member belongs to its population in a contract year).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fdclient.domain.codes import (
    ConsentBy,
    ContractScope,
    ContractStatus,
    GuardianRelationship,
    ResidentStatus,
    SigningChannel,
    TerminationReason,
)
from fdclient.domain.key_populations import KeyPopulation
from fdclient.domain.time import add_years
from fdclient.services.contracts.numbers import format_contract_no
from fdclient.services.demo.catalogue import DemoPackage
from fdclient.services.demo.common import Context, DemoPart, Row, TableRows, weighted
from fdclient.services.demo.organisation import Organisation
from fdclient.services.demo.people import Household, Person
from fdclient.services.demo.planning import Planner

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
MEMBER_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "contract_id",
    "resident_id",
    "is_active",
    "ended_on",
    "joined_on",
    "consent_by",
    "consented_at",
    "guardian_name",
    "guardian_relationship",
    "guardian_id_type",
    "guardian_id_number",
    "guardian_phone",
)
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
CONSENT_TEXT_VERSION = "2024.1"
#: Positions in a contract row (a list until it is numbered).
_NO, _START, _END, _STATUS = 3, 9, 10, 13

# Rows hold stored values (plain strings, see common.py): the members' values.
_ACTIVE, _EXPIRED, _RENEWED, _TERMINATED = (
    s.value for s in (ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED)
)
_SELF, _GUARDIAN, _REPRESENTATIVE = (s.value for s in (ConsentBy.SELF, ConsentBy.GUARDIAN, ConsentBy.REPRESENTATIVE))
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
#: A guardian: who, and their relationship to the member.
Guardian = tuple[Person, GuardianRelationship]


@dataclass
class Coverage:
    """Who was covered when, for the records (visits.py) and the record cover."""

    #: resident id → [(first day, last day covered, contract start, contract id)].
    periods: dict[str, list[tuple[int, int, int, str]]] = field(default_factory=lambda: defaultdict(list))
    #: (contract id, representative, start, last day in force) of every signed contract.
    contracts: list[tuple[str, Person, int, int]] = field(default_factory=list)
    #: resident id → the first day a contract covered them.
    first_covered: dict[str, int] = field(default_factory=dict)

    def covered(self, p: Person, cid: str, start: int, first: int, last: int) -> None:
        self.periods[p.id].append((first, last, start, cid))
        known = self.first_covered.get(p.id)
        if known is None or first < known:
            self.first_covered[p.id] = first


class ContractNumbers:
    """Contract sequence numbers per signing year, running on from one part to the next in
    the order the parts are written (a part may be built anywhere: its contracts come
    without numbers)."""

    def __init__(self, township_code: str) -> None:
        self.township_code = township_code
        self._last: dict[int, int] = defaultdict(int)

    def number(self, part: DemoPart) -> None:
        """Number the contracts of ``part`` in signing order."""
        try:
            table = part.table("contracts")
        except KeyError:
            return
        rows = table.rows
        for i in sorted(range(len(rows)), key=lambda i: (rows[i][_START], rows[i][0])):
            row = rows[i]
            year = int(row[_START][:4])
            self._last[year] += 1
            rows[i] = (*row[:_NO], format_contract_no(self.township_code, year, self._last[year]), *row[_NO + 1 :])


class ContractBuilder:
    def __init__(self, ctx: Context, org: Organisation, packages: dict[str, DemoPackage], planner: Planner) -> None:
        self.ctx, self.org, self.packages, self.planner = ctx, org, packages, planner
        #: Lists: the dates are filled in by :meth:`tables`.
        self.contract_rows: list[list[Any]] = []
        self.member_rows: list[Row] = []
        self.package_rows: list[Row] = []
        self.coverage = Coverage()

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
            if previous is not None and previous[_STATUS] == _EXPIRED:
                renewal = previous[_END] + 1
                members = self._included(people, renewal)
                if members and self._contract(hh, members, scope, renewal, 1, previous[0]) is not None:
                    previous[_STATUS] = _RENEWED
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
        members = [p for p in members if p.turns14 <= start or guardian_of(p, start) is not None]
        signing = self._signing(hh, members, start)
        if signing is None:
            return None
        representative, consents = signing
        ctx = self.ctx
        ids, stamp, days, A, random, randint = ctx.ids, ctx.stamp, ctx.days, ctx.as_of, ctx.rng.random, ctx.randint
        end = add_years(date.fromordinal(start), term).toordinal() - 1
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
        packages = self._packages(cid, members, start, term, hh)
        for p in members:
            left = leaves.get(p.id)
            if in_force and left is None:
                active, ended = 1, None
                self.coverage.covered(p, cid, start, start, end)
            else:  # stop <= end: the day the contract ended, or was terminated
                ended = stop if left is None or left > stop else left
                active = 0
                self.coverage.covered(p, cid, start, start, ended)
                self.planner.close(cid, p.id, ended)
            self._member(cid, p, active, ended, None, consents[p.id], signed)
            self.planner.member(cid, p, start, term, None, packages)
        if in_force and scope == ContractScope.HOUSEHOLD:
            self._joiners(hh, cid, members, start, end, term, packages)
        return row

    def _member(
        self,
        cid: str,
        p: Person,
        active: int,
        ended: int | None,
        joined: int | None,
        consent: tuple[str, Guardian | None],
        at: str,
    ) -> None:
        stamp, days = self.ctx.stamp, self.ctx.days
        by, guardian = consent
        person, relationship = guardian if guardian is not None else (None, None)
        self.member_rows.append(
            (
                self.ctx.ids(),
                stamp,
                stamp,
                cid,
                p.id,
                active,
                days(ended) if ended is not None else None,
                days(joined) if joined is not None else None,
                by,
                at,
                person.name if person else None,
                relationship.value if relationship else None,
                "01" if person else None,
                person.id_number if person else None,
                person.phone if person else None,
            )
        )

    def _signing(
        self, hh: Household, members: list[Person], day: int
    ) -> tuple[Person, dict[str, tuple[str, Guardian | None]]] | None:
        """The representative and every member's consent (who gave it, the guardian) on
        ``day``; None when nobody can sign."""
        if not members:
            return None
        random = self.ctx.rng.random
        adults = [p for p in members if p.turns18 <= day]
        through_guardian = False
        if adults:
            representative = adults[0]
        else:
            first = guardian_of(members[0], day)
            others = [m for m in hh.members if m not in members and m.turns18 <= day and m.present_on(day)]
            if first is not None and first[0] in others:
                representative = first[0]
            elif others:
                representative = others[0]
            else:
                representative, through_guardian = members[0], True
        consents: dict[str, tuple[str, Guardian | None]] = {}
        for p in members:
            if p.turns18 <= day:
                by = _SELF if p is representative or random() < 0.4 else _REPRESENTATIVE
                consents[p.id] = (by, None)
                continue
            guardian = guardian_of(p, day)
            must = p.turns14 > day or (through_guardian and p is representative)
            if guardian is None and must:
                return None
            if guardian is not None and (must or random() < 0.2):
                consents[p.id] = (_GUARDIAN, guardian)
            else:
                consents[p.id] = (_SELF, None)
        return representative, consents

    def _joiners(
        self,
        hh: Household,
        cid: str,
        members: list[Person],
        start: int,
        end: int,
        term: int,
        packages: list[DemoPackage],
    ) -> None:
        """Babies born while the contract is in force join it from a day after their birth,
        with a guardian's consent."""
        ctx = self.ctx
        for p in hh.members:
            if p.birth <= start or p in members or p.status_on is not None:
                continue
            joined = p.birth + ctx.randint(10, 90)
            guardian = guardian_of(p, joined)
            if joined > min(end, ctx.as_of) or guardian is None or ctx.rng.random() >= 0.75:
                continue
            at = ctx.days.at(joined, 8 + ctx.randint(0, 9), ctx.randint(0, 59))
            self._member(cid, p, 1, None, joined, (_GUARDIAN, guardian), at)
            self.coverage.covered(p, cid, start, joined, end)
            self.planner.member(cid, p, start, term, joined, packages)

    def _packages(self, cid: str, members: list[Person], start: int, term: int, hh: Household) -> list[DemoPackage]:
        """The basic package for the household's population and the personalised packages
        some member belongs to the population of on the first day of a contract year."""
        ctx, packages = self.ctx, self.packages
        random = ctx.rng.random
        year_starts = [add_years(date.fromordinal(start), k) for k in range(term)]
        tags = {tag for p in members for day in year_starts for tag in p.tags(day)}
        codes = ["TP-15" if hh.relief else "ZD-150" if tags else "JC-55"]
        if KeyPopulation.HYPERTENSION in tags:
            codes.append("GX-GXY")
        if KeyPopulation.DIABETES in tags:
            codes.append("GX-TNB")
        if KeyPopulation.ELDERLY in tags:
            codes.append("GX-LNR")
            if random() < 0.4:
                codes.append("GX-ZYY")
        if KeyPopulation.MATERNAL in tags:
            codes.append("GX-YCF")
        if KeyPopulation.CHILD in tags and random() < 0.7:
            codes.append("GX-ET")
        chosen = [packages[code] for code in codes]
        for package in chosen:
            self.package_rows.append((ctx.ids(), ctx.stamp, ctx.stamp, cid, package.id, *package.spec.fees))
        return chosen

    # -- the finished tables ------------------------------------------------------------

    def tables(self) -> list[TableRows]:
        """The contracts (numbered by :class:`ContractNumbers` when the part is written),
        their members and packages."""
        days = self.ctx.days
        for row in self.contract_rows:
            row[_START], row[_END] = days(row[_START]), days(row[_END])
        return [
            TableRows("contracts", CONTRACT_COLUMNS, [tuple(row) for row in self.contract_rows]),
            TableRows("contract_members", MEMBER_COLUMNS, self.member_rows),
            TableRows("contract_packages", CONTRACT_PACKAGE_COLUMNS, self.package_rows),
        ]


def guardian_of(p: Person, day: int) -> Guardian | None:
    """Who can consent for ``p`` on ``day`` as their guardian: the first of their parents and
    grandparents in the household who is an adult living there with an ID number, else
    another such adult of the household."""
    for person, relationship in p.guardians:
        if person.turns18 <= day and person.present_on(day) and person.id_number:
            return person, relationship
    for person in p.household.members:
        if person is not p and person.turns18 <= day and person.present_on(day) and person.id_number:
            return person, GuardianRelationship.OTHER_RELATIVE
    return None
