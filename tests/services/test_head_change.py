"""更换户主: the relationships to the new head are proposed from those to the old head (the
proposal is a read; the change itself is audited like every registry write), and the people
the record cover may name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.relationships import relationship_to_new_head
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError
from fdclient.models import AuditEntry, Household, Resident, Staff, Village
from fdclient.services.registry import households, record_cover, resident_status
from fdclient.store import Store


@pytest.fixture
def village(session: Session) -> Village:
    return builders.make_village(session, name="罗家村")


def family(session: Session, village: Village) -> tuple[Household, dict[str, Resident]]:
    household = builders.make_household(
        session,
        village,
        members=[
            ("张老汉", date(1945, 2, 2), 1, "01"),
            ("李老太", date(1947, 3, 3), 2, "10"),
            ("张大", date(1970, 4, 4), 1, "20"),
            ("张二妹", date(1975, 5, 5), 2, "30"),
            ("王媳妇", date(1972, 6, 6), 2, "80"),
            ("张小孙女", date(2000, 7, 7), 2, "40"),
        ],
    )
    people = {r.name: r for r in session.scalars(select(Resident).where(Resident.household_id == household.id))}
    return household, people


@pytest.mark.parametrize(
    "member, new_head, sex, expected",
    [
        ("01", "20", 1, "50"),  # the old head is the new head's father
        ("10", "30", 2, "50"),  # a daughter becomes head: her mother is her parent
        ("30", "20", 2, "70"),  # a brother becomes head: his sister is his sibling
        ("40", "20", 2, "30"),  # a grandchild of the old head: proposed as the new head's daughter
        ("50", "20", 1, "60"),  # the old head's father is the new head's grandfather
        ("01", "10", 1, "10"),  # a wife becomes head: the husband is her spouse
        ("20", "10", 1, "20"),  # ... and their son stays a son
        ("01", "50", 2, "30"),  # a parent becomes head: the old head is their daughter
        ("50", "50", 2, "10"),  # ... and the other parent their spouse
        ("20", "50", 1, "40"),  # ... and the old head's son their grandson
        ("01", "70", 1, "70"),
        ("99", "20", 1, "99"),  # not related stays not related
        ("20", "99", 1, "99"),
        ("80", "20", 2, "80"),  # a daughter-in-law: the coarse codes cannot tell (the user confirms)
        ("01", None, 1, "80"),
    ],
)
def test_relationships_to_the_new_head(member: str, new_head: str | None, sex: int, expected: str) -> None:
    assert relationship_to_new_head(member, new_head, sex) == expected


def test_a_head_change_is_proposed_then_saved_and_audited(session: Session, village: Village) -> None:
    household, p = family(session, village)
    proposal = households.propose_head_change(session, household.id, p["张大"].id)
    assert proposal.old_head is not None
    assert (proposal.old_head.name, proposal.old_head.proposed) == ("张老汉", "50")
    proposed = {o.name: (o.current, o.proposed) for o in proposal.others}
    assert proposed == {
        "李老太": ("10", "50"),
        "张二妹": ("30", "70"),
        "王媳妇": ("80", "80"),
        "张小孙女": ("40", "30"),
    }
    after = households.change_head(
        session,
        household.id,
        p["张大"].id,
        old_head_relationship=proposal.old_head.proposed,
        relationships={o.resident_id: o.proposed for o in proposal.others} | {p["王媳妇"].id: "10"},
    )
    assert after.head_id == p["张大"].id and after.members[0].name == "张大"
    codes_now = {m.name: m.relationship for m in after.members}
    assert codes_now == {
        "张大": "01",
        "张老汉": "50",
        "李老太": "50",
        "张二妹": "70",
        "王媳妇": "10",
        "张小孙女": "30",
    }
    entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name.in_(("households", "residents")))).all()
    head_change = [e for e in entries if e.table_name == "households" and "head_id" in e.changes]
    assert head_change and head_change[-1].changes["head_id"][1] == str(p["张大"].id)
    assert head_change[-1].actor_id is not None
    relationship_changes = {
        e.row_id: e.changes["relationship_to_head"] for e in entries if "relationship_to_head" in e.changes
    }
    assert relationship_changes[p["张老汉"].id] == ["01", "50"]
    assert relationship_changes[p["张大"].id] == ["20", "01"]
    assert p["王媳妇"].id in relationship_changes


def test_a_former_head_who_died_still_gets_a_relationship(session: Session, village: Village) -> None:
    household, p = family(session, village)
    resident_status.mark_deceased(session, p["张老汉"].id, date(2026, 5, 1))
    proposal = households.propose_head_change(session, household.id, p["李老太"].id)
    assert proposal.old_head is not None and proposal.old_head.proposed == "10"
    assert {o.name: o.proposed for o in proposal.others}["张大"] == "20"


def test_only_a_living_member_is_proposed(session: Session, village: Village) -> None:
    household, p = family(session, village)
    stranger = builders.make_resident(session, village, name="路人")
    with pytest.raises(RuleError, match="不是该家庭的成员") as error:
        households.propose_head_change(session, household.id, stranger.id)
    assert error.value.field == "new_head_id"
    with pytest.raises(RuleError, match="已经是户主"):
        households.propose_head_change(session, household.id, p["张老汉"].id)


def test_the_proposal_needs_the_right_to_read_records(store_as: Callable[[Role], Store]) -> None:
    doctor = store_as(Role.DOCTOR)
    with doctor.write() as session:
        village = builders.make_village(session)
        household, p = family(session, village)
        ids = household.id, p["张大"].id
    with store_as(Role.ADMIN).read() as session, pytest.raises(PermissionDenied):
        households.propose_head_change(session, *ids)


# --- the record cover's choices ---------------------------------------------------------------


def test_the_cover_offers_registrars_and_doctors(session: Session, village: Village) -> None:
    choices = record_cover.cover_choices(session)
    registrars = {c.name for c in choices.registrars}
    doctors = {c.name for c in choices.doctors}
    assert {"王建国", "陈护士", "周公卫"} <= registrars and "刘专家" in doctors and "王建国" in doctors
    assert "陈护士" not in doctors
    assert all(c.active for c in (*choices.registrars, *choices.doctors))


def test_the_cover_keeps_a_disabled_doctor_already_named(session: Session, village: Village) -> None:
    retired = builders.make_staff(session, name="退休医生", role="doctor")
    resident = builders.make_resident(session, village, name="张三", responsible_doctor_id=retired.id)
    row = session.get(Staff, retired.id)
    assert row is not None
    row.active = False
    session.flush()
    assert "退休医生" not in {c.name for c in record_cover.cover_choices(session).doctors}
    kept = [c for c in record_cover.cover_choices(session, resident.id).doctors if c.name == "退休医生"]
    assert len(kept) == 1 and not kept[0].active
