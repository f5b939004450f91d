"""Start-up cost of the command line: import time and wall time of ``--version`` and
``stats``, beside a bare ``python -c pass`` measured in the same run, plus which heavy
modules (Qt, ReportLab, openpyxl) each path loaded (there must be none).

``stats`` signs in (``FDCLIENT_USER`` / ``FDCLIENT_PASSWORD``, one argon2id derivation):
that share is measured on its own beside it.

    FDCLIENT_USER=admin FDCLIENT_PASSWORD=... python bench/startup_bench.py [STORE_DIR]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fdclient.cli.signin import PASSWORD_ENV, USER_ENV

HEAVY = ("PySide6", "reportlab", "openpyxl")

_PROBE = (
    f"HEAVY = {HEAVY!r}\n"
    + """
import json, sys, time, runpy
t0 = time.perf_counter()
sys.argv = ["fdclient", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("fdclient", run_name="__main__")
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write(json.dumps({"code": code, "seconds": time.perf_counter() - t0,
    "heavy": [m for m in HEAVY if m in sys.modules]}) + "\\n")
"""
)


def _wall(cmd: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, dict[str, Any]]:
    times: list[float] = []
    last: dict[str, Any] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        tail = proc.stderr.strip().splitlines()
        last = json.loads(tail[-1]) if tail and tail[-1].startswith("{") else {}
    return statistics.median(times), last


def _import_time(module: str) -> float:
    """Cumulative import time of ``module`` in seconds, from ``-X importtime``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True
    )
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    return float("nan")


def _sign_in_ms(store_dir: Path, user: str, password: str, repeat: int) -> float:
    """The in-process cost of a sign-in (unwrapping the store key with argon2id)."""
    from fdclient.store import sign_in

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        sign_in(store_dir, user, password)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def run(
    store_dir: Path | None = None,
    repeat: int = 5,
    as_of: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
) -> list[tuple[str, float, str]]:
    """The figures; ``stats`` runs on the store in ``store_dir`` signed in as ``user``
    (default: FDCLIENT_USER and FDCLIENT_PASSWORD from the environment)."""
    rows: list[tuple[str, float, str]] = []
    bare, _ = _wall([sys.executable, "-c", "pass"], repeat)
    rows.append(("baseline: python -c pass", bare * 1000, "ms"))
    version, info = _wall([sys.executable, "-c", _PROBE, "--version"], repeat)
    rows.append(("fdclient --version wall time", version * 1000, "ms"))
    rows.append(("fdclient --version heavy modules loaded", len(info.get("heavy", [])), "modules"))
    rows.append(("import fdclient.cli (cumulative)", _import_time("fdclient.cli") * 1000, "ms"))
    rows.append(("import fdclient.models (SQLAlchemy, cumulative)", _import_time("fdclient.models") * 1000, "ms"))
    if store_dir is not None:
        user = user or os.environ.get(USER_ENV, "")
        password = password if password is not None else os.environ.get(PASSWORD_ENV, "")
        env = {**os.environ, USER_ENV: user, PASSWORD_ENV: password}
        stats_args = ["stats", "--json", *(["--as-of", as_of] if as_of else [])]
        stats, info = _wall([sys.executable, "-c", _PROBE, "--data-dir", str(store_dir), *stats_args], repeat, env)
        if info.get("code"):
            raise RuntimeError(f"fdclient stats failed (exit {info['code']}): sign-in as {user!r}?")
        rows.append(("fdclient stats --json wall time (sign-in included)", stats * 1000, "ms"))
        rows.append(("  of which sign-in (argon2id), in process", _sign_in_ms(store_dir, user, password, repeat), "ms"))
        rows.append(("fdclient stats heavy modules loaded", len(info.get("heavy", [])), "modules"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(f"{name:50s} {value:10.1f} {unit}")
