"""``POST /hello``: server time, epoch, latest version and number blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from helpers.server import Enrolled
from sqlalchemy import Engine, select

from fdclient.sync.protocol import API_PREFIX, HelloResponse, TownshipInfo
from fdserver.db import reading, transaction
from fdserver.meta import get_epoch
from fdserver.models import NumberSeries, Refusal, table_of
from fdserver.numbers import move_past, parse_series


def hello(client: httpx.Client, device: Enrolled, *blocks: tuple[str, int]) -> httpx.Response:
    body = {
        "client_time": "2024-01-01T00:00:00Z",
        "blocks": [{"series": s, "count": n} for s, n in blocks],
    }
    return client.post(f"{API_PREFIX}/hello", json=body, headers=device.headers)


def test_hello_gives_time_epoch_latest_version_and_fresh_blocks(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    records = f"health_record:{township.code}201"
    contracts = f"contract:QY-{township.code}-2026"
    first = HelloResponse.model_validate(hello(client, device, (records, 200), (contracts, 500)).json())
    assert abs(first.server_time - datetime.now(UTC)) < timedelta(minutes=5)
    with reading(server_engine) as conn:
        assert first.epoch == get_epoch(conn)
    assert first.township == township
    # township + 3 villages + the doctor's staff record
    assert first.latest_version == 5
    assert [(b.series, b.first, b.last) for b in first.blocks] == [(records, 1, 200), (contracts, 1, 500)]
    second = HelloResponse.model_validate(hello(client, device, (records, 50)).json())
    assert [(b.first, b.last) for b in second.blocks] == [(201, 250)]


def test_a_pushed_number_moves_the_series_past_it_and_the_series_ends_at_its_last_number(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    series = f"health_record:{township.code}101"
    with transaction(server_engine) as conn:
        move_past(conn, township.id, series, 99_990)
        move_past(conn, township.id, series, 5)  # never backwards
    answer = HelloResponse.model_validate(hello(client, device, (series, 200)).json())
    assert [(b.first, b.last) for b in answer.blocks] == [(99_991, 99_999)]
    used_up = HelloResponse.model_validate(hello(client, device, (series, 200)).json())
    assert used_up.blocks == []
    with reading(server_engine) as conn:
        assert conn.execute(select(table_of(NumberSeries).c.next)).scalar_one() == 100_000


def test_a_series_of_another_township_is_refused_and_recorded(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    for series in ("health_record:360111102201", "contract:QY-360111102-2026", "health_record:abc", "contracts:x"):
        answer = hello(client, device, (f"health_record:{township.code}201", 10), (series, 10))
        assert answer.status_code == 403, series
        assert answer.json()["error"] == "foreign_series"
    with reading(server_engine) as conn:
        reasons = conn.execute(select(table_of(Refusal).c.reason)).scalars().all()
        # Nothing was reserved by the refused requests.
        assert conn.execute(select(table_of(NumberSeries))).all() == []
    assert reasons == ["foreign_series"] * 4


def test_series_names() -> None:
    assert parse_series("health_record:360111101201") is not None
    assert parse_series("contract:QY-360111101-2026") is not None
    assert parse_series("contract:qy-360111101-2026") is None
    assert parse_series("contract:QY-360111101-0026") is None
    assert parse_series("health_record:36011110120") is None
