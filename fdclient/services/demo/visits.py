"""Visit records as rows: a ``visits`` row plus a detail row with the same id (joined-table
inheritance), medicines, referrals, corrections, and the planned services a visit fulfils.

A visit fulfils the open planned service of its kind whose window contains the visit date,
or else the earliest overdue one (the rule of services/service_plan.py). A visit belongs to
the contract covering the resident that day, if any. A correction is revision 2 of the same record (``record_id`` is
the first revision's id, ``supersedes_id`` points at it); the first revision stays.
"""

from __future__ import annotations

from fdclient.domain.codes import PlannedServiceStatus, ReferralDirection, ReferralUrgency, ServiceKind, VisitKind
from fdclient.services.demo.common import Context, Row, TableRows
from fdclient.services.demo.contracts import Coverage, OpenRow
from fdclient.services.demo.organisation import Organisation
from fdclient.services.demo.people import Person

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
HYPERTENSION_COLUMNS = (*CHRONIC_COLUMNS, "heart_rate", "salt_intake", "salt_target", "bp_target")
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
#: Visit kind → the planned service kind it fulfils.
FULFILS: dict[VisitKind, ServiceKind] = {
    VisitKind.HYPERTENSION: ServiceKind.HYPERTENSION_FOLLOWUP,
    VisitKind.DIABETES: ServiceKind.DIABETES_FOLLOWUP,
    VisitKind.ELDERLY_CHECK: ServiceKind.ELDERLY_CHECK,
    VisitKind.HOME_VISIT: ServiceKind.HOME_VISIT,
}
DETAIL_TABLES: dict[VisitKind, tuple[str, tuple[str, ...]]] = {
    VisitKind.HYPERTENSION: ("hypertension_followups", HYPERTENSION_COLUMNS),
    VisitKind.DIABETES: ("diabetes_followups", DIABETES_COLUMNS),
    VisitKind.ELDERLY_CHECK: ("elderly_checks", ELDERLY_COLUMNS),
    VisitKind.HOME_VISIT: ("home_visits", HOME_VISIT_COLUMNS),
}
_PLANNED, _DONE = PlannedServiceStatus.PLANNED.value, PlannedServiceStatus.DONE.value
_UP = ReferralDirection.UP.value
_URGENT, _ROUTINE = ReferralUrgency.URGENT.value, ReferralUrgency.ROUTINE.value


class VisitLog:
    """Collects visit rows and their dependants in insert order."""

    def __init__(self, ctx: Context, org: Organisation, coverage: Coverage) -> None:
        self.ctx, self.org, self.coverage = ctx, org, coverage
        self.visits: list[Row] = []
        self.details: dict[VisitKind, list[Row]] = {kind: [] for kind in DETAIL_TABLES}
        self.medications: list[Row] = []
        self.referrals: list[Row] = []
        self.surveys: list[Row] = []
        self.institution = f"{ctx.township.county_name or '县'}人民医院"

    def doctor_for(self, p: Person) -> str:
        village = self.org.villages[p.village]
        return village.doctor_id if self.ctx.rng.random() < 0.75 else self.org.teams[village.team].leader_id

    def contract_on(self, p: Person, day: int) -> str | None:
        for first, last, cid in self.coverage.periods.get(p.id, ()):
            if first <= day <= last:
                return cid
        return None

    def fulfil(self, p: Person, kind: VisitKind, day: int, visit_id: str) -> str | None:
        """Mark the planned service this visit delivers done; the visit's contract: the one in
        force that day, else the fulfilled service's."""
        entries = self.coverage.open_services.get((p.id, FULFILS[kind]))
        if entries:
            current: OpenRow | None = None
            overdue: OpenRow | None = None
            for ws, we, row in entries:
                if row[10] != _PLANNED:
                    continue
                if ws <= day <= we:
                    current = row
                    break
                if we < day and overdue is None:
                    overdue = row
            fulfilled = current if current is not None else overdue
            if fulfilled is not None:
                fulfilled[10], fulfilled[11], fulfilled[12] = _DONE, self.ctx.days(day), visit_id
                return self.contract_on(p, day) or fulfilled[3]
        return self.contract_on(p, day)

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
        """Record revision 1 of a visit; ``detail`` is the detail row without its id."""
        ctx = self.ctx
        vid = ctx.ids()
        contract = self.fulfil(p, kind, day, vid)
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
        """Revision 2 of the visit just recorded with ``first_id``, with a corrected detail."""
        ctx = self.ctx
        original = self.visits[-1]
        assert original[0] == first_id
        vid = ctx.ids()
        self.visits.append((vid, ctx.stamp, ctx.stamp, first_id, 2, first_id, reason, *original[7:]))
        self.details[VisitKind(original[9])].append((vid, *detail))
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
