"""A small contract scene for the contract tests (``from helpers.contract_world import ...``):
a village, a team with its doctor, a household of two (张三, head, and 李梅) and the basic
package, with shortcuts to draft, sign, renew and expire their contracts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.models import Household, PlannedService, Resident, ServicePackage, Staff, Team
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import renewal as contract_renewal
from fdclient.services.contracts.consent import MemberConsent
from helpers import builders

#: The start of the scene's contracts.
START = date(2026, 1, 1)


@dataclass
class World:
    session: Session
    team: Team
    doctor: Staff
    household: Household
    basic: ServicePackage

    def draft(self, **overrides: Any) -> contracts.ContractInfo:
        args: dict[str, Any] = dict(
            household_id=self.household.id,
            representative_id=self.household.head_id,
            team_id=self.team.id,
            doctor_id=self.doctor.id,
            package_ids=[self.basic.id],
            start_date=START,
        )
        return contracts.draft_contract(self.session, **{**args, **overrides})

    def sign(self, contract_id: uuid.UUID, **overrides: Any) -> contracts.ContractInfo:
        """Sign with every member's consent (builders.consents_of) unless overridden."""
        draft = contracts.get_contract(self.session, contract_id)
        args: dict[str, Any] = dict(
            consents=builders.consents_of(self.session, draft, START),
            signed_at=builders.signed_at(START),
            channel="door_to_door",
        )
        return contracts.sign_contract(self.session, contract_id, **{**args, **overrides})

    def renew(self, contract_id: uuid.UUID, on: date, **overrides: Any) -> contracts.ContractInfo:
        """Renew on the day ``on`` (the unit of work's clock), signed that day with the
        consent of every member still covered."""
        old = contracts.get_contract(self.session, contract_id)
        args: dict[str, Any] = dict(
            consents=[MemberConsent(m.resident_id) for m in old.members if m.is_active or m.ended_on == old.end_date],
            signed_at=builders.signed_at(on),
        )
        with builders.on_day(self.session, on):
            return contract_renewal.renew_contract(self.session, contract_id, **{**args, **overrides})

    def expire_due(self, on: date) -> contract_renewal.ExpiryResult:
        with builders.on_day(self.session, on):
            return contract_renewal.expire_due_contracts(self.session)

    def spouse(self) -> Resident:
        return next(m for m in self.household.members if m.id != self.household.head_id)


def make_world(session: Session) -> World:
    """A village, a team with its doctor, a household of two and the basic package."""
    village = builders.make_village(session)
    team, doctor = builders.make_team(session, villages=[village])
    household = builders.make_household(session, village)
    return World(session, team, doctor, household, builders.make_basic_package(session))


def planned(session: Session, contract_id: uuid.UUID) -> list[PlannedService]:
    return list(session.scalars(select(PlannedService).where(PlannedService.contract_id == contract_id)))
