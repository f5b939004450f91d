"""A small township to export rosters of (``from helpers.roster_world import make_roster_world``).

:func:`make_roster_world` writes, in a write unit of work signed in as the scene's doctor
(on the scene's day, 1 June 2026):

* 东村 (``360111101201``): the household of 张三 (head, born 1 March 1950, hypertensive,
  an ID number ending in ``X``, the household's mobile ``13907910001``) and 李梅 (spouse, born 1952), signed
  from 1 January 2026 with the doctor's team (basic and hypertension packages); 张三 has
  two hypertension follow-ups this year (one of them corrected: it still counts once) and
  one last year. The household of 王五 (born 1985; the household's landline
  ``0791-8886666``, whose leading 0 must survive), not signed.
* 西村 (``360111101202``): 赵六 (born 2021: a child 0-6), not signed.
* 北村 (``360111101203``): nobody (its sheet holds the header only).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from fdclient.domain.identity import make_id_number
from fdclient.models import Household, Staff
from fdclient.services.registry import households
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.services.visits import recording
from fdclient.services.visits.forms import HypertensionFollowupInput
from helpers import builders

EAST, WEST, NORTH = "360111101201", "360111101202", "360111101203"
HEAD_ID_NUMBER_REGION = "360111"
HEAD_BIRTH = date(1950, 3, 1)
HEAD_PHONE = "13907910001"
LANDLINE = "0791-8886666"


def id_number_ending_in_x(birth: date, region: str = HEAD_ID_NUMBER_REGION) -> str:
    """A valid male ID number whose check character is ``X``."""
    for sequence in range(1, 1000, 2):
        number = make_id_number(region, birth, sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")


@dataclass(frozen=True)
class RosterWorld:
    head_id: uuid.UUID
    head_id_number: str
    contract_no: str
    #: Residents registered in the township / covered by a contract.
    residents: int = 4
    signed: int = 2


def make_roster_world(s: Session) -> RosterWorld:
    actor = builders.actor_named(s, "doctor")
    doctor = s.get(Staff, actor.staff_id)
    assert doctor is not None
    east = builders.make_village(s, name="东村", code=EAST)
    west = builders.make_village(s, name="西村", code=WEST)
    builders.make_village(s, name="北村", code=NORTH)
    team, _ = builders.make_team(s, name="罗家第一团队", doctor=doctor, villages=[east, west])
    head_number = id_number_ending_in_x(HEAD_BIRTH)
    info = households.register_household(
        s,
        village_id=east.id,
        address="东村一组 1 号",
        phone=HEAD_PHONE,
        head=ResidentInput(village_id=east.id, name="张三", id_number=head_number),
    )
    households.add_member(
        s, info.id, builders.resident_input(east, name="李梅", birth_date=date(1952, 8, 9), sex=2), "10"
    )
    assert info.head_id is not None
    builders.diagnose(s, info.head_id, hypertension=True)
    household = s.get(Household, info.id)
    assert household is not None
    contract = builders.make_signed_contract(
        s, household, team, doctor, [builders.make_basic_package(s), builders.make_hypertension_package(s)]
    )
    builders.make_household(
        s, east, members=[("王五", date(1985, 7, 9), 1, "01")], address="东村二组 2 号", phone=LANDLINE
    )
    builders.make_household(s, west, members=[("赵六", date(2021, 4, 5), 2, "01")], address="西村三组 3 号", phone=None)
    head_id = household.head_id
    assert head_id is not None
    form = HypertensionFollowupInput(
        resident_id=head_id, visit_date=date(2026, 2, 10), doctor_id=doctor.id, systolic=150, diastolic=95
    )
    first = recording.record_visit(s, form)
    recording.record_visit(s, replace(form, visit_date=date(2026, 5, 12), systolic=132, diastolic=82))
    recording.record_visit(s, replace(form, visit_date=date(2025, 12, 20)))
    recording.correct_visit(s, first.visit.id, replace(form, systolic=148), reason="血压抄错")
    return RosterWorld(head_id, head_number, contract.contract_no)
