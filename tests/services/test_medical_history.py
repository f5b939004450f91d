"""Past history: diagnoses with their date, surgery/trauma/transfusion, and the hypertension
and diabetes flags that follow the diagnoses."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import AuditAction, HistoryEventKind
from fdclient.domain.key_populations import KeyPopulation
from fdclient.errors import PermissionDenied, RuleError, ValidationError
from fdclient.models import AuditEntry, Resident, Village
from fdclient.services.registry import medical_history, resident_status, residents
from fdclient.services.registry.resident_forms import ResidentInput

BORN = date(1960, 5, 1)


@pytest.fixture
def village(session: Session) -> Village:
    return builders.make_village(session, name="罗家村")


@pytest.fixture
def resident(session: Session, village: Village) -> Resident:
    return builders.make_resident(session, village, birth_date=BORN)


def test_a_hypertension_diagnosis_makes_a_patient_and_voiding_it_undoes_that(
    session: Session, resident: Resident
) -> None:
    diagnosis = medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2015, 3, 1))
    assert (diagnosis.disease_label, diagnosis.diagnosed_on) == ("高血压", date(2015, 3, 1))
    assert resident.has_hypertension and not resident.has_diabetes
    assert KeyPopulation.HYPERTENSION in residents.get_resident(session, resident.id).key_populations
    medical_history.add_diagnosis(session, resident.id, disease="3", diagnosed_on=date(2018, 7, 1))
    assert resident.has_diabetes
    voided = medical_history.void_diagnosis(session, diagnosis.id, "录错居民")
    assert voided.voided and not resident.has_hypertension and resident.has_diabetes
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.row_id == resident.id, AuditEntry.action == AuditAction.UPDATE)
    ).all()
    assert any(e.changes.get("has_hypertension") == [True, False] for e in entry)


def test_the_form_no_longer_sets_the_patient_flags(session: Session, village: Village) -> None:
    # One source of truth: a hypertension patient is one with the diagnosis.
    fields = {f.name for f in dataclasses.fields(ResidentInput)}
    assert not {"has_hypertension", "has_diabetes", "pregnant", "postpartum_until", "poverty_status"} & fields
    resident = builders.make_resident(session, village, has_hypertension=True)
    history = medical_history.past_history(session, resident.id)
    assert [d.disease for d in history.diagnoses] == ["2"] and resident.has_hypertension
    edited = residents.update_resident(session, resident.id, residents.resident_form(session, resident.id))
    assert KeyPopulation.HYPERTENSION in edited.key_populations


def test_a_diagnosis_is_dated_within_the_persons_life(session: Session, resident: Resident) -> None:
    with pytest.raises(ValidationError, match="确诊时间 2026-06-02 晚于今天（2026-06-01）") as late:
        medical_history.add_diagnosis(session, resident.id, disease="4", diagnosed_on=date(2026, 6, 2))
    assert late.value.field == "diagnosed_on"
    with pytest.raises(ValidationError, match="确诊时间 1960-04-30 早于出生日期 1960-05-01"):
        medical_history.add_diagnosis(session, resident.id, disease="4", diagnosed_on=date(1960, 4, 30))
    assert medical_history.add_diagnosis(session, resident.id, disease="4", diagnosed_on=BORN).diagnosed_on == BORN


def test_disease_codes_names_and_duplicates(session: Session, resident: Resident) -> None:
    with pytest.raises(ValidationError, match="疾病代码“1”不对") as none:
        medical_history.add_diagnosis(session, resident.id, disease="1", diagnosed_on=date(2015, 1, 1))
    assert "没有既往疾病时不必添加" in none.value.message
    with pytest.raises(ValidationError, match="疾病代码“14”不对"):
        medical_history.add_diagnosis(session, resident.id, disease="14", diagnosed_on=date(2015, 1, 1))
    with pytest.raises(ValidationError, match="选择“恶性肿瘤”时请写明具体疾病名称") as unnamed:
        medical_history.add_diagnosis(session, resident.id, disease="6", diagnosed_on=date(2015, 1, 1))
    assert unnamed.value.field == "detail"
    medical_history.add_diagnosis(session, resident.id, disease="6", diagnosed_on=date(2015, 1, 1), detail=" 胃癌 ")
    medical_history.add_diagnosis(session, resident.id, disease="6", diagnosed_on=date(2019, 1, 1), detail="肺癌")
    with pytest.raises(RuleError, match="已有“恶性肿瘤：胃癌”的诊断（确诊时间 2015-01-01）"):
        medical_history.add_diagnosis(session, resident.id, disease="6", diagnosed_on=date(2016, 1, 1), detail="胃癌")
    first = medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2015, 1, 1))
    with pytest.raises(RuleError, match="已有“高血压”的诊断"):
        medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2016, 1, 1))
    medical_history.void_diagnosis(session, first.id, "确诊时间填错")
    medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2016, 1, 1))
    assert resident.has_hypertension


def test_surgery_trauma_and_transfusion(session: Session, resident: Resident) -> None:
    surgery = medical_history.add_history_event(
        session, resident.id, kind="surgery", description="阑尾切除术", occurred_on=date(1990, 8, 1)
    )
    medical_history.add_history_event(
        session, resident.id, kind=HistoryEventKind.TRANSFUSION, description="车祸失血", occurred_on=date(1985, 1, 1)
    )
    with pytest.raises(ValidationError, match="请填写外伤名称"):
        medical_history.add_history_event(session, resident.id, kind="trauma", description=" ", occurred_on=BORN)
    with pytest.raises(ValidationError, match="既往史类别“burn”不存在"):
        medical_history.add_history_event(session, resident.id, kind="burn", description="烫伤", occurred_on=BORN)
    with pytest.raises(ValidationError, match="手术时间 1950-01-01 早于出生日期"):
        medical_history.add_history_event(
            session, resident.id, kind="surgery", description="疝修补", occurred_on=date(1950, 1, 1)
        )
    medical_history.void_history_event(session, surgery.id, "重复录入")
    with pytest.raises(RuleError, match="手术记录“阑尾切除术”已于 2026-06-01 作废"):
        medical_history.void_history_event(session, surgery.id, "再来一次")
    events = medical_history.past_history(session, resident.id).events
    assert [(e.kind, e.description, e.voided) for e in events] == [
        (HistoryEventKind.TRANSFUSION, "车祸失血", False),
        (HistoryEventKind.SURGERY, "阑尾切除术", True),
    ]


def test_a_voided_file_gets_no_past_history(session: Session, resident: Resident) -> None:
    resident_status.void_resident(session, resident.id, "重复建档")
    with pytest.raises(RuleError, match="已作废，不能再添加既往史"):
        medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2015, 1, 1))


def test_a_nurse_records_past_history_the_administrator_may_not(session: Session, resident: Resident) -> None:
    with builders.acting_as(session, builders.actor_named(session, "nurse")):
        diagnosis = medical_history.add_diagnosis(session, resident.id, disease="3", diagnosed_on=date(2020, 1, 1))
    with builders.as_admin(session):
        for use_case, permission in (
            (
                lambda: medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2020, 1, 1)),
                "登记家庭和居民",
            ),
            (lambda: medical_history.void_diagnosis(session, diagnosis.id, "错"), "登记家庭和居民"),
            (
                lambda: medical_history.add_history_event(
                    session, resident.id, kind="surgery", description="阑尾切除术", occurred_on=date(1990, 1, 1)
                ),
                "登记家庭和居民",
            ),
            (lambda: medical_history.past_history(session, resident.id), "查看居民档案"),
        ):
            with pytest.raises(PermissionDenied, match=permission):
                use_case()
    assert resident.has_diabetes


def test_messages_in_english(session: Session, resident: Resident, english: None) -> None:
    with pytest.raises(ValidationError) as late:
        medical_history.add_diagnosis(session, resident.id, disease="4", diagnosed_on=date(2026, 6, 2))
    assert late.value.message == "The date of diagnosis 2026-06-02 is after today (2026-06-01): please check it."
    with pytest.raises(ValidationError) as unnamed:
        medical_history.add_diagnosis(session, resident.id, disease="13", diagnosed_on=date(2015, 1, 1))
    assert unnamed.value.message == "For “其他” please write the name of the disease."
    medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2015, 1, 1))
    with pytest.raises(RuleError) as twice:
        medical_history.add_diagnosis(session, resident.id, disease="2", diagnosed_on=date(2016, 1, 1))
    assert twice.value.message == (
        "张三 already has a diagnosis of “高血压” (diagnosed 2015-01-01). If that record is wrong, void it and add "
        "the right one."
    )
    with pytest.raises(ValidationError) as event:
        medical_history.add_history_event(session, resident.id, kind="transfusion", description="", occurred_on=BORN)
    assert event.value.message == "Please fill in the reason for the transfusion."
