"""The demo township's contracts: coverage, history, consent, package fees, the planned
services and their fulfilment by records of the covering contract."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date

import pytest
from helpers.demo_township import AS_OF, Demo, rows
from sqlalchemy import select

from fdclient.domain.codes import (
    ConsentBy,
    ContractStatus,
    PlannedServiceStatus,
    ResidentStatus,
    ServiceKind,
    VisitKind,
)
from fdclient.domain.key_populations import age_on, compute_tags
from fdclient.models import Contract, Resident
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND, covering_contract, plan_member
from fdclient.services.registry.residents import person_facts

# -- contracts ----------------------------------------------------------------------------------


def test_coverage_and_key_population_coverage(demo: Demo) -> None:
    store, _ = demo
    covered = {r[0] for r in rows(store, "SELECT resident_id FROM contract_members WHERE is_active")}
    with store.read() as session:
        residents = session.scalars(select(Resident).where(Resident.status == ResidentStatus.ACTIVE)).all()
        key = [r for r in residents if compute_tags(person_facts(r), AS_OF)]
    overall = sum(r.id.hex in covered for r in residents) / len(residents)
    key_coverage = sum(r.id.hex in covered for r in key) / len(key)
    assert 0.5 <= overall <= 0.7
    assert 0.75 <= key_coverage <= 0.92 and key_coverage > overall + 0.1


def test_contract_history_and_rules(demo: Demo) -> None:
    store, _ = demo
    assert (
        rows(store, "SELECT resident_id FROM contract_members WHERE is_active GROUP BY resident_id HAVING count(*) > 1")
        == []
    )
    statuses = Counter(s for (s,) in rows(store, "SELECT status FROM contracts"))
    assert {ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED} <= set(
        statuses
    )
    assert statuses[ContractStatus.ACTIVE] > statuses[ContractStatus.EXPIRED]
    renewed = rows(
        store,
        "SELECT c.id, c.end_date, n.start_date, n.status FROM contracts c JOIN contracts n ON n.renewal_of_id = c.id",
    )
    assert len(renewed) == statuses["renewed"]
    assert all(date.fromisoformat(r[2]) == date.fromordinal(date.fromisoformat(r[1]).toordinal() + 1) for r in renewed)
    reasons = Counter(r for (r,) in rows(store, "SELECT termination_reason FROM contracts WHERE status = 'terminated'"))
    assert None not in reasons and {"death", "voluntary", "refused"} <= set(reasons)
    assert rows(store, "SELECT count(*) FROM contracts WHERE NOT consent_given OR signed_at IS NULL")[0][0] == 0
    assert (
        rows(
            store,
            "SELECT count(*) FROM contract_members m JOIN contracts c ON c.id = m.contract_id "
            "WHERE m.is_active AND (c.status != 'active' OR c.end_date < :d)",
            d=AS_OF.isoformat(),
        )[0][0]
        == 0
    )
    household = Counter(s for (s,) in rows(store, "SELECT scope FROM contracts"))
    assert household["household"] > 4 * household["individual"] > 0


def test_every_member_consented_children_through_a_parent(demo: Demo) -> None:
    """Consent per covered member (on the signing day, or the day they joined): under 14 a
    guardian of the household, named in full; 14-17 themselves or a guardian; adults
    themselves or through the family representative. The representative is a covered
    member or an adult of the household, a minor one only through a guardian."""
    store, _ = demo
    people = {
        r.id: r for r in rows(store, "SELECT id, household_id, birth_date, sex, id_number, name, phone FROM residents")
    }
    by_number = {r.id_number: r for r in people.values() if r.id_number}
    members = rows(
        store,
        "SELECT m.*, c.start_date, c.household_id AS contract_household, c.representative_id, c.signed_at "
        "FROM contract_members m JOIN contracts c ON c.id = m.contract_id",
    )
    seen = Counter()
    consents: dict[str, dict[str, str]] = defaultdict(dict)
    for m in members:
        member = people[m.resident_id]
        day = date.fromisoformat(m.joined_on or m.start_date)
        age = age_on(date.fromisoformat(member.birth_date), day)
        assert m.consent_by in set(ConsentBy) and m.consented_at is not None
        consents[m.contract_id][m.resident_id] = m.consent_by
        if age < 14:
            assert m.consent_by == ConsentBy.GUARDIAN
        if age < 18:
            assert m.consent_by != ConsentBy.REPRESENTATIVE
        if m.consent_by == ConsentBy.GUARDIAN:
            guardian = by_number[m.guardian_id_number]
            assert guardian.household_id == member.household_id and guardian.id != member.id
            assert age_on(date.fromisoformat(guardian.birth_date), day) >= 18
            assert m.guardian_name == guardian.name and m.guardian_id_type == "01"
            assert m.guardian_relationship != "mother" or guardian.sex == 2
            assert m.guardian_relationship != "father" or guardian.sex == 1
            seen[m.guardian_relationship] += 1
        else:
            assert m.guardian_name is m.guardian_id_number is m.guardian_relationship is None
        seen[m.consent_by] += 1
    assert {ConsentBy.SELF, ConsentBy.GUARDIAN, ConsentBy.REPRESENTATIVE} <= set(seen)
    assert seen["mother"] > 0 and seen["father"] > 0
    contracts = rows(store, "SELECT id, representative_id, household_id, start_date FROM contracts")
    for c in contracts:
        representative = people[c.representative_id]
        adult = age_on(date.fromisoformat(representative.birth_date), date.fromisoformat(c.start_date)) >= 18
        given = consents[c.id].get(c.representative_id)
        if given is None:
            assert representative.household_id == c.household_id and adult
        elif not adult:
            assert given == ConsentBy.GUARDIAN
            assert ConsentBy.REPRESENTATIVE not in consents[c.id].values()
    joined = [m for m in members if m.joined_on is not None]
    assert joined and all(m.joined_on > m.start_date for m in joined)


def test_package_fees_split_as_documented(demo: Demo) -> None:
    store, _ = demo
    fees = {
        r[0]: tuple(r[1:])
        for r in rows(
            store,
            "SELECT code, fee_total_fen, fee_insurance_fen, "
            "fee_public_health_fen, fee_resident_fen FROM service_packages",
        )
    }
    assert fees["JC-55"] == (5500, 2000, 3000, 500)
    assert fees["ZD-150"] == (15000, 11000, 3000, 1000)
    assert fees["TP-15"] == (1500, 1000, 500, 0)
    targets = {t for (t,) in rows(store, "SELECT target_population FROM service_packages")}
    assert {"hypertension", "diabetes", "elderly", "maternal", "child"} <= targets


class _Rollback(Exception):
    """Ends a write unit of work without committing it."""


def test_planned_services_are_what_the_planning_module_plans(demo: Demo) -> None:
    """For a sample of contracts (every one with a member who joined later, and more), each
    member's planned services are exactly those ``plan.plan_member`` makes for them."""
    store, _ = demo
    members = rows(
        store,
        "SELECT m.contract_id, m.resident_id, m.joined_on FROM contract_members m "
        "JOIN contracts c ON c.id = m.contract_id ORDER BY c.rowid, m.rowid",
    )
    sample = [m for i, m in enumerate(members) if m.joined_on is not None or i % 9 == 0]
    assert any(m.joined_on is not None for m in sample) and len(sample) > 200
    shape = "package_item_id, service_kind, sequence, window_start, window_end"
    mismatched = []
    with pytest.raises(_Rollback), store.write() as session:
        conn = session.connection()
        for m in sample:
            demo_rows = conn.exec_driver_sql(
                f"SELECT id, {shape} FROM planned_services WHERE contract_id = ? AND resident_id = ?",
                (m.contract_id, m.resident_id),
            ).all()
            contract = session.get(Contract, _uuid(m.contract_id))
            resident = session.get(Resident, _uuid(m.resident_id))
            assert contract is not None and resident is not None
            joined = date.fromisoformat(m.joined_on) if m.joined_on else None
            plan_member(session, contract, resident, joined)
            planned = conn.exec_driver_sql(
                f"SELECT id, {shape} FROM planned_services WHERE contract_id = ? AND resident_id = ?",
                (m.contract_id, m.resident_id),
            ).all()
            ours = sorted(tuple(r[1:]) for r in demo_rows)
            known = {r[0] for r in demo_rows}
            theirs = sorted(tuple(r[1:]) for r in planned if r[0] not in known)
            if ours != theirs:
                mismatched.append((m, ours, theirs))
        raise _Rollback
    assert not mismatched, mismatched[:2]
    assert rows(store, "SELECT count(*) FROM planned_services")[0][0] > 1000


def test_open_services_are_closed_when_coverage_ends(demo: Demo) -> None:
    store, _ = demo
    found = rows(
        store,
        "SELECT p.status, p.closed_on, p.window_start, m.is_active, m.ended_on, c.status AS contract_status "
        "FROM planned_services p JOIN contract_members m ON m.contract_id = p.contract_id "
        "AND m.resident_id = p.resident_id JOIN contracts c ON c.id = p.contract_id",
    )
    statuses = Counter((p.contract_status, p.status) for p in found)
    for p in found:
        assert (p.status == PlannedServiceStatus.CANCELLED) == (p.closed_on is not None)
        if p.is_active:
            assert p.status != PlannedServiceStatus.CANCELLED
        else:
            assert p.status != PlannedServiceStatus.PLANNED, p
            if p.status == PlannedServiceStatus.CANCELLED:
                assert p.closed_on == p.ended_on
    for status in (ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED):
        assert statuses[(status, PlannedServiceStatus.CANCELLED)] > 0
        assert statuses[(status, PlannedServiceStatus.PLANNED)] == 0
    assert statuses[(ContractStatus.ACTIVE, PlannedServiceStatus.PLANNED)] > 0


def test_no_service_is_done_without_a_record_of_its_own_contract(demo: Demo) -> None:
    """Every done planned service points at a current, non-voided record of the same
    resident, contract and kind, dated the day it was fulfilled, in or after its window."""
    store, _ = demo
    found = rows(
        store,
        "SELECT p.status, p.service_kind, p.contract_id, p.resident_id, p.window_start, p.fulfilled_on, "
        "p.visit_id, v.id AS vid, v.contract_id AS visit_contract, v.resident_id AS visit_resident, v.kind, "
        "v.visit_date, v.voided_at, s.service_kind AS recorded, "
        "(SELECT count(*) FROM visits n WHERE n.supersedes_id = v.id) AS superseded "
        "FROM planned_services p LEFT JOIN visits v ON v.id = p.visit_id LEFT JOIN service_records s ON s.id = v.id",
    )
    done = [p for p in found if p.status == PlannedServiceStatus.DONE]
    assert len(done) > 0.5 * len(found)
    for p in found:
        assert (p.status == PlannedServiceStatus.DONE) == (p.visit_id is not None) == (p.fulfilled_on is not None)
    for p in done:
        assert p.vid is not None and p.voided_at is None and p.superseded == 0
        assert p.visit_contract == p.contract_id and p.visit_resident == p.resident_id
        kind = p.recorded if p.kind == VisitKind.SERVICE else VISIT_SERVICE_KIND[VisitKind(p.kind)]
        assert kind == p.service_kind
        assert p.fulfilled_on == p.visit_date >= p.window_start
    kinds = Counter(p.service_kind for p in done)
    assert {"health_assessment", "consultation", "hypertension_followup", "elderly_check", "child_check"} <= set(kinds)


def test_every_service_without_a_form_has_a_way_to_be_recorded() -> None:
    from fdclient.services.demo import service_records

    assert set(service_records._WAYS) == service_records.RECORDED_KINDS
    assert service_records.RECORDED_KINDS == {k.value for k in ServiceKind} - set(VISIT_SERVICE_KIND.values())


def test_records_belong_to_the_contract_covering_the_resident_that_day(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT resident_id, visit_date, contract_id FROM visits ORDER BY rowid")
    assert sum(v.contract_id is None for v in found) > 0
    with store.read() as session:
        for v in found[::7]:
            covering = covering_contract(session, _uuid(v.resident_id), date.fromisoformat(v.visit_date))
            assert (covering.hex if covering else None) == v.contract_id


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)
