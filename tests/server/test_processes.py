"""Real ``fdserver serve`` processes over HTTP: one on a SQLite file, and two processes
(one of them with two workers) on one PostgreSQL database answering the same laptops."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from helpers.server import (
    PG_ENV,
    add_township,
    engine_url,
    enrolment_code,
    gzip_json,
    make_server,
    postgres_database,
    running_server,
)

from fdclient.sync.protocol import API_PREFIX, EnrollResponse, HelloResponse, PullResponse

HELLO = {"client_time": "2026-06-01T08:00:00Z", "blocks": [{"series": "health_record:360111101201", "count": 100}]}


def enrol_over_http(base: str, code: str) -> dict[str, str]:
    answer = httpx.post(f"{base}{API_PREFIX}/enroll", json={"code": code, "device_name": "laptop"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {EnrollResponse.model_validate(answer.json()).token}"}


def test_a_served_sqlite_database_answers_enrol_hello_and_pull(tmp_path: Path) -> None:
    engine = make_server(tmp_path)
    add_township(engine)
    code = enrolment_code(engine)
    url = engine_url(engine)
    engine.dispose()
    with running_server(url) as base:
        headers = enrol_over_http(base, code)
        hello = httpx.post(
            f"{base}{API_PREFIX}/hello",
            content=gzip_json(HELLO),
            headers={**headers, "Content-Encoding": "gzip", "Content-Type": "application/json"},
            timeout=30,
        )
        assert HelloResponse.model_validate(hello.json()).blocks[0].last == 100
        pulled = httpx.get(f"{base}{API_PREFIX}/pull", headers=headers, timeout=30)
        assert pulled.headers["content-encoding"] == "gzip"
        assert PullResponse.model_validate(pulled.json()).next == 5


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set")
def test_two_server_processes_share_one_postgresql_database(tmp_path: Path) -> None:
    with postgres_database(os.environ[PG_ENV]) as url:
        engine = make_server(tmp_path, url)
        add_township(engine)
        codes = [enrolment_code(engine, user=f"user{i}") for i in range(2)]
        engine.dispose()
        with running_server(url, workers=2) as first, running_server(url) as second:
            laptops = [enrol_over_http(first, codes[0]), enrol_over_http(second, codes[1])]
            replay = httpx.post(f"{second}{API_PREFIX}/enroll", json={"code": codes[0]}, timeout=30)
            assert replay.status_code == 409
            blocks = []
            for i in range(6):
                base = (first, second)[i % 2]
                answer = httpx.post(f"{base}{API_PREFIX}/hello", json=HELLO, headers=laptops[i % 2], timeout=30)
                assert answer.status_code == 200, answer.text
                block = HelloResponse.model_validate(answer.json()).blocks[0]
                blocks.append((block.first, block.last))
            assert sorted(blocks) == [(1 + 100 * i, 100 * (i + 1)) for i in range(6)]
            for base, headers in ((first, laptops[1]), (second, laptops[0])):
                page = PullResponse.model_validate(
                    httpx.get(f"{base}{API_PREFIX}/pull", headers=headers, timeout=30).json()
                )
                # township, 3 villages, two staff records
                assert page.next == 6 and not page.more
