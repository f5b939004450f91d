"""What a new follow-up takes from the last one (carryover): the targets, medicines, insulin
and height of the latest current follow-up of the same kind; never the readings. And the
last revisions of a resident's records, voided ones included, for the records list."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.visit_world import Patient, make_patient
from sqlalchemy.orm import Session

from fdclient.domain.codes import VisitKind
from fdclient.services.visits import recording, records
from fdclient.services.visits.carryover import CARRIED_FIELDS, last_followup_carryover
from fdclient.services.visits.forms import MedicationInput

MEDICINES = (MedicationInput("硝苯地平缓释片", 2, "10mg"), MedicationInput("氢氯噻嗪", 1, "12.5mg"))


@pytest.fixture
def p(session: Session) -> Patient:
    return make_patient(session)


def test_the_last_follow_up_carries_its_targets_and_medicines_not_its_readings(p: Patient) -> None:
    assert last_followup_carryover(p.session, p.head_id, VisitKind.HYPERTENSION) is None
    p.record(p.htn(visit_date=date(2026, 2, 1), systolic=150, diastolic=95, weight_target_kg=70.0, salt_target="2"))
    last = p.record(
        p.htn(
            visit_date=date(2026, 3, 1),
            systolic=165,
            diastolic=100,
            heart_rate=80,
            symptoms=("2",),
            weight_kg=74.5,
            weight_target_kg=68.0,
            height_cm=168.0,
            bmi_target=24.0,
            cigarettes_per_day=10,
            cigarettes_target=0,
            alcohol_target=1.0,
            exercise_target_times=5,
            exercise_target_minutes=30,
            salt_intake="3",
            salt_target="1",
            medications=MEDICINES,
        )
    )
    carried = last_followup_carryover(p.session, p.head_id, VisitKind.HYPERTENSION)
    assert carried is not None and carried.visit_id == last.visit.id and carried.visit_date == date(2026, 3, 1)
    assert carried.values() == {
        "height_cm": 168.0,
        "weight_target_kg": 68.0,
        "bmi_target": 24.0,
        "cigarettes_target": 0,
        "alcohol_target": 1.0,
        "exercise_target_times": 5,
        "exercise_target_minutes": 30,
        "salt_target": "1",
    }
    assert carried.medications == MEDICINES
    # Nothing measured or found at the visit is carried.
    measured = {"systolic", "diastolic", "heart_rate", "weight_kg", "symptoms", "salt_intake", "cigarettes_per_day"}
    assert not measured & set(CARRIED_FIELDS)
    # A diabetes follow-up takes nothing from a hypertension one.
    assert last_followup_carryover(p.session, p.head_id, VisitKind.DIABETES) is None
    assert last_followup_carryover(p.session, p.head_id, VisitKind.ELDERLY_CHECK) is None


def test_diabetes_carries_staple_food_and_insulin(p: Patient) -> None:
    p.record(
        p.dm(
            fasting_glucose=8.1,
            staple_food_g=400,
            staple_food_target_g=300,
            insulin_type="甘精胰岛素",
            insulin_dose="睡前 10 单位",
            medications=(MedicationInput("二甲双胍", 3, "0.5g"),),
        )
    )
    carried = last_followup_carryover(p.session, p.head_id, VisitKind.DIABETES)
    assert carried is not None
    assert carried.values() == {
        "staple_food_target_g": 300,
        "insulin_type": "甘精胰岛素",
        "insulin_dose": "睡前 10 单位",
    }
    assert carried.medications == (MedicationInput("二甲双胍", 3, "0.5g"),)


def test_a_corrected_follow_up_carries_its_last_revision_and_a_voided_one_nothing(p: Patient) -> None:
    first = p.record(p.htn(visit_date=date(2026, 2, 1), systolic=150, diastolic=95, weight_target_kg=70.0))
    second = p.record(p.htn(visit_date=date(2026, 3, 1), systolic=150, diastolic=95, weight_target_kg=66.0))
    corrected = recording.correct_visit(
        p.session,
        second.visit.id,
        p.htn(visit_date=date(2026, 3, 1), systolic=150, diastolic=95, weight_target_kg=67.0),
        "目标体重抄错",
    )
    carried = last_followup_carryover(p.session, p.head_id, VisitKind.HYPERTENSION)
    assert carried is not None and carried.visit_id == corrected.visit.id and carried.weight_target_kg == 67.0
    recording.void_visit(p.session, corrected.visit.id, "录错居民")
    carried = last_followup_carryover(p.session, p.head_id, VisitKind.HYPERTENSION)
    assert carried is not None and carried.visit_id == first.visit.id and carried.weight_target_kg == 70.0

    # The records list shows the voided record (its last revision) with its reason.
    listed = records.last_revisions(p.session, p.head_id)
    assert [(r.visit_date, r.revision, r.voided) for r in listed] == [
        (date(2026, 3, 1), 2, True),
        (date(2026, 2, 1), 1, False),
    ]
    assert listed[0].void_reason == "录错居民"
    assert [r.id for r in records.current_visits(p.session, p.head_id)] == [first.visit.id]
