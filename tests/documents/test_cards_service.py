"""The contact cards' data (fdclient/services/documents/cards.py) and their numbers
(fdclient/services/registry/card_tokens.py), on real stores: who gets a card, what it
carries, that a reprint keeps the token and a reissue replaces it, that the printed code
finds the resident, the audit trail (counts, never a token), and who may print."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.card_world import CENTRE, CENTRE_PHONE, DOCTOR_PHONE, HOURS, make_card_world
from sqlalchemy import select

from fdclient.documents.cards import write_cards
from fdclient.domain.card_codes import format_card_code, is_card_code, is_card_token
from fdclient.domain.codes import AuditAction
from fdclient.domain.identity import mask_id_number
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import AuditEntry, Resident
from fdclient.services.contracts import lifecycle
from fdclient.services.documents.cards import CardBatch, contact_cards
from fdclient.services.registry.card_tokens import ensure_card_tokens, find_by_card, reissue_card
from fdclient.store import Store


def _print(store: Store, **which: str) -> CardBatch:
    with store.write() as session:
        return contact_cards(session, **which)


def test_the_covered_residents_get_cards_in_household_order(store: Store) -> None:
    world = make_card_world(store)
    batch = _print(store)
    assert [c.resident_id for c in batch.cards] == [p.id for p in world.people]
    assert world.unsigned.id not in {c.resident_id for c in batch.cards}
    assert batch.new_cards == len(world.people) == 6
    assert batch.issued_on == builders.TODAY


def test_a_card_carries_the_front_and_the_health_record_card(store: Store) -> None:
    world = make_card_world(store)
    head, spouse = _print(store).cards[:2]
    person = world.people[0]
    assert (head.name, head.sex) == (person.name, "男")
    assert head.id_number_masked == mask_id_number(person.id_number) and head.id_number_masked.count("*") == 8
    assert len(head.health_record_no) == 17
    assert head.contract_no == world.contract_numbers[0]
    assert (head.start_date, head.end_date) == (date(2026, 1, 1), date(2026, 12, 31))
    assert (head.doctor_name, head.doctor_phone) == ("王建国", DOCTOR_PHONE)
    assert (head.team_name, head.team_phone) == ("罗家村家庭医生团队", "0791-83760000")
    assert (head.institution_name, head.centre_phone, head.service_hours) == (CENTRE, CENTRE_PHONE, HOURS)
    # The back: a severe mental disorder is printed as 其他疾病 (see the service's docstring).
    assert head.blood_group == "A型  Rh阳性"
    assert head.conditions == ("高血压", "糖尿病", "其他疾病")
    assert head.allergies == ("青霉素",)
    assert (head.emergency_contact, head.emergency_phone) == ("张小明", "13912345678")
    assert head.address == "罗家村一组 1 号" and head.household_phone == "13900139000"
    assert (head.responsible_doctor, head.responsible_phone) == ("王建国", DOCTOR_PHONE)
    # Nothing recorded: unknown, none, or a blank to fill in by hand.
    assert (spouse.sex, spouse.blood_group, spouse.conditions, spouse.allergies) == ("女", "不详", ("无",), ("不详",))
    assert (spouse.emergency_contact, spouse.emergency_phone) == ("", "")


def test_one_village_or_one_contract(store: Store) -> None:
    world = make_card_world(store)
    village = _print(store, village_code=world.village_code)
    assert [c.resident_id for c in village.cards] == [p.id for p in world.people[:4]]
    other = _print(store, village_code=world.other_village_code)
    assert [c.resident_id for c in other.cards] == [p.id for p in world.people[4:]]
    one = _print(store, contract_no=f" {world.contract_numbers[1]} ")
    assert [c.resident_id for c in one.cards] == [p.id for p in world.people[2:4]]


def test_an_unknown_village_or_contract_and_a_draft_are_refused(store: Store) -> None:
    make_card_world(store)
    with pytest.raises(ValidationError, match="村代码"):
        _print(store, village_code="360111101299")
    with pytest.raises(ValidationError, match="协议编号"):
        _print(store, contract_no="QY-0000")
    with store.write() as session:
        village = builders.make_village(session)
        team, doctor = builders.make_team(session, villages=[village])
        household = builders.make_household(session, village)
        draft = lifecycle.draft_contract(
            session,
            household_id=household.id,
            representative_id=household.head_id,
            team_id=team.id,
            doctor_id=doctor.id,
            package_ids=[builders.make_basic_package(session).id],
            start_date=date(2026, 5, 1),
        )
    with pytest.raises(RuleError, match="不在履约中"):
        _print(store, contract_no=draft.contract_no)
    # A village without signed residents is an empty batch, and nothing is recorded.
    assert _print(store, village_code=village.code).cards == ()


def test_a_reprint_keeps_the_numbers_and_a_reissue_replaces_them(store: Store) -> None:
    world = make_card_world(store)
    first = _print(store)
    tokens = {c.resident_id: (c.token, c.code) for c in first.cards}
    assert all(is_card_token(t) and is_card_code(c) for t, c in tokens.values())
    assert len({t for t, _ in tokens.values()}) == len({c for _, c in tokens.values()}) == len(tokens)
    again = _print(store)
    assert {c.resident_id: (c.token, c.code) for c in again.cards} == tokens
    assert again.new_cards == 0

    lost = world.people[1]
    with store.write() as session:
        new = reissue_card(session, lost.id)
    old_token, old_code = tokens[lost.id]
    assert (new.token, new.code) != (old_token, old_code)
    with store.read() as session:
        assert find_by_card(session, old_token) is None
        assert find_by_card(session, format_card_code(old_code)) is None
        found = find_by_card(session, new.token)
        assert found is not None and (found.id, found.name, found.matched_on) == (lost.id, lost.name, "token")
    third = _print(store)
    assert {c.resident_id: (c.token, c.code) for c in third.cards} == {**tokens, lost.id: (new.token, new.code)}


def test_the_printed_code_finds_the_resident(store: Store) -> None:
    world = make_card_world(store)
    card = _print(store).cards[2]
    with store.read() as session:
        for typed in (card.code, format_card_code(card.code), f" {card.code[:4]}-{card.code[4:8]}-{card.code[8:]} "):
            found = find_by_card(session, typed)
            assert found is not None and found.id == world.people[2].id and found.matched_on == "code"
        wrong_digit = card.code[:-1] + str((int(card.code[-1]) + 1) % 10)
        assert find_by_card(session, wrong_digit) is None
        assert find_by_card(session, world.people[2].id_number or "") is None


def test_numbers_are_made_lazily_for_residents_without_a_card(store: Store) -> None:
    world = make_card_world(store)
    with store.write() as session:
        numbers = ensure_card_tokens(session, [world.unsigned.id, world.unsigned.id])
        assert list(numbers) == [world.unsigned.id]
        assert ensure_card_tokens(session, [world.unsigned.id]) == numbers
        row = session.get(Resident, world.unsigned.id)
        assert row is not None and (row.card_token, row.card_code) == (
            numbers[world.unsigned.id].token,
            numbers[world.unsigned.id].code,
        )


def test_the_audit_trail_counts_prints_and_never_holds_a_token(store: Store) -> None:
    world = make_card_world(store)
    _print(store, village_code=world.village_code)
    batch = _print(store)
    with store.write() as session:
        reissue_card(session, world.people[0].id)
    with store.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)).all()
        prints = [e.changes for e in entries if e.action == AuditAction.PRINT]
        assert prints == [
            {"cards": 4, "new_cards": 4, "village": world.village_code},
            {"cards": 6, "new_cards": 2},
        ]
        reissued = [e for e in entries if e.changes == {"card": "reissued"}]
        assert len(reissued) == 1 and reissued[0].subject_id == world.people[0].id
        trail = json.dumps([e.changes for e in entries], ensure_ascii=False)
        current = session.execute(select(Resident.card_token, Resident.card_code)).all()
    for card in batch.cards:
        assert card.token not in trail and card.code not in trail
    for token, code in current:
        assert token is None or (token not in trail and code not in trail)


def test_administrators_may_not_print(store_as: Callable[[Role], Store]) -> None:
    admin = store_as(Role.ADMIN)
    world = make_card_world(admin)
    with admin.write() as session, pytest.raises(PermissionDenied):
        contact_cards(session)
    with admin.write() as session, pytest.raises(PermissionDenied):
        reissue_card(session, world.people[0].id)
    with admin.write() as session, pytest.raises(PermissionDenied):
        ensure_card_tokens(session, [world.people[0].id])
    with admin.read() as session, pytest.raises(PermissionDenied):
        find_by_card(session, "1234 5678 9012")


def test_nurses_and_public_health_workers_print(store_as: Callable[[Role], Store]) -> None:
    nurse = store_as(Role.NURSE)
    make_card_world(nurse)
    assert len(_print(nurse).cards) == 6


def test_a_print_cancelled_in_its_unit_of_work_leaves_no_numbers_and_no_record(store: Store, tmp_path: Path) -> None:
    """Gathered and written in one unit of work (as the command line does), a cancelled
    PDF undoes the first card numbers and the print's audit entry."""
    make_card_world(store)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    target = tmp_path / "out" / "cards.pdf"
    target.parent.mkdir()
    with pytest.raises(KeyboardInterrupt), store.write() as session:
        write_cards(contact_cards(session), target, progress=cancel)
    assert list(target.parent.iterdir()) == []
    with store.read() as session:
        assert session.scalars(select(Resident.id).where(Resident.card_token.is_not(None))).all() == []
        assert session.scalars(select(AuditEntry.id).where(AuditEntry.action == AuditAction.PRINT)).all() == []
