"""Township settings: typed keys, defaults, stored values, who may change them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers.scene import CLOCK
from sqlalchemy import select

from fdclient.domain.codes import AuditAction
from fdclient.domain.followup_rules import BP_TARGETS
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied, ValidationError
from fdclient.models import AuditEntry
from fdclient.settings import (
    BP_TARGET,
    CONTRACT_AUTO_RENEW,
    CONTRACT_DEFAULT_TERM_YEARS,
    SETTINGS,
    Setting,
    get_setting,
    set_setting,
)
from fdclient.store import Store, open_store


def test_defaults_then_stored_values_survive_reopening(admin_store: Store) -> None:
    with admin_store.write() as session:
        assert get_setting(session, BP_TARGET) == BP_TARGET.default == "spec2017"
        assert get_setting(session, CONTRACT_AUTO_RENEW) is False
        set_setting(session, BP_TARGET, "guideline2025")
        set_setting(session, CONTRACT_DEFAULT_TERM_YEARS, 3)
        set_setting(session, CONTRACT_AUTO_RENEW, True)
    folder, key = admin_store.paths.folder, admin_store.key
    assert key is not None
    admin_store.close()
    with open_store(folder, key, clock=CLOCK, daily_backup=False) as reopened, reopened.read() as session:
        assert get_setting(session, BP_TARGET) == "guideline2025"
        assert get_setting(session, CONTRACT_DEFAULT_TERM_YEARS) == 3
        assert get_setting(session, CONTRACT_AUTO_RENEW) is True


def test_a_change_is_in_the_audit_trail_and_an_unchanged_value_is_not(admin_store: Store) -> None:
    with admin_store.write() as session:
        set_setting(session, BP_TARGET, "guideline2025")
        set_setting(session, BP_TARGET, "guideline2025")
    with admin_store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "township_settings")).all()
    assert len(entries) == 1
    assert admin_store.actor is not None
    assert entries[0].action == AuditAction.INSERT and entries[0].actor_id == admin_store.actor.staff_id
    assert entries[0].changes["key"] == "bp_target" and entries[0].changes["value"] == "guideline2025"
    assert entries[0].at == CLOCK.now()
    with admin_store.write() as session:
        set_setting(session, BP_TARGET, "spec2017")
    with admin_store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "township_settings")).all()
    assert [e.action for e in entries] == [AuditAction.INSERT, AuditAction.UPDATE]
    assert entries[1].changes == {"value": ["guideline2025", "spec2017"]} and entries[1].row_id == entries[0].row_id


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.NURSE, Role.PUBLIC_HEALTH, Role.SPECIALIST])
def test_only_an_administrator_may_change_a_setting(store_as: Callable[[Role], Store], role: Role) -> None:
    store = store_as(role)
    with store.write() as session, pytest.raises(PermissionDenied, match="修改乡镇设置"):
        set_setting(session, BP_TARGET, "guideline2025")
    with store.read() as session:
        assert get_setting(session, BP_TARGET) == "spec2017"


def test_a_value_outside_the_choices_is_refused_in_chinese(admin_store: Store) -> None:
    with admin_store.write() as session, pytest.raises(ValidationError, match="高血压控制目标") as info:
        set_setting(session, BP_TARGET, "whatever")
    assert info.value.field == "bp_target"
    assert "spec2017、spec2017_elderly150、guideline2025" in info.value.message


def test_a_value_of_the_wrong_type_is_refused(admin_store: Store) -> None:
    # True == 1 in Python, but a switch is no contract term.
    with admin_store.write() as session, pytest.raises(ValidationError, match="默认签约期限"):
        set_setting(session, CONTRACT_DEFAULT_TERM_YEARS, True)
    # What the type checker stops (Setting[Any] from the table lets it through).
    prefix: Setting[Any] = SETTINGS["contract_number_prefix"]
    with admin_store.write() as session, pytest.raises(ValidationError, match="应为 文字"):
        set_setting(session, prefix, 7)


def test_refusals_read_in_english(admin_store: Store, english: None) -> None:
    with admin_store.write() as session, pytest.raises(ValidationError) as info:
        set_setting(session, BP_TARGET, "whatever")
    assert info.value.message == (
        "'whatever' is not a valid value for the setting “Hypertension control target (source)”; choose one of: "
        "spec2017, spec2017_elderly150, guideline2025"
    )


def test_settings_are_declared_once_by_key() -> None:
    assert all(key == setting.key for key, setting in SETTINGS.items())
    assert set(BP_TARGET.choices or ()) == set(BP_TARGETS)
    for setting in SETTINGS.values():
        assert setting.choices is None or setting.default in setting.choices
