"""A small township for the contact-card tests (``from helpers.card_world import ...``): a
centre with its phone and hours, a team with its phone and doctor, and households with
signed contracts whose members have blood groups, allergies, diagnoses and emergency
contacts (and one member of each kind of gap: no ID number, nothing recorded)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fdclient.models import Resident
from fdclient.services.registry import medical_history
from fdclient.services.township import store_township
from fdclient.store import Store
from helpers import builders

CENTRE = "罗家镇卫生院"
CENTRE_PHONE = "0791-83761234"
HOURS = "周一至周五 8:00-17:30，节假日电话预约"
DOCTOR_PHONE = "13800138000"


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    id_number: str | None


@dataclass(frozen=True)
class CardWorld:
    village_code: str
    other_village_code: str
    #: Contract numbers, one per household, in the order the households were made.
    contract_numbers: tuple[str, ...]
    #: Covered residents, in the order their cards come (village, contract, head first, age).
    people: tuple[Person, ...]
    #: A resident of the village without a contract (never gets a card).
    unsigned: Person


def _person(session: Session, resident_id: uuid.UUID) -> Person:
    r = session.get(Resident, resident_id)
    assert r is not None
    return Person(r.id, r.name, r.id_number)


def make_card_world(store: Store, *, households_in_village: int = 2) -> CardWorld:
    """``households_in_village`` households of two (names unique up to six) signed in one village (the first head
    with hypertension, diabetes, penicillin allergy, blood A Rh+ and an emergency contact;
    the spouse with nothing recorded), one more household signed in a second village,
    and one household without a contract. Made by the scene's doctor, whoever the store
    is signed in as."""
    with store.write() as session, builders.acting_as(session, builders.actor_named(session, "doctor")):
        with builders.as_admin(session):
            township = store_township(session)
            township.institution_name = CENTRE
            township.centre_phone = CENTRE_PHONE
            township.service_hours = HOURS
        village = builders.make_village(session, name="罗家村")
        other = builders.make_village(session, name="新塘村")
        team, doctor = builders.make_team(session, name="罗家村家庭医生团队", villages=[village, other])
        with builders.as_admin(session):
            team.phone = "0791-83760000"
        basic = builders.make_basic_package(session)
        people: list[Person] = []
        numbers: list[str] = []
        heads = ["张建国", "欧阳明德", "李四", "王五", "赵六", "孙七"]
        spouses = ["刘桂兰", "陈美华", "黄丽娟", "吴秀珍", "郑小红", "何玉梅"]
        for n, where in enumerate([village] * households_in_village + [other]):
            household = builders.make_household(
                session,
                where,
                members=(
                    (heads[n % len(heads)], date(1950 + n, 3, 1), 1, "01"),
                    (spouses[n % len(spouses)], date(1952, 8, 9), 2, "10"),
                ),
                address=f"{where.name}一组 {n + 1} 号",
                blood_abo="1",
                blood_rh="2",
                drug_allergies=("2",),
                contact_name="张小明",
                contact_phone="13912345678",
            )
            assert household.head_id is not None
            if n == 0:
                for disease in ("2", "3", "8"):  # hypertension, diabetes, severe mental disorder
                    medical_history.add_diagnosis(
                        session, household.head_id, disease=disease, diagnosed_on=date(2020, 1, 1)
                    )
            contract = builders.make_signed_contract(session, household, team, doctor, [basic])
            numbers.append(contract.contract_no)
            head = _person(session, household.head_id)
            spouse = next(m for m in household.members if m.id != household.head_id)
            people += [head, _person(session, spouse.id)]
        lonely = builders.make_household(session, village, members=(("周末", date(1980, 1, 1), 1, "01"),))
        assert lonely.head_id is not None
        unsigned = _person(session, lonely.head_id)
        codes = (village.code, other.code)
    return CardWorld(codes[0], codes[1], tuple(numbers), tuple(people), unsigned)
