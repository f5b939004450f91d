"""Enrolment with one-time codes, token authentication and revocation."""

from __future__ import annotations

import httpx
from helpers.server import Enrolled, enrol, enrolment_code
from sqlalchemy import Engine, select

from fdclient.sync.protocol import API_PREFIX, TownshipInfo
from fdserver.db import reading
from fdserver.enrolment import code_hash, sha256_hex
from fdserver.models import Device, EnrolmentCode, Refusal, table_of
from fdserver.status import revoke_device

HELLO = {"client_time": "2026-06-01T08:00:00Z"}


def refusals(engine: Engine) -> list[tuple[str, str, str | None]]:
    t = table_of(Refusal)
    with reading(engine) as conn:
        return [(r.kind, r.reason, r.device_id) for r in conn.execute(select(t).order_by(t.c.id))]


def test_a_code_enrols_one_device_and_a_replay_is_refused_and_recorded(
    server_engine: Engine, township: TownshipInfo, client: httpx.Client
) -> None:
    code = enrolment_code(server_engine, township.code, "wangfang", "nurse", name="王芳")
    enrolled = enrol(client, code.lower().replace("-", " "), device_name="卫生室电脑")
    assert enrolled.response.township == township
    assert (enrolled.response.user.username, enrolled.response.user.name, enrolled.response.user.role) == (
        "wangfang",
        "王芳",
        "nurse",
    )
    with reading(server_engine) as conn:
        row = conn.execute(select(table_of(Device))).one()
        stored = conn.execute(select(table_of(EnrolmentCode))).one()
    assert row.token_hash == sha256_hex(enrolled.response.token)
    assert enrolled.response.token not in str(tuple(row))
    assert stored.code_hash == code_hash(code) and stored.used_by_device == enrolled.device_id

    replay = client.post(f"{API_PREFIX}/enroll", json={"code": code})
    assert replay.status_code == 409
    assert replay.json()["error"] == "code_used"
    assert "已经使用过" in replay.json()["message"]
    assert refusals(server_engine) == [("sign_in", "code_used", None)]


def test_unknown_and_expired_codes_are_refused(
    server_engine: Engine, township: TownshipInfo, client: httpx.Client
) -> None:
    unknown = client.post(f"{API_PREFIX}/enroll", json={"code": "AAAA-BBBB-CCCC"})
    assert (unknown.status_code, unknown.json()["error"]) == (403, "invalid_code")
    expired = enrolment_code(server_engine, township.code, expires_hours=1e-9)
    answer = client.post(f"{API_PREFIX}/enroll", json={"code": expired})
    assert (answer.status_code, answer.json()["error"]) == (403, "code_expired")
    assert "过期" in answer.json()["message"]
    assert [r[1] for r in refusals(server_engine)] == ["invalid_code", "code_expired"]


def test_calls_need_a_valid_token(server_engine: Engine, device: Enrolled, client: httpx.Client) -> None:
    assert client.post(f"{API_PREFIX}/hello", json=HELLO, headers=device.headers).status_code == 200
    missing = client.post(f"{API_PREFIX}/hello", json=HELLO)
    wrong = client.get(f"{API_PREFIX}/pull", headers={"Authorization": "Bearer not-a-token"})
    for answer in (missing, wrong):
        assert answer.status_code == 401
        assert answer.json()["error"] == "invalid_token"
        assert answer.headers["www-authenticate"] == "Bearer"
    assert [r[:2] for r in refusals(server_engine)] == [("sign_in", "invalid_token")] * 2
    with reading(server_engine) as conn:
        seen = conn.execute(select(table_of(Device).c.last_seen_at, table_of(Device).c.last_sync_at)).one()
    assert seen.last_seen_at is not None and seen.last_sync_at is not None


def test_a_revoked_device_is_refused_with_a_plain_message_and_can_enrol_again(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    assert revoke_device(server_engine, device.device_id) is True
    assert revoke_device(server_engine, device.device_id) is False
    answer = client.get(f"{API_PREFIX}/pull", headers=device.headers)
    assert answer.status_code == 403
    body = answer.json()
    assert body["error"] == "device_revoked"
    assert body["message"].startswith("这台电脑的同步授权已被县级管理员撤销")
    assert "导出" in body["message"] and "注册码" in body["message"]
    assert refusals(server_engine) == [("request", "device_revoked", device.device_id)]

    again = enrol(client, enrolment_code(server_engine, township.code), device_id=device.device_id)
    assert again.device_id == device.device_id
    assert client.get(f"{API_PREFIX}/pull", headers=again.headers).status_code == 200
    assert client.get(f"{API_PREFIX}/pull", headers=device.headers).status_code == 401


def test_a_device_of_another_township_cannot_take_a_code_of_this_one(
    server_engine: Engine, township: TownshipInfo, device: Enrolled, client: httpx.Client
) -> None:
    from helpers.server import add_township

    other = add_township(server_engine, "360111102", "石岗乡", [])
    answer = client.post(
        f"{API_PREFIX}/enroll",
        json={"code": enrolment_code(server_engine, other.code), "device_id": device.device_id},
    )
    assert (answer.status_code, answer.json()["error"]) == (409, "device_other_township")
    # The refused attempt did not use up the code's township's device, nor change it.
    assert client.get(f"{API_PREFIX}/pull", headers=device.headers).status_code == 200
