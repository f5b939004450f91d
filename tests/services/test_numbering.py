"""Numbers from blocks reserved from the county server (docs/sync.md "Numbers that never
collide"): an enrolled store numbers from its blocks and says plainly when none is left; a
standalone store keeps numbering by its own maximum."""

from __future__ import annotations

import pytest
from helpers import builders
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.errors import RuleError
from fdclient.models import LocalSetting, NumberBlockRow, local
from fdclient.services import numbering
from fdclient.services.contracts.numbers import next_contract_no
from fdclient.services.registry.residents import next_health_record_no
from fdclient.services.township import store_township
from fdclient.store import Store


def _enrol(session: Session) -> None:
    session.add(LocalSetting(key=local.SYNC_ENROLMENT, value={"server": "https://county.example"}))
    session.flush()


def test_a_block_hands_out_its_numbers_once_and_then_none(store: Store) -> None:
    with store.write() as s:
        numbering.add_block(s, "contract:QY-360111101-2026", 10, 11)
        numbering.add_block(s, "contract:QY-360111101-2026", 10, 11)  # the same block again
        numbering.add_block(s, "contract:QY-360111101-2026", 1, 1)
        taken = [numbering.take_number(s, "contract:QY-360111101-2026") for _ in range(4)]
        assert taken == [1, 10, 11, None]
        assert numbering.take_number(s, "contract:QY-360111101-2027") is None
        assert numbering.remaining(s, "contract:QY-360111101-2026") == 0
        with pytest.raises(ValueError):
            numbering.add_block(s, "contract:QY-360111101-2026", 5, 4)
    with store.read() as s:
        blocks = s.scalars(select(NumberBlockRow).order_by(NumberBlockRow.first)).all()
        assert [(b.first, b.last, b.next) for b in blocks] == [(1, 1, 2), (10, 11, 12)]


def test_wanted_blocks_top_up_every_series_below_half_its_target(store: Store) -> None:
    with store.write() as s:
        first = builders.make_village(s)
        second = builders.make_village(s)
        code = store_township(s).code
        record = [numbering.health_record_series(code, v.record_segment) for v in (first, second)]
        contract = [f"contract:QY-{code}-2026", f"contract:QY-{code}-2027"]
        assert numbering.wanted_blocks(s) == [
            (record[0], 200),
            (record[1], 200),
            (contract[0], 500),
            (contract[1], 500),
        ]
        numbering.add_block(s, record[0], 1, 150)
        numbering.add_block(s, contract[0], 1, 500)
        assert numbering.wanted_blocks(s) == [(record[1], 200), (contract[1], 500)]
        for _ in range(60):
            numbering.take_number(s, record[0])
        assert numbering.wanted_blocks(s)[0] == (record[0], 110)


def test_an_enrolled_store_registers_from_its_block_and_asks_to_sync_when_it_is_used_up(store: Store) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        prefix = store_township(s).code + village.record_segment
        assert next_health_record_no(s, village) == f"{prefix}00001"  # standalone: own maximum + 1
        _enrol(s)
        numbering.add_block(s, numbering.health_record_series(prefix[:9], prefix[9:]), 500, 502)
        first = builders.make_resident(s, village)
        assert first.health_record_no == f"{prefix}00500"
        # A reserved number this store already holds (e.g. from before enrolment) is skipped.
        builders.make_resident(s, village).health_record_no = f"{prefix}00501"
        s.flush()
        assert next_health_record_no(s, village) == f"{prefix}00502"
        with pytest.raises(RuleError) as refused:
            builders.make_resident(s, village)
        assert "本机预留的健康档案编号已用完，请联网同步（数据同步页或 fdclient sync）后再登记" in refused.value.text.zh


def test_an_enrolled_store_signs_contracts_with_reserved_numbers(store: Store) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        team, doctor = builders.make_team(s, villages=[village])
        household = builders.make_household(s, village)
        package = builders.make_basic_package(s)
        code = store_township(s).code
        _enrol(s)
        numbering.add_block(s, numbering.contract_series("QY", code, 2026), 301, 301)
        contract = builders.make_signed_contract(s, household, team, doctor, [package])
        assert contract.contract_no == f"QY-{code}-2026-000301"
        with pytest.raises(RuleError) as refused:
            next_contract_no(s, code, 2026)
        assert "本机预留的签约协议编号已用完" in refused.value.text.zh
        assert "sync" in refused.value.text.en
