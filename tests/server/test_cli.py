"""The ``fdserver`` command end to end on a real database file (and PostgreSQL when set)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from helpers.server import REPO, asgi_client, engine_url, fdserver_command, make_server
from sqlalchemy import Engine

from fdclient.sync.protocol import API_PREFIX
from fdserver.cli import main
from fdserver.db import make_engine


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    status = main(["--db", url, *args])
    out, err = capsys.readouterr()
    return status, out, err


def villages_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["村代码", "村名称"])
    sheet.append([360111101201, "罗家村"])
    sheet.append(["360111101202", "石岗村"])
    sheet.append([360111101001, "新街社区"])
    sheet.append([360222101203, "老代码村"])
    book.save(path)
    return path


def test_set_up_a_township_and_enrol_a_laptop_from_the_command_line(
    server_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = engine_url(server_engine)
    status, out, _ = run(capsys, url, "init")
    assert status == 0 and "最新" in out
    workbook = villages_workbook(tmp_path / "村名单.xlsx")
    status, out, _ = run(
        capsys, url, "add-township", "--code", "360111101", "--name", "罗家镇", "--villages", str(workbook)
    )
    assert status == 0
    assert "已登记乡镇 360111101 罗家镇" in out and "新增村（居）委会 4 个" in out
    assert "360222101203" in out  # the village whose code is not the township's is kept, with a note
    status, out, _ = run(
        capsys, url, "add-township", "--code", "360111101", "--name", "罗家镇", "--villages", str(workbook)
    )
    assert "已登记过" in out and "新增村（居）委会 0 个，已有 4 个" in out

    status, out, _ = run(
        capsys, url, "enroll-code", "--township", "360111101", "--user", "LiNa", "--role", "nurse", "--name", "李娜"
    )
    assert status == 0
    code = out.splitlines()[1]
    assert len(code) == 14 and code.count("-") == 2
    with asgi_client(server_engine) as client:
        enrolled = client.post(f"{API_PREFIX}/enroll", json={"code": code, "device_name": "一号机"}).json()
        assert enrolled["user"] == {
            "staff_id": enrolled["user"]["staff_id"],
            "username": "lina",
            "name": "李娜",
            "role": "nurse",
        }
        headers = {"Authorization": f"Bearer {enrolled['token']}"}
        snapshot = client.get(f"{API_PREFIX}/snapshot", headers=headers).json()
        villages = next(g for g in snapshot["groups"] if g["table"] == "villages")
        segments = {
            row[villages["columns"].index("name")]: row[villages["columns"].index("record_segment")]
            for row in villages["rows"]
        }
        assert segments == {"罗家村": "101", "石岗村": "102", "新街社区": "001", "老代码村": "103"}
        client.get(f"{API_PREFIX}/pull", headers={"Authorization": "Bearer wrong"})

        status, out, _ = run(capsys, url, "status", "--json")
        report = json.loads(out)
        assert [t["code"] for t in report["townships"]] == ["360111101"]
        assert report["townships"][0]["records"] == 6 and report["townships"][0]["devices"] == 1
        assert report["devices"][0]["username"] == "lina" and report["devices"][0]["last_seq"] == 0
        assert (report["failed_sign_ins_24h"], report["refused_requests_total"]) == (1, 0)
        status, out, _ = run(capsys, url, "status")
        assert status == 0 and "360111101 罗家镇" in out and "登录失败：24 小时内 1" in out

        status, out, _ = run(capsys, url, "revoke-device", enrolled["device_id"])
        assert status == 0 and "已撤销" in out
        assert client.get(f"{API_PREFIX}/pull", headers=headers).status_code == 403

        epoch = snapshot["epoch"]
        status, out, _ = run(capsys, url, "new-epoch")
        assert status == 0
        assert json.loads(run(capsys, url, "status", "--json")[1])["epoch"] != epoch


def test_errors_are_one_clear_line_and_a_non_zero_status(
    server_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = engine_url(server_engine)
    cases = [
        (("add-township", "--code", "12345", "--name", "x"), "乡镇代码"),
        (("enroll-code", "--township", "360111101", "--user", "a", "--role", "doctor"), "尚未登记"),
        (
            ("add-township", "--code", "360111101", "--name", "罗家镇", "--villages", str(tmp_path / "none.xlsx")),
            "找不到",
        ),
        (("revoke-device", "0" * 32), "没有编号"),
    ]
    for args, words in cases:
        status, _, err = run(capsys, url, *args)
        assert status != 0, args
        assert words in err and len(err.strip().splitlines()) == 1, err
    run(capsys, url, "add-township", "--code", "360111101", "--name", "罗家镇")
    status, _, err = run(capsys, url, "enroll-code", "--township", "360111101", "--user", "a", "--role", "boss")
    assert status == 2 and "boss" in err


def test_an_uninitialised_database_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for args in (("status",), ("serve", "--port", "1"), ("new-epoch",)):
        status, _, err = run(capsys, url, *args)
        assert status == 3 and "fdserver init" in err, args
    assert run(capsys, url, "init")[0] == 0
    make_engine(url).dispose()


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    db = tmp_path / "cmd.db"
    done = subprocess.run(
        fdserver_command("--db", str(db), "init"), cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "数据库已创建" in done.stdout
    engine = make_server(tmp_path, f"sqlite:///{db}")
    with asgi_client(engine) as client:
        assert client.get("/health").status_code == 200
    engine.dispose()
