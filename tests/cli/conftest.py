"""Running the command line in process, as county IT scripts call it (exit status,
stdout, stderr), on copies of the scene's real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import Result, Run
from helpers.scene import PASSWORD, Template

from fdclient.cli import main
from fdclient.text import set_language


@pytest.fixture
def folder(scene_template: Template, tmp_path: Path) -> Path:
    """The data folder of a copy of the scene store (accounts admin, doctor, nurse ...)."""
    return scene_template.copy(tmp_path / "data")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run(folder, "stats", user="doctor")``: fdclient with ``--data-dir folder``; the
    password comes from FDCLIENT_PASSWORD (``password=None`` leaves it unset)."""

    def call(
        folder: Path | None,
        *args: str,
        user: str | None = None,
        password: str | None = PASSWORD,
        env: dict[str, str] | None = None,
    ) -> Result:
        for name in (
            "FDCLIENT_USER",
            "FDCLIENT_PASSWORD",
            "FDCLIENT_NEW_PASSWORD",
            "FDCLIENT_LANG",
            "FDCLIENT_DATA_DIR",
        ):
            monkeypatch.delenv(name, raising=False)
        if password is not None:
            monkeypatch.setenv("FDCLIENT_PASSWORD", password)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        argv = [
            *(["--data-dir", str(folder)] if folder is not None else []),
            *(["--user", user] if user else []),
            *args,
        ]
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --version, usage errors
            code = int(exc.code or 0)
        finally:
            set_language("zh_CN")
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call
