"""Builders of valid domain rows for tests (``from helpers import builders``).

Each builder takes a write unit of work on a real store (the ``session`` fixture, or
``with store.write() as session``), writes through the services (so rows are what the
application itself would write: health record numbers, pinyin, contract numbers, planned
services), flushes, and returns the ORM row or the service's dataclass as documented.
The unit of work commits when its block ends.

Builders of the health centre's organisation (villages, staff, teams, packages) act as
the scene's administrator for that call (:func:`as_admin`), whoever the unit of work is
signed in as; clinical builders act as the unit of work's own actor. Typical use::

    with store.write() as session:          # signed in as the scene's doctor
        village = builders.make_village(session)
        team, doctor = builders.make_team(session, villages=[village])
        household = builders.make_household(session, village, members=[("张三", date(1950, 3, 1), 1, "01")])
        basic = builders.make_basic_package(session)
        contract = builders.make_signed_contract(session, household, team, doctor, [basic])

Defaults are chosen so that calling a builder twice in one store does not collide (village
codes, package codes and ID numbers are counted up).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.identity import make_id_number
from fdclient.domain.key_populations import age_on
from fdclient.domain.roles import Role
from fdclient.domain.time import FixedClock
from fdclient.models import Household, Resident, ServicePackage, Staff, Team, Village
from fdclient.services.contracts import lifecycle as contracts
from fdclient.services.contracts import packages
from fdclient.services.contracts.consent import ADULT_AGE, GuardianInput, MemberConsent
from fdclient.services.registry import households, medical_history, residents
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.services.staff import organisation as staff
from fdclient.services.township import store_township
from fdclient.store.context import CONTEXT_KEY, Actor, context_of, now, today
from helpers.scene import TODAY as SCENE_TODAY

#: The scene's date (its clock): safely after every default birth date and contract start.
TODAY = SCENE_TODAY

_counter = itertools.count(1)


M = TypeVar("M")


def _row(session: Session, model: type[M], row_id: uuid.UUID) -> M:
    """The row a service just wrote (it exists: the service returned its id)."""
    row = session.get(model, row_id)
    assert row is not None
    return row


def actor_named(session: Session, username: str) -> Actor:
    """The scene's account ``username`` as an actor."""
    staff = session.scalars(select(Staff).where(Staff.username == username)).one()
    return Actor(staff.id, username, staff.name, Role(staff.role))


@contextmanager
def acting_as(session: Session, actor: Actor) -> Iterator[None]:
    """Within the block, the unit of work acts as ``actor`` (then as before)."""
    context = context_of(session)
    session.info[CONTEXT_KEY] = replace(context, actor=actor)
    try:
        yield
    finally:
        session.info[CONTEXT_KEY] = context


@contextmanager
def on_day(session: Session, day: date, hour: int = 10) -> Iterator[None]:
    """Within the block, the unit of work's clock says ``hour`` o'clock China time on ``day``."""
    context = context_of(session)
    session.info[CONTEXT_KEY] = replace(context, clock=FixedClock.on(day, hour))
    try:
        yield
    finally:
        session.info[CONTEXT_KEY] = context


def as_admin(session: Session) -> AbstractContextManager[None]:
    """Act as the scene's administrator within the block (organisation set-up)."""
    return acting_as(session, actor_named(session, "admin"))


def new_id_number(birth_date: date, sex: int = 1, region: str = "360111") -> str:
    """A valid, fresh 18-digit ID number for ``birth_date`` and ``sex`` (1 male, 2 female)."""
    n = next(_counter)
    k, offset = divmod(n, 499)
    sequence = 2 * offset + (1 if sex == 1 else 2)
    return make_id_number(f"{int(region) + k:06d}", birth_date, sequence)


def make_village(
    session: Session, *, name: str | None = None, code: str | None = None, record_segment: str | None = None
) -> Village:
    """A village of the store's township (code 200+n, record segment 100+n by default)."""
    n = next(_counter) % 199 + 1
    township = store_township(session)
    with as_admin(session):
        info = staff.register_village(
            session,
            code=code or f"{township.code}{200 + n:03d}",
            name=name or f"第{n}村",
            record_segment=record_segment or f"{100 + n:03d}",
        )
    return _row(session, Village, info.id)


def make_staff(session: Session, *, name: str = "李明", role: str = "doctor", **extra: str) -> Staff:
    with as_admin(session):
        info = staff.register_staff(session, name=name, role=role, **extra)
    return _row(session, Staff, info.id)


def make_team(
    session: Session,
    *,
    name: str | None = None,
    doctor: Staff | None = None,
    villages: Sequence[Village] = (),
    others: Sequence[Staff] = (),
) -> tuple[Team, Staff]:
    """A team led by ``doctor`` (a new one named 王医生 by default); returns (team, doctor)."""
    doctor = doctor or make_staff(session, name="王建国", role="doctor", phone="13800138000")
    with as_admin(session):
        info = staff.create_team(
            session,
            name=name or f"家庭医生团队{next(_counter)}",
            leader_id=doctor.id,
            member_ids=[s.id for s in others],
            village_ids=[v.id for v in villages],
        )
    return _row(session, Team, info.id), doctor


def resident_input(
    village: Village,
    *,
    name: str = "张三",
    birth_date: date = date(1960, 5, 1),
    sex: int = 1,
    with_id: bool = True,
    **fields: Any,
) -> ResidentInput:
    """Form data of a valid resident; ``with_id`` gives them a fresh ID number (sex and birth
    date are then left for the service to derive)."""
    if with_id:
        return ResidentInput(village_id=village.id, name=name, id_number=new_id_number(birth_date, sex), **fields)
    return ResidentInput(village_id=village.id, name=name, id_number=None, sex=sex, birth_date=birth_date, **fields)


#: When the builders' patients were diagnosed (or at birth, for the younger ones).
DIAGNOSED_ON = date(2020, 1, 1)


def diagnose(session: Session, resident_id: uuid.UUID, *, hypertension: bool = False, diabetes: bool = False) -> None:
    """Record the diagnoses that make the resident a hypertension / diabetes patient."""
    r = _row(session, Resident, resident_id)
    day = min(max(r.birth_date, DIAGNOSED_ON), today(session))
    for wanted, disease in ((hypertension, codes.HYPERTENSION_DISEASE), (diabetes, codes.DIABETES_DISEASE)):
        if wanted:
            medical_history.add_diagnosis(session, resident_id, disease=disease, diagnosed_on=day)


def make_resident(
    session: Session, village: Village, *, has_hypertension: bool = False, has_diabetes: bool = False, **kwargs: Any
) -> Resident:
    """A registered resident (no household); keyword arguments as :func:`resident_input`;
    ``has_hypertension`` / ``has_diabetes`` record the diagnosis."""
    info = residents.register_resident(session, resident_input(village, **kwargs))
    diagnose(session, info.id, hypertension=has_hypertension, diabetes=has_diabetes)
    return _row(session, Resident, info.id)


def make_household(
    session: Session,
    village: Village,
    *,
    members: Sequence[tuple[str, date, int, str]] = (
        ("张三", date(1950, 3, 1), 1, "01"),
        ("李梅", date(1952, 8, 9), 2, "10"),
    ),
    address: str = "罗家村一组 8 号",
    phone: str | None = "13900139000",
    has_hypertension: bool = False,
    has_diabetes: bool = False,
    **head_fields: Any,
) -> Household:
    """A household whose members are (name, birth date, sex, relationship); the first is the
    head (relationship "01"). ``head_fields`` go to the head's form; ``has_hypertension`` /
    ``has_diabetes`` record the head's diagnosis."""
    (name, birth, sex, _), *rest = members
    head = resident_input(village, name=name, birth_date=birth, sex=sex, **head_fields)
    info = households.register_household(session, village_id=village.id, address=address, phone=phone, head=head)
    assert info.head_id is not None
    diagnose(session, info.head_id, hypertension=has_hypertension, diabetes=has_diabetes)
    for name, birth, sex, relationship in rest:
        households.add_member(
            session, info.id, resident_input(village, name=name, birth_date=birth, sex=sex), relationship
        )
    return _row(session, Household, info.id)


def make_basic_package(session: Session, *, code: str | None = None) -> ServicePackage:
    """基础包, 55 CNY = 20 insurance + 30 public health + 5 resident; one health assessment
    and two health education sessions a year."""
    with as_admin(session):
        info = packages.create_package(
            session,
            code=code or f"JC{next(_counter)}",
            name="基础服务包",
            kind="basic",
            fee_total_fen=5500,
            fee_insurance_fen=2000,
            fee_public_health_fen=3000,
            fee_resident_fen=500,
            items=[
                packages.PackageItemInput("健康评估", "health_assessment", 1),
                packages.PackageItemInput("健康教育", "health_education", 2),
            ],
        )
    return _row(session, ServicePackage, info.id)


def make_hypertension_package(session: Session, *, code: str | None = None) -> ServicePackage:
    """高血压个性化包, 150 CNY = 110 + 30 + 10, for hypertension patients: 4 follow-ups and one
    home visit a year."""
    with as_admin(session):
        info = packages.create_package(
            session,
            code=code or f"GXY{next(_counter)}",
            name="高血压服务包",
            kind="personalised",
            target_population="hypertension",
            fee_total_fen=15000,
            fee_insurance_fen=11000,
            fee_public_health_fen=3000,
            fee_resident_fen=1000,
            items=[
                packages.PackageItemInput("高血压随访", "hypertension_followup", 4),
                packages.PackageItemInput("上门服务", "home_visit", 1),
            ],
        )
    return _row(session, ServicePackage, info.id)


def _head(household: Household) -> uuid.UUID:
    assert household.head_id is not None
    return household.head_id


def signed_at(day: date) -> datetime:
    """An aware signing time on ``day`` (09:30 Beijing time)."""
    return datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)


def make_signed_contract(
    session: Session,
    household: Household,
    team: Team,
    doctor: Staff,
    package_rows: Sequence[ServicePackage],
    *,
    start_date: date = date(2026, 1, 1),
    term_years: int = 1,
    member_ids: Sequence[uuid.UUID] | None = None,
    auto_renew: bool = False,
    signed: datetime | None = None,
) -> contracts.ContractInfo:
    """A household contract drafted and signed on its start date (or at ``signed``), with
    every member's consent (:func:`consents_of`)."""
    draft = contracts.draft_contract(
        session,
        household_id=household.id,
        member_ids=member_ids,
        representative_id=_head(household),
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[p.id for p in package_rows],
        start_date=start_date,
        term_years=term_years,
        auto_renew=auto_renew,
    )
    return contracts.sign_contract(
        session,
        draft.id,
        consents=consents_of(session, draft, start_date),
        signed_at=signed or signed_at(start_date),
        channel="door_to_door",
    )


def sign_today(
    session: Session, household: Household, team: Team, doctor: Staff, package: ServicePackage
) -> contracts.ContractInfo:
    """A one-year household contract drafted and signed now, by the unit of work's clock
    (a laptop signing at the door: the sync tests and benchmarks)."""
    return make_signed_contract(
        session, household, team, doctor, [package], start_date=today(session), signed=now(session)
    )


def guardian(*, name: str = "张大山", relationship: str = "father") -> GuardianInput:
    """A guardian (an adult with a fresh ID number) as typed on the form."""
    return GuardianInput(name=name, relationship=relationship, id_number=new_id_number(date(1985, 4, 2)))


def consents_of(session: Session, contract: contracts.ContractInfo, on: date) -> list[MemberConsent]:
    """Valid consents of a contract's members given on ``on``: their own from 18, a
    guardian's (:func:`guardian`) for minors."""
    result = []
    for m in contract.members:
        minor = age_on(_row(session, Resident, m.resident_id).birth_date, on) < ADULT_AGE
        result.append(MemberConsent(m.resident_id, "guardian", guardian()) if minor else MemberConsent(m.resident_id))
    return result
