"""The visits desk's reads: villages, a village's residents (ids by pinyin, rows by id) and
the refusal shown before a form is typed."""

from __future__ import annotations

from datetime import date

from helpers import builders
from helpers.visit_world import make_patient
from sqlalchemy.orm import Session

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.services.visits import desk


def test_a_village_lists_its_residents_and_finds_them(session: Session) -> None:
    patient = make_patient(session)
    village = patient.village
    young = builders.make_household(session, village, members=[("李四", date(1985, 1, 1), 1, "01")])
    assert village.id in [v.id for v in desk.villages(session)]
    ids = desk.village_resident_ids(session, village.id)
    assert ids == [young.head_id, patient.head_id]  # li before zhang
    assert desk.village_resident_ids(session, village.id, "zs") == [patient.head_id]
    rows = desk.resident_rows(session, [patient.head_id, young.head_id])  # type: ignore[list-item]
    assert [(r.name, r.age, r.has_hypertension) for r in rows] == [("张三", 76, True), ("李四", 41, False)]


def test_the_refusal_before_typing(session: Session) -> None:
    patient = make_patient(session)
    young = builders.make_household(session, patient.village, members=[("李四", date(1985, 1, 1), 1, "01")])
    assert young.head_id is not None
    assert desk.start_refusal(session, patient.head_id, VisitKind.HYPERTENSION) is None
    refusal = desk.start_refusal(session, young.head_id, VisitKind.ELDERLY_CHECK)
    assert refusal is not None and "65" in refusal.render()
    refusal = desk.start_refusal(session, young.head_id, VisitKind.DIABETES)
    assert refusal is not None and "请先在居民档案中登记2型糖尿病诊断" in refusal.render()
    assert desk.start_refusal(session, young.head_id, VisitKind.SERVICE) is None  # no service chosen yet
    refusal = desk.start_refusal(session, young.head_id, VisitKind.SERVICE, ServiceKind.CHILD_CHECK)
    assert refusal is not None and "儿童" in refusal.render()


def test_a_nurse_is_told_before_typing(session: Session) -> None:
    patient = make_patient(session)
    with builders.acting_as(session, builders.actor_named(session, "nurse")):
        refusal = desk.start_refusal(session, patient.head_id, VisitKind.HYPERTENSION)
        assert refusal is not None and "角色" in refusal.render()
        assert desk.start_refusal(session, patient.head_id, VisitKind.SERVICE, ServiceKind.HEALTH_EDUCATION) is None


def test_all_villages_list_every_resident_of_the_township_by_pinyin(session: Session) -> None:
    patient = make_patient(session)
    other_village = builders.make_village(session)
    far = builders.make_household(session, other_village, members=[("安宁", date(1990, 5, 5), 2, "01")])
    near = builders.make_household(session, patient.village, members=[("李四", date(1985, 1, 1), 1, "01")])
    ids = desk.village_resident_ids(session, None)
    assert ids == [far.head_id, near.head_id, patient.head_id]  # an, li, zhang: across villages
    assert desk.village_resident_ids(session, other_village.id) == [far.head_id]
    assert desk.village_resident_ids(session, None, "ls") == [near.head_id]  # the search box, township-wide
