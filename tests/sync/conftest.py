"""Fixtures of the sync tests: a server with two enrolled laptops, and the command line
run in process against a laptop's data folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.cli import Result
from helpers.sync_world import PASSWORD, SyncWorld, sync_world

from fdclient.cli import main
from fdclient.text import set_language


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SyncWorld]:
    with sync_world(tmp_path, 2) as w:
        yield w


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``cli(folder, "conflicts", "--json", user="doctor0")`` with the laptops' password."""

    def call(folder: Path, *args: str, user: str, password: str = PASSWORD) -> Result:
        for name in ("FDCLIENT_USER", "FDCLIENT_LANG", "FDCLIENT_DATA_DIR", "FDCLIENT_NEW_PASSWORD"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("FDCLIENT_PASSWORD", password)
        capsys.readouterr()
        try:
            code = main(["--data-dir", str(folder), "--user", user, *args])
        finally:
            set_language("zh_CN")
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call
