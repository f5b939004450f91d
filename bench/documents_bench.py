"""Printed documents on the 100k-resident demo township, each figure beside a baseline
measured in the same run.

* 1,000 contract forms (签约服务协议书) into one PDF, as ``print-contracts`` makes them
  (two copies each): gathering the data from the store
  (:func:`fdclient.services.documents.contract_forms.contract_forms`, with its audit
  event) and drawing the PDF (:func:`fdclient.documents.contract_form.write_contract_forms`);
  the issue's limits are 10 s and 10 KB a form on average. Baseline: ReportLab drawing
  1,000 pages of plain text (40 lines of Chinese) in the same embedded font.

Each figure is a function in :data:`FIGURES` taking the signed-in store, a scratch folder
and how many documents to make (``--count``, default 1,000), and returning rows
``(figure, value, unit)``; add one there for another document.

The demo store (``/work/bench-store/s100k``; accounts ``doctor001`` ... with the password
``demo-pass-2026``) is copied first: printing writes audit events, and the original is
shared. Times are wall-clock and process CPU: on a busy machine compare each figure with
its baseline, not with another run's.

    python bench/documents_bench.py [--store DIR] [--count N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from fdclient.documents.contract_form import write_contract_forms
from fdclient.documents.fonts import document_font
from fdclient.models import Contract
from fdclient.services.documents.contract_forms import contract_forms
from fdclient.store import Store, open_store, sign_in

DEMO_STORE = Path("/work/bench-store/s100k")
USER, PASSWORD = "doctor001", "demo-pass-2026"
COUNT = 1_000
#: The issue's limits for 1,000 forms.
LIMIT_SECONDS, LIMIT_KB_PER_FORM = 10.0, 10.0

Figure = tuple[str, float | str, str]
FigureFunction = Callable[[Store, Path, int], list[Figure]]


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def plain_text_pages(pages: int, target: Path) -> None:
    """The baseline: *pages* A4 pages of 40 lines of Chinese in the embedded font."""
    font = document_font().name
    line = "签约居民应如实提供本人及家庭成员的健康信息，配合家庭医生团队开展随访和体检。"
    canvas = Canvas(str(target), pageCompression=1, initialFontName=font)
    for _ in range(pages):
        canvas.setFont(font, 10.5)
        for i in range(40):
            canvas.drawString(56, 790 - i * 18, line)
        canvas.showPage()
    canvas.save()


def contract_forms_figure(store: Store, scratch: Path, forms: int) -> list[Figure]:
    with store.read() as session:
        ids = list(
            session.scalars(
                select(Contract.id).where(Contract.status == "active").order_by(Contract.contract_no).limit(forms)
            )
        )
    out = scratch / "contracts.pdf"
    with Clock() as gather, store.write() as session:
        batch = contract_forms(session, contract_ids=ids)
    with Clock() as draw:
        pages = write_contract_forms(batch, out)
    n = len(batch.forms)
    size_kb = out.stat().st_size / 1000
    baseline_out = scratch / "baseline.pdf"
    with Clock() as baseline:
        plain_text_pages(n, baseline_out)
    total = gather.wall + draw.wall
    return [
        (f"contract forms: {n} forms, {pages} pages (2 copies each)", "", ""),
        ("  gather from the store (wall / CPU)", f"{gather.wall:.2f} / {gather.cpu:.2f}", "s"),
        ("  draw the PDF (wall / CPU)", f"{draw.wall:.2f} / {draw.cpu:.2f}", "s"),
        (f"  total (limit {LIMIT_SECONDS:.0f} s)", total, "s"),
        ("  total CPU", gather.cpu + draw.cpu, "s"),
        (f"  size per form (limit {LIMIT_KB_PER_FORM:.0f} KB)", size_kb / max(n, 1), "KB"),
        ("  file size", size_kb / 1000, "MB"),
        (f"  baseline: {n} plain-text pages, same font (wall / CPU)", f"{baseline.wall:.2f} / {baseline.cpu:.2f}", "s"),
        ("  total ÷ baseline (wall)", total / baseline.wall, "×"),
        ("  baseline size per page", baseline_out.stat().st_size / 1000 / max(n, 1), "KB"),
    ]


#: The figures, in the order they are printed.
FIGURES: list[FigureFunction] = [contract_forms_figure]


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".lock", "logs", "backups"))
    return target


def run(source: Path = DEMO_STORE, count: int = COUNT) -> list[Figure]:
    rows: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        with Clock() as copying:
            folder = copy_store(source, scratch / "store")
        rows.append(("copy the demo store (not counted)", copying.wall, "s"))
        with open_store(folder, sign_in(folder, USER, PASSWORD), daily_backup=False) as store:
            for figure in FIGURES:
                rows += figure(store, scratch, count)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEMO_STORE, help="the demo store to copy")
    parser.add_argument("--count", type=int, default=COUNT, help="documents in each batch (default 1,000)")
    args = parser.parse_args(argv)
    rows = run(args.store, args.count)
    print(f"{'figure':62s} {'value':>14} unit")
    for figure, value, unit in rows:
        shown = f"{value:14.2f}" if isinstance(value, float) else f"{value!s:>14}"
        print(f"{figure:62s} {shown} {unit}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
