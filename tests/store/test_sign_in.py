"""Signing in: passwords, lock-outs with a growing delay, failed sign-ins in the audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from helpers.scene import CLOCK, PASSWORD, Template
from sqlalchemy import select

from fdclient.domain.codes import AuditAction
from fdclient.domain.time import FixedClock
from fdclient.errors import SignInError, StoreNotFoundError
from fdclient.models import AuditEntry
from fdclient.store import open_store, sign_in
from fdclient.store.signin import FREE_FAILURES, lock_duration


@pytest.fixture
def folder(scene_template: Template, tmp_path: Path) -> Path:
    return scene_template.copy(tmp_path / "store")


def later(seconds: float) -> FixedClock:
    return FixedClock(CLOCK.now() + timedelta(seconds=seconds))


def test_the_right_password_signs_in_and_opens_the_store(folder: Path) -> None:
    key = sign_in(folder, "Doctor", PASSWORD, clock=CLOCK)  # names are not case-sensitive
    with open_store(folder, key, clock=CLOCK, daily_backup=False) as store:
        assert store.actor is not None and store.actor.username == "doctor"
        assert store.actor.name == "王建国"


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(folder: Path) -> None:
    with pytest.raises(SignInError) as wrong:
        sign_in(folder, "doctor", "not-the-password", clock=CLOCK)
    with pytest.raises(SignInError) as unknown:
        sign_in(folder, "nobody", PASSWORD, clock=CLOCK)
    assert wrong.value.message == unknown.value.message
    assert "用户名或密码不正确" in wrong.value.message
    assert wrong.value.exit_code == 2


def test_lock_durations_grow_and_are_capped() -> None:
    assert [lock_duration(n) for n in range(1, FREE_FAILURES + 1)] == [None] * FREE_FAILURES
    durations = [lock_duration(n) for n in range(FREE_FAILURES + 1, FREE_FAILURES + 12)]
    assert durations[0] == timedelta(seconds=30)
    assert all(a is not None and b is not None and a <= b for a, b in zip(durations, durations[1:], strict=False))
    assert durations[1] == timedelta(seconds=60)
    assert durations[-1] == timedelta(minutes=30)


def test_repeated_failures_lock_the_account_even_for_the_right_password(folder: Path) -> None:
    for _ in range(FREE_FAILURES):
        with pytest.raises(SignInError, match="不正确"):
            sign_in(folder, "nurse", "wrong-password", clock=CLOCK)
    with pytest.raises(SignInError, match="锁定") as locked:
        sign_in(folder, "nurse", "wrong-password", clock=CLOCK)
    assert "30 秒" in locked.value.message
    with pytest.raises(SignInError, match="锁定"):
        sign_in(folder, "nurse", PASSWORD, clock=later(10))
    # Another account is not affected.
    assert sign_in(folder, "doctor", PASSWORD, clock=later(10)).username == "doctor"
    # After the lock, the right password works and clears the count.
    assert sign_in(folder, "nurse", PASSWORD, clock=later(31)).username == "nurse"
    with pytest.raises(SignInError, match="不正确"):
        sign_in(folder, "nurse", "wrong-password", clock=later(32))


def test_each_failure_after_the_lock_doubles_it(folder: Path) -> None:
    for _ in range(FREE_FAILURES + 1):
        with pytest.raises(SignInError):
            sign_in(folder, "gongwei", "wrong-password", clock=CLOCK)
    with pytest.raises(SignInError, match="60 秒"):
        sign_in(folder, "gongwei", "wrong-password", clock=later(31))


def test_failed_sign_ins_reach_the_audit_trail_at_the_next_open(folder: Path) -> None:
    with pytest.raises(SignInError):
        sign_in(folder, "nurse", "wrong-password", clock=CLOCK)
    with pytest.raises(SignInError):
        sign_in(folder, "ghost", "whatever-pass", clock=CLOCK)
    key = sign_in(folder, "admin", PASSWORD, clock=later(5))
    with open_store(folder, key, clock=later(5), daily_backup=False) as store, store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "account")).all()
    failed = [e for e in entries if e.action == AuditAction.SIGN_IN_FAILED]
    assert sorted(e.changes["username"] for e in failed) == ["ghost", "nurse"]
    assert all(e.at == CLOCK.now() for e in failed)
    signed_in = [e for e in entries if e.action == AuditAction.SIGN_IN and e.at == later(5).now()]
    assert [e.changes["username"] for e in signed_in] == ["admin"]
    # Once written, they are not written again.
    with open_store(folder, key, clock=later(6), daily_backup=False) as store, store.read() as session:
        again = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.SIGN_IN_FAILED)).all()
    assert len(again) == 2


def test_no_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match="fdclient init"):
        sign_in(tmp_path, "admin", PASSWORD)


def test_a_missing_key_file_says_how_to_restore(folder: Path) -> None:
    (folder / "keyring.json").unlink()
    with pytest.raises(StoreNotFoundError, match="restore"):
        sign_in(folder, "admin", PASSWORD)
