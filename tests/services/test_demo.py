"""The demo township generator: an empty store filled with a realistic, consistent township
that obeys the program's own rules (consents, planning, fulfilment, follow-up rules)."""

from __future__ import annotations

import multiprocessing
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, Row, select, text

from fdclient.domain.codes import (
    FAMILY_HISTORY,
    AuditAction,
    ConsentBy,
    ContractStatus,
    PlannedServiceStatus,
    ResidentStatus,
    ServiceKind,
    VisitKind,
)
from fdclient.domain.followup_rules import (
    classify_bp,
    classify_fasting_glucose,
    danger_findings,
    followup_outcome,
)
from fdclient.domain.identity import parse_id_number
from fdclient.domain.key_populations import PregnancyDates, age_on, compute_tags
from fdclient.domain.roles import Role
from fdclient.domain.time import FixedClock
from fdclient.errors import PermissionDenied, RuleError, SignInError, ValidationError
from fdclient.models import AuditEntry, Base, Contract, HypertensionFollowup, Resident, Visit
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND, covering_contract, plan_member
from fdclient.services.demo import DemoSummary, DemoTownship, build_demo, generate_demo, write_demo
from fdclient.services.demo.followups import DM_DRUGS, HT_DRUGS
from fdclient.services.demo.writer import driver_connection, insert_sql, write_rows_sqlite3
from fdclient.services.indicators.compute import compute_indicators
from fdclient.services.registry.residents import person_facts
from fdclient.services.registry.search import search_residents
from fdclient.store import Store, create_store, open_store, sign_in
from fdclient.store.check import check_store
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


def test_a_builder_process_makes_the_same_store(tmp_path: Path) -> None:
    """Villages built in a second process while this one writes: the same rows."""
    with new_store(tmp_path / "here") as here, new_store(tmp_path / "apart") as apart:
        alone = generate_demo(here, villages=3, households=150, seed=5, as_of=AS_OF, parallel=False)
        both = generate_demo(apart, villages=3, households=150, seed=5, as_of=AS_OF, parallel=True)
        assert not alone.parallel and both.parallel and both.build_seconds > 0
        assert _dump(here) == _dump(apart)
    assert alone.counts == both.counts


def test_a_failing_build_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A village that cannot be built, in the builder process or in the writer's: nothing is
    written, the indexes dropped for the load are back, the builder process is gone."""
    import fdclient.services.demo.parallel as parallel

    built = parallel.build_village

    def one_fails(plan: Any, index: int) -> Any:
        if index == 1:
            raise ValueError("village 1 cannot be built")
        return built(plan, index)

    monkeypatch.setattr(parallel, "build_village", one_fails)
    with new_store(tmp_path / "store") as store:
        schema = rows(store, "SELECT name, sql FROM sqlite_master ORDER BY name")
        with pytest.raises((RuntimeError, ValueError), match="village 1 cannot be built"):
            generate_demo(store, villages=3, households=60, seed=5, as_of=AS_OF, parallel=True)
        assert rows(store, "SELECT count(*) FROM residents")[0][0] == 0
        assert rows(store, "SELECT count(*) FROM villages")[0][0] == 0
        assert rows(store, "SELECT name, sql FROM sqlite_master ORDER BY name") == schema
    assert not [p for p in multiprocessing.active_children() if p.name == "fdclient-demo"]


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
        residents = data.parts[1].table("residents")
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


def test_record_cover_and_what_the_record_says(demo: Demo) -> None:
    """建档日期 after birth, by the first day a contract covered the resident and by as_of;
    made by someone who registers residents; a doctor of the village's team responsible;
    relief statuses a set; family history on the 2017 form's own list."""
    store, _ = demo
    found = rows(
        store,
        "SELECT r.birth_date, r.registered_on, r.status_changed_on, b.role AS by_role, d.role AS doctor_role, "
        "r.relief_statuses, r.family_history_father, r.family_history_children, "
        "(SELECT min(coalesce(m.joined_on, c.start_date)) FROM contract_members m "
        " JOIN contracts c ON c.id = m.contract_id WHERE m.resident_id = r.id) AS first_covered, "
        "EXISTS (SELECT 1 FROM team_villages tv JOIN team_members tm ON tm.team_id = tv.team_id "
        " WHERE tv.village_id = r.village_id AND tm.staff_id = r.responsible_doctor_id) AS doctor_of_team "
        "FROM residents r JOIN staff b ON b.id = r.registered_by_id JOIN staff d ON d.id = r.responsible_doctor_id",
    )
    assert len(found) == rows(store, "SELECT count(*) FROM residents")[0][0]
    for r in found:
        assert r.birth_date <= r.registered_on <= AS_OF.isoformat()
        assert r.first_covered is None or r.registered_on <= r.first_covered
        assert r.status_changed_on is None or r.registered_on <= r.status_changed_on
        assert r.by_role in {Role.DOCTOR, Role.NURSE, Role.PUBLIC_HEALTH} and r.doctor_role == Role.DOCTOR
        assert r.doctor_of_team
        for history in (r.family_history_father, r.family_history_children):
            codes = history.split(",")
            assert set(codes) <= set(FAMILY_HISTORY) and ("1" not in codes or codes == ["1"])
    years = Counter(r.registered_on[:4] for r in found)
    assert len(years) > 8 and sum(n for y, n in years.items() if int(y) >= AS_OF.year - 1) < 0.4 * len(found)
    relief = Counter(r.relief_statuses for r in found if r.relief_statuses)
    assert relief and any("," in statuses for statuses in relief)
    assert any(r.family_history_children == "11" for r in found) or any("12" in r.family_history_father for r in found)


def test_diagnoses_and_flags_agree(demo: Demo) -> None:
    store, _ = demo
    found = rows(
        store,
        "SELECT r.has_hypertension AS ht, r.has_diabetes AS dm, "
        "EXISTS (SELECT 1 FROM diagnoses d WHERE d.resident_id = r.id AND d.disease = '2' AND d.voided_at IS NULL)"
        " AS ht_row, "
        "EXISTS (SELECT 1 FROM diagnoses d WHERE d.resident_id = r.id AND d.disease = '3' AND d.voided_at IS NULL)"
        " AS dm_row FROM residents r",
    )
    assert all(r.ht == r.ht_row and r.dm == r.dm_row for r in found)
    assert sum(r.ht for r in found) > sum(r.dm for r in found) > 0


def test_pregnancies_have_their_dates(demo: Demo) -> None:
    """Women pregnant now, women who gave birth in the last 42 days, and earlier births of
    the household's young children; one woman's pregnancies never overlap."""
    store, _ = demo
    found = rows(
        store,
        "SELECT p.resident_id, p.last_menstrual_period AS lmp, p.expected_delivery_date AS edd, "
        "p.delivery_date AS delivered, r.sex, r.birth_date FROM pregnancies p JOIN residents r ON r.id = p.resident_id "
        "ORDER BY p.resident_id, coalesce(p.last_menstrual_period, p.delivery_date)",
    )
    periods: dict[str, list[tuple[date, date]]] = defaultdict(list)
    now = Counter()
    for p in found:
        assert p.sex == 2
        dates = PregnancyDates(*(date.fromisoformat(d) if d else None for d in (p.lmp, p.edd, p.delivered)))
        period = dates.maternal_period()
        assert period is not None and date.fromisoformat(p.birth_date) + timedelta(days=365 * 17) < period[0]
        periods[p.resident_id].append(period)
        now[
            "pregnant" if dates.is_pregnant_on(AS_OF) else "postpartum" if dates.is_postpartum_on(AS_OF) else "past"
        ] += 1
    for spans in periods.values():
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert now["pregnant"] > 0 and now["past"] > now["pregnant"]
    babies = rows(
        store, "SELECT count(*) FROM residents WHERE birth_date > :d", d=(AS_OF - timedelta(days=42)).isoformat()
    )
    assert babies[0][0] == 0 or now["postpartum"] > 0


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


def test_every_member_consented_children_through_a_parent(demo: Demo) -> None:
    """Consent per covered member (on the signing day, or the day they joined): under 14 a
    guardian of the household, named in full; 14-17 themselves or a guardian; adults
    themselves or through the family representative. The representative is a covered
    member or an adult of the household, a minor one only through a guardian."""
    store, _ = demo
    people = {
        r.id: r for r in rows(store, "SELECT id, household_id, birth_date, sex, id_number, name, phone FROM residents")
    }
    by_number = {r.id_number: r for r in people.values() if r.id_number}
    members = rows(
        store,
        "SELECT m.*, c.start_date, c.household_id AS contract_household, c.representative_id, c.signed_at "
        "FROM contract_members m JOIN contracts c ON c.id = m.contract_id",
    )
    seen = Counter()
    consents: dict[str, dict[str, str]] = defaultdict(dict)
    for m in members:
        member = people[m.resident_id]
        day = date.fromisoformat(m.joined_on or m.start_date)
        age = age_on(date.fromisoformat(member.birth_date), day)
        assert m.consent_by in set(ConsentBy) and m.consented_at is not None
        consents[m.contract_id][m.resident_id] = m.consent_by
        if age < 14:
            assert m.consent_by == ConsentBy.GUARDIAN
        if age < 18:
            assert m.consent_by != ConsentBy.REPRESENTATIVE
        if m.consent_by == ConsentBy.GUARDIAN:
            guardian = by_number[m.guardian_id_number]
            assert guardian.household_id == member.household_id and guardian.id != member.id
            assert age_on(date.fromisoformat(guardian.birth_date), day) >= 18
            assert m.guardian_name == guardian.name and m.guardian_id_type == "01"
            assert m.guardian_relationship != "mother" or guardian.sex == 2
            assert m.guardian_relationship != "father" or guardian.sex == 1
            seen[m.guardian_relationship] += 1
        else:
            assert m.guardian_name is m.guardian_id_number is m.guardian_relationship is None
        seen[m.consent_by] += 1
    assert {ConsentBy.SELF, ConsentBy.GUARDIAN, ConsentBy.REPRESENTATIVE} <= set(seen)
    assert seen["mother"] > 0 and seen["father"] > 0
    contracts = rows(store, "SELECT id, representative_id, household_id, start_date FROM contracts")
    for c in contracts:
        representative = people[c.representative_id]
        adult = age_on(date.fromisoformat(representative.birth_date), date.fromisoformat(c.start_date)) >= 18
        given = consents[c.id].get(c.representative_id)
        if given is None:
            assert representative.household_id == c.household_id and adult
        elif not adult:
            assert given == ConsentBy.GUARDIAN
            assert ConsentBy.REPRESENTATIVE not in consents[c.id].values()
    joined = [m for m in members if m.joined_on is not None]
    assert joined and all(m.joined_on > m.start_date for m in joined)


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


class _Rollback(Exception):
    """Ends a write unit of work without committing it."""


def test_planned_services_are_what_the_planning_module_plans(demo: Demo) -> None:
    """For a sample of contracts (every one with a member who joined later, and more), each
    member's planned services are exactly those ``plan.plan_member`` makes for them."""
    store, _ = demo
    members = rows(
        store,
        "SELECT m.contract_id, m.resident_id, m.joined_on FROM contract_members m "
        "JOIN contracts c ON c.id = m.contract_id ORDER BY c.rowid, m.rowid",
    )
    sample = [m for i, m in enumerate(members) if m.joined_on is not None or i % 9 == 0]
    assert any(m.joined_on is not None for m in sample) and len(sample) > 200
    shape = "package_item_id, service_kind, sequence, window_start, window_end"
    mismatched = []
    with pytest.raises(_Rollback), store.write() as session:
        conn = session.connection()
        for m in sample:
            demo_rows = conn.exec_driver_sql(
                f"SELECT id, {shape} FROM planned_services WHERE contract_id = ? AND resident_id = ?",
                (m.contract_id, m.resident_id),
            ).all()
            contract = session.get(Contract, _uuid(m.contract_id))
            resident = session.get(Resident, _uuid(m.resident_id))
            assert contract is not None and resident is not None
            joined = date.fromisoformat(m.joined_on) if m.joined_on else None
            plan_member(session, contract, resident, joined)
            planned = conn.exec_driver_sql(
                f"SELECT id, {shape} FROM planned_services WHERE contract_id = ? AND resident_id = ?",
                (m.contract_id, m.resident_id),
            ).all()
            ours = sorted(tuple(r[1:]) for r in demo_rows)
            known = {r[0] for r in demo_rows}
            theirs = sorted(tuple(r[1:]) for r in planned if r[0] not in known)
            if ours != theirs:
                mismatched.append((m, ours, theirs))
        raise _Rollback
    assert not mismatched, mismatched[:2]
    assert rows(store, "SELECT count(*) FROM planned_services")[0][0] > 1000


def test_open_services_are_closed_when_coverage_ends(demo: Demo) -> None:
    store, _ = demo
    found = rows(
        store,
        "SELECT p.status, p.closed_on, p.window_start, m.is_active, m.ended_on, c.status AS contract_status "
        "FROM planned_services p JOIN contract_members m ON m.contract_id = p.contract_id "
        "AND m.resident_id = p.resident_id JOIN contracts c ON c.id = p.contract_id",
    )
    statuses = Counter((p.contract_status, p.status) for p in found)
    for p in found:
        assert (p.status == PlannedServiceStatus.CANCELLED) == (p.closed_on is not None)
        if p.is_active:
            assert p.status != PlannedServiceStatus.CANCELLED
        else:
            assert p.status != PlannedServiceStatus.PLANNED, p
            if p.status == PlannedServiceStatus.CANCELLED:
                assert p.closed_on == p.ended_on
    for status in (ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED):
        assert statuses[(status, PlannedServiceStatus.CANCELLED)] > 0
        assert statuses[(status, PlannedServiceStatus.PLANNED)] == 0
    assert statuses[(ContractStatus.ACTIVE, PlannedServiceStatus.PLANNED)] > 0


def test_no_service_is_done_without_a_record_of_its_own_contract(demo: Demo) -> None:
    """Every done planned service points at a current, non-voided record of the same
    resident, contract and kind, dated the day it was fulfilled, in or after its window."""
    store, _ = demo
    found = rows(
        store,
        "SELECT p.status, p.service_kind, p.contract_id, p.resident_id, p.window_start, p.fulfilled_on, "
        "p.visit_id, v.id AS vid, v.contract_id AS visit_contract, v.resident_id AS visit_resident, v.kind, "
        "v.visit_date, v.voided_at, s.service_kind AS recorded, "
        "(SELECT count(*) FROM visits n WHERE n.supersedes_id = v.id) AS superseded "
        "FROM planned_services p LEFT JOIN visits v ON v.id = p.visit_id LEFT JOIN service_records s ON s.id = v.id",
    )
    done = [p for p in found if p.status == PlannedServiceStatus.DONE]
    assert len(done) > 0.5 * len(found)
    for p in found:
        assert (p.status == PlannedServiceStatus.DONE) == (p.visit_id is not None) == (p.fulfilled_on is not None)
    for p in done:
        assert p.vid is not None and p.voided_at is None and p.superseded == 0
        assert p.visit_contract == p.contract_id and p.visit_resident == p.resident_id
        kind = p.recorded if p.kind == VisitKind.SERVICE else VISIT_SERVICE_KIND[VisitKind(p.kind)]
        assert kind == p.service_kind
        assert p.fulfilled_on == p.visit_date >= p.window_start
    kinds = Counter(p.service_kind for p in done)
    assert {"health_assessment", "consultation", "hypertension_followup", "elderly_check", "child_check"} <= set(kinds)


def test_every_service_without_a_form_has_a_way_to_be_recorded() -> None:
    from fdclient.services.demo import service_records

    assert set(service_records._WAYS) == service_records.RECORDED_KINDS
    assert service_records.RECORDED_KINDS == {k.value for k in ServiceKind} - set(VISIT_SERVICE_KIND.values())


def test_records_belong_to_the_contract_covering_the_resident_that_day(demo: Demo) -> None:
    store, _ = demo
    found = rows(store, "SELECT resident_id, visit_date, contract_id FROM visits ORDER BY rowid")
    assert sum(v.contract_id is None for v in found) > 0
    with store.read() as session:
        for v in found[::7]:
            covering = covering_contract(session, _uuid(v.resident_id), date.fromisoformat(v.visit_date))
            assert (covering.hex if covering else None) == v.contract_id


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


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


def test_the_indexes_dropped_for_the_load_are_all_back(demo: Demo, tmp_path: Path) -> None:
    store, _summary = demo
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    after_demo = rows(store, query)
    with new_store(tmp_path / "fresh") as fresh:
        fresh_store = rows(fresh, query)
    assert after_demo == fresh_store
    assert any(name == "uq_contract_members_active_resident" for name, _ in after_demo)


# -- the store as the program sees it -----------------------------------------------------------


def test_the_store_passes_fdclient_check(demo: Demo) -> None:
    store, _ = demo
    report = check_store(store)
    assert report.ok and not report.findings, report.describe()


def test_indicators_come_from_records_that_exist(demo: Demo) -> None:
    """What the indicators count for the demo is there to see: managed patients have
    follow-ups in the year, and fulfilment counts services done by a record."""
    store, _ = demo
    report = compute_indicators(store, AS_OF)
    figures = {i.key: i for i in report.township.indicators}
    year_ago = AS_OF.replace(year=AS_OF.year - 1).isoformat()
    for disease, kind, flag in (
        ("hypertension", "hypertension", "has_hypertension"),
        ("diabetes", "diabetes", "has_diabetes"),
    ):
        managed = rows(
            store,
            f"SELECT count(DISTINCT v.resident_id) FROM visits v JOIN residents r ON r.id = v.resident_id "
            f"WHERE v.kind = :k AND v.voided_at IS NULL AND v.visit_date > :y AND v.visit_date <= :d AND r.{flag} "
            "AND r.status = 'active' AND r.registered_on <= :d",
            k=kind,
            y=year_ago,
            d=AS_OF.isoformat(),
        )[0][0]
        assert figures[f"{disease}_managed"].numerator == managed > 0
        assert 0.5 < (figures[f"{disease}_managed"].value or 0) < 1
    fulfilment = figures["fulfilment_rate"]
    assert 0 < fulfilment.numerator < fulfilment.denominator
    done_by_record = rows(
        store,
        "SELECT count(*) FROM planned_services p JOIN visits v ON v.id = p.visit_id "
        "WHERE p.status = 'done' AND v.voided_at IS NULL",
    )[0][0]
    assert done_by_record == rows(store, "SELECT count(*) FROM planned_services WHERE status = 'done'")[0][0]
