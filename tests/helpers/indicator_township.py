"""The small hand-built township of the indicator tests, every figure worked out by hand.

Statistics date AS_OF = 2025-06-30 (period 2024-06-30 exclusive .. 2025-06-30), PAST =
2024-12-31. Village A (…201) and B (…202) have people; village C (…203) has none. Every
file was made (registered_on) on 2020-01-01. Teams: T1 第一团队 with doctors D1 李医生 and
D3 赵医生, T2 第二团队 with D2 王医生.

=====  =========================================  ===========================================
who    record                                     contracts
=====  =========================================  ===========================================
a1     1950, hypertension                         C1 household HA1 2025-01-01..12-31 (T1, D1)
a2     1980                                       C1; C7 individual 2024-01-15..2025-01-14
                                                  (T1, D3; expired, not renewed)
a3     2021 (child)                               C1, left on 2025-03-01
a4     1990, deceased 2025-02-01 (HA3)            -
a5     1985, voided (HA3)                         -
a6     1970, diabetes (HA2)                       C2 2024-07-01..2025-06-30 terminated 04-01
                                                  (T1, D1)
b1     1958-08-01 (elderly)                       C3 2024 (renewed by C4 2025), both T2, D2
b2     2000, poverty (脱贫户), disabilities '1'    C3, C4
       (none), hypertension
b3     1995, disability '2', delivered            C5 draft (T2, D2)
       2025-06-03 (postpartum to 07-15), diabetes
b4     1960-06-30 (65 on AS_OF), moved out        C6 2025-06-01.., signed 2025-07-01 01:30
       2025-07-02; in voided household HB2        Beijing time (T2, D2)
b5     merged into b1                             -
=====  =========================================  ===========================================

Follow-ups are at the clinic unless a test adds others.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fdclient.domain.codes import (
    ContractScope,
    ContractStatus,
    PackageKind,
    PlannedServiceStatus,
    ServiceKind,
    TerminationReason,
)
from fdclient.domain.roles import Role
from fdclient.models import (
    Contract,
    ContractMember,
    DiabetesFollowup,
    Household,
    HypertensionFollowup,
    PackageItem,
    PlannedService,
    Pregnancy,
    Resident,
    SatisfactionSurvey,
    ServicePackage,
    Staff,
    Team,
    Village,
    new_id,
)
from fdclient.store import Store

TOWNSHIP_CODE, TOWNSHIP_NAME = "360111101", "罗家镇"  # the store fixture's
AS_OF = date(2025, 6, 30)
PAST = date(2024, 12, 31)
CODE_A, CODE_B, CODE_C = "360111101201", "360111101202", "360111101203"
VOID: dict[str, Any] = {"voided_at": datetime(2025, 1, 5, tzinfo=UTC), "void_reason": "录入错误"}
#: The day every file of the township was made (建档日期), unless a test says otherwise.
REGISTERED = date(2020, 1, 1)


def utc(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Builder:
    """Rows written straight through the ORM (in a write unit of work), so every date,
    status and void of the table above is exactly as stated."""

    session: Session
    township_id: uuid.UUID
    ids: dict[str, uuid.UUID] = field(default_factory=dict)
    n: int = 0

    def village(self, code: str, name: str) -> Village:
        v = Village(id=new_id(), township_id=self.township_id, code=code, name=name, record_segment=code[-3:])
        self.session.add(v)
        self.ids[code] = v.id
        return v

    def household(self, village: Village, **kw: Any) -> Household:
        h = Household(id=new_id(), village_id=village.id, address="1号", **kw)
        self.session.add(h)
        return h

    def resident(self, key: str, household: Household, born: date, **kw: Any) -> Resident:
        r = Resident(
            id=new_id(),
            village_id=household.village_id,
            household_id=household.id,
            name="张" + key,
            birth_date=born,
            **{"sex": 1, "registered_on": REGISTERED, **kw},
        )
        self.session.add(r)
        self.ids[key] = r.id
        return r

    def contract(
        self,
        members: list[Resident],
        start: date,
        end: date,
        *,
        status: ContractStatus = ContractStatus.ACTIVE,
        signed: datetime | None = None,
        household: Household | None = None,
        terminated_on: date | None = None,
        renewal_of: Contract | None = None,
        ended: dict[str, date] | None = None,
        team: str = "T1",
        doctor: str = "D1",
    ) -> Contract:
        self.n += 1
        signed = signed or utc(start - timedelta(days=5))
        c = Contract(
            id=new_id(),
            contract_no=f"HT{self.n:04d}",
            scope=ContractScope.HOUSEHOLD if household else ContractScope.INDIVIDUAL,
            household_id=household.id if household else None,
            representative_id=members[0].id,
            team_id=self.ids[team],
            doctor_id=self.ids[doctor],
            start_date=start,
            end_date=end,
            status=status,
            consent_given=status != ContractStatus.DRAFT,
            consented_at=signed if status != ContractStatus.DRAFT else None,
            signed_at=signed if status != ContractStatus.DRAFT else None,
            terminated_on=terminated_on,
            termination_reason=TerminationReason.VOLUNTARY if terminated_on else None,
            renewal_of_id=renewal_of.id if renewal_of else None,
        )
        self.session.add(c)
        self.session.flush()
        self.ids[f"C{self.n}"] = c.id
        for m in members:
            left = (ended or {}).get(m.name[1:])
            active = status == ContractStatus.ACTIVE and left is None
            self.session.add(
                ContractMember(id=new_id(), contract_id=c.id, resident_id=m.id, is_active=active, ended_on=left)
            )
        self.session.flush()
        return c

    def planned(
        self,
        contract: Contract,
        resident: Resident,
        kind: ServiceKind,
        window: tuple[date, date],
        done_on: date | None = None,
        status: PlannedServiceStatus | None = None,
        closed_on: date | None = None,
    ) -> None:
        self.session.add(
            PlannedService(
                id=new_id(),
                contract_id=contract.id,
                resident_id=resident.id,
                package_item_id=self.ids["item"],
                service_kind=kind,
                sequence=1,
                window_start=window[0],
                window_end=window[1],
                status=status or (PlannedServiceStatus.DONE if done_on else PlannedServiceStatus.PLANNED),
                fulfilled_on=done_on,
                closed_on=closed_on,
            )
        )

    def followup(
        self,
        resident: Resident,
        day: date,
        reading: tuple[float, ...],
        *,
        supersedes: HypertensionFollowup | DiabetesFollowup | None = None,
        diabetes: bool = False,
        mode: str = "1",
        **kw: Any,
    ) -> HypertensionFollowup | DiabetesFollowup:
        """A follow-up with ``reading``: (systolic, diastolic) for hypertension, (fasting
        glucose,) or (fasting glucose, systolic, diastolic) for diabetes."""
        cls: type[HypertensionFollowup | DiabetesFollowup] = DiabetesFollowup if diabetes else HypertensionFollowup
        values: dict[str, float] = {"systolic": reading[-2], "diastolic": reading[-1]} if len(reading) > 1 else {}
        if diabetes:
            values["fasting_glucose"] = reading[0]
        vid = new_id()
        v = cls(
            id=vid,
            record_id=supersedes.record_id if supersedes else vid,
            revision=supersedes.revision + 1 if supersedes else 1,
            supersedes_id=supersedes.id if supersedes else None,
            correction_reason="更正血压" if supersedes else None,
            resident_id=resident.id,
            visit_date=day,
            mode=mode,
            doctor_id=self.ids["D1"],
            **values,
            **kw,
        )
        self.session.add(v)
        self.session.flush()
        return v

    def survey(self, resident: Resident, day: date, **kw: Any) -> None:
        self.session.add(SatisfactionSurvey(id=new_id(), resident_id=resident.id, surveyed_on=day, **kw))


def build_township(store: Store) -> dict[str, uuid.UUID]:
    """Fill *store* with the township of the module docstring; returns the ids by name
    (residents "a1" …, villages by code, contracts "C1" …, teams "T1", "T2", doctors "D1" …)."""
    with store.write() as session:
        b = Builder(session, store.info.township_id)
        doctors = {
            key: Staff(id=new_id(), township_id=b.township_id, name=name, role=Role.DOCTOR)
            for key, name in (("D1", "李医生"), ("D2", "王医生"), ("D3", "赵医生"))
        }
        teams = {
            key: Team(id=new_id(), township_id=b.township_id, name=name)
            for key, name in (("T1", "第一团队"), ("T2", "第二团队"))
        }
        package = ServicePackage(
            id=new_id(),
            code="JC",
            name="基础包",
            kind=PackageKind.BASIC,
            fee_total_fen=5500,
            fee_insurance_fen=2000,
            fee_public_health_fen=3000,
            fee_resident_fen=500,
        )
        session.add_all([*doctors.values(), *teams.values(), package])
        session.flush()
        item = PackageItem(
            id=new_id(),
            package_id=package.id,
            position=1,
            name="健康评估",
            service_kind=ServiceKind.HEALTH_ASSESSMENT,
            times_per_year=1,
        )
        session.add(item)
        b.ids.update({key: doctor.id for key, doctor in doctors.items()}, item=item.id)
        b.ids.update({key: team.id for key, team in teams.items()})

        va, vb = b.village(CODE_A, "东村"), b.village(CODE_B, "西村")
        b.village(CODE_C, "南村")
        ha1, ha2, ha3 = b.household(va), b.household(va), b.household(va)
        hb1, hb2 = b.household(vb), b.household(vb, **VOID)
        session.flush()
        a1 = b.resident("a1", ha1, date(1950, 3, 1), has_hypertension=True)
        a2 = b.resident("a2", ha1, date(1980, 5, 5))
        a3 = b.resident("a3", ha1, date(2021, 1, 10))
        b.resident("a4", ha3, date(1990, 1, 1), status="deceased", status_changed_on=date(2025, 2, 1))
        b.resident("a5", ha3, date(1985, 1, 1), **VOID)
        a6 = b.resident("a6", ha2, date(1970, 1, 1), has_diabetes=True)
        b1 = b.resident("b1", hb1, date(1958, 8, 1))
        b2 = b.resident("b2", hb1, date(2000, 1, 1), relief_statuses=("1",), disabilities=("1",), has_hypertension=True)
        b3 = b.resident("b3", hb1, date(1995, 1, 1), sex=2, disabilities=("2",), has_diabetes=True)
        b4 = b.resident("b4", hb2, date(1960, 6, 30), status="moved_out", status_changed_on=date(2025, 7, 2))
        session.flush()
        b.resident("b5", hb1, date(1958, 8, 1), merged_into_id=b1.id)
        # Delivered on 3 June 2025: postpartum (maternal) up to and including 15 July.
        session.add(Pregnancy(id=new_id(), resident_id=b3.id, delivery_date=date(2025, 6, 3)))
        session.flush()

        c1 = b.contract(
            [a1, a2, a3], date(2025, 1, 1), date(2025, 12, 31), household=ha1, ended={"a3": date(2025, 3, 1)}
        )
        c2 = b.contract(
            [a6],
            date(2024, 7, 1),
            date(2025, 6, 30),
            status=ContractStatus.TERMINATED,
            terminated_on=date(2025, 4, 1),
            ended={"a6": date(2025, 4, 1)},
        )
        c3 = b.contract(
            [b1, b2],
            date(2024, 1, 1),
            date(2024, 12, 31),
            status=ContractStatus.RENEWED,
            household=hb1,
            ended={"b1": date(2025, 1, 1), "b2": date(2025, 1, 1)},
            team="T2",
            doctor="D2",
        )
        c4 = b.contract(
            [b1, b2],
            date(2025, 1, 1),
            date(2025, 12, 31),
            household=hb1,
            signed=utc(date(2024, 12, 28)),
            renewal_of=c3,
            team="T2",
            doctor="D2",
        )
        b.contract([b3], date(2025, 1, 1), date(2025, 12, 31), status=ContractStatus.DRAFT, team="T2", doctor="D2")
        # Signed at 01:30 on 1 July Beijing time, i.e. 17:30 UTC on 30 June.
        b.contract(
            [b4],
            date(2025, 6, 1),
            date(2026, 5, 31),
            signed=datetime(2025, 6, 30, 17, 30, tzinfo=UTC),
            team="T2",
            doctor="D2",
        )
        b.contract(
            [a2],
            date(2024, 1, 15),
            date(2025, 1, 14),
            status=ContractStatus.EXPIRED,
            ended={"a2": date(2025, 1, 15)},
            doctor="D3",
        )

        q1, q2 = (date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 6, 30))
        check, followup = ServiceKind.HEALTH_ASSESSMENT, ServiceKind.HYPERTENSION_FOLLOWUP
        b.planned(c1, a1, check, q1, done_on=date(2025, 2, 10))
        b.planned(c1, a1, followup, q1, done_on=date(2025, 3, 1))
        b.planned(c1, a1, followup, q2, done_on=date(2025, 7, 5))  # late
        b.planned(c1, a1, followup, (date(2025, 7, 1), date(2025, 9, 30)))
        b.planned(c1, a2, check, (date(2025, 1, 1), date(2025, 6, 30)), done_on=date(2025, 5, 1))
        b.planned(
            c1,
            a2,
            ServiceKind.CONSULTATION,
            (date(2025, 1, 1), date(2025, 5, 31)),
            status=PlannedServiceStatus.CANCELLED,
            closed_on=date(2025, 2, 1),
        )
        b.planned(c4, b1, check, (date(2025, 1, 1), date(2025, 12, 31)))
        b.planned(c3, b1, check, (date(2024, 1, 1), date(2024, 9, 30)), done_on=date(2024, 9, 1))
        b.planned(c2, a6, check, (date(2024, 7, 1), date(2024, 12, 31)))

        # a1: three current records in the period (one corrected), latest uncontrolled.
        r1 = b.followup(a1, date(2024, 8, 1), (130, 80))
        b.followup(a1, date(2024, 8, 1), (135, 85), supersedes=r1)
        b.followup(a1, date(2024, 11, 1), (132, 82))
        b.followup(a1, date(2025, 5, 1), (145, 85))  # < 150/90 only for the elderly target
        b.followup(a1, date(2025, 6, 1), (120, 80), **VOID)
        b.followup(a1, date(2024, 6, 30), (120, 80))  # the day before the period
        # b2: four records, the latest corrected from 155/95 to 128/78.
        for day in (date(2024, 9, 1), date(2024, 12, 1), date(2025, 3, 1)):
            b.followup(b2, day, (150, 95))
        r4 = b.followup(b2, date(2025, 6, 15), (155, 95))
        b.followup(b2, date(2025, 6, 15), (128, 78), supersedes=r4)
        b.followup(a6, date(2025, 3, 1), (6.5,), diabetes=True)

        b.survey(a1, date(2025, 1, 10), satisfied=True)
        b.survey(a2, date(2025, 2, 10), score=85)
        b.survey(b1, date(2025, 3, 10), score=60)
        b.survey(b2, date(2025, 4, 10), satisfied=False, score=90)
        b.survey(b2, date(2025, 5, 10), satisfied=True, **VOID)
        b.survey(a1, date(2024, 5, 1), satisfied=True)
        return dict(b.ids)
