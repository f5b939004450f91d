from __future__ import annotations

import pytest

from fdclient.errors import ValidationError
from fdclient.settings import SETTINGS, get_setting, set_setting


def test_defaults_then_stored_values_survive_reopening(store) -> None:  # noqa: ANN001
    with store.session() as session:
        assert get_setting(session, "bp_target") == SETTINGS["bp_target"].default
        set_setting(session, "bp_target", "guideline2025")
        set_setting(session, "contract_default_term_years", 3)
        session.commit()
    with store.session() as session:
        assert get_setting(session, "bp_target") == "guideline2025"
        assert get_setting(session, "contract_default_term_years") == 3


def test_a_value_outside_the_choices_is_refused_in_chinese(store) -> None:  # noqa: ANN001
    with store.session() as session, pytest.raises(ValidationError, match="高血压控制目标"):
        set_setting(session, "bp_target", "whatever")


def test_bp_target_choices_exist_in_the_rules() -> None:
    rules = pytest.importorskip("fdclient.domain.followup_rules")
    assert set(SETTINGS["bp_target"].choices) <= set(rules.BP_TARGETS)
