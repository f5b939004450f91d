"""Contracts after signing: termination, renewal (its window, early renewal), expiry and
automatic renewal, and the planned services each closes with its date; members leaving and a
new family representative."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from helpers import builders
from helpers.contract_world import World, make_world, planned
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ConsentBy, ContractStatus, PlannedServiceStatus, TerminationReason
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Contract, ContractMember
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts.consent import MemberConsent
from fdclient.services.registry import resident_status
from fdclient.settings import (
    CONTRACT_RENEWAL_CLOSES_DAYS,
    CONTRACT_RENEWAL_OPENS_DAYS,
    set_setting,
)


@pytest.fixture
def w(session: Session) -> World:
    """The world in the doctor's unit of work held for the test."""
    return make_world(session)


# --- the state machine in use ----------------------------------------------------------------


def test_a_draft_cannot_be_terminated_or_renewed(w: World) -> None:
    draft = w.draft()
    with pytest.raises(RuleError, match="当前状态为“草稿”，不能改为“已解约”"):
        contracts.terminate_contract(w.session, draft.id, reason="voluntary", on_date=date(2026, 2, 1))
    with pytest.raises(RuleError, match="当前状态为“草稿”，不能改为“已续约”"):
        w.renew(draft.id, date(2026, 12, 1))


def test_terminate_ends_members_and_closes_the_open_services_on_the_date(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(ValidationError, match="解约原因"):
        contracts.terminate_contract(w.session, signed.id, reason="bored", on_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="说明"):
        contracts.terminate_contract(w.session, signed.id, reason="other", on_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="解约日期"):
        contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2027, 1, 1))
    with pytest.raises(ValidationError, match="不晚于今天"):  # the clock says 2026-06-01
        contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2026, 7, 1))
    delivered = planned(w.session, signed.id)[0]
    delivered.status, delivered.fulfilled_on = PlannedServiceStatus.DONE, date(2026, 2, 1)
    done = contracts.terminate_contract(
        w.session, signed.id, reason=TerminationReason.MOVED_OUT, on_date=date(2026, 5, 1), note="去外地打工"
    )
    assert (done.status, done.termination_reason, done.termination_note) == (
        ContractStatus.TERMINATED,
        TerminationReason.MOVED_OUT,
        "去外地打工",
    )
    assert all(not m.is_active and m.ended_on == date(2026, 5, 1) for m in done.members)
    # Every service still open is closed that day, the current windows too (before: only the
    # later windows were cancelled, without a date, and the others stayed open for good).
    rows = planned(w.session, signed.id)
    assert {(p.status, p.closed_on) for p in rows if p.id != delivered.id} == {
        (PlannedServiceStatus.CANCELLED, date(2026, 5, 1))
    }
    assert (delivered.status, delivered.closed_on) == (PlannedServiceStatus.DONE, None)
    with pytest.raises(RuleError, match="当前状态为“已解约”，不能改为“已续约”"):
        w.renew(signed.id, date(2026, 12, 1))


def test_renewal_opens_near_the_end(w: World) -> None:
    signed = w.sign(w.draft().id)
    with pytest.raises(RuleError, match="才能续约"):
        w.renew(signed.id, date(2026, 9, 1))
    with pytest.raises(RuleError, match="个人信息保护法"):
        w.renew(signed.id, date(2026, 12, 1), consents=[MemberConsent(w.household.head_id)])
    # A refused renewal changes nothing.
    after = contracts.get_contract(w.session, signed.id)
    assert after.status == ContractStatus.ACTIVE and all(m.is_active for m in after.members)


def test_the_renewal_window_is_a_township_setting(w: World) -> None:
    signed = w.sign(w.draft().id)
    with builders.as_admin(w.session):
        set_setting(w.session, CONTRACT_RENEWAL_OPENS_DAYS, 30)
        set_setting(w.session, CONTRACT_RENEWAL_CLOSES_DAYS, 10)
        with pytest.raises(ValidationError, match="0 到 365 之间的整数"):
            set_setting(w.session, CONTRACT_RENEWAL_CLOSES_DAYS, 400)
    with pytest.raises(RuleError, match="到期前 30 天内（2026-12-01 起）才能续约"):  # 90 days before: open
        w.renew(signed.id, date(2026, 11, 30))
    w.expire_due(date(2027, 1, 1))
    with pytest.raises(RuleError, match="超过 10 天不能续约"):
        w.renew(signed.id, date(2027, 1, 11))
    assert w.renew(signed.id, date(2027, 1, 10)).start_date == date(2027, 1, 1)


def test_renewal_moves_members_to_a_new_contract_from_the_day_after_the_end(w: World) -> None:
    old = w.sign(w.draft().id)
    new = w.renew(old.id, date(2026, 12, 1), term_years=2)
    assert contracts.get_contract(w.session, old.id).status == ContractStatus.RENEWED
    assert (new.status, new.start_date, new.end_date, new.renewal_of_id) == (
        ContractStatus.ACTIVE,
        date(2027, 1, 1),
        date(2028, 12, 31),
        old.id,
    )
    assert new.contract_no == "QY-360111101-2027-000001"
    old_members = contracts.get_contract(w.session, old.id).members
    assert all(not m.is_active and m.ended_on == date(2026, 12, 31) for m in old_members)
    assert {m.resident_id for m in new.members if m.is_active} == {m.resident_id for m in old_members}
    assert len(planned(w.session, new.id)) == 2 * 2 * 3
    assert {m.consent_by for m in new.members} == {ConsentBy.SELF}
    with pytest.raises(RuleError, match="当前状态为“已续约”"):
        contracts.terminate_contract(w.session, old.id, reason="voluntary", on_date=date(2026, 12, 5))


def test_a_contract_renewed_early_keeps_its_services_open_to_its_end(w: World) -> None:
    """Renewed a month early, the old contract's services stay open to its end date (its
    members are covered to then); once that day has passed they are closed on it."""
    old = w.sign(w.draft().id)
    w.renew(old.id, date(2026, 12, 1))
    assert {p.status for p in planned(w.session, old.id)} == {PlannedServiceStatus.PLANNED}
    w.expire_due(date(2026, 12, 31))
    assert {p.status for p in planned(w.session, old.id)} == {PlannedServiceStatus.PLANNED}
    w.expire_due(date(2027, 1, 1))
    assert {(p.status, p.closed_on) for p in planned(w.session, old.id)} == {
        (PlannedServiceStatus.CANCELLED, date(2026, 12, 31))
    }


def test_expiry_deactivates_members_and_an_expired_contract_can_still_be_renewed(w: World) -> None:
    old = w.sign(w.draft().id)
    assert w.expire_due(date(2026, 12, 31)).expired == ()
    result = w.expire_due(date(2027, 1, 1))
    assert result.expired == (old.contract_no,) and result.renewed == ()
    expired = contracts.get_contract(w.session, old.id)
    assert expired.status == ContractStatus.EXPIRED and all(
        not m.is_active and m.ended_on == date(2026, 12, 31) for m in expired.members
    )
    # Its open services are closed on the end date (before: they stayed open for good).
    assert {(p.status, p.closed_on) for p in planned(w.session, old.id)} == {
        (PlannedServiceStatus.CANCELLED, date(2026, 12, 31))
    }
    with pytest.raises(RuleError, match="当前状态为“已到期”，不能改为“已解约”"):
        contracts.terminate_contract(w.session, old.id, reason="voluntary", on_date=date(2026, 12, 5))
    new = w.renew(old.id, date(2027, 1, 20))
    assert new.start_date == date(2027, 1, 1) and len([m for m in new.members if m.is_active]) == 2


def test_renewal_closes_90_days_after_the_end(w: World) -> None:
    old = w.sign(w.draft().id)
    w.expire_due(date(2027, 1, 1))
    with pytest.raises(RuleError, match="超过 90 天不能续约"):
        w.renew(old.id, date(2027, 4, 1))
    assert w.renew(old.id, date(2027, 3, 31)).status == ContractStatus.ACTIVE


def test_auto_renew_at_expiry(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    result = w.expire_due(date(2027, 1, 3))
    assert result.expired == () and len(result.renewed) == 1 and result.renewed[0][0] == old.contract_no
    new = w.session.scalars(select(Contract).where(Contract.renewal_of_id == old.id)).one()
    assert (new.status, new.start_date, new.auto_renew, new.consent_given) == ("active", date(2027, 1, 1), True, True)
    assert new.signed_at == datetime(2027, 1, 3, 2, 0, tzinfo=UTC)  # the clock: 10:00 China time that day
    active = w.session.scalars(select(ContractMember.contract_id).where(ContractMember.is_active)).all()
    assert set(active) == {new.id} and len(active) == 2
    # The members' consents carry over, with their own times; the old services are closed.
    carried = {(m.consent_by, m.consented_at) for m in new.members}
    assert carried == {(ConsentBy.SELF, datetime(2026, 1, 1, 1, 30, tzinfo=UTC))}
    assert {(p.status, p.closed_on) for p in planned(w.session, old.id)} == {
        (PlannedServiceStatus.CANCELLED, date(2026, 12, 31))
    }


def test_auto_renew_without_every_members_consent_expires_the_contract(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    member = w.session.scalars(select(ContractMember).where(ContractMember.contract_id == old.id)).first()
    assert member is not None
    member.consent_by, member.consented_at = None, None  # as rows written before consent per member
    result = w.expire_due(date(2027, 1, 3))
    assert result.expired == (old.contract_no,) and result.renewed == ()


def test_auto_renew_of_a_contract_nobody_is_left_in_expires_it(w: World) -> None:
    old = w.sign(w.draft(auto_renew=True).id)
    for member in old.members:  # moving out does not end a membership by itself
        resident_status.mark_moved_out(w.session, member.resident_id, date(2026, 6, 1))
    result = w.expire_due(date(2027, 1, 3))
    assert result.expired == (old.contract_no,) and result.renewed == ()


# --- members leaving, the representative -------------------------------------------------------


def test_a_member_leaves_and_the_last_one_ends_the_contract(w: World) -> None:
    signed = w.sign(w.draft().id)
    head, spouse = w.household.head_id, w.spouse().id
    with pytest.raises(ValidationError, match="解约原因"):
        contracts.end_membership(w.session, head, date(2026, 4, 1), reason="bored")
    left = contracts.end_membership(w.session, head, date(2026, 4, 1), reason=TerminationReason.MOVED_OUT)
    assert (left.left, left.terminated) == ((signed.contract_no,), ())
    assert [str(text) for text in left.warnings] == [
        f"张三 是合同 {signed.contract_no} 的家庭代表，请为该合同指定新的家庭代表。"
    ]
    rows = planned(w.session, signed.id)
    assert {(p.status, p.closed_on) for p in rows if p.resident_id == head} == {
        (PlannedServiceStatus.CANCELLED, date(2026, 4, 1))
    }
    assert {p.status for p in rows if p.resident_id == spouse} == {PlannedServiceStatus.PLANNED}
    assert contracts.change_representative(w.session, signed.id, spouse).representative_id == spouse
    nurse = builders.actor_named(w.session, "nurse")
    with builders.acting_as(w.session, nurse):  # the status change has checked its own permission
        last = contracts.end_membership_for_status_change(
            w.session, spouse, date(2026, 5, 1), reason=TerminationReason.DEATH
        )
    assert (last.left, last.terminated, last.warnings) == ((signed.contract_no,), (signed.contract_no,), ())
    ended = contracts.get_contract(w.session, signed.id)
    assert (ended.status, ended.termination_reason, ended.terminated_on) == (
        ContractStatus.TERMINATED,
        TerminationReason.DEATH,
        date(2026, 5, 1),
    )
    assert contracts.end_membership(w.session, spouse, date(2026, 5, 2), reason="death") == ((), (), ())


def test_the_representative_of_a_draft_or_active_contract_can_be_changed(w: World) -> None:
    signed = w.sign(w.draft(member_ids=[w.household.head_id]).id)
    outsider = builders.make_resident(w.session, builders.make_village(w.session), name="赵六")
    with pytest.raises(RuleError, match="家庭代表应为签约成员"):
        contracts.change_representative(w.session, signed.id, outsider.id)
    # An adult of the household who is not covered may represent it.
    assert contracts.change_representative(w.session, signed.id, w.spouse().id).representative_id == w.spouse().id
    contracts.terminate_contract(w.session, signed.id, reason="voluntary", on_date=date(2026, 2, 1))
    with pytest.raises(RuleError, match="状态为“已解约”，不能更换家庭代表"):
        contracts.change_representative(w.session, signed.id, w.household.head_id)
