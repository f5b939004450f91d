"""The resident's record as the record view reads it (one unit of work), and what the search
box shows of the residents found."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest
from helpers import builders
from helpers.visit_world import Patient, make_patient
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractStatus, PlannedServiceStatus, ServiceKind, VisitKind
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.services.registry.resident_record import Due, load_resident_record
from fdclient.services.registry.search_results import find_residents, mask_phone
from fdclient.store import Store


def ten_years_of_visits(w: Patient) -> int:
    """Quarterly hypertension and diabetes follow-ups from mid-2016 to the scene's today."""
    count = 0
    for year in range(2016, 2027):
        for month in (2, 5, 8, 11):
            day = date(year, month, 10)
            if day < date(2016, 7, 1) or day > builders.TODAY:
                continue
            w.record(w.htn(visit_date=day, systolic=128 + count % 30, diastolic=80 + count % 12))
            w.record(w.dm(visit_date=day, fasting_glucose=6.0 + (count % 5) * 0.5, systolic=130, diastolic=82))
            count += 2
    return count


def test_the_record_has_the_form_contracts_timeline_plan_and_readings(session: Session) -> None:
    w = make_patient(session)
    w.record(w.htn(visit_date=date(2026, 2, 1), systolic=150, diastolic=95))
    w.record(w.dm(visit_date=date(2026, 3, 1), fasting_glucose=8.2))
    w.record(w.service_record(ServiceKind.HEALTH_EDUCATION, visit_date=date(2026, 4, 2), summary="控烟宣教"))

    record = load_resident_record(session, w.head_id)

    assert record.name == "张三" and record.age == 76 and record.today == builders.TODAY
    fields = {f.key: f.value for f in record.personal}
    assert fields["sex"] == "男" and fields["birth_date"] == "1950-03-01"
    assert fields["address"] == "罗家村一组 8 号" and fields["relationship_to_head"] == "户主"
    assert "高血压 2020-01-01" in fields["past_diseases"] and "高血压患者" in fields["key_populations"]
    assert fields["registered_by"] == w.doctor.name

    (contract,) = record.contracts
    assert contract.status == ContractStatus.ACTIVE and contract.member_active
    assert contract.doctor_name == w.doctor.name
    assert set(contract.package_names) == {"基础服务包", "高血压服务包", "糖尿病服务包"}

    assert [(e.visit_date, e.kind) for e in record.timeline] == [
        (date(2026, 4, 2), VisitKind.SERVICE),
        (date(2026, 3, 1), VisitKind.DIABETES),
        (date(2026, 2, 1), VisitKind.HYPERTENSION),
    ]
    assert record.timeline[0].title == "健康教育" and record.timeline[0].summary == "控烟宣教"
    htn = record.timeline[2]
    assert (htn.systolic, htn.diastolic, htn.classification_label) == (150, 95, "控制不满意")
    assert htn.doctor_name == w.doctor.name and htn.next_visit_date == date(2026, 2, 15)

    assert [(p.day, p.systolic, p.fasting_glucose) for p in record.vitals] == [
        (date(2026, 2, 1), 150, None),
        (date(2026, 3, 1), None, 8.2),
    ]
    assert (record.targets.systolic_below, record.targets.diastolic_below) == (140, 90)
    assert record.targets.fasting_glucose_below == 7.0

    # On 1 June 2026: the first quarter's follow-ups are done, the second quarter's due now.
    htn_plan = [p for p in record.planned if p.service_kind == ServiceKind.HYPERTENSION_FOLLOWUP]
    assert [p.due for p in htn_plan] == [Due.DONE, Due.DUE, Due.UPCOMING, Due.UPCOMING]
    assert htn_plan[0].status == PlannedServiceStatus.DONE and htn_plan[0].fulfilled_on == date(2026, 2, 1)
    assert {p.service_kind for p in record.due_now} >= {ServiceKind.HYPERTENSION_FOLLOWUP, ServiceKind.HOME_VISIT}


def test_a_corrected_visit_shows_once_in_its_latest_revision(session: Session) -> None:
    from fdclient.services.visits import recording

    w = make_patient(session)
    first = w.record(w.htn(visit_date=date(2026, 2, 1), systolic=150, diastolic=95)).visit
    form = w.htn(visit_date=date(2026, 2, 1), systolic=138, diastolic=88)
    recording.correct_visit(session, first.id, form, reason="读数抄错")
    (entry,) = load_resident_record(session, w.head_id).timeline
    assert (entry.revision, entry.systolic, entry.record_id) == (2, 138, first.record_id)


def test_a_resident_with_ten_years_of_visits_reads_at_once(store: Store) -> None:
    with store.write() as s:
        w = make_patient(s)
        head = w.head_id
        count = ten_years_of_visits(w)
    started = time.perf_counter()
    with store.read() as s:
        record = load_resident_record(s, head)
    elapsed = time.perf_counter() - started
    assert len(record.timeline) == count >= 78
    assert len(record.vitals) == count and record.vitals[0].day == date(2016, 8, 10)
    assert record.timeline[0].visit_date == date(2026, 5, 10)
    assert elapsed < 1.0  # the figure of the issue (150 ms) is measured on the demo township in bench/


def test_a_resident_without_contract_or_visits(session: Session) -> None:
    village = builders.make_village(session)
    r = builders.make_resident(session, village, name="王五", birth_date=date(1990, 1, 2), with_id=False)
    record = load_resident_record(session, r.id)
    assert record.contracts == () and record.timeline == () and record.planned == () and record.vitals == ()
    assert {f.key: f.value for f in record.personal}["id_number"] == ""


def test_reading_a_record_needs_the_permission_to_view_records(store_as: Callable[[Role], Store]) -> None:
    admin = store_as(Role.ADMIN)
    with admin.write() as s:
        village = builders.make_village(s)
    with admin.read() as s, pytest.raises(PermissionDenied, match="查看居民档案"):
        load_resident_record(s, village.id)


def test_found_residents_carry_village_age_and_masked_numbers(session: Session) -> None:
    village = builders.make_village(session, name="罗家村")
    r = builders.make_resident(session, village, name="李四", birth_date=date(1960, 5, 1), phone="13912345678")
    (found,) = find_residents(session, "ls")
    assert (found.id, found.name, found.village_name, found.age, found.sex_label) == (r.id, "李四", "罗家村", 66, "男")
    assert found.phone == "139****5678" and found.matched_on == "initials"
    assert r.id_number is not None and found.id_number == r.id_number[:6] + "*" * 8 + r.id_number[-4:]
    assert [f.id for f in find_residents(session, r.id_number[6:14])] == [r.id]
    assert find_residents(session, "   ") == ()


def test_masks() -> None:
    assert mask_phone("13912345678") == "139****5678" and mask_phone("66123456") == "66****56"
