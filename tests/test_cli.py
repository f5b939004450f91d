"""The command line as county IT scripts call it: exit codes, Chinese errors on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fdclient import __version__
from fdclient.cli import main


def run(tmp_path: Path, *args: str) -> int:
    return main(["--data-dir", str(tmp_path / "data"), *args])


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"fdclient {__version__}"


def test_init_creates_a_store_and_refuses_a_second_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "init", "--township", "360111101", "--name", "罗家镇") == 0
    assert "罗家镇" in capsys.readouterr().out
    assert (tmp_path / "data" / "fdclient.db").exists()
    assert run(tmp_path, "init", "--township", "360111101", "--name", "罗家镇") != 0
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "已经有数据库" in err


def test_init_with_a_bad_code_says_what_is_expected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "init", "--township", "3601", "--name", "罗家镇") == 2
    err = capsys.readouterr().err
    assert "9 位数字" in err and "Traceback" not in err


def test_commands_on_a_missing_store_explain_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("stats", "check"):
        assert run(tmp_path, command) == 3
        assert "fdclient init" in capsys.readouterr().err


def test_bad_date_is_a_usage_error_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(tmp_path, "stats", "--as-of", "2026-02-30")
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_check_passes_on_a_new_store_and_fails_on_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    assert run(tmp_path, "init", "--township", "360111101", "--name", "罗家镇") == 0
    assert run(tmp_path, "check") == 0
    assert "检查通过" in capsys.readouterr().out
    con = sqlite3.connect(tmp_path / "data" / "fdclient.db")
    with con:  # a village pointing at a township that does not exist (foreign keys off)
        con.execute(
            "INSERT INTO villages (id, township_id, code, name, record_segment, created_at, updated_at)"
            " VALUES ('00000000000000000000000000000001', '000000000000000000000000000000ff',"
            " '360111101201', '某村', '101', '2026-01-01', '2026-01-01')"
        )
    con.close()
    assert run(tmp_path, "check") == 1
    out = capsys.readouterr().out
    assert "不存在的记录" in out and "检查未通过" in out


def test_env_var_chooses_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FDCLIENT_DATA_DIR", str(tmp_path / "env"))
    assert main(["init", "--township", "360111101", "--name", "罗家镇"]) == 0
    assert (tmp_path / "env" / "fdclient.db").exists()


def test_python_dash_m_runs_without_heavy_imports(tmp_path: Path) -> None:
    code = (
        "import sys, runpy; sys.argv = ['fdclient', '--data-dir', sys.argv[1], 'check'];"
        "\ntry:\n    runpy.run_module('fdclient', run_name='__main__')\nexcept SystemExit as e:\n"
        "    heavy = [m for m in ('PySide6', 'reportlab', 'openpyxl') if m in sys.modules]\n"
        "    print(json.dumps({'code': e.code, 'heavy': heavy}))"
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    main(["--data-dir", str(tmp_path), "init", "--township", "360111101", "--name", "罗家镇"])
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + code, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"code": 0, "heavy": []}


def test_an_unusable_data_dir_is_a_plain_chinese_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["--data-dir", str(blocker / "store"), "init", "--township", "360111101", "--name", "罗家镇"])
    err = capsys.readouterr().err
    assert code == 1
    assert "数据目录" in err and "Traceback" not in err
