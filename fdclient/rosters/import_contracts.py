"""Contracts from the signing columns of a roster (签约日期, 团队 / 家庭医生, 服务包, 到期日期),
by the contract lifecycle's rules (DOMAIN.md §4, :mod:`fdclient.services.contracts`).

* The rows of one household with the same signing (date, term, team, doctor, packages)
  become one household contract; a row without a household an individual one. It is
  signed (``active``) on the signing date, with channel ``roster_import`` and the consent
  given on the paper form (:data:`PAPER_CONSENT` as the consent wording; no signature
  image: the paper form carries the signatures).
* The team and family doctor are found by name (a team alone: its leader, else its first
  doctor; a doctor alone: their team), then checked by
  :func:`fdclient.services.contracts.checks.check_doctor`; the packages by name or code,
  checked by :func:`~fdclient.services.contracts.checks.check_packages` (active, someone of
  their population covered); the term (1-3 years) by
  :func:`fdclient.services.contracts.lifecycle.check_term`, from the end date when given.
* Consent (:mod:`fdclient.services.contracts.consent`): each member from 14 consents
  themselves; a child under 14 through a guardian, an adult of the household in the roster
  with an ID number (a parent, else a grandparent, else another relative); the family
  representative is the head when covered, else the first adult covered, else an adult of
  the household. :func:`check_representative`, :func:`check_consents` and
  :func:`check_signer` decide, as when signing at the door.
* One family doctor at a time: a resident already under a contract in force is not signed
  again (nothing changes for them). A signing the roster marks as ended (已到期, 已解约 ...)
  or whose end date has passed creates no contract.

A signing that breaks a rule rejects the rows it covers, with the rule's message.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fdclient.domain.codes import ConsentBy, GuardianRelationship, SigningChannel
from fdclient.domain.key_populations import age_on
from fdclient.domain.time import CHINA_TIME
from fdclient.errors import FdError
from fdclient.models import Resident, ServicePackage, Staff, Team
from fdclient.rosters.import_places import HouseholdPlan, fresh_ids
from fdclient.rosters.import_rows import CheckedRow, Signing
from fdclient.rosters.reading import RosterTable
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.checks import check_doctor, check_packages
from fdclient.services.contracts.consent import (
    ADULT_AGE,
    GUARDIAN_CONSENT_BELOW,
    CheckedConsent,
    GuardianInput,
    MemberConsent,
    check_consents,
    check_representative,
    check_signer,
)
from fdclient.services.contracts.lifecycle import check_channel, check_term
from fdclient.services.staff.organisation import DOCTOR_ROLES
from fdclient.store.context import now
from fdclient.text import Text, msg

__all__ = ["PAPER_CONSENT", "ContractPlan", "plan_contracts"]

#: The consent wording recorded for a contract signed on paper and imported from a roster.
PAPER_CONSENT = "paper"
CHANNEL = SigningChannel.ROSTER_IMPORT
_MALE = 1
#: Noon of the signing day, China time: the signing time of an imported contract.
_NOON = time(12)


@dataclass
class ContractPlan:
    id: uuid.UUID
    household: HouseholdPlan | None
    members: list[Resident]
    rows: list[CheckedRow]
    representative_id: uuid.UUID
    team_id: uuid.UUID
    doctor_id: uuid.UUID
    packages: list[ServicePackage]
    start: date
    end: date
    term_years: int
    signed_at: datetime
    consents: dict[uuid.UUID, CheckedConsent]


class Catalogue:
    """Active teams, doctors and packages by name, read once."""

    def __init__(self, session: Session, default_term: int) -> None:
        self.session, self.default_term = session, default_term
        self.teams = {t.name.replace(" ", ""): t for t in session.scalars(select(Team).where(Team.active))}
        doctors = session.scalars(select(Staff).where(Staff.active, Staff.role.in_([r.value for r in DOCTOR_ROLES])))
        self.doctors: dict[str, list[Staff]] = defaultdict(list)
        for s in doctors:
            self.doctors[s.name].append(s)
        packages = session.scalars(
            select(ServicePackage).where(ServicePackage.active).options(selectinload(ServicePackage.items))
        ).all()
        self.packages = {p.name.replace(" ", ""): p for p in packages} | {p.code: p for p in packages}
        self.checked_pairs: dict[tuple[uuid.UUID, uuid.UUID], Text | None] = {}
        self.new_id = fresh_ids(now(session))

    def team_and_doctor(self, signing: Signing) -> tuple[Team, Staff] | Text:
        team = self.teams.get(signing.team) if signing.team else None
        if signing.team and team is None:
            return msg(
                "找不到在用的家庭医生团队“{team}”，可选：{known}。",
                "There is no active family doctor team “{team}”; known: {known}.",
                team=signing.team,
                known="、".join(self.teams) or "-",
            )
        doctors = self.doctors.get(signing.doctor, []) if signing.doctor else []
        if signing.doctor and not doctors:
            return msg(
                "找不到在岗的医生“{doctor}”。",
                "There is no doctor “{doctor}” in service.",
                doctor=signing.doctor,
            )
        if team is None:
            teams = [t for t in self.teams.values() if any(m.staff_id in {d.id for d in doctors} for m in t.members)]
            if len(teams) != 1:
                return msg(
                    "医生“{doctor}”不属于唯一一个在用的团队：请填写签约团队。",
                    "The doctor “{doctor}” is not in exactly one active team: fill in the team.",
                    doctor=signing.doctor,
                )
            team = teams[0]
        if doctors:
            doctor = next((d for d in doctors if any(m.staff_id == d.id for m in team.members)), doctors[0])
        else:
            member_ids = [m.staff_id for m in team.members]
            in_team = [s for group in self.doctors.values() for s in group if s.id in member_ids]
            in_team.sort(key=lambda s: (s.id != team.leader_id, s.name))
            if not in_team:
                return msg(
                    "团队“{team}”没有在岗的医生。", "The team “{team}” has no doctor in service.", team=team.name
                )
            doctor = in_team[0]
        key = (team.id, doctor.id)
        if key not in self.checked_pairs:
            try:
                check_doctor(self.session, team.id, doctor.id)
                self.checked_pairs[key] = None
            except FdError as exc:
                self.checked_pairs[key] = exc.text
        problem = self.checked_pairs[key]
        return problem if problem is not None else (team, doctor)

    def packages_of(self, names: tuple[str, ...]) -> list[ServicePackage] | Text:
        found = [self.packages.get(name) for name in names]
        missing = [name for name, p in zip(names, found, strict=True) if p is None]
        if missing:
            known = "、".join(sorted({p.name for p in self.packages.values()})) or "-"
            return msg(
                "找不到在用的服务包“{missing}”，可选：{known}。",
                "There is no active service package “{missing}”; known: {known}.",
                missing="、".join(missing),
                known=known,
            )
        return list(dict.fromkeys(p for p in found if p is not None))

    def term(self, start: date, end: date | None) -> int | Text:
        if end is None:
            return self.default_term
        for years in (1, 2, 3):
            if service_plan.contract_end(start, years) == end:
                return years
        return msg(
            "到期日期 {end} 与开始日期 {start} 不相隔整 1 到 3 年（如 {start} 起 1 年到期日为 {one}）。",
            "The end date {end} is not 1 to 3 whole years after the start {start} (1 year from {start} ends on {one}).",
            end=end.isoformat(),
            start=start.isoformat(),
            one=service_plan.contract_end(start, 1).isoformat(),
        )


def plan_contracts(
    catalogue: Catalogue,
    table: RosterTable,
    rows: list[CheckedRow],
    household_of: dict[int, HouseholdPlan],
    person_of: Callable[[CheckedRow], Resident],
    under_contract: set[uuid.UUID],
    today: date,
) -> list[ContractPlan]:
    """The contracts to create (see the module docstring); rows breaking a rule are rejected."""
    header = _Headers(table)
    groups: dict[tuple[object, ...], list[CheckedRow]] = defaultdict(list)
    for row in rows:
        s = row.signing
        if row.rejected or s is None or s.ended:
            continue
        start = s.start_date or s.signed_on
        assert start is not None  # check_row rejects a signing without a date
        if s.end_date is not None and s.end_date < today:
            continue  # ended already: nothing in force to import
        household = household_of.get(row.key)
        owner: object = household.id if household is not None else row.key
        groups[(owner, s.signed_on or start, start, s.end_date, s.team, s.doctor, s.packages)].append(row)
    plans = []
    for group in groups.values():
        plan = _contract(catalogue, header, group, household_of.get(group[0].key), person_of, under_contract)
        if plan is not None:
            plans.append(plan)
    return plans


class _Headers:
    def __init__(self, table: RosterTable) -> None:
        self.table = table

    def __call__(self, key: str, default: str) -> str:
        return self.table.header_of(key) if self.table.has(key) else default

    def of_field(self, field: str | None) -> str:
        if field in ("package_ids",):
            return self("packages", "服务包")
        if field in ("doctor_id", "team_id"):
            return self("doctor", "家庭医生")
        if field in ("term_years", "end_date"):
            return self("end_date", "到期日期")
        if field in ("representative_id", "consents") or (field or "").startswith("guardian"):
            return self("relationship", "与户主关系")
        return self("signed_on", "签约日期")


def _reject_all(rows: list[CheckedRow], column: str, message: Text) -> None:
    for row in rows:
        if not row.rejected:
            row.reject(column, message)


def _contract(
    catalogue: Catalogue,
    header: _Headers,
    group: list[CheckedRow],
    household: HouseholdPlan | None,
    person_of: Callable[[CheckedRow], Resident],
    under_contract: set[uuid.UUID],
) -> ContractPlan | None:
    s = group[0].signing
    assert s is not None
    start = s.start_date or s.signed_on
    signed_on = s.signed_on or start
    assert start is not None and signed_on is not None
    who = catalogue.team_and_doctor(s)
    if isinstance(who, Text):
        _reject_all(group, header("team", "签约团队") if s.team else header("doctor", "家庭医生"), who)
        return None
    packages = catalogue.packages_of(s.packages)
    if isinstance(packages, Text):
        _reject_all(group, header("packages", "服务包"), packages)
        return None
    term = catalogue.term(start, s.end_date)
    if isinstance(term, Text):
        _reject_all(group, header("end_date", "到期日期"), term)
        return None
    earliest = min(start, signed_on)
    for row in group:
        if row.birth_date > earliest:
            row.reject(
                header("birth_date", "出生日期"),
                msg(
                    "出生日期晚于签约开始日期 {start}，不能在签约之初就被覆盖。",
                    "The birth date is after the contract's start {start}: they cannot be covered from the start.",
                    start=earliest.isoformat(),
                ),
            )
    covered = [r for r in group if not r.rejected and person_of(r).id not in under_contract]
    if not covered:
        return None
    adults = [r for r in (household.rows if household else group) if not r.rejected and r.id_number]
    consents: list[MemberConsent] = []
    for row in covered:
        if age_on(row.birth_date, signed_on) >= GUARDIAN_CONSENT_BELOW:
            consents.append(MemberConsent(person_of(row).id, ConsentBy.SELF))
            continue
        guardian = _guardian(row, adults, signed_on)
        if guardian is None:
            row.reject(
                header("name", "姓名"),
                msg(
                    "未满 {age} 周岁，须由监护人同意签约，但花名册同户中没有可作监护人的成年人（需有身份证号）。",
                    "Under {age}: a guardian must consent, and the roster has no adult of the household (with an ID "
                    "number) to be the guardian.",
                    age=GUARDIAN_CONSENT_BELOW,
                ),
            )
            continue
        consents.append(MemberConsent(person_of(row).id, ConsentBy.GUARDIAN, guardian))
    covered = [r for r in covered if not r.rejected]
    if not covered:
        return None
    members = [person_of(r) for r in covered]
    consents = [c for c in consents if c.resident_id in {m.id for m in members}]
    representative = _representative(covered, household, signed_on, person_of)
    try:
        check_term(term)
        check_channel(CHANNEL)
        checked_packages = check_packages(catalogue.session, [p.id for p in packages], members, start, term)
        check_representative(members, representative, household.id if household else None, signed_on)
        checked = check_consents(members, consents, representative_id=representative.id, on=signed_on)
        check_signer(representative, checked, signed_on)
    except FdError as exc:
        _reject_all(covered, header.of_field(exc.field), exc.text)
        return None
    team, doctor = who
    return ContractPlan(
        id=catalogue.new_id(),
        household=household,
        members=members,
        rows=covered,
        representative_id=representative.id,
        team_id=team.id,
        doctor_id=doctor.id,
        packages=checked_packages,
        start=start,
        end=service_plan.contract_end(start, term),
        term_years=term,
        signed_at=datetime.combine(signed_on, _NOON, CHINA_TIME),
        consents=checked,
    )


def _representative(
    covered: list[CheckedRow], household: HouseholdPlan | None, on: date, person_of: Callable[[CheckedRow], Resident]
) -> Resident:
    head = household.head_row if household else None
    if head is not None and head in covered:
        return person_of(head)
    adult = next((r for r in covered if age_on(r.birth_date, on) >= ADULT_AGE), None)
    if adult is None and household is not None:
        adult = next(
            (
                r
                for r in household.rows
                if not r.rejected and r.birth_date <= on and age_on(r.birth_date, on) >= ADULT_AGE
            ),
            None,
        )
    return person_of(adult or covered[0])


def _guardian(child: CheckedRow, adults: list[CheckedRow], on: date) -> GuardianInput | None:
    """An adult of the household to consent for ``child``: a parent, else a grandparent,
    else another relative (by their relationships to the head)."""
    candidates = [r for r in adults if r is not child and r.birth_date <= on and age_on(r.birth_date, on) >= ADULT_AGE]
    parents_of_head_children = ("01", "10")
    ranked: list[tuple[int, CheckedRow, GuardianRelationship]] = []
    for r in candidates:
        if child.relationship in ("20", "30") and r.relationship in parents_of_head_children:
            parent = GuardianRelationship.FATHER if r.sex == _MALE else GuardianRelationship.MOTHER
            ranked.append((0, r, parent))
        elif child.relationship == "40" and r.relationship in ("20", "30"):
            parent = GuardianRelationship.FATHER if r.sex == _MALE else GuardianRelationship.MOTHER
            ranked.append((0, r, parent))
        elif child.relationship == "40" and r.relationship in parents_of_head_children:
            ranked.append((1, r, GuardianRelationship.GRANDPARENT))
        else:
            ranked.append((2, r, GuardianRelationship.OTHER_RELATIVE))
    if not ranked:
        return None
    _, r, relationship = min(ranked, key=lambda item: (item[0], item[1].key))
    assert r.id_number is not None
    return GuardianInput(r.name, relationship, r.id_number, "01", r.phone)
