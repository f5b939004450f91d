"""The demo township's visits: follow-ups that say what the follow-up rules say, plausible
readings, medicines, elderly checks, home visits, surveys and corrections."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from helpers.demo_township import AS_OF, Demo, rows
from sqlalchemy import select

from fdclient.domain.codes import ContractStatus, VisitKind
from fdclient.domain.followup_rules import classify_bp, classify_fasting_glucose, danger_findings, followup_outcome
from fdclient.domain.key_populations import age_on
from fdclient.models import Contract, HypertensionFollowup, Visit
from fdclient.services.demo.followups import DM_DRUGS, HT_DRUGS

# -- visits ---------------------------------------------------------------------------------------


def test_hypertension_follow_ups_are_plausible(demo: Demo) -> None:
    store, _ = demo
    found = rows(
        store,
        "SELECT v.id, h.systolic, h.diastolic, h.classification, h.heart_rate FROM visits v "
        "JOIN hypertension_followups h ON h.id = v.id",
    )
    referred = {r[0] for r in rows(store, "SELECT visit_id FROM referrals WHERE urgency = 'urgent'")}
    assert len(found) > 500
    for v in found:
        assert 90 <= v.systolic <= 220 and 50 <= v.diastolic <= 130 and v.systolic > v.diastolic
        assert 50 <= v.heart_rate <= 110
        if v.systolic >= 180 or v.diastolic >= 110:
            assert v.id in referred
    typical = sum(120 <= v.systolic <= 160 and 70 <= v.diastolic <= 95 for v in found) / len(found)
    controlled = sum(v.classification == "1" for v in found) / len(found)
    assert typical > 0.75 and 0.4 < controlled < 0.9


@pytest.mark.parametrize("kind", [VisitKind.HYPERTENSION, VisitKind.DIABETES])
def test_follow_up_forms_say_what_the_follow_up_rules_say(demo: Demo, kind: VisitKind) -> None:
    """Classification, next visit date and urgent referral of every first revision are
    those of domain.followup_rules for its readings and the patient's previous follow-up
    (diabetes on fasting glucose alone); patients are followed up from 35 and after their
    diagnosis."""
    store, _ = demo
    table = "hypertension_followups" if kind == VisitKind.HYPERTENSION else "diabetes_followups"
    glucose = "f.fasting_glucose" if kind == VisitKind.DIABETES else "NULL"
    disease = "2" if kind == VisitKind.HYPERTENSION else "3"
    found = rows(
        store,
        f"SELECT v.id, v.resident_id, v.visit_date, v.next_visit_date, r.birth_date, f.symptoms, f.danger_signs, "
        f"f.systolic, f.diastolic, f.bp_target, {glucose} AS glucose, f.classification, "
        f"(SELECT min(d.diagnosed_on) FROM diagnoses d WHERE d.resident_id = r.id AND d.disease = '{disease}') "
        f"AS diagnosed FROM visits v JOIN {table} f ON f.id = v.id JOIN residents r ON r.id = v.resident_id "
        "WHERE v.revision = 1 ORDER BY v.resident_id, v.visit_date",
    )
    urgent = {r[0] for r in rows(store, "SELECT visit_id FROM referrals WHERE urgency = 'urgent'")}
    previous: dict[str, Any] = {}
    outcomes = Counter()
    for v in found:
        day, born = date.fromisoformat(v.visit_date), date.fromisoformat(v.birth_date)
        assert age_on(born, day) >= 35 and v.diagnosed is not None and v.diagnosed < v.visit_date
        bp = classify_bp(v.systolic, v.diastolic, age_on(born, day), v.bp_target)
        deciding = bp if v.glucose is None else classify_fasting_glucose(v.glucose)
        signs = danger_findings(kind, v.symptoms.split(","), v.danger_signs.split(",") if v.danger_signs else ())
        outcome = followup_outcome(
            kind,
            day,
            bp=bp,
            glucose=deciding if v.glucose is not None else None,  # type: ignore[arg-type]
            previous=previous.get(v.resident_id),
            danger_signs=signs,
        )
        previous[v.resident_id] = deciding
        assert v.classification == str(outcome.classification)
        assert outcome.next_due is not None and v.next_visit_date == outcome.next_due.isoformat()
        assert outcome.referral.urgent == (v.id in urgent)
        outcomes[(v.classification, outcome.referral.urgent)] += 1
    assert outcomes[("1", False)] > outcomes[("2", False)] > 0 and outcomes[("2", True)] > 0


def test_diabetes_follow_ups_and_medicines(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT fasting_glucose, hba1c, classification, bp_target FROM diabetes_followups")
    assert len(found) > 100
    for d in found:
        assert 2.9 < d.fasting_glucose < 20
        assert str(classify_fasting_glucose(d.fasting_glucose).form_classification) == d.classification
        assert d.hba1c is None or 4 < d.hba1c < 12
        assert d.bp_target is not None
    assert sum(5 <= d.fasting_glucose <= 12 for d in found) / len(found) > 0.95
    assert any(d.hba1c is not None for d in found)
    medicines = Counter((m.name, m.dose) for m in rows(store, "SELECT name, dose FROM medications"))
    known = {(n, dose) for n, _, dose in HT_DRUGS + DM_DRUGS}
    assert set(medicines) <= known and ("氨氯地平片", "5mg") in medicines and ("二甲双胍片", "0.5g") in medicines


def test_elderly_checks_home_visits_and_surveys(demo: Demo) -> None:
    store, _ = demo
    checks = rows(
        store,
        "SELECT v.visit_date, r.birth_date, e.self_care_score FROM visits v "
        "JOIN elderly_checks e ON e.id = v.id JOIN residents r ON r.id = v.resident_id",
    )
    assert len(checks) > 100
    for c in checks:
        assert age_on(date.fromisoformat(c.birth_date), date.fromisoformat(c.visit_date)) >= 65
        assert 0 <= c.self_care_score <= 30
    assert sum(c.self_care_score <= 3 for c in checks) / len(checks) > 0.6
    yearly = rows(
        store,
        "SELECT resident_id, substr(visit_date, 1, 4), count(*) FROM visits WHERE kind = 'elderly_check' "
        "AND revision = 1 GROUP BY 1, 2 HAVING count(*) > 1",
    )
    assert yearly == []
    assert rows(store, "SELECT count(*) FROM home_visits")[0][0] > 0
    scores = [s for (s,) in rows(store, "SELECT score FROM satisfaction_surveys")]
    assert scores and sum(80 <= s <= 100 for s in scores) / len(scores) > 0.8


def test_orm_loads_demo_rows_with_their_types(demo: Demo) -> None:
    store, _ = demo
    with store.read() as session:
        visit = session.scalars(select(Visit).where(Visit.kind == VisitKind.HYPERTENSION).limit(1)).one()
        assert isinstance(visit, HypertensionFollowup) and visit.symptoms and visit.systolic > visit.diastolic
        assert visit.medications and visit.medications[0].name
        contract = session.scalars(select(Contract).where(Contract.status == ContractStatus.ACTIVE).limit(1)).one()
        assert contract.signed_at.tzinfo is not None and contract.members and contract.packages
        assert contract.start_date <= AS_OF <= contract.end_date


def test_every_visit_has_one_detail_and_corrections_chain(demo: Demo) -> None:
    store, _ = demo
    kinds = {
        "hypertension": "hypertension_followups",
        "diabetes": "diabetes_followups",
        "elderly_check": "elderly_checks",
        "home_visit": "home_visits",
        "service": "service_records",
    }
    for kind, table in kinds.items():
        assert (
            rows(
                store,
                f"SELECT count(*) FROM visits v LEFT JOIN {table} d ON d.id = v.id WHERE v.kind = :k AND d.id IS NULL",
                k=kind,
            )[0][0]
            == 0
        )
    assert rows(store, "SELECT count(*) FROM visits WHERE revision = 1 AND record_id != id")[0][0] == 0
    corrections = rows(
        store,
        "SELECT n.record_id, o.id, o.resident_id = n.resident_id, o.revision, n.correction_reason "
        "FROM visits n JOIN visits o ON o.id = n.supersedes_id WHERE n.revision = 2",
    )
    assert corrections and all(c[0] == c[1] and c[2] and c[3] == 1 and c[4] for c in corrections)
    changed = rows(
        store,
        "SELECT o.weight_kg - n.weight_kg FROM visits v JOIN hypertension_followups n ON n.id = v.id "
        "JOIN hypertension_followups o ON o.id = v.supersedes_id WHERE v.revision = 2",
    )
    assert changed and all(abs(d - 1.0) < 0.05 for (d,) in changed)
