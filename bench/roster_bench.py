"""Rosters in Excel: exporting the signed-residents roster of a 100k-resident township,
beside baselines measured in the same run.

Export (issue 8): ``export_roster`` as ``fdclient export-roster`` runs it (counts, the
rows read from the store in batches by a second process, one sheet per village written
by XlsxWriter in constant-memory mode, the indicator sheet, renamed into place, audited),
against the two ways a library writes the same rows already in memory: XlsxWriter in constant-memory mode
(``write_row``, dates with a date format) and openpyxl in write-only mode (``append``),
each to one sheet. Target: the export takes at most 1.2 × the faster baseline, and its
peak memory (``ru_maxrss`` of the process, measured in a child process of its own; its
reading process reported beside it) is at most 300 MB. CPU times are printed too: on a
busy machine they say more than the wall-clock times.

Every measurement runs in a fresh child process; the repeats interleave the three so that
a change in the machine's load falls on all of them (shared machines vary by ±20%).

    python bench/roster_bench.py [--store DIR] [--repeat N] [--only export|import]

``--store`` is the data folder of a demo store (default ``/work/bench-store/s100k``); it
is only read: the bench works on a copy in a temporary folder (signing in and exporting
write to the store's audit trail). It signs in as ``doctor001`` with the demo password
(``BENCH_USER`` / ``BENCH_PASSWORD`` to change them).

Other roster figures (the import) are added to :data:`FIGURES`: each function takes the
:class:`Context` and returns its rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_STORE = Path("/work/bench-store/s100k")
USER, PASSWORD = "doctor001", "demo-pass-2026"
#: Targets of issue 8.
MAX_RATIO = 1.2
MAX_MEMORY_MB = 300.0

Figure = tuple[str, float | str, str]


@dataclass(frozen=True)
class Context:
    #: A private copy of the demo store.
    store: Path
    #: Where the figures write their files.
    work: Path
    repeat: int


# --- child processes ---------------------------------------------------------------------------------


def _open(store_dir: Path) -> Any:
    from fdclient.store import open_store, sign_in

    user = os.environ.get("BENCH_USER", USER)
    password = os.environ.get("BENCH_PASSWORD", PASSWORD)
    return open_store(store_dir, sign_in(store_dir, user, password), daily_backup=False)


def _rows_in_memory(store: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The roster's header and rows as the export writes them (序号 first, the columns of
    fdclient.rosters.columns in order), read into a list."""
    from fdclient.rosters.columns import EXPORT_COLUMNS
    from fdclient.services.rosters.export import ROW_KEYS, RosterSelection, roster_batches

    order = [ROW_KEYS.index(c.key) for c in EXPORT_COLUMNS[1:]]
    rows: list[tuple[Any, ...]] = []
    with store.read() as session:
        for batch in roster_batches(session, RosterSelection()):
            for row in batch:
                rows.append((len(rows) + 1, *(row[i] for i in order)))
    return [c.header for c in EXPORT_COLUMNS], rows


def _baseline_xlsxwriter(header: list[str], rows: list[tuple[Any, ...]], out: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()


def _baseline_openpyxl(header: list[str], rows: list[tuple[Any, ...]], out: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(out)


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _child(kind: str, store_dir: Path, out: Path) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    store = _open(store_dir)
    result: dict[str, Any] = {}
    if kind in ("export", "export-encrypted"):
        from fdclient.rosters.export import export_roster

        password = "bench-roster-pass" if kind == "export-encrypted" else None
        cpu, started = _cpu(), time.perf_counter()
        summary = export_roster(store, out, password=password)
        result["seconds"] = time.perf_counter() - started
        result["rows"] = summary.rows
        result["sheets"] = summary.sheets
    else:
        header, rows = _rows_in_memory(store)
        write = _baseline_xlsxwriter if kind == "xlsxwriter" else _baseline_openpyxl
        cpu, started = _cpu(), time.perf_counter()
        write(header, rows, out)
        result["seconds"] = time.perf_counter() - started
        result["rows"] = len(rows)
    after = _cpu()
    result["cpu_self"], result["cpu_children"] = after[0] - cpu[0], after[1] - cpu[1]
    store.close()
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["bytes"] = out.stat().st_size
    return result


def measure(kind: str, context: Context) -> dict[str, Any]:
    out = context.work / f"{kind}.xlsx"
    command = [sys.executable, __file__, "--child", kind, str(context.store), str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out.unlink()
    return result


# --- figures -------------------------------------------------------------------------------------------


def export_figures(context: Context) -> list[Figure]:
    """The roster export against the two libraries writing the same rows."""
    kinds = ("xlsxwriter", "openpyxl", "export")
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in (*kinds, "export-encrypted")}
    for _ in range(context.repeat):
        for kind in kinds:
            runs[kind].append(measure(kind, context))
    runs["export-encrypted"].append(measure("export-encrypted", context))

    def seconds(kind: str) -> float:
        return statistics.median(r["seconds"] for r in runs[kind])

    def cpu(kind: str, part: str = "cpu_self") -> float:
        return statistics.median(r[part] for r in runs[kind])

    xw, op, export = seconds("xlsxwriter"), seconds("openpyxl"), seconds("export")
    faster = min(xw, op)
    ratio = export / faster
    memory = max(r["maxrss_mb"] for r in runs["export"])
    helper = max(r["children_maxrss_mb"] for r in runs["export"])
    last = runs["export"][-1]
    return [
        ("roster rows (registered residents)", last["rows"], "rows"),
        ("roster sheets (one per village) + indicators", last["sheets"], "sheets"),
        ("export_roster (median)", export, "s"),
        ("baseline: XlsxWriter constant_memory, same rows in memory", xw, "s"),
        ("baseline: openpyxl write_only, same rows in memory", op, "s"),
        (f"export ÷ faster baseline (target ≤ {MAX_RATIO})", ratio, "×"),
        ("  within target", "yes" if ratio <= MAX_RATIO else "NO", ""),
        ("CPU: export, writing process", cpu("export"), "s"),
        ("CPU: export, reading process (rows, then the indicators)", cpu("export", "cpu_children"), "s"),
        ("CPU: baseline XlsxWriter", cpu("xlsxwriter"), "s"),
        ("CPU: baseline openpyxl", cpu("openpyxl"), "s"),
        (f"export peak memory, ru_maxrss (target ≤ {MAX_MEMORY_MB:.0f})", memory, "MB"),
        ("  within target", "yes" if memory <= MAX_MEMORY_MB else "NO", ""),
        ("  its reading process (and the indicators' helper), ru_maxrss", helper, "MB"),
        ("baselines' peak memory (rows held in memory)", max(r["maxrss_mb"] for r in runs["xlsxwriter"]), "MB"),
        ("export with --password (Office encryption), one run", runs["export-encrypted"][0]["seconds"], "s"),
        ("workbook size", last["bytes"] / 1e6, "MB"),
    ]


def import_figures(context: Context) -> list[Figure]:
    """The roster import (issue 8: a 100k-row roster with full validation in at most 30 s and
    600 MB), beside an openpyxl read-only pass and a python-calamine pass over the same file.

    The roster is the demo store's, exported on one sheet; it is imported into a NEW store of
    the same township holding only the demo's staff, teams and packages (a copy per run), as
    a township does the first time. Every measurement is a fresh child process of
    bench/roster_import_bench.py, which prints its peak memory (``ru_maxrss``)."""
    max_seconds, max_mb = 30.0, 600.0  # targets of issue 8
    script = Path(__file__).with_name("roster_import_bench.py")

    def child(*args: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, str(script), *args], check=True, capture_output=True, text=True)
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    roster, empty = context.work / "import-roster.xlsx", context.work / "import-empty-store"
    made = child("make-roster", str(context.store), str(roster))
    child("make-store", str(context.store), str(empty))
    runs: dict[str, list[dict[str, Any]]] = {"import": [], "calamine": [], "openpyxl": []}
    for n in range(context.repeat):
        target = copy_store(empty, context.work / f"import-store-{n}")
        runs["import"].append(child("import", str(target), str(roster)))
        shutil.rmtree(target)
        runs["calamine"].append(child("calamine", str(empty), str(roster)))
        runs["openpyxl"].append(child("openpyxl", str(empty), str(roster)))

    def seconds(kind: str) -> float:
        return statistics.median(r["seconds"] for r in runs[kind])

    took, memory = seconds("import"), max(r["maxrss_mb"] for r in runs["import"])
    last = runs["import"][-1]
    return [
        ("import: roster rows (exported from the demo, one sheet)", made["rows"], "rows"),
        ("import: created / rejected rows", f"{last['created']}/{last['rejected']}", ""),
        ("import: contracts created (signed, channel roster_import)", last["contracts_created"], ""),
        ("import_roster, read + plan + write (median; target ≤ 30)", took, "s"),
        ("  within target", "yes" if took <= max_seconds else "NO", ""),
        ("  its CPU time, user + system (median; the machine's load aside)", statistics.median(
            r["cpu_seconds"] for r in runs["import"]), "s"),
        ("  of which reading the file (calamine + header + merged cells)", statistics.median(
            r["read_seconds"] for r in runs["import"]), "s"),
        (f"import peak memory, ru_maxrss (target ≤ {max_mb:.0f})", memory, "MB"),
        ("  within target", "yes" if memory <= max_mb else "NO", ""),
        ("baseline: openpyxl read_only, every cell, same file", seconds("openpyxl"), "s"),
        ("baseline: python-calamine, every cell, same file", seconds("calamine"), "s"),
        ("baselines' peak memory: openpyxl / calamine", f"{max(r['maxrss_mb'] for r in runs['openpyxl']):.0f}"
            f"/{max(r['maxrss_mb'] for r in runs['calamine']):.0f}", "MB"),
    ]  # fmt: skip


#: The figures this bench prints, in order (the roster import adds its own).
FIGURES: list[Callable[[Context], list[Figure]]] = [export_figures, import_figures]


def copy_store(source: Path, destination: Path) -> Path:
    """A private copy of the store (its database, write-ahead log and key file)."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".lock", "logs", "backups"))
    return destination


def run(source: Path, repeat: int = 3, only: str | None = None) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        started = time.perf_counter()
        store = copy_store(source, Path(tmp) / "store")
        copied = time.perf_counter() - started
        work = Path(tmp) / "work"
        work.mkdir()
        context = Context(store, work, repeat)
        rows: list[Figure] = [("copy of the demo store", copied, "s")]
        for figures in FIGURES:
            if only is None or figures.__name__.startswith(only):
                rows += figures(context)
        return rows


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        kind, store_dir, out = argv[1], Path(argv[2]), Path(argv[3])
        print(json.dumps(_child(kind, store_dir, out)))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, help="demo store's data folder (only read)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median; default 3)")
    parser.add_argument("--only", metavar="NAME", help="only the figures of NAME (export, import)")
    args = parser.parse_args(argv)
    rows = run(args.store, args.repeat, args.only)
    print(f"{'figure':62s} {'value':>10} unit")
    for figure, value, unit in rows:
        shown = f"{value:10.2f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{figure:62s} {shown} {unit}")


if __name__ == "__main__":
    main()
