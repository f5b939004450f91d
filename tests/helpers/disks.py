"""Small real file systems for the full-disk and read-only tests (tmpfs; needs root, as
on the CI machine: elsewhere the tests that need one are skipped)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


@contextmanager
def tmpfs(folder: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` KiB mounted at ``folder`` for the block."""
    folder.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(folder)):
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        _run("umount", "-l", str(folder))


def remount_read_only(folder: Path) -> None:
    assert _run("mount", "-o", "remount,ro", str(folder)), "could not remount read-only"
