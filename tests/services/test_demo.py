"""The demo township generator: an empty store filled with a realistic, consistent township."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import CheckConstraint, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fdclient.domain.followup_rules import classify_bp, classify_fasting_glucose
from fdclient.domain.identity import parse_id_number
from fdclient.domain.key_populations import age_on, compute_tags
from fdclient.errors import RuleError, ValidationError
from fdclient.models import AuditEntry, Base, Contract, HypertensionFollowup, Resident, Visit
from fdclient.services.contracts.plan import add_years, windows
from fdclient.services.demo import DemoTownship, build_demo, generate_demo, write_demo
from fdclient.services.demo.followups import DM_DRUGS, HT_DRUGS
from fdclient.services.demo.writer import insert_sql, write_rows_sqlite3
from fdclient.services.registry.residents import person_facts
from fdclient.services.registry.search import search_residents
from fdclient.store import create_store, open_store

CODE, NAME = "360111101", "罗家镇"
AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """One few-thousand-resident township shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("demo") / "store"
    store = create_store(folder, CODE, NAME)
    summary = generate_demo(store, villages=6, households=1000, seed=7, as_of=AS_OF)
    try:
        yield store, summary
    finally:
        store.close()


def rows(store, sql: str, **params) -> list:
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def township(store) -> DemoTownship:
    return DemoTownship(store.info.township_id.hex, CODE, NAME)


# -- the store before and after -------------------------------------------------------------


def test_refuses_a_store_that_already_has_residents(demo):
    store, _ = demo
    before = rows(store, "SELECT count(*) FROM residents")[0][0]
    with pytest.raises(RuleError) as caught:
        generate_demo(store, villages=2, households=10, seed=1, as_of=AS_OF)
    assert "空数据库" in caught.value.message and f"{before} 位居民" in caught.value.message
    assert rows(store, "SELECT count(*) FROM residents")[0][0] == before


def test_refuses_impossible_sizes(store):
    with pytest.raises(ValidationError):
        build_demo(township(store), villages=0, households=10, seed=1, as_of=AS_OF)
    with pytest.raises(ValidationError):
        build_demo(township(store), villages=5, households=3, seed=1, as_of=AS_OF)


def test_store_opens_clean_and_is_searchable_afterwards(demo):
    store, _ = demo
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
    reopened = open_store(store.info.path.parent)
    try:
        with reopened.session() as session:
            someone = session.scalars(select(Resident).where(Resident.name.like("__%")).limit(1)).one()
            assert isinstance(someone.birth_date, date) and someone.id.version == 7
            hits = search_residents(session, someone.name)
            assert someone.id in {h.id for h in hits}
    finally:
        reopened.close()


def test_one_audit_entry_summarises_the_demo(demo):
    store, summary = demo
    with Session(store.engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "demo")).all()
    assert len(entries) == 1 and entries[0].action == "insert"
    assert entries[0].changes["counts"] == dict(summary.counts)
    assert summary.counts["residents"] == rows(store, "SELECT count(*) FROM residents")[0][0] > 2500
    assert entries[0].changes["seed"] == 7 and entries[0].changes["as_of"] == AS_OF.isoformat()


# -- determinism and the rows themselves -------------------------------------------------------


def _dump(store, township_hex: str | None = None) -> dict[str, list]:
    """Every demo-written table, the store's own township id replaced by "T"."""
    township_hex = township_hex or store.info.township_id.hex
    out = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in ("townships", "local_settings"):
                continue
            found = conn.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY rowid").all()
            out[table.name] = [tuple("T" if v == township_hex else v for v in row) for row in found]
    return out


def test_same_seed_same_rows_including_ids(store, tmp_path):
    other = create_store(tmp_path / "other", CODE, NAME)
    try:
        for s in (store, other):
            generate_demo(s, villages=3, households=120, seed=5, as_of=AS_OF)
        first, second = _dump(store), _dump(other)
    finally:
        other.close()
    assert first == second and len(first["residents"]) > 300 and len(first["visits"]) > 0
    changed = build_demo(township(store), villages=3, households=120, seed=6, as_of=AS_OF)
    assert [r[0] for r in changed.table("residents").rows] != [r[0] for r in first["residents"]]


def test_columns_cover_every_required_column():
    data = build_demo(DemoTownship("0" * 32, CODE, NAME), villages=2, households=30, seed=1, as_of=AS_OF)
    for t in data.tables:
        table = Base.metadata.tables[t.name]
        assert set(t.columns) <= set(table.columns.keys()), t.name
        required = {c.name for c in table.columns if not c.nullable and c.server_default is None}
        assert required <= set(t.columns), (t.name, required - set(t.columns))
        assert all(len(r) == len(t.columns) for r in t.rows), t.name


def test_plain_sqlite3_writes_the_same_database(tmp_path):
    """The benchmark's baseline inserts exactly what write_demo does."""
    a = create_store(tmp_path / "a", CODE, NAME)
    b = create_store(tmp_path / "b", CODE, NAME)
    try:
        data = build_demo(township(a), villages=2, households=40, seed=3, as_of=AS_OF)
        with a.engine.begin() as conn:
            write_demo(conn, data)
        con = sqlite3.connect(b.info.path, isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("UPDATE townships SET id = ?", (a.info.township_id.hex,))
        write_rows_sqlite3(con, data)
        con.close()
        written, baseline = _dump(a), _dump(b, a.info.township_id.hex)
    finally:
        a.close()
        b.close()
    assert written == baseline and len(written["planned_services"]) > 0


def test_a_row_breaking_a_check_is_caught_and_nothing_is_written(store):
    data = build_demo(township(store), villages=2, households=20, seed=3, as_of=AS_OF)
    residents = data.table("residents")
    sex = residents.columns.index("sex")
    residents.rows[5] = (*residents.rows[5][:sex], 5, *residents.rows[5][sex + 1 :])
    with pytest.raises(RuntimeError, match=r"residents\.ck_residents_sex_code"):
        with store.engine.begin() as conn:
            write_demo(conn, data)
    assert rows(store, "SELECT count(*) FROM residents")[0][0] == 0
    with store.engine.connect() as conn:  # the pooled connection enforces checks again
        assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
        with pytest.raises(IntegrityError, match="CHECK constraint failed"):
            conn.exec_driver_sql(insert_sql(residents), residents.rows[5])


def test_the_store_has_exactly_the_models_checks(store):
    """write_demo verifies the models' CHECK constraints after the load: the store must
    have no others."""
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table.name,)).scalar()
            model = sum(isinstance(c, CheckConstraint) for c in table.constraints)
            assert sql.count(" CHECK ") == model, table.name


# -- geography, people, households -------------------------------------------------------------


def test_village_codes_and_record_numbers(demo):
    store, _ = demo
    villages = rows(store, "SELECT id, code, record_segment FROM villages")
    segments = {v.id: v.record_segment for v in villages}
    kinds = set()
    for v in villages:
        assert len(v.code) == 12 and v.code.startswith(CODE)
        segment, record = int(v.code[9:]), int(v.record_segment)
        if segment < 200:
            kinds.add("neighbourhood")
            assert 1 <= segment <= 199 and 1 <= record <= 99
        else:
            kinds.add("village")
            assert 200 <= segment <= 399 and 101 <= record <= 199
    assert kinds == {"neighbourhood", "village"}
    numbers = rows(store, "SELECT village_id, health_record_no FROM residents ORDER BY rowid")
    assert len({n.health_record_no for n in numbers}) == len(numbers)
    sequences = defaultdict(list)
    for n in numbers:
        assert len(n.health_record_no) == 17 and n.health_record_no.isdigit()
        assert n.health_record_no[:12] == CODE + segments[n.village_id]
        sequences[n.village_id].append(int(n.health_record_no[12:]))
    for seq in sequences.values():
        assert seq == list(range(1, len(seq) + 1))  # registration order within the village


def test_id_numbers_are_valid_and_agree_with_the_record(demo):
    store, _ = demo
    found = rows(store, "SELECT id_type, id_number, birth_date, sex FROM residents")
    regions = Counter()
    for r in found:
        if r.id_number is None:
            assert (AS_OF - date.fromisoformat(r.birth_date)).days < 90
            continue
        parsed = parse_id_number(r.id_number, today=AS_OF)
        assert parsed.birth_date == date.fromisoformat(r.birth_date) and parsed.sex == r.sex
        regions[parsed.region_code[:6] == CODE[:6]] += 1
        assert parsed.region_code.startswith(CODE[:2])
    assert regions[True] > 0.75 * len(found) and regions[False] > 0
    assert len({r.id_number for r in found if r.id_number}) == sum(1 for r in found if r.id_number)


def test_names_pinyin_and_minorities(demo):
    store, _ = demo
    found = rows(store, "SELECT name, name_pinyin, name_initials, ethnicity FROM residents")
    assert all(r.name_pinyin and r.name_initials == "".join(s[0] for s in r.name_pinyin.split()) for r in found)
    surnames = Counter(r.name[0] for r in found)
    assert surnames.most_common(1)[0][1] > 0.04 * len(found)  # clans and common surnames
    assert len(surnames) > 40


def test_households_have_one_head_and_consistent_relationships(demo):
    store, _ = demo
    people = rows(store, "SELECT id, household_id, relationship_to_head AS rel, sex, birth_date FROM residents")
    heads = dict(rows(store, "SELECT id, head_id FROM households"))
    members = defaultdict(list)
    for p in people:
        members[p.household_id].append(p)
    assert set(members) == set(heads)
    for household, group in members.items():
        assert 1 <= len(group) <= 6
        head = [p for p in group if p.rel == "01"]
        assert len(head) == 1 and heads[household] == head[0].id
        head, head_born = head[0], date.fromisoformat(head[0].birth_date)
        for p in group:
            born = date.fromisoformat(p.birth_date)
            years = (born - head_born).days / 365.25
            if p.rel == "10":
                assert p.sex != head.sex and abs(years) <= 10
            elif p.rel in ("20", "30"):
                assert 16 <= years <= 45, (p, head)
            elif p.rel == "40":
                assert years >= 36
            elif p.rel == "50":
                assert years <= -20


def test_rural_age_pyramid(demo):
    store, _ = demo
    ages = [age_on(date.fromisoformat(b), AS_OF) for (b,) in rows(store, "SELECT birth_date FROM residents")]
    share = lambda low, high: sum(low <= a <= high for a in ages) / len(ages)  # noqa: E731
    assert 0.14 <= share(65, 200) <= 0.28
    assert share(0, 6) >= 0.04
    assert share(20, 40) < share(41, 64)


def test_conditions_rise_with_age(demo):
    store, _ = demo
    found = rows(store, "SELECT birth_date, has_hypertension AS ht, has_diabetes AS dm FROM residents")
    bands = defaultdict(lambda: [0, 0, 0])
    for r in found:
        a = age_on(date.fromisoformat(r.birth_date), AS_OF)
        band = "35-54" if 35 <= a <= 54 else "75+" if a >= 75 else None
        if band:
            bands[band][0] += 1
            bands[band][1] += r.ht
            bands[band][2] += r.dm
    young, old = bands["35-54"], bands["75+"]
    assert 0.05 < young[1] / young[0] < 0.25 and 0.4 < old[1] / old[0] < 0.7
    assert old[2] < old[1] and old[2] > 0


# -- contracts ----------------------------------------------------------------------------------


def test_coverage_and_key_population_coverage(demo):
    store, _ = demo
    covered = {r[0] for r in rows(store, "SELECT resident_id FROM contract_members WHERE is_active")}
    with Session(store.engine) as session:
        residents = session.scalars(select(Resident).where(Resident.status == "active")).all()
        key = [r for r in residents if compute_tags(person_facts(r), AS_OF)]
    overall = sum(r.id.hex in covered for r in residents) / len(residents)
    key_coverage = sum(r.id.hex in covered for r in key) / len(key)
    assert 0.5 <= overall <= 0.7
    assert 0.75 <= key_coverage <= 0.92 and key_coverage > overall + 0.1


def test_contract_history_and_rules(demo):
    store, _ = demo
    assert (
        rows(store, "SELECT resident_id FROM contract_members WHERE is_active GROUP BY resident_id HAVING count(*) > 1")
        == []
    )
    statuses = Counter(s for (s,) in rows(store, "SELECT status FROM contracts"))
    assert {"active", "expired", "renewed", "terminated"} <= set(statuses)
    assert statuses["active"] > statuses["expired"]
    renewed = rows(
        store,
        "SELECT c.id, c.end_date, n.start_date, n.status FROM contracts c JOIN contracts n ON n.renewal_of_id = c.id",
    )
    assert len(renewed) == statuses["renewed"]
    assert all(date.fromisoformat(r[2]) == date.fromordinal(date.fromisoformat(r[1]).toordinal() + 1) for r in renewed)
    reasons = Counter(r for (r,) in rows(store, "SELECT termination_reason FROM contracts WHERE status = 'terminated'"))
    assert None not in reasons and {"death", "voluntary", "refused"} <= set(reasons)
    assert rows(store, "SELECT count(*) FROM contracts WHERE NOT consent_given OR signed_at IS NULL")[0][0] == 0
    assert (
        rows(
            store,
            "SELECT count(*) FROM contract_members m JOIN contracts c ON c.id = m.contract_id "
            "WHERE m.is_active AND (c.status != 'active' OR c.end_date < :d)",
            d=AS_OF.isoformat(),
        )[0][0]
        == 0
    )
    household = Counter(s for (s,) in rows(store, "SELECT scope FROM contracts"))
    assert household["household"] > 4 * household["individual"] > 0


def test_package_fees_split_as_documented(demo):
    store, _ = demo
    fees = {
        r[0]: tuple(r[1:])
        for r in rows(
            store,
            "SELECT code, fee_total_fen, fee_insurance_fen, "
            "fee_public_health_fen, fee_resident_fen FROM service_packages",
        )
    }
    assert fees["JC-55"] == (5500, 2000, 3000, 500)
    assert fees["ZD-150"] == (15000, 11000, 3000, 1000)
    assert fees["TP-15"] == (1500, 1000, 500, 0)
    targets = {t for (t,) in rows(store, "SELECT target_population FROM service_packages")}
    assert {"hypertension", "diabetes", "elderly", "maternal", "child"} <= targets


def test_planned_services_follow_the_package_items(demo):
    store, _ = demo
    plans = rows(
        store,
        "SELECT p.service_kind, p.sequence, p.window_start, p.window_end, p.status, p.fulfilled_on, "
        "p.visit_id, p.resident_id, c.start_date, c.term_years, i.times_per_year, v.kind, v.visit_date, "
        "v.resident_id AS visit_resident FROM planned_services p JOIN contracts c ON c.id = p.contract_id "
        "JOIN package_items i ON i.id = p.package_item_id LEFT JOIN visits v ON v.id = p.visit_id",
    )
    statuses = Counter(p.status for p in plans)
    assert statuses["done"] > 0 and statuses["planned"] > 0
    fulfilled_by_visit = 0
    for p in plans:
        start = date.fromisoformat(p.start_date)
        years = [(add_years(start, k), add_years(start, k + 1)) for k in range(p.term_years)]
        spans = [
            w for first, nxt in years for w in windows(first, date.fromordinal(nxt.toordinal() - 1), p.times_per_year)
        ]
        assert (date.fromisoformat(p.window_start), date.fromisoformat(p.window_end)) in spans
        assert (p.status == "done") == (p.fulfilled_on is not None)
        if p.visit_id is not None:
            fulfilled_by_visit += 1
            assert {
                "hypertension": "hypertension_followup",
                "diabetes": "diabetes_followup",
                "elderly_check": "elderly_check",
                "home_visit": "home_visit",
            }[p.kind] == p.service_kind
            assert p.visit_resident == p.resident_id and p.visit_date == p.fulfilled_on
    assert fulfilled_by_visit > 100


# -- visits ---------------------------------------------------------------------------------------


def test_hypertension_follow_ups_are_plausible(demo):
    store, _ = demo
    found = rows(
        store,
        "SELECT v.id, v.visit_date, r.birth_date, h.systolic, h.diastolic, h.classification, "
        "h.heart_rate, h.bp_target, v.next_visit_date FROM visits v "
        "JOIN hypertension_followups h ON h.id = v.id JOIN residents r ON r.id = v.resident_id",
    )
    referred = {r[0] for r in rows(store, "SELECT visit_id FROM referrals WHERE urgency = 'urgent'")}
    assert len(found) > 500
    for v in found:
        assert 90 <= v.systolic <= 220 and 50 <= v.diastolic <= 130 and v.systolic > v.diastolic
        age = age_on(date.fromisoformat(v.birth_date), date.fromisoformat(v.visit_date))
        assessment = classify_bp(v.systolic, v.diastolic, age, v.bp_target)
        assert str(assessment.form_classification) == v.classification
        weeks = (date.fromisoformat(v.next_visit_date) - date.fromisoformat(v.visit_date)).days / 7
        assert (weeks <= 2) if v.classification == "2" else (11 <= weeks <= 15)
        assert 50 <= v.heart_rate <= 110
        if v.systolic >= 180 or v.diastolic >= 110:
            assert v.id in referred
    typical = sum(120 <= v.systolic <= 160 and 70 <= v.diastolic <= 95 for v in found) / len(found)
    controlled = sum(v.classification == "1" for v in found) / len(found)
    assert typical > 0.75 and 0.4 < controlled < 0.9


def test_diabetes_follow_ups_and_medicines(demo):
    store, _ = demo
    found = rows(store, "SELECT fasting_glucose, hba1c, classification FROM diabetes_followups")
    assert len(found) > 100
    for d in found:
        assert 3.9 < d.fasting_glucose < 20
        assert str(classify_fasting_glucose(d.fasting_glucose).form_classification) == d.classification
        assert d.hba1c is None or 4 < d.hba1c < 12
    assert sum(5 <= d.fasting_glucose <= 12 for d in found) / len(found) > 0.95
    assert any(d.hba1c is not None for d in found)
    medicines = Counter((m.name, m.dose) for m in rows(store, "SELECT name, dose FROM medications"))
    known = {(n, dose) for n, _, dose in HT_DRUGS + DM_DRUGS}
    assert set(medicines) <= known and ("氨氯地平片", "5mg") in medicines and ("二甲双胍片", "0.5g") in medicines


def test_elderly_checks_home_visits_and_surveys(demo):
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
    assert rows(store, "SELECT count(*) FROM home_visits")[0][0] > 0
    scores = [s for (s,) in rows(store, "SELECT score FROM satisfaction_surveys")]
    assert scores and sum(80 <= s <= 100 for s in scores) / len(scores) > 0.8


def test_orm_loads_demo_rows_with_their_types(demo):
    store, _ = demo
    with Session(store.engine) as session:
        visit = session.scalars(select(Visit).where(Visit.kind == "hypertension").limit(1)).one()
        assert isinstance(visit, HypertensionFollowup) and visit.symptoms and visit.systolic > visit.diastolic
        assert visit.medications and visit.medications[0].name
        contract = session.scalars(select(Contract).where(Contract.status == "active").limit(1)).one()
        assert contract.signed_at.tzinfo is not None and contract.members and contract.packages
        assert contract.start_date <= AS_OF <= contract.end_date


def test_every_visit_has_one_detail_and_corrections_chain(demo):
    store, _ = demo
    kinds = {
        "hypertension": "hypertension_followups",
        "diabetes": "diabetes_followups",
        "elderly_check": "elderly_checks",
        "home_visit": "home_visits",
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


def test_the_indexes_dropped_for_the_load_are_all_back(demo, tmp_path) -> None:  # noqa: ANN001
    store, _summary = demo
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with store.engine.connect() as conn:
        after_demo = conn.exec_driver_sql(query).all()
    with create_store(tmp_path / "fresh", CODE, NAME) as fresh, fresh.engine.connect() as conn:
        fresh_store = conn.exec_driver_sql(query).all()
    assert after_demo == fresh_store
    assert any(name == "uq_contract_members_active_resident" for name, _ in after_demo)
