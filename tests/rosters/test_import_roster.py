"""Importing a messy roster into a real store: every counted outcome, what is written, the
same file twice, --strict, --dry-run, the role and the lifecycle rules of imported
contracts (tests/helpers/messy_roster.py builds the workbook with every defect)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import messy_roster as mr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain.codes import AuditAction, SigningChannel
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.models import (
    AuditEntry,
    Contract,
    ContractMember,
    Diagnosis,
    Household,
    PlannedService,
    Resident,
    Village,
)
from fdclient.rosters.import_contracts import PAPER_CONSENT
from fdclient.rosters.import_summary import ImportSummary
from fdclient.rosters.importing import RowAction, import_roster, preview_import
from fdclient.rosters.reading import read_roster
from fdclient.services.contracts import plan as service_plan
from fdclient.services.registry.search import search_residents
from fdclient.store import Store


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return mr.write_messy_roster(tmp_path / "花名册.xlsx")


@pytest.fixture
def prepared(store: Store) -> Store:
    mr.prepare_store(store)
    return store


def counts(summary: ImportSummary) -> dict[str, int]:
    return {k: v for k, v in summary.to_json().items() if k != "errors"}


def resident(session: Session, name: str) -> Resident:
    return session.scalars(select(Resident).where(Resident.name == name)).one()


def table_sizes(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Resident, Household, Village, Contract, ContractMember, PlannedService, Diagnosis)
        }


def test_every_outcome_of_the_messy_roster_is_counted(prepared: Store, roster: Path) -> None:
    summary = import_roster(prepared, read_roster(roster))
    e = mr.EXPECTED
    assert counts(summary) == {
        "read": e.read,
        "created": e.created,
        "updated": e.updated,
        "unchanged": e.unchanged,
        "rejected": e.rejected,
        "contracts_created": e.contracts_created,
    }
    assert summary.read == summary.created + summary.updated + summary.unchanged + summary.rejected
    assert sorted({p.row for p in summary.errors}) == list(mr.REJECTED_ROWS)
    by_row = {p.row: p for p in reversed(summary.errors)}  # the first problem of each row
    assert "文本" in by_row[14].message.render() and by_row[14].column == "公民身份号码"
    assert "校验位" in by_row[15].message.render()
    assert "数字" in by_row[16].message.render() and by_row[16].column == "居民姓名"
    assert "豪华包" in by_row[17].message.render() and by_row[17].column == "服务包"
    assert "第 9 行" in by_row[18].message.render()
    assert [v.name for v in summary.new_villages] == ["新建村"] and summary.new_villages[0].code_made_up
    assert summary.written


def test_what_is_written(prepared: Store, roster: Path) -> None:
    import_roster(prepared, read_roster(roster))
    with prepared.read() as session:
        zhang, wang, baby = (resident(session, n) for n in ("张大山", "王秀英", "张小宝"))
        assert zhang.id_number == mr.ZHANG and zhang.birth_date == date(1950, 3, 2)  # lowercase x, date serial
        assert zhang.phone == "13800138001" and zhang.has_hypertension  # a float phone; 人群分类 高血压
        assert session.scalars(select(Diagnosis.disease).where(Diagnosis.resident_id == zhang.id)).all() == ["2"]
        assert wang.id_number == mr.WANG and wang.phone == "13900139000"  # full-width, spaces
        assert wang.household_id == zhang.household_id == baby.household_id  # merged head and village cells
        assert (zhang.relationship_to_head, wang.relationship_to_head, baby.relationship_to_head) == ("01", "10", "40")
        household = session.get(Household, zhang.household_id)
        assert household is not None and household.head_id == zhang.id and household.address == "罗家村一组 8 号"
        li, son = resident(session, "李四"), resident(session, "李小四")
        assert li.id_number == "360111195001011238" and li.birth_date == date(1950, 1, 1)  # 15 → 18 digits
        assert son.id_number == mr.LI_SON and son.household_id == li.household_id
        village = session.get(Village, li.village_id)
        assert village is not None and village.code == "360111101002"
        assert li.health_record_no == "36011110100200001"
        zhao, qian = resident(session, "赵大"), resident(session, "钱二")
        assert zhao.phone == "13700137000" and qian.household_id == zhao.household_id
        assert qian.relationship_to_head == "80"
        new_village = mr.village_named(session, "新建村")
        assert new_village is not None and resident(session, "孙五").village_id == new_village.id
        assert [h.name for h in search_residents(session, "王秀")] == ["王秀英"]
        assert session.scalar(select(func.count()).select_from(Resident).where(Resident.name == "王秀英")) == 1
        event = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT)).one()
        assert event.table_name == "roster" and mr.ZHANG not in str(event.changes)


def test_signing_columns_make_a_signed_contract_by_the_lifecycle_rules(prepared: Store, roster: Path) -> None:
    import_roster(prepared, read_roster(roster))
    with prepared.read() as session:
        zhang = resident(session, "张大山")
        contract = session.scalars(select(Contract).where(Contract.channel == SigningChannel.ROSTER_IMPORT)).one()
        assert contract.status == "active" and contract.consent_given and contract.signature_png is None
        assert contract.consent_text_version == PAPER_CONSENT
        assert (contract.start_date, contract.end_date, contract.term_years) == (date(2026, 1, 10), date(2027, 1, 9), 1)
        assert contract.household_id == zhang.household_id and contract.representative_id == zhang.id
        members = {
            m.resident_id: m
            for m in session.scalars(select(ContractMember).where(ContractMember.contract_id == contract.id))
        }
        baby = resident(session, "张小宝")
        assert set(members) == {zhang.id, resident(session, "王秀英").id, baby.id}
        assert all(m.is_active for m in members.values())
        assert members[baby.id].consent_by == "guardian" and members[baby.id].guardian_name == "张大山"
        assert members[baby.id].guardian_relationship == "grandparent"
        assert members[zhang.id].consent_by == "self"
        # 赵大 was already under a contract: not signed twice.
        zhao = resident(session, "赵大")
        assert (
            session.scalar(
                select(func.count()).select_from(ContractMember).where(ContractMember.resident_id == zhao.id)
            )
            == 1
        )
        # The planned services are what signing at the door plans (plan_member's rules).
        planned = session.scalars(select(PlannedService).where(PlannedService.contract_id == contract.id)).all()
        imported = sorted((p.resident_id, p.service_kind, p.sequence, p.window_start, p.window_end) for p in planned)
    with prepared.write() as session:
        contract = session.get(Contract, contract.id)
        assert contract is not None
        for p in session.scalars(select(PlannedService).where(PlannedService.contract_id == contract.id)):
            session.delete(p)
        session.flush()
        service_plan.plan_services(session, contract)
        replanned = sorted(
            (p.resident_id, p.service_kind, p.sequence, p.window_start, p.window_end)
            for p in session.scalars(select(PlannedService).where(PlannedService.contract_id == contract.id))
        )
        session.rollback()
    assert imported == replanned and len(imported) > 0


def test_the_same_file_twice_changes_nothing(prepared: Store, roster: Path) -> None:
    import_roster(prepared, read_roster(roster))
    before = table_sizes(prepared)
    again = import_roster(prepared, read_roster(roster))
    assert counts(again) == {
        "read": mr.EXPECTED.read,
        "created": 0,
        "updated": 0,
        "unchanged": mr.EXPECTED.read - mr.EXPECTED.rejected,
        "rejected": mr.EXPECTED.rejected,
        "contracts_created": 0,
    }
    assert table_sizes(prepared) == before


def test_strict_imports_nothing_unless_every_row_is_valid(prepared: Store, roster: Path) -> None:
    before = table_sizes(prepared)
    summary = import_roster(prepared, read_roster(roster), strict=True)
    assert summary.rejected == mr.EXPECTED.rejected and not summary.written
    assert table_sizes(prepared) == before


def test_a_dry_run_writes_nothing_and_says_what_would_happen(prepared: Store, roster: Path) -> None:
    before = table_sizes(prepared)
    summary = import_roster(prepared, read_roster(roster), dry_run=True)
    assert counts(summary)["created"] == mr.EXPECTED.created and not summary.written
    assert table_sizes(prepared) == before
    plan = preview_import(prepared, read_roster(roster))
    actions = {o.row: o.action for o in plan.outcomes}
    assert actions[4] == RowAction.CREATED and actions[7] == RowAction.UNCHANGED and actions[11] == RowAction.UPDATED
    assert all(actions[row] == RowAction.REJECTED for row in mr.REJECTED_ROWS)
    assert {o.row for o in plan.outcomes if o.signs} == {4, 5, 6}


@pytest.mark.parametrize("role", [Role.NURSE, Role.PUBLIC_HEALTH, Role.ADMIN])
def test_only_physicians_import_rosters(store_as: Callable[[Role], Store], roster: Path, role: Role) -> None:
    store = store_as(role)
    with pytest.raises(PermissionDenied):
        import_roster(store, read_roster(roster))
    with pytest.raises(PermissionDenied):
        preview_import(store, read_roster(roster))


def test_two_heads_of_the_same_name_in_a_village_head_two_households(prepared: Store, tmp_path: Path) -> None:
    from fdclient.domain.identity import make_id_number

    people = [
        ("王伟", "户主", make_id_number("360111", date(1970, 1, 1), 1)),
        ("李娜", "配偶", make_id_number("360111", date(1971, 1, 1), 2)),
        ("王伟", "户主", make_id_number("360111", date(1980, 1, 1), 3)),
        ("王芳", "女", make_id_number("360111", date(2005, 1, 1), 4)),
    ]
    lines = ["村,户主姓名,与户主关系,姓名,身份证号"] + [
        f"罗家村,王伟,{rel},{name},{number}" for name, rel, number in people
    ]
    path = tmp_path / "同名户主.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    summary = import_roster(prepared, read_roster(path))
    assert (summary.created, summary.rejected, summary.households_created) == (4, 0, 2)
    with prepared.read() as session:
        first, _, second, _ = (
            session.scalars(select(Resident).where(Resident.id_number == number)).one() for _, _, number in people
        )
        assert first.household_id != second.household_id
        assert resident(session, "李娜").household_id == first.household_id
        assert resident(session, "王芳").household_id == second.household_id
