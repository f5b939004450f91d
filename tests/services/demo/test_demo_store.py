"""The demo township generator, the store before and after: who may fill which store, the
accounts it adds, its audit entry, and the store as the program sees it afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers.demo_township import AS_OF, CLOCK, PASSWORD, Demo, new_store, opened_as, rows, township
from sqlalchemy import select, text

from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, RuleError, SignInError, ValidationError
from fdclient.models import AuditEntry, Resident
from fdclient.services.demo import build_demo, generate_demo
from fdclient.services.indicators.compute import compute_indicators
from fdclient.services.registry.search import search_residents
from fdclient.store import Store, sign_in
from fdclient.store.check import check_store
from fdclient.text import set_language

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
