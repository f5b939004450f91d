"""Contact cards (issue 8): 1,000 cards with QR codes into one PDF in at most 12 s, beside
baselines measured in the same run.

Builds a demo township (as ``fdclient demo`` does, about 2.6 residents per card wanted, so
that more than 1,000 are covered by a contract in force), signs in as a demo doctor and
measures:

* gathering the cards of the whole township (``contact_cards``: the residents, contracts,
  teams, diagnoses; the first print issues every resident's card numbers), and again (a
  reprint: the numbers are read, not made);
* writing 1,000 of those cards, ten to a sheet with fronts and mirrored backs, QR codes
  drawn from ``segno`` matrices, to a PDF file (``write_cards``: the figure of issue 8);
* the same, as ``fdclient print-cards`` runs it: gathering and writing in one unit of work,
  the gathering scaled to 1,000 cards;

beside two baselines: the 1,000 ``segno`` QR matrices alone (what the codes cost before
anything is drawn), and the same 1,000 cards written without their QR codes.

    python bench/cards_bench.py [--cards N] [--store DIR]

``--store`` keeps (or reuses) the demo store in DIR; by default it is built in a temporary
folder and removed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from fdclient.documents import card_pen
from fdclient.documents.cards import write_cards
from fdclient.paths import StorePaths
from fdclient.services.demo import generate_demo
from fdclient.services.documents.cards import CardBatch, contact_cards
from fdclient.store import Store, create_store, open_store, sign_in

T = TypeVar("T")
Figure = tuple[str, float | str, str]

CARDS = 1000
#: Issue 8: 1,000 contact cards with QR codes in at most this many seconds.
TARGET_SECONDS = 12.0
AS_OF = date(2026, 6, 1)
TOWNSHIP = ("360111101", "罗家镇")
ADMIN, DOCTOR, PASSWORD = "admin", "doctor001", "bench-password-1"
#: Demo households per card wanted (about 3.25 residents each, not all of them covered).
HOUSEHOLDS_PER_CARD = 0.8


def build_store(store_dir: Path, cards: int) -> str:
    if StorePaths(store_dir).database.exists():
        return "existing store"
    households = round(cards * HOUSEHOLDS_PER_CARD)

    def populate(store: Store) -> None:
        generate_demo(store, villages=2, households=households, seed=11, as_of=AS_OF, password=PASSWORD)

    create_store(store_dir, *TOWNSHIP, admin_username=ADMIN, admin_password=PASSWORD, populate=populate).close()
    return f"demo, {households} households"


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


@contextmanager
def without_qr_codes() -> Iterator[None]:
    """The baseline of plain cards: the pen draws no QR code (everything else as usual)."""
    original = card_pen.Pen.qr
    card_pen.Pen.qr = lambda self, data, x, y, size: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        card_pen.Pen.qr = original  # type: ignore[method-assign]


def run(store_dir: Path, cards: int = CARDS) -> list[Figure]:
    t_build, source = timed(lambda: build_store(store_dir, cards))
    rows: list[Figure] = [("store", source, ""), ("store build", t_build, "s")]
    work = store_dir.parent / "cards-bench-out"
    work.mkdir(exist_ok=True)
    with open_store(store_dir, sign_in(store_dir, DOCTOR, PASSWORD)) as store:
        with store.write() as session:
            t_first, batch = timed(lambda: contact_cards(session))
        with store.write() as session:
            t_again, again = timed(lambda: contact_cards(session))
        covered = len(batch.cards)
        if covered < cards:
            sys.exit(f"only {covered} residents are covered in {store_dir}: remove it or ask for fewer cards")
        assert [c.token for c in again.cards] == [c.token for c in batch.cards], "a reprint changed the tokens"
        some = CardBatch(batch.cards[:cards], batch.issued_on, 0)
        # Warm up (the font is registered and its widths cached once per process).
        write_cards(CardBatch(some.cards[:10], some.issued_on, 0), work / "warm-up.pdf")
        t_matrices, _ = timed(lambda: [card_pen.qr_matrix(c.token) for c in some.cards])
        with without_qr_codes():
            t_plain, _ = timed(lambda: write_cards(some, work / "plain.pdf"))
        t_cards, written = timed(lambda: write_cards(some, work / "cards.pdf"))
        size_kb = (work / "cards.pdf").stat().st_size / 1024

        def as_the_command_does() -> None:
            with store.write() as session:
                write_cards(contact_cards(session), work / "all.pdf")

        t_command, _ = timed(as_the_command_does)
    per_card_gather = t_again / covered
    rows += [
        ("residents covered (cards in the township)", covered, "cards"),
        ("gather the township's cards, first print (numbers issued)", t_first, "s"),
        ("gather the township's cards again (reprint)", t_again, "s"),
        (f"write {cards} cards with QR codes to a PDF (target ≤ {TARGET_SECONDS:g} s)", t_cards, "s"),
        ("  sheets / pages", f"{written.sheets}/{written.pages}", ""),
        ("  file size", size_kb, "KB"),
        ("  per card", 1000 * t_cards / cards, "ms"),
        (f"baseline: {cards} segno QR matrices alone", t_matrices, "s"),
        (f"baseline: the same {cards} cards without QR codes", t_plain, "s"),
        (f"gather (reprint, scaled to {cards}) + write {cards} cards", per_card_gather * cards + t_cards, "s"),
        (f"as print-cards runs it: all {covered} cards gathered and written in one unit", t_command, "s"),
        ("within the target", "yes" if t_cards <= TARGET_SECONDS else "NO", ""),
    ]
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cards", type=int, default=CARDS, help=f"cards to write (default {CARDS})")
    parser.add_argument("--store", type=Path, help="keep (or reuse) the demo store in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store or Path(tmp) / "store"
        rows = run(store_dir, args.cards)
    print(f"{'figure':72s} {'value':>10} unit")
    for figure, value, unit in rows:
        shown = f"{value:10.2f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{figure:72s} {shown} {unit}")


if __name__ == "__main__":
    main()
