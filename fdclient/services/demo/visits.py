"""Visit records as rows: a ``visits`` row plus a detail row with the same id (joined-table
inheritance), medicines, referrals, corrections, and the planned services a record fulfils.

A record belongs to the contract covering the resident on its date (the one that started
last when two do, as ``plan.covering_contract``), and fulfils an open planned service of
its kind in that contract only: the one whose window contains the date, else the earliest
overdue one (as ``plan.find_open_service``); a service whose member's coverage ended before
the date is no longer open. A correction is revision 2 of the same record (``record_id``
is the first revision's id, ``supersedes_id`` points at it); the first revision stays and
the fulfilment moves to the correction, as ``correct_visit`` does.
"""

from __future__ import annotations

from typing import Any

from fdclient.domain.codes import ReferralDirection, ReferralUrgency, VisitKind
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND
from fdclient.services.demo.common import Context, Row, TableRows
from fdclient.services.demo.contracts import Coverage
from fdclient.services.demo.organisation import Organisation
from fdclient.services.demo.people import Person
from fdclient.services.demo.planning import DONE, FULFILLED_ON, PLANNED, STATUS, VISIT, Planner

VISIT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "record_id",
    "revision",
    "supersedes_id",
    "correction_reason",
    "resident_id",
    "contract_id",
    "kind",
    "visit_date",
    "mode",
    "doctor_id",
    "next_visit_date",
    "notes",
)
CHRONIC_COLUMNS = (
    "id",
    "symptoms",
    "systolic",
    "diastolic",
    "weight_kg",
    "weight_target_kg",
    "height_cm",
    "bmi",
    "bmi_target",
    "cigarettes_per_day",
    "cigarettes_target",
    "alcohol_per_day",
    "alcohol_target",
    "exercise_times_per_week",
    "exercise_minutes",
    "exercise_target_times",
    "exercise_target_minutes",
    "psychological_adjustment",
    "compliance_behaviour",
    "medication_compliance",
    "adverse_reaction",
    "classification",
    "referral_reason",
    "referral_institution",
)
HYPERTENSION_COLUMNS = (*CHRONIC_COLUMNS, "heart_rate", "salt_intake", "salt_target", "bp_target", "danger_signs")
DIABETES_COLUMNS = (
    *CHRONIC_COLUMNS,
    "dorsalis_pedis",
    "staple_food_g",
    "staple_food_target_g",
    "fasting_glucose",
    "hba1c",
    "hba1c_date",
    "hypoglycaemia",
    "insulin_type",
    "insulin_dose",
    "bp_target",
    "danger_signs",
)
ELDERLY_COLUMNS = (
    "id",
    "symptoms",
    "temperature_c",
    "pulse",
    "respiration",
    "systolic_left",
    "diastolic_left",
    "systolic_right",
    "diastolic_right",
    "height_cm",
    "weight_kg",
    "waist_cm",
    "bmi",
    "health_self_assessment",
    "self_care_score",
    "cognition_screen",
    "emotion_screen",
    "haemoglobin_g_l",
    "fasting_glucose",
    "total_cholesterol",
    "triglycerides",
    "ldl_cholesterol",
    "hdl_cholesterol",
    "creatinine_umol_l",
    "alt_u_l",
    "ast_u_l",
    "ecg",
    "abdominal_ultrasound",
    "evaluation",
    "abnormal_findings",
    "health_guidance",
)
HOME_VISIT_COLUMNS = ("id", "purposes", "summary", "systolic", "diastolic", "blood_glucose")
SERVICE_RECORD_COLUMNS = ("id", "service_kind", "summary")
MEDICATION_COLUMNS = ("id", "created_at", "updated_at", "visit_id", "position", "name", "times_per_day", "dose")
REFERRAL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "resident_id",
    "visit_id",
    "direction",
    "urgency",
    "referred_on",
    "reason",
    "institution",
    "department",
    "doctor_id",
    "outcome",
    "outcome_on",
)
SURVEY_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "resident_id",
    "contract_id",
    "surveyed_on",
    "channel",
    "score",
    "satisfied",
    "comments",
    "surveyor_id",
)
DETAIL_TABLES: dict[VisitKind, tuple[str, tuple[str, ...]]] = {
    VisitKind.HYPERTENSION: ("hypertension_followups", HYPERTENSION_COLUMNS),
    VisitKind.DIABETES: ("diabetes_followups", DIABETES_COLUMNS),
    VisitKind.ELDERLY_CHECK: ("elderly_checks", ELDERLY_COLUMNS),
    VisitKind.HOME_VISIT: ("home_visits", HOME_VISIT_COLUMNS),
    VisitKind.SERVICE: ("service_records", SERVICE_RECORD_COLUMNS),
}
#: The stored service kind each visit kind with a form of its own fulfils.
_FULFILS = {kind: service.value for kind, service in VISIT_SERVICE_KIND.items()}
_UP = ReferralDirection.UP.value
_URGENT, _ROUTINE = ReferralUrgency.URGENT.value, ReferralUrgency.ROUTINE.value


class VisitLog:
    """Collects visit rows and their dependants in insert order."""

    def __init__(self, ctx: Context, org: Organisation, coverage: Coverage, planner: Planner) -> None:
        self.ctx, self.org, self.coverage, self.planner = ctx, org, coverage, planner
        self.visits: list[Row] = []
        self.details: dict[VisitKind, list[Row]] = {kind: [] for kind in DETAIL_TABLES}
        self.medications: list[Row] = []
        self.referrals: list[Row] = []
        self.surveys: list[Row] = []
        self.institution = f"{ctx.township.county_name or '县'}人民医院"
        #: The planned service the last record added fulfilled (a correction takes it over).
        self._fulfilled: list[Any] | None = None

    def doctor_for(self, p: Person) -> str:
        village = self.org.villages[p.village]
        return village.doctor_id if self.ctx.rng.random() < 0.75 else self.org.teams[village.team].leader_id

    def contract_on(self, p: Person, day: int) -> str | None:
        """The contract covering ``p`` on ``day`` (the later-started one if two do)."""
        found, started = None, -1
        for first, last, start, cid in self.coverage.periods.get(p.id, ()):
            if first <= day <= last and start > started:
                found, started = cid, start
        return found

    def fulfil(self, p: Person, service_kind: str, day: int, visit_id: str) -> str | None:
        """Mark done the planned service of the covering contract a record of ``service_kind``
        on ``day`` delivers, if one is open; returns that contract."""
        cid = self.contract_on(p, day)
        self._fulfilled = None
        entries = self.planner.services_of(p.id, service_kind)
        if cid is None or not entries:
            return cid
        closed = self.planner.closes.get((cid, p.id))
        if closed is not None and closed < day:
            return cid
        current: list[Any] | None = None
        overdue: list[Any] | None = None
        for ws, we, owner, row in entries:
            if owner != cid or row[STATUS] != PLANNED:
                continue
            if ws <= day <= we:
                if current is None:
                    current = row
            elif we < day and overdue is None:
                overdue = row
        fulfilled = current if current is not None else overdue
        if fulfilled is not None:
            fulfilled[STATUS], fulfilled[FULFILLED_ON], fulfilled[VISIT] = DONE, self.ctx.days(day), visit_id
            self._fulfilled = fulfilled
        return cid

    def add(
        self,
        p: Person,
        kind: VisitKind,
        day: int,
        mode: str,
        doctor: str,
        next_day: int | None,
        detail: Row,
        notes: str | None = None,
    ) -> str:
        """Record revision 1 of a visit; ``detail`` is the detail row without its id (a
        service record's starts with the service kind it records)."""
        ctx = self.ctx
        vid = ctx.ids()
        contract = self.fulfil(p, detail[0] if kind is VisitKind.SERVICE else _FULFILS[kind], day, vid)
        days = ctx.days
        self.visits.append(
            (
                vid,
                ctx.stamp,
                ctx.stamp,
                vid,
                1,
                None,
                None,
                p.id,
                contract,
                kind.value,
                days(day),
                mode,
                doctor,
                days(next_day) if next_day else None,
                notes,
            )
        )
        self.details[kind].append((vid, *detail))
        return vid

    def correct(self, first_id: str, reason: str, detail: Row) -> str:
        """Revision 2 of the visit just recorded with ``first_id``, with a corrected detail;
        the planned service it fulfilled passes to the correction."""
        ctx = self.ctx
        original = self.visits[-1]
        assert original[0] == first_id
        vid = ctx.ids()
        self.visits.append((vid, ctx.stamp, ctx.stamp, first_id, 2, first_id, reason, *original[7:]))
        self.details[VisitKind(original[9])].append((vid, *detail))
        if self._fulfilled is not None and self._fulfilled[VISIT] == first_id:
            self._fulfilled[VISIT] = vid
        return vid

    def medicines(self, visit_id: str, drugs: tuple[tuple[str, int, str], ...]) -> None:
        ids, stamp = self.ctx.ids, self.ctx.stamp
        for position, (name, times, dose) in enumerate(drugs, start=1):
            self.medications.append((ids(), stamp, stamp, visit_id, position, name, times, dose))

    def refer(
        self, p: Person, visit_id: str, day: int, urgent: bool, reason: str, department: str, doctor: str
    ) -> None:
        ctx = self.ctx
        outcome = outcome_on = None
        if day + 14 < ctx.as_of and ctx.rng.random() < 0.8:
            outcome = "住院治疗后病情稳定，转回社区继续管理" if urgent else "调整用药方案后转回社区随访"
            outcome_on = ctx.days(day + ctx.randint(3, 14))
        self.referrals.append(
            (
                ctx.ids(),
                ctx.stamp,
                ctx.stamp,
                p.id,
                visit_id,
                _UP,
                _URGENT if urgent else _ROUTINE,
                ctx.days(day),
                reason,
                self.institution,
                department,
                doctor,
                outcome,
                outcome_on,
            )
        )

    def tables(self) -> list[TableRows]:
        return [
            TableRows("visits", VISIT_COLUMNS, self.visits),
            *(TableRows(table, columns, self.details[kind]) for kind, (table, columns) in DETAIL_TABLES.items()),
            TableRows("medications", MEDICATION_COLUMNS, self.medications),
            TableRows("referrals", REFERRAL_COLUMNS, self.referrals),
        ]
