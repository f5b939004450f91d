"""Renewal (续约) and expiry of contracts (DOMAIN.md §4):

* ``renew_contract``: an active or expired contract near or past its end; the members move to
  a new active contract that starts the day after the old end date.
* ``expire_due_contracts`` ends contracts past their end date, or renews them with the consent
  already given when ``auto_renew`` is set.

Use cases flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.errors import RuleError
from fdclient.models import Contract, Resident, utcnow
from fdclient.services.contracts.checks import (
    check_consent,
    check_doctor,
    check_packages,
    covered_members,
    refuse_other_contracts,
)
from fdclient.services.contracts.lifecycle import (
    ContractInfo,
    activate,
    contract_info,
    get_contract_row,
    insert_contract,
    transition,
)

#: Renewal opens this many days before the end date and closes this many days after it.
RENEWAL_OPENS_DAYS_BEFORE = 90
RENEWAL_CLOSES_DAYS_AFTER = 90


def _renew(
    session: Session,
    old: Contract,
    *,
    signed_at: datetime,
    consented_at: datetime,
    consent_text_version,
    channel: str | None,
    term_years: int | None,
    package_ids,
    doctor_id,
    member_ids,
    representative_id,
) -> Contract:
    if old.status not in ("active", "expired"):
        transition(old, "renewed")
    if member_ids is None:
        member_ids = [
            m.resident_id
            for m in old.members
            if m.is_active or (old.status == "expired" and m.ended_on == old.end_date)
        ]
        member_ids = [
            rid for rid in member_ids if (r := session.get(Resident, rid)).status == "active" and r.voided_at is None
        ]
    if not member_ids:
        raise RuleError(f"合同 {old.contract_no} 已没有可以续约的在册成员。")
    members = covered_members(session, old.scope, old.household_id, member_ids)
    doctor_id = doctor_id or old.doctor_id
    check_doctor(session, old.team_id, doctor_id)
    start = old.end_date + timedelta(days=1)
    if package_ids is None:
        package_ids = [cp.package_id for cp in old.packages if cp.package.active]
    packages = check_packages(session, package_ids, members, start, term_years or old.term_years)
    refuse_other_contracts(session, [r.id for r in members], except_contract=old.id)
    if representative_id is None:
        representative_id = old.representative_id if old.representative_id in {r.id for r in members} else members[0].id
    for m in old.members:
        if m.is_active:
            m.is_active, m.ended_on = False, old.end_date
    transition(old, "renewed")
    session.flush()  # the members leave the old contract before they join the new one
    new = insert_contract(
        session,
        scope=old.scope,
        household_id=old.household_id,
        members=members,
        representative_id=representative_id,
        team_id=old.team_id,
        doctor_id=doctor_id,
        packages=packages,
        term_years=term_years or old.term_years,
        start_date=start,
        auto_renew=old.auto_renew,
        channel=channel or old.channel,
    )
    new.renewal_of_id, new.status, new.consent_text_version = old.id, "active", consent_text_version
    activate(session, new, signed_at=signed_at, consented_at=consented_at)
    return new


def renew_contract(
    session: Session,
    contract_id: uuid.UUID,
    *,
    consent_given: bool,
    signed_at: datetime,
    today: date,
    channel: str | None = None,
    term_years: int | None = None,
    package_ids: Sequence[uuid.UUID] | None = None,
    doctor_id: uuid.UUID | None = None,
    member_ids: Sequence[uuid.UUID] | None = None,
    representative_id: uuid.UUID | None = None,
    consent_text_version: str | None = None,
) -> ContractInfo:
    """Renew (续约) an active or expired contract near or past its end. The old contract
    becomes “已续约”; the new one is active from the day after the old end date. Members,
    packages, doctor and term default to the old contract's."""
    old = get_contract_row(session, contract_id)
    if old.status not in ("active", "expired"):
        transition(old, "renewed")
    opens = old.end_date - timedelta(days=RENEWAL_OPENS_DAYS_BEFORE)
    closes = old.end_date + timedelta(days=RENEWAL_CLOSES_DAYS_AFTER)
    if today < opens:
        raise RuleError(
            f"合同 {old.contract_no} 到 {old.end_date.isoformat()} 才到期，到期前 {RENEWAL_OPENS_DAYS_BEFORE} 天内"
            f"（{opens.isoformat()} 起）才能续约。"
        )
    if today > closes:
        raise RuleError(
            f"合同 {old.contract_no} 已于 {old.end_date.isoformat()} 到期，"
            f"超过 {RENEWAL_CLOSES_DAYS_AFTER} 天不能续约，请重新签约。"
        )
    check_consent(consent_given, signed_at)
    new = _renew(
        session,
        old,
        signed_at=signed_at,
        consented_at=signed_at,
        consent_text_version=consent_text_version,
        channel=channel,
        term_years=term_years,
        package_ids=package_ids,
        doctor_id=doctor_id,
        member_ids=member_ids,
        representative_id=representative_id,
    )
    return contract_info(new)


@dataclass(frozen=True)
class ExpiryResult:
    #: Contract numbers that became “已到期”.
    expired: tuple[str, ...]
    #: (old number, new number) of contracts renewed automatically.
    renewed: tuple[tuple[str, str], ...]


def expire_due_contracts(session: Session, today: date) -> ExpiryResult:
    """Active contracts whose end date is before ``today`` expire (members no longer covered),
    or are renewed with the consent already given when ``auto_renew`` is set."""
    expired: list[str] = []
    renewed: list[tuple[str, str]] = []
    while due := session.scalars(
        select(Contract).where(Contract.status == "active", Contract.end_date < today).order_by(Contract.end_date)
    ).all():
        for c in due:
            if c.auto_renew:
                try:
                    with session.begin_nested():
                        new = _renew(
                            session,
                            c,
                            signed_at=utcnow(),
                            consented_at=c.consented_at,
                            consent_text_version=c.consent_text_version,
                            channel=None,
                            term_years=None,
                            package_ids=None,
                            doctor_id=None,
                            member_ids=None,
                            representative_id=None,
                        )
                    renewed.append((c.contract_no, new.contract_no))
                    continue
                except RuleError:
                    pass  # e.g. no member left, or the doctor left the team: the contract expires
            transition(c, "expired")
            for m in c.members:
                if m.is_active:
                    m.is_active, m.ended_on = False, c.end_date
            expired.append(c.contract_no)
        session.flush()
    return ExpiryResult(tuple(expired), tuple(renewed))
