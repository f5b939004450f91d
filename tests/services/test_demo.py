"""The demo township generator: an empty store filled with a realistic, consistent township."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, Row, select, text

from fdclient.domain.codes import AuditAction, ContractStatus, ResidentStatus, VisitKind
from fdclient.domain.followup_rules import classify_bp, classify_fasting_glucose
from fdclient.domain.identity import parse_id_number
from fdclient.domain.key_populations import age_on, compute_tags
from fdclient.domain.roles import Role
from fdclient.domain.time import FixedClock
from fdclient.errors import PermissionDenied, RuleError, SignInError, ValidationError
from fdclient.models import AuditEntry, Base, Contract, HypertensionFollowup, Resident, Visit
from fdclient.services.contracts.plan import add_years, windows
from fdclient.services.demo import DemoSummary, DemoTownship, build_demo, generate_demo, write_demo
from fdclient.services.demo.followups import DM_DRUGS, HT_DRUGS
from fdclient.services.demo.writer import driver_connection, insert_sql, write_rows_sqlite3
from fdclient.services.registry.residents import person_facts
from fdclient.services.registry.search import search_residents
from fdclient.store import Store, create_store, open_store, sign_in
from fdclient.text import set_language

CODE, NAME = "360111101", "罗家镇"
AS_OF = date(2026, 11, 20)
PASSWORD = "demo-password-1"
CLOCK = FixedClock.on(AS_OF)
Demo = tuple[Store, DemoSummary]


def new_store(folder: Path, **options: Any) -> Store:
    """A new, empty store (its administrator only), signed in as that administrator."""
    return create_store(folder, CODE, NAME, admin_username="admin", admin_password=PASSWORD, clock=CLOCK, **options)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    """One few-thousand-resident township shared by the read-only tests of this module,
    made as ``fdclient demo`` makes a new one: while the store is created."""
    summaries: list[DemoSummary] = []

    def populate(store: Store) -> None:
        summaries.append(generate_demo(store, villages=6, households=1000, seed=7, as_of=AS_OF, password=PASSWORD))

    store = new_store(tmp_path_factory.mktemp("demo") / "store", populate=populate)
    try:
        yield store, summaries[0]
    finally:
        store.close()


def rows(store: Store, sql: str, **params: Any) -> list[Row[Any]]:
    with store.read() as session:
        return list(session.execute(text(sql), params).all())


def township(store: Store) -> DemoTownship:
    return DemoTownship(store.info.township_id.hex, CODE, NAME)


def opened_as(store: Store, username: str) -> Store:
    """The store's folder opened again, signed in as ``username`` with the demo's password."""
    key = sign_in(store.paths.folder, username, PASSWORD, clock=CLOCK)
    return open_store(store.paths.folder, key, clock=CLOCK, daily_backup=False)


# -- the store before and after -------------------------------------------------------------


def test_refuses_a_store_that_already_has_residents(demo: Demo) -> None:
    store, _ = demo
    before = rows(store, "SELECT count(*) FROM residents")[0][0]
    with pytest.raises(RuleError) as caught:
        generate_demo(store, villages=2, households=10, seed=1, as_of=AS_OF)
    assert "空数据库" in caught.value.message and f"{before} 位居民" in caught.value.message
    assert rows(store, "SELECT count(*) FROM residents")[0][0] == before
    set_language("en")
    try:
        english = caught.value.message
    finally:
        set_language("zh_CN")
    assert f"{before} residents" in english and "empty store" in english and "位" not in english


def test_refuses_a_store_with_staff_other_than_its_administrators(admin_store: Store) -> None:
    with pytest.raises(RuleError, match="名工作人员"):
        generate_demo(admin_store, villages=2, households=10, seed=1, as_of=AS_OF)


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.SPECIALIST, Role.NURSE, Role.PUBLIC_HEALTH])
def test_only_an_administrator_may_load_a_demo(store_as: Callable[[Role], Store], role: Role) -> None:
    store = store_as(role)
    with pytest.raises(PermissionDenied) as caught:
        generate_demo(store, villages=2, households=10, seed=1, as_of=AS_OF)
    assert "生成演示数据" in caught.value.message
    assert rows(store, "SELECT count(*) FROM villages")[0][0] == 0


def test_refuses_impossible_sizes(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        build_demo(township(store), villages=0, households=10, seed=1, as_of=AS_OF)
    assert caught.value.field == "villages" and "0" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        build_demo(township(store), villages=5, households=3, seed=1, as_of=AS_OF)
    assert caught.value.field == "households"
    set_language("en")
    try:
        english = caught.value.message
    finally:
        set_language("zh_CN")
    assert english.startswith("The number of households must be between 5 and") and "it is 3" in english


def test_store_opens_clean_and_is_searchable_afterwards(demo: Demo) -> None:
    store, _ = demo
    with store.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
    with opened_as(store, "doctor001") as reopened, reopened.read() as session:
        someone = session.scalars(select(Resident).where(Resident.name.like("__%")).limit(1)).one()
        assert isinstance(someone.birth_date, date) and someone.id.version == 7
        hits = search_residents(session, someone.name)
        assert someone.id in {h.id for h in hits}


def test_the_demo_accounts_sign_in_with_the_password(demo: Demo) -> None:
    store, summary = demo
    assert "admin" not in summary.accounts and "specialist001" in summary.accounts
    roles = {}
    for username in summary.accounts:
        with opened_as(store, username) as signed_in:
            assert signed_in.actor is not None and signed_in.actor.username == username
            roles[username] = signed_in.actor.role
    assert set(roles.values()) == {Role.DOCTOR, Role.NURSE, Role.PUBLIC_HEALTH, Role.SPECIALIST}
    staff = dict(rows(store, "SELECT username, role FROM staff"))
    assert all(staff[username] == role for username, role in roles.items())
    # Staff of the other teams have no account on this laptop; a wrong password opens nothing.
    others = [name for name in staff if name not in summary.accounts and name != "admin"]
    assert others
    with pytest.raises(SignInError):
        sign_in(store.paths.folder, others[0], PASSWORD, clock=CLOCK)
    with pytest.raises(SignInError):
        sign_in(store.paths.folder, "doctor001", "not-the-password", clock=CLOCK)


def test_without_a_password_no_account_is_added(tmp_path: Path) -> None:
    with new_store(tmp_path / "store") as store:
        summary = generate_demo(store, villages=1, households=5, seed=1, as_of=AS_OF)
        assert summary.accounts == ()
        with pytest.raises(SignInError):
            sign_in(store.paths.folder, "doctor001", PASSWORD, clock=CLOCK)
        assert rows(store, "SELECT count(*) FROM staff WHERE username = 'doctor001'")[0][0] == 1


def test_as_of_defaults_to_the_stores_today(tmp_path: Path) -> None:
    with new_store(tmp_path / "store") as store:
        summary = generate_demo(store, villages=1, households=5, seed=1)
    assert summary.as_of == AS_OF


def test_one_audit_entry_summarises_the_demo(demo: Demo) -> None:
    store, summary = demo
    with store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.DEMO)).all()
        admin = session.scalar(text("SELECT id FROM staff WHERE username = 'admin'"))
    assert len(entries) == 1 and entries[0].table_name == "store"
    assert entries[0].actor_id is not None and entries[0].actor_id.hex == admin
    changes = entries[0].changes
    assert changes["counts"] == dict(summary.counts) and changes["accounts"] == list(summary.accounts)
    assert summary.counts["residents"] == rows(store, "SELECT count(*) FROM residents")[0][0] > 2500
    assert changes["seed"] == 7 and changes["as_of"] == AS_OF.isoformat()
    assert "password" not in str(changes) and PASSWORD not in str(changes)


# -- determinism and the rows themselves -------------------------------------------------------


#: What a new store holds besides the demo: its township and settings, its administrator
#: and the audit trail (ids and times of their own).
_NOT_DEMO = ("townships", "local_settings", "audit_log")


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every demo-written table, the store's own township id replaced by "T"."""
    township_hex = store.info.township_id.hex
    out = {}
    with store.read() as session:
        conn = session.connection()
        for table in Base.metadata.sorted_tables:
            if table.name in _NOT_DEMO:
                continue
            but_admins = " WHERE role != ?" if table.name == "staff" else ""
            found = conn.exec_driver_sql(
                f"SELECT * FROM {table.name}{but_admins} ORDER BY rowid", (Role.ADMIN.value,) if but_admins else ()
            ).all()
            out[table.name] = [tuple("T" if v == township_hex else v for v in row) for row in found]
    return out


def test_same_seed_same_rows_including_ids(tmp_path: Path) -> None:
    with new_store(tmp_path / "one") as one, new_store(tmp_path / "other") as other:
        for s in (one, other):
            generate_demo(s, villages=3, households=120, seed=5, as_of=AS_OF)
        first, second = _dump(one), _dump(other)
        changed = build_demo(township(one), villages=3, households=120, seed=6, as_of=AS_OF)
    assert first == second and len(first["residents"]) > 300 and len(first["visits"]) > 0
    assert [r[0] for r in changed.table("residents").rows] != [r[0] for r in first["residents"]]


def test_columns_cover_every_required_column() -> None:
    data = build_demo(DemoTownship("0" * 32, CODE, NAME), villages=2, households=30, seed=1, as_of=AS_OF)
    for t in data.tables:
        table = Base.metadata.tables[t.name]
        assert set(t.columns) <= set(table.columns.keys()), t.name
        required = {c.name for c in table.columns if not c.nullable and c.server_default is None}
        assert required <= set(t.columns), (t.name, required - set(t.columns))
        assert all(len(r) == len(t.columns) for r in t.rows), t.name


def test_plain_driver_writes_the_same_database(tmp_path: Path) -> None:
    """The benchmark's baseline inserts exactly what write_demo does."""
    with new_store(tmp_path / "a") as a, new_store(tmp_path / "b") as b:
        with a.write() as session:
            write_demo(session.connection(), build_demo(township(a), villages=2, households=40, seed=3, as_of=AS_OF))
        with driver_connection(b.path, b.key) as con:
            write_rows_sqlite3(con, build_demo(township(b), villages=2, households=40, seed=3, as_of=AS_OF))
        written, baseline = _dump(a), _dump(b)
    assert written == baseline and len(written["planned_services"]) > 0


def test_a_row_breaking_a_check_is_caught_and_nothing_is_written(tmp_path: Path) -> None:
    with new_store(tmp_path / "store") as store:
        data = build_demo(township(store), villages=2, households=20, seed=3, as_of=AS_OF)
        residents = data.table("residents")
        sex = residents.columns.index("sex")
        residents.rows[5] = (*residents.rows[5][:sex], 5, *residents.rows[5][sex + 1 :])
        with pytest.raises(RuntimeError, match=r"residents\.ck_residents_sex_code"), store.write() as session:
            write_demo(session.connection(), data)
        assert rows(store, "SELECT count(*) FROM residents")[0][0] == 0
        # The pooled connection enforces checks again (the store reports which one failed).
        with pytest.raises(RuleError, match="ck_residents_sex_code"), store.write() as session:
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
            conn.exec_driver_sql(insert_sql(residents), residents.rows[5])


def test_the_store_has_exactly_the_models_checks(store: Store) -> None:
    """write_demo verifies the models' CHECK constraints after the load: the store must
    have no others."""
    with store.read() as session:
        conn = session.connection()
        for table in Base.metadata.sorted_tables:
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table.name,)).scalar()
            model = sum(isinstance(c, CheckConstraint) for c in table.constraints)
            assert sql.count(" CHECK ") == model, table.name


# -- geography, people, households -------------------------------------------------------------


def test_village_codes_and_record_numbers(demo: Demo) -> None:
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


def test_id_numbers_are_valid_and_agree_with_the_record(demo: Demo) -> None:
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


def test_names_pinyin_and_minorities(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT name, name_pinyin, name_initials, ethnicity FROM residents")
    assert all(r.name_pinyin and r.name_initials == "".join(s[0] for s in r.name_pinyin.split()) for r in found)
    surnames = Counter(r.name[0] for r in found)
    assert surnames.most_common(1)[0][1] > 0.04 * len(found)  # clans and common surnames
    assert len(surnames) > 40


def test_households_have_one_head_and_consistent_relationships(demo: Demo) -> None:
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


def test_rural_age_pyramid(demo: Demo) -> None:
    store, _ = demo
    ages = [age_on(date.fromisoformat(b), AS_OF) for (b,) in rows(store, "SELECT birth_date FROM residents")]
    share = lambda low, high: sum(low <= a <= high for a in ages) / len(ages)  # noqa: E731
    assert 0.14 <= share(65, 200) <= 0.28
    assert share(0, 6) >= 0.04
    assert share(20, 40) < share(41, 64)


def test_conditions_rise_with_age(demo: Demo) -> None:
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


def test_coverage_and_key_population_coverage(demo: Demo) -> None:
    store, _ = demo
    covered = {r[0] for r in rows(store, "SELECT resident_id FROM contract_members WHERE is_active")}
    with store.read() as session:
        residents = session.scalars(select(Resident).where(Resident.status == ResidentStatus.ACTIVE)).all()
        key = [r for r in residents if compute_tags(person_facts(r), AS_OF)]
    overall = sum(r.id.hex in covered for r in residents) / len(residents)
    key_coverage = sum(r.id.hex in covered for r in key) / len(key)
    assert 0.5 <= overall <= 0.7
    assert 0.75 <= key_coverage <= 0.92 and key_coverage > overall + 0.1


def test_contract_history_and_rules(demo: Demo) -> None:
    store, _ = demo
    assert (
        rows(store, "SELECT resident_id FROM contract_members WHERE is_active GROUP BY resident_id HAVING count(*) > 1")
        == []
    )
    statuses = Counter(s for (s,) in rows(store, "SELECT status FROM contracts"))
    assert {ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED} <= set(
        statuses
    )
    assert statuses[ContractStatus.ACTIVE] > statuses[ContractStatus.EXPIRED]
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


def test_package_fees_split_as_documented(demo: Demo) -> None:
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


def test_planned_services_follow_the_package_items(demo: Demo) -> None:
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


def test_hypertension_follow_ups_are_plausible(demo: Demo) -> None:
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


def test_diabetes_follow_ups_and_medicines(demo: Demo) -> None:
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


def test_the_indexes_dropped_for_the_load_are_all_back(demo: Demo, tmp_path: Path) -> None:
    store, _summary = demo
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    after_demo = rows(store, query)
    with new_store(tmp_path / "fresh") as fresh:
        fresh_store = rows(fresh, query)
    assert after_demo == fresh_store
    assert any(name == "uq_contract_members_active_resident" for name, _ in after_demo)
