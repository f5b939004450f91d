"""What a contract costs (DOMAIN.md §4): each package's yearly fee per person, times the
covered persons, times the contract years, with the split between the medical insurance
fund, the basic public health fund and the resident.

A household contract for 2 members over 3 years of the 55 CNY basic package comes to
2 × 3 × 55 = 330.00 CNY (120 insurance + 180 public health + 30 resident). A package for a
key population counts only the member-years in which the member belongs to it (the same
rule that plans its services, :func:`fdclient.services.contracts.plan.package_years`): the
hypertension package of a household whose head alone has hypertension is charged once a
year. A member who joins a contract in force counts from the contract year they join in; a
member who leaves early still counts for the years agreed.

:func:`contract_fees` is the one computation every total shown or printed comes from
(:class:`~fdclient.services.contracts.info.ContractInfo`, the contract form, rosters);
:func:`quote_fees` gives the same figures for a contract being drafted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.key_populations import PersonFacts
from fdclient.domain.roles import Permission
from fdclient.models import Contract, ContractMember, Resident, ServicePackage
from fdclient.services.contracts.packages import fen_to_yuan, get_package
from fdclient.services.contracts.plan import covered_years, package_years
from fdclient.services.registry.residents import get_resident_row, person_facts
from fdclient.store.context import require


@dataclass(frozen=True)
class FeeSplit:
    """An amount in fen and who pays it; the three parts add up to the total."""

    total_fen: int = 0
    insurance_fen: int = 0
    public_health_fen: int = 0
    resident_fen: int = 0

    def times(self, n: int) -> FeeSplit:
        return FeeSplit(self.total_fen * n, self.insurance_fen * n, self.public_health_fen * n, self.resident_fen * n)

    def plus(self, other: FeeSplit) -> FeeSplit:
        return FeeSplit(
            self.total_fen + other.total_fen,
            self.insurance_fen + other.insurance_fen,
            self.public_health_fen + other.public_health_fen,
            self.resident_fen + other.resident_fen,
        )

    @property
    def total_yuan(self) -> str:
        """``"330.00"``: the total as printed."""
        return fen_to_yuan(self.total_fen)


@dataclass(frozen=True)
class PackageFee:
    """One package of a contract: its yearly fee per person and the member-years it covers."""

    package_id: uuid.UUID
    name: str
    per_person_year: FeeSplit
    #: Covered persons summed over the contract years (2 members × 3 years = 6).
    person_years: int

    @property
    def total(self) -> FeeSplit:
        return self.per_person_year.times(self.person_years)


@dataclass(frozen=True)
class ContractFees:
    packages: tuple[PackageFee, ...]

    @property
    def total(self) -> FeeSplit:
        result = FeeSplit()
        for p in self.packages:
            result = result.plus(p.total)
        return result


class _Covered(NamedTuple):
    """A member as the fees see them: what the record says and when they joined."""

    facts: PersonFacts
    joined_on: date | None


def _fees(
    priced: Sequence[tuple[ServicePackage, FeeSplit]], members: Sequence[_Covered], start: date, term_years: int
) -> ContractFees:
    lines = []
    for package, per_person_year in priced:
        person_years = sum(
            len(package_years(package, m.facts, covered_years(start, term_years, m.joined_on))) for m in members
        )
        lines.append(PackageFee(package.id, package.name, per_person_year, person_years))
    return ContractFees(tuple(lines))


def contract_fees(session: Session, c: Contract) -> ContractFees:
    """The fees of contract ``c`` at the fee split agreed when it was drafted (rows; the
    use cases that show them have checked the permission)."""
    rows = session.execute(
        select(Resident, ContractMember.joined_on)
        .join(ContractMember, ContractMember.resident_id == Resident.id)
        .where(ContractMember.contract_id == c.id)
    ).all()
    return contract_fees_of(c, [(r, joined_on) for r, joined_on in rows])


def contract_fees_of(c: Contract, members: Sequence[tuple[Resident, date | None]]) -> ContractFees:
    """:func:`contract_fees` for a contract whose covered members (with the day each
    joined, None for the start) are already loaded: a batch (the contract forms of a
    village) loads them all at once."""
    covered = [_Covered(person_facts(r), joined_on) for r, joined_on in members]
    priced = [
        (
            cp.package,
            FeeSplit(cp.fee_total_fen, cp.fee_insurance_fen, cp.fee_public_health_fen, cp.fee_resident_fen),
        )
        for cp in c.packages
    ]
    return _fees(priced, covered, c.start_date, c.term_years)


def quote_fees(
    session: Session,
    *,
    package_ids: Sequence[uuid.UUID],
    member_ids: Sequence[uuid.UUID],
    start_date: date,
    term_years: int,
) -> ContractFees:
    """What a contract of these members and packages would cost (for the drafting form)."""
    require(session, Permission.VIEW_RECORDS)
    packages = [get_package(session, pid) for pid in dict.fromkeys(package_ids)]
    members = [_Covered(person_facts(get_resident_row(session, rid)), None) for rid in dict.fromkeys(member_ids)]
    priced = [
        (p, FeeSplit(p.fee_total_fen, p.fee_insurance_fen, p.fee_public_health_fen, p.fee_resident_fen))
        for p in packages
    ]
    return _fees(priced, members, start_date, term_years)
