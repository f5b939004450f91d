"""The wire: gzip in both directions, body limits, every error as JSON with a Chinese message."""

from __future__ import annotations

import gzip
import json
import os

import httpx
from helpers.server import Enrolled, enrolment_code, gzip_json
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from fdclient.sync.protocol import API_PREFIX, MAX_BODY_BYTES, MAX_INFLATED_BYTES, EnrollResponse, TownshipInfo
from fdserver.app import create_app
from fdserver.db import reading
from fdserver.models import Refusal, table_of

GZIP = {"Content-Encoding": "gzip", "Content-Type": "application/json"}


def test_gzip_request_bodies_are_inflated_and_responses_compressed(
    server_engine: Engine, township: TownshipInfo, client: httpx.Client
) -> None:
    code = enrolment_code(server_engine, township.code)
    answer = client.post(f"{API_PREFIX}/enroll", content=gzip_json({"code": code}), headers=GZIP)
    assert answer.status_code == 200, answer.text
    enrolled = EnrollResponse.model_validate(answer.json())
    headers = {"Authorization": f"Bearer {enrolled.token}", "Accept-Encoding": "gzip"}
    pulled = client.get(f"{API_PREFIX}/snapshot", headers=headers)
    assert pulled.headers["content-encoding"] == "gzip"
    assert len(pulled.json()["groups"]) == 3  # township, staff, villages
    hello = {
        "client_time": "2026-06-01T08:00:00Z",
        "blocks": [{"series": f"health_record:{township.code}201", "count": 5}],
    }
    answered = client.post(f"{API_PREFIX}/hello", content=gzip_json(hello), headers={**GZIP, **headers})
    assert answered.json()["blocks"] == [{"series": f"health_record:{township.code}201", "first": 1, "last": 5}]


def test_bodies_over_the_limits_are_413_json_and_recorded(server_engine: Engine, client: httpx.Client) -> None:
    too_big = os.urandom(MAX_BODY_BYTES + 1)
    answer = client.post(f"{API_PREFIX}/enroll", content=too_big, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large" and "上限" in answer.json()["message"]
    bomb = gzip.compress(b" " * (MAX_INFLATED_BYTES + 1), compresslevel=9)
    assert len(bomb) < MAX_BODY_BYTES
    answer = client.post(f"{API_PREFIX}/push", content=bomb, headers=GZIP)
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"
    with reading(server_engine) as conn:
        rows = conn.execute(
            select(table_of(Refusal).c.kind, table_of(Refusal).c.reason, table_of(Refusal).c.path)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("request", "too_large", f"{API_PREFIX}/enroll"),
        ("request", "too_large", f"{API_PREFIX}/push"),
    ]


def test_bad_input_is_a_4xx_json_error_never_a_500(device: Enrolled, client: httpx.Client) -> None:
    cases = [
        (client.post(f"{API_PREFIX}/enroll", content=b"\x1f\x8b broken", headers=GZIP), 400, "bad_encoding"),
        (
            client.post(f"{API_PREFIX}/enroll", content=b"{}", headers={"Content-Encoding": "br"}),
            415,
            "unsupported_encoding",
        ),
        (
            client.post(f"{API_PREFIX}/enroll", content=b"{not json", headers={"Content-Type": "application/json"}),
            422,
            "invalid_request",
        ),
        (client.post(f"{API_PREFIX}/enroll", json={"code": "x"}), 422, "invalid_request"),
        (
            client.post(f"{API_PREFIX}/hello", json={"client_time": "yesterday"}, headers=device.headers),
            422,
            "invalid_request",
        ),
        (client.get(f"{API_PREFIX}/pull", params={"after": "x"}, headers=device.headers), 422, "invalid_request"),
        (client.get(f"{API_PREFIX}/nowhere"), 404, "not_found"),
        (client.delete(f"{API_PREFIX}/enroll"), 405, "method_not_allowed"),
    ]
    for answer, status, code in cases:
        assert answer.status_code == status, (code, answer.text)
        body = answer.json()
        assert body["error"] == code
        assert body["message"] and body["message_en"]
    invalid = cases[3][0].json()
    assert invalid["message"].startswith("请求内容不符合格式要求") and "code" in invalid["message"]


def test_an_unexpected_error_is_a_500_json_without_details(server_engine: Engine) -> None:
    app = create_app(server_engine)

    def boom() -> None:
        raise RuntimeError("secret 110101199003071234")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/boom")
    assert answer.status_code == 500
    assert answer.json()["error"] == "server_error"
    assert "110101" not in answer.text and "secret" not in json.dumps(answer.json())


def test_health_answers_without_authentication(client: httpx.Client) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get(f"{API_PREFIX}/health").json() == {"status": "ok"}
