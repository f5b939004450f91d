"""The transport against a real ``fdserver serve`` process: down, then up (retries with
backoff and jitter), never up (a plain message, nothing written), and ``fdclient sync
--json`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from helpers.cli import Result
from helpers.server import REPO, add_township, engine_url, enrolment_code, fdserver_command, free_port, make_server
from helpers.sync_world import PASSWORD
from sqlalchemy import Engine

from fdclient.paths import StorePaths
from fdclient.sync import transport as transport_module
from fdclient.sync.enrolment import enroll
from fdclient.sync.transport import ServerUnreachable, Transport


@pytest.fixture
def server_db(tmp_path: Path) -> Iterator[Engine]:
    engine = make_server(tmp_path)
    add_township(engine)
    yield engine
    engine.dispose()


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("FDSERVER_DB", None)
    process = subprocess.Popen(
        fdserver_command("--db", url, "serve", "--port", str(port)),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):  # until it answers (or gives up after about 30 s)
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("fdserver did not start")


def test_a_server_that_comes_up_while_retrying_is_reached(server_db: Engine, tmp_path: Path) -> None:
    port = free_port()
    processes: list[subprocess.Popen[bytes]] = []
    delays: list[float] = []

    def sleep(seconds: float) -> None:  # the backoff: the server starts during the second wait
        delays.append(seconds)
        if len(delays) == 2:
            processes.append(_start(engine_url(server_db), port))

    base = f"http://127.0.0.1:{port}"
    try:
        with Transport(base, sleep=sleep, retries=6, backoff_base=1.0, backoff_cap=8.0) as transport:
            result = enroll(tmp_path / "laptop", base, enrolment_code(server_db), PASSWORD, transport=transport)
        with result.store:
            assert result.report is not None and result.report.pulled > 0
        assert len(delays) == 2
        assert 0 <= delays[0] <= 1.0 and 0 <= delays[1] <= 2.0  # full jitter under the exponential cap
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)


def test_a_server_that_never_answers_is_a_plain_message_and_nothing_is_written(
    server_db: Engine, tmp_path: Path
) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    delays: list[float] = []
    with Transport(base, sleep=delays.append, retries=3) as transport, pytest.raises(ServerUnreachable) as raised:
        enroll(tmp_path / "laptop", base, enrolment_code(server_db), PASSWORD, transport=transport)
    assert "服务器连不上" in raised.value.message and "本机数据不受影响" in raised.value.message
    assert len(delays) == 3
    assert not StorePaths(tmp_path / "laptop").database.exists()


def test_sync_from_the_command_line_against_a_server_process(
    server_db: Engine, tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(transport_module, "_sleep", waits.append)  # the backoff, without waiting
    port = free_port()
    process = _start(engine_url(server_db), port)
    base = f"http://127.0.0.1:{port}"
    try:
        folder = tmp_path / "laptop"
        # On an empty folder the account is the code's user; its password from FDCLIENT_PASSWORD.
        enrolled = cli(folder, "enroll", "--server", base, "--code", enrolment_code(server_db, user="doctor1"), user="")
        assert enrolled.code == 0, enrolled.err
        assert "已注册到服务器" in enrolled.out and "罗家镇" in enrolled.out
        synced = cli(folder, "sync", "--json", user="doctor1")
        assert synced.code == 0, synced.err
        report = json.loads(synced.out)
        assert {"pushed", "pulled", "conflicts", "rejected", "cursor"} <= set(report)
        assert report["cursor"] > 0 and report["rejected"] == 0
        plain = cli(folder, "sync", user="doctor1")
        assert plain.code == 0 and "同步完成" in plain.out
    finally:
        process.terminate()
        process.wait(timeout=15)
    offline = cli(folder, "sync", user="doctor1")
    assert offline.code == 1 and "服务器连不上" in offline.err
    assert len(waits) == 5  # retried with backoff before giving up
