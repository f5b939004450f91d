"""The roster import's measurements, each run in a fresh child process by
``bench/roster_bench.py`` (its ``import_figures``):

    python bench/roster_import_bench.py make-roster STORE OUT.xlsx
        export the demo store's roster on one sheet (``fdclient export-roster``'s code);
    python bench/roster_import_bench.py make-store STORE NEW_DIR
        a NEW store of the same township with the demo's staff, teams and packages (what a
        township sets up before importing its roster), and no villages or residents;
    python bench/roster_import_bench.py {import,calamine,openpyxl} NEW_DIR ROSTER.xlsx
        import the roster into (a copy of) the new store with full validation, or read every
        cell of it with python-calamine, or with openpyxl in read-only mode (the baselines).

Each prints one JSON object: seconds, rows, the process's peak memory (``ru_maxrss``) and its
CPU time (user + system: what the work costs whatever else the machine is running).
The demo store is only read (``make-roster`` runs on the private copy roster_bench makes).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

USER, PASSWORD = "doctor001", "demo-pass-2026"
IMPORTER, IMPORTER_PASSWORD = "importer", "bench-import-2026"


def _open(store_dir: Path, user: str, password: str) -> Any:
    from fdclient.store import open_store, sign_in

    return open_store(store_dir, sign_in(store_dir, user, password), daily_backup=False)


def make_roster(store_dir: Path, out: Path) -> dict[str, Any]:
    from fdclient.rosters.export import ExportOptions, export_roster

    user = os.environ.get("BENCH_USER", USER)
    password = os.environ.get("BENCH_PASSWORD", PASSWORD)
    with _open(store_dir, user, password) as store:
        started = time.perf_counter()
        summary = export_roster(store, out, ExportOptions(one_sheet=True))
        return {"seconds": time.perf_counter() - started, "rows": summary.rows}


def make_store(source_dir: Path, new_dir: Path) -> dict[str, Any]:
    """A new store of the source's township with its staff, teams and packages."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from fdclient.models import ServicePackage, Staff, Team, Township
    from fdclient.services.contracts.packages import PackageItemInput, create_package
    from fdclient.services.staff import accounts
    from fdclient.services.staff.organisation import create_team, register_staff
    from fdclient.store import create_store

    user = os.environ.get("BENCH_USER", USER)
    password = os.environ.get("BENCH_PASSWORD", PASSWORD)
    with _open(source_dir, user, password) as source, source.read() as session:
        township = session.scalars(select(Township)).one()
        code, name = township.code, township.name
        staff = [(s.id, s.name, s.role, s.phone) for s in session.scalars(select(Staff).where(Staff.role != "admin"))]
        teams = [
            (t.name, t.leader_id, [m.staff_id for m in t.members], t.phone)
            for t in session.scalars(select(Team).where(Team.active))
        ]
        packages = [
            (p.code, p.name, p.kind, p.fee_total_fen, p.fee_insurance_fen, p.fee_public_health_fen,
             p.fee_resident_fen, p.target_population,
             [PackageItemInput(i.name, i.service_kind, i.times_per_year) for i in p.items])
            for p in session.scalars(select(ServicePackage).options(selectinload(ServicePackage.items)))
        ]  # fmt: skip
    with create_store(new_dir, code, name, admin_username="admin", admin_password=IMPORTER_PASSWORD) as store:
        with store.write() as session:
            ids = {}
            for old_id, staff_name, role, phone in staff:
                ids[old_id] = register_staff(session, name=staff_name, role=role, phone=phone).id
            for team_name, leader, members, phone in teams:
                create_team(
                    session,
                    name=team_name,
                    leader_id=ids[leader],
                    member_ids=[ids[m] for m in members if m in ids],
                    phone=phone,
                )
            for p in packages:
                create_package(
                    session,
                    code=p[0],
                    name=p[1],
                    kind=p[2],
                    fee_total_fen=p[3],
                    fee_insurance_fen=p[4],
                    fee_public_health_fen=p[5],
                    fee_resident_fen=p[6],
                    target_population=p[7],
                    items=p[8],
                )
        accounts.add_account(store, IMPORTER, "doctor", IMPORTER_PASSWORD, staff_name="导入员")
    return {"staff": len(staff), "teams": len(teams), "packages": len(packages)}


def run_import(store_dir: Path, roster: Path) -> dict[str, Any]:
    from fdclient.rosters.importing import import_roster
    from fdclient.rosters.reading import read_roster

    with _open(store_dir, IMPORTER, IMPORTER_PASSWORD) as store:
        started = time.perf_counter()
        table = read_roster(roster)
        read = time.perf_counter() - started
        summary = import_roster(store, table)
        seconds = time.perf_counter() - started
    result = {k: v for k, v in summary.to_json().items() if k != "errors"}
    return {"seconds": seconds, "read_seconds": read, **result, "households": summary.households_created}


def read_calamine(roster: Path) -> dict[str, Any]:
    import python_calamine

    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(roster))
    cells = sum(len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python())
    return {"seconds": time.perf_counter() - started, "cells": cells}


def read_openpyxl(roster: Path) -> dict[str, Any]:
    import openpyxl

    started = time.perf_counter()
    book = openpyxl.load_workbook(roster, read_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    return {"seconds": time.perf_counter() - started, "cells": cells}


def main(argv: list[str]) -> None:
    kind, first, second = argv[0], Path(argv[1]), Path(argv[2])
    if kind == "make-roster":
        result = make_roster(first, second)
    elif kind == "make-store":
        result = make_store(first, second)
    elif kind == "import":
        result = run_import(first, second)
    elif kind == "calamine":
        result = read_calamine(second)
    else:
        result = read_openpyxl(second)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["maxrss_mb"] = usage.ru_maxrss / 1024
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
