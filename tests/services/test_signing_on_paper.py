"""Signing on paper: ``signature_png=None`` signs a household contract (or a draft) with no
drawing stored, so the printed form keeps blank signature lines to sign by hand; an empty
drawing is still refused as invalid."""

from __future__ import annotations

import pytest
from helpers import builders
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus
from fdclient.errors import ValidationError
from fdclient.services.contracts import lifecycle, signing
from fdclient.services.contracts.consent import MemberConsent


def test_a_contract_signed_on_paper_stores_no_drawing_and_an_empty_one_is_refused(session: Session) -> None:
    village = builders.make_village(session, name="罗家村")
    team, doctor = builders.make_team(session, villages=[village])
    basic = builders.make_basic_package(session)
    household = builders.make_household(session, village)
    other = builders.make_household(session, village, address="罗家村二组 3 号")
    assert household.head_id is not None and other.head_id is not None
    member_ids = [m.id for m in household.members]
    args = dict(
        household_id=household.id,
        member_ids=member_ids,
        representative_id=household.head_id,
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[basic.id],
        term_years=1,
        consents=[MemberConsent(i) for i in member_ids],
    )
    with pytest.raises(ValidationError) as refused, session.begin_nested():
        signing.sign_household_contract(session, **args, signature_png=b"")  # type: ignore[arg-type]
    assert refused.value.field == "signature"
    info = signing.sign_household_contract(session, **args, signature_png=None)  # type: ignore[arg-type]
    assert info.status == ContractStatus.ACTIVE
    assert signing.contract_signature(session, info.id) is None

    draft = lifecycle.draft_contract(
        session,
        household_id=other.id,
        representative_id=other.head_id,
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[basic.id],
        start_date=builders.TODAY,
    )
    consents = [MemberConsent(m.resident_id) for m in draft.members]
    signed = signing.sign_draft(session, draft.id, consents=consents, signature_png=None)
    assert signed.status == ContractStatus.ACTIVE and signing.contract_signature(session, draft.id) is None
