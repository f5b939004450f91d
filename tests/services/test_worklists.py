"""Work lists over the hand-built township of :mod:`helpers.indicator_township` (AS_OF
2025-06-30, a Monday: this week runs to Sunday 2025-07-06)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pytest
from helpers.indicator_township import AS_OF, CODE_A, CODE_B, build_township

from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.models import HypertensionFollowup, new_id
from fdclient.services.worklists import (
    SortColumn,
    WorklistFilter,
    WorklistKind,
    week_end,
    worklist_choices,
    worklist_keys,
    worklist_rows,
)
from fdclient.store import Store

Ids = dict[str, uuid.UUID]


@pytest.fixture
def ids(store: Store) -> Ids:
    return build_township(store)


def listed(
    store: Store, kind: WorklistKind, *, on: date = AS_OF, sort: SortColumn = SortColumn.DUE, **narrow: uuid.UUID
) -> list[tuple[str, str, date | None]]:
    """(resident name, subject, due) of the list, in its order."""
    f = WorklistFilter(kind, **narrow)
    with store.read() as session:
        keys = worklist_keys(session, f, sort, as_of=on)
        rows = worklist_rows(session, f, keys, as_of=on)
    assert list(rows) == keys or set(rows) == set(keys)
    return [(rows[k].name, rows[k].subject, rows[k].due) for k in keys]


def test_week_end_is_sunday() -> None:
    assert week_end(date(2025, 6, 30)) == date(2025, 7, 6)
    assert week_end(date(2025, 7, 6)) == date(2025, 7, 6)


def test_overdue_followups_by_due_date(store: Store, ids: Ids) -> None:
    # a6's last diabetes follow-up on 2025-03-01 had no next date: due three months
    # later; b3 (diabetes) was never followed up: overdue without a due date. a1 and b2
    # are not due yet (a1's voided visit of 2025-06-01 does not count).
    assert listed(store, WorklistKind.FOLLOWUPS_OVERDUE) == [
        ("张a6", "2型糖尿病患者随访", date(2025, 5, 30)),
        ("张b3", "2型糖尿病患者随访", None),
    ]
    assert listed(store, WorklistKind.FOLLOWUPS_THIS_WEEK) == []
    f = WorklistFilter(WorklistKind.FOLLOWUPS_OVERDUE)
    with store.read() as session:
        rows = worklist_rows(session, f, worklist_keys(session, f, as_of=AS_OF), as_of=AS_OF)
    assert sorted((r.name, r.never_followed_up, r.last_visit) for r in rows.values()) == [
        ("张a6", False, date(2025, 3, 1)),
        ("张b3", True, None),
    ]


def test_next_visit_date_decides_and_this_week(store: Store, ids: Ids) -> None:
    with store.write() as session:
        session.add(
            HypertensionFollowup(
                id=(vid := new_id()),
                record_id=vid,
                resident_id=ids["a1"],
                visit_date=date(2025, 6, 20),
                next_visit_date=date(2025, 7, 4),
                mode="1",
                doctor_id=ids["D1"],
                systolic=150,
                diastolic=95,
            )
        )
    assert listed(store, WorklistKind.FOLLOWUPS_THIS_WEEK) == [("张a1", "高血压患者随访", date(2025, 7, 4))]
    # On 7 July the same follow-up is overdue.
    assert ("张a1", "高血压患者随访", date(2025, 7, 4)) in listed(
        store, WorklistKind.FOLLOWUPS_OVERDUE, on=date(2025, 7, 7)
    )


def test_expiring_contracts(store: Store, ids: Ids) -> None:
    on = date(2025, 12, 10)
    # C1 (a1's household) and C4 (b1's, the renewal of C3) end on 31 December.
    assert sorted(listed(store, WorklistKind.EXPIRING_30, on=on)) == [
        ("张a1", "HT0001", date(2025, 12, 31)),
        ("张b1", "HT0004", date(2025, 12, 31)),
    ]
    assert listed(store, WorklistKind.EXPIRING_60, on=date(2025, 11, 15)) != []
    assert listed(store, WorklistKind.EXPIRING_30, on=date(2025, 11, 15)) == []
    assert listed(store, WorklistKind.EXPIRING_30) == []


def test_key_populations_not_signed(store: Store, ids: Ids) -> None:
    rows = listed(store, WorklistKind.KEY_NOT_SIGNED, sort=SortColumn.NAME)
    assert [name for name, _, _ in rows] == ["张a3", "张a6", "张b3", "张b4"]
    subjects = dict((name, subject) for name, subject, _ in rows)
    assert subjects["张a3"] == "0-6岁儿童"
    assert subjects["张b3"] == "孕产妇、残疾人、2型糖尿病患者"
    assert subjects["张b4"] == "65岁及以上老年人"


def test_planned_services_due(store: Store, ids: Ids) -> None:
    assert listed(store, WorklistKind.SERVICES_DUE) == [
        ("张a1", "高血压随访", date(2025, 9, 30)),
        ("张b1", "健康评估", date(2025, 12, 31)),
    ]


def test_narrowed_to_village_team_and_doctor(store: Store, ids: Ids) -> None:
    kind = WorklistKind.SERVICES_DUE
    assert [n for n, _, _ in listed(store, kind, village_id=ids[CODE_A])] == ["张a1"]
    assert [n for n, _, _ in listed(store, kind, village_id=ids[CODE_B])] == ["张b1"]
    assert [n for n, _, _ in listed(store, kind, team_id=ids["T2"])] == ["张b1"]
    assert [n for n, _, _ in listed(store, kind, doctor_id=ids["D1"])] == ["张a1"]
    assert listed(store, kind, doctor_id=ids["D3"]) == []


def test_sorted_in_both_directions(store: Store, ids: Ids) -> None:
    f = WorklistFilter(WorklistKind.KEY_NOT_SIGNED)
    with store.read() as session:
        up = worklist_keys(session, f, SortColumn.AGE, as_of=AS_OF)
        down = worklist_keys(session, f, SortColumn.AGE, descending=True, as_of=AS_OF)
        rows = worklist_rows(session, f, up, as_of=AS_OF)
    assert [rows[k].name for k in up] == ["张a3", "张b3", "张a6", "张b4"]  # youngest first
    assert down == list(reversed(up))


def test_rows_carry_team_doctor_and_village(store: Store, ids: Ids) -> None:
    f = WorklistFilter(WorklistKind.SERVICES_DUE)
    with store.read() as session:
        keys = worklist_keys(session, f, as_of=AS_OF)
        row = worklist_rows(session, f, keys[:1], as_of=AS_OF)[keys[0]]
    assert (row.resident_id, row.village_name, row.team_name, row.doctor_name) == (
        ids["a1"],
        "东村",
        "第一团队",
        "李医生",
    )


def test_choices(store: Store, ids: Ids) -> None:
    with store.read() as session:
        choices = worklist_choices(session)
    assert [v.name for v in choices.villages] == ["东村", "西村", "南村"]
    assert [t.name for t in choices.teams] == ["第一团队", "第二团队"]
    assert {"李医生", "王医生", "赵医生"} <= {d.name for d in choices.doctors}


def test_needs_the_permission_to_see_records(store_as: Callable[[Role], Store]) -> None:
    admin = store_as(Role.ADMIN)
    with admin.read() as session, pytest.raises(PermissionDenied):
        worklist_keys(session, WorklistFilter(), as_of=AS_OF)
