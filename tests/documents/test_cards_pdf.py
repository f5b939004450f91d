"""The contact cards as a real PDF (fdclient/documents/cards.py), read back as a user's
machine would: pdfinfo (A4, fronts and backs), pdffonts (every font embedded), pdftotext
(names and masked ID numbers, never a whole ID number; where each card sits, and each back
behind its front), pdftoppm (cut marks in the margins only) and zbarimg (each QR code
decodes to its card's token)."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from helpers.card_world import CardWorld, make_card_world
from helpers.scene import Template

from fdclient.documents.card_pen import module_rectangles, qr_matrix
from fdclient.documents.card_sheet import (
    CARD_HEIGHT,
    CARD_WIDTH,
    COLUMNS,
    MARK_GAP,
    MARK_LENGTH,
    PAGE_HEIGHT,
    ROWS,
    SAFE_INSET,
    CardPlace,
    card_place,
    grid_origin,
)
from fdclient.documents.cards import write_cards
from fdclient.domain.card_codes import format_card_code
from fdclient.domain.identity import mask_id_number
from fdclient.services.documents.cards import CardBatch, contact_cards

pytestmark = pytest.mark.usefixtures("poppler")


@pytest.fixture(scope="module")
def poppler() -> None:
    for tool in ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm", "zbarimg"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            pytest.fail(f"{tool} is missing: scripts/dev.sh installs poppler-utils and zbar-tools")


@dataclass(frozen=True)
class Printed:
    world: CardWorld
    batch: CardBatch
    pdf: Path


@pytest.fixture(scope="module")
def printed(scene_template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Printed]:
    """Twelve cards of a real store (two sheets, the second with two cards) in one PDF."""
    folder = tmp_path_factory.mktemp("cards")
    store = scene_template.open(folder / "store")
    try:
        world = make_card_world(store, households_in_village=5)
        with store.write() as session:
            batch = contact_cards(session)
        pdf = folder / "cards.pdf"
        written = write_cards(batch, pdf)
        assert (written.cards, written.sheets, written.pages) == (12, 2, 4)
        yield Printed(world, batch, pdf)
    finally:
        store.close()


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float  # from the top of the page, as pdftotext gives it
    x1: float
    y1: float


def _words(pdf: Path, page: int) -> list[Word]:
    html = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [
        Word(unescape(text), float(a), float(b), float(c), float(d)) for a, b, c, d, text in re.findall(pattern, html)
    ]


def _card_of(word: Word, page: int) -> int | None:
    """The index (0-9) of the card the word sits on, on a front page or a back page."""
    for index in range(COLUMNS * ROWS):
        place = card_place(index, back=page % 2 == 0)
        top = PAGE_HEIGHT - place.y - CARD_HEIGHT
        if place.x <= word.x0 and word.x1 <= place.x + CARD_WIDTH and top <= word.y0 and word.y1 <= top + CARD_HEIGHT:
            return index
    return None


def test_the_pages_are_a4_fronts_and_backs(printed: Printed) -> None:
    info = _run("pdfinfo", str(printed.pdf))
    assert re.search(r"Pages:\s+4\n", info)
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info)


def test_every_font_is_embedded(printed: Printed) -> None:
    lines = _run("pdffonts", str(printed.pdf)).splitlines()[2:]
    assert lines, "no font at all"
    for line in lines:
        emb = line.split()[-5]
        assert emb == "yes", line


def test_names_and_masked_ids_are_printed_and_never_a_whole_id_number(printed: Printed) -> None:
    text = _run("pdftotext", str(printed.pdf), "-")
    for person in printed.world.people:
        assert person.name in text
        assert person.id_number is not None
        assert mask_id_number(person.id_number) in text
        assert person.id_number not in text
        assert person.id_number[6:14] not in text  # nor the birth date it holds
    for card in printed.batch.cards:
        assert format_card_code(card.code) in text
        assert card.token not in text  # only in the QR code
    assert "高血压、糖尿病、其他疾病" in text
    assert "精神" not in text


def test_each_card_sits_in_its_place_and_its_back_behind_it(printed: Printed) -> None:
    """Card k of a sheet: front at card_place(k), back at the mirrored place (column 1 - c
    of the same row), recognised by the resident's name on both sides."""
    for sheet in range(2):
        cards = printed.batch.cards[sheet * 10 : sheet * 10 + 10]
        for side, page in (("front", 2 * sheet + 1), ("back", 2 * sheet + 2)):
            words = _words(printed.pdf, page)
            for index, card in enumerate(cards):
                found = [w for w in words if w.text == card.name]
                assert len(found) == 1, (side, card.name)
                assert _card_of(found[0], page) == index, (side, card.name)
                if side == "back":
                    front = card_place(index, back=False)
                    back = card_place(index, back=True)
                    assert (back.row, back.column) == (front.row, COLUMNS - 1 - front.column)
                    assert back.y == front.y
    first_back = card_place(0, back=True)
    assert first_back.x == card_place(1, back=False).x  # card 1's back: where card 2's front is


def test_the_mirrored_grid_is_symmetric_so_backs_land_behind_fronts() -> None:
    left, _ = grid_origin()
    for index in range(10):
        front, back = card_place(index, back=False), card_place(index, back=True)
        # Turned over the long edge, the front's x becomes page width - x - card width.
        assert back.x == pytest.approx(2 * left + COLUMNS * CARD_WIDTH - front.x - CARD_WIDTH)


def _grey_page(pdf: Path, page: int, dpi: int, tmp_path: Path) -> tuple[int, int, bytes]:
    stem = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    data = stem.with_suffix(".pgm").read_bytes()
    stream = io.BytesIO(data)
    fields: list[bytes] = []
    while len(fields) < 4:
        token = b""
        while (ch := stream.read(1)).isspace():
            pass
        while not ch.isspace():
            token += ch
            ch = stream.read(1)
        fields.append(token)
    assert fields[0] == b"P5" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    return width, height, stream.read(width * height)


@pytest.mark.parametrize("page", [1, 2])
def test_cut_marks_are_in_the_margins_and_never_on_a_card(printed: Printed, page: int, tmp_path: Path) -> None:
    dpi = 100
    width, height, pixels = _grey_page(printed.pdf, page, dpi, tmp_path)
    px = dpi / 72

    def dark(x: float, y_from_top: float) -> bool:
        return pixels[round(y_from_top * px) * width + round(x * px)] < 128

    left, bottom = grid_origin()
    right, top = left + COLUMNS * CARD_WIDTH, bottom + ROWS * CARD_HEIGHT
    middle = MARK_GAP + MARK_LENGTH / 2
    # A mark on every cut line, above and below the grid, left and right of it ...
    for c in range(COLUMNS + 1):
        x = left + c * CARD_WIDTH
        assert any(dark(x + d, PAGE_HEIGHT - top - middle) for d in (-0.5, 0, 0.5)), ("above", c)
        assert any(dark(x + d, PAGE_HEIGHT - bottom + middle) for d in (-0.5, 0, 0.5)), ("below", c)
    for r in range(ROWS + 1):
        y = PAGE_HEIGHT - (bottom + r * CARD_HEIGHT)
        assert any(dark(left - middle, y + d) for d in (-0.5, 0, 0.5)), ("left", r)
        assert any(dark(right + middle, y + d) for d in (-0.5, 0, 0.5)), ("right", r)
    # ... nothing else in the margin beside them ...
    row = round((PAGE_HEIGHT - top - middle) * px)
    marks = [left + c * CARD_WIDTH for c in range(COLUMNS + 1)]
    for x_px in range(width):
        if pixels[row * width + x_px] < 128:
            assert min(abs(x_px / px - m) for m in marks) < 2, x_px
    # ... and no mark on a card: every card's corners (within the safe inset) are blank.
    for index in range(10):
        place = card_place(index, back=page == 2)
        for cx, cy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            for dx in (0.5, 1.5, 2.5):
                for dy in (0.5, 1.5, 2.5):
                    x = place.x + (CARD_WIDTH - dx * SAFE_INSET / 3 if cx else dx * SAFE_INSET / 3)
                    y = place.y + (CARD_HEIGHT - dy * SAFE_INSET / 3 if cy else dy * SAFE_INSET / 3)
                    assert not dark(x, PAGE_HEIGHT - y), (index, cx, cy)


def _decode(pdf: Path, page: int, place: CardPlace, stem: Path, dpi: int = 300) -> list[str]:
    """The QR codes zbarimg finds in a render of one card's area of a page."""
    scale = dpi / 72
    x, y = round(place.x * scale), round((PAGE_HEIGHT - place.y - CARD_HEIGHT) * scale)
    size = ["-W", str(round(CARD_WIDTH * scale)), "-H", str(round(CARD_HEIGHT * scale))]
    window = ["-x", str(x), "-y", str(y), *size]
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", *pages, *window, "-singlefile", str(pdf), str(stem)], check=True
    )
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(stem.with_suffix(".png"))],
        capture_output=True,
        text=True,
    )
    return found.stdout.split()


def test_each_qr_code_decodes_to_its_cards_token(printed: Printed, tmp_path: Path) -> None:
    """zbarimg on a 300 dpi render of each card's place on the front pages finds exactly
    that card's token."""
    for number, card in enumerate(printed.batch.cards):
        sheet, index = divmod(number, 10)
        place = card_place(index, back=False)
        assert _decode(printed.pdf, 2 * sheet + 1, place, tmp_path / f"card{number}") == [card.token], card.name


def test_a_stream_gets_the_same_pdf_and_progress_is_reported(printed: Printed) -> None:
    seen: list[tuple[int, int]] = []
    buffer = io.BytesIO()
    written = write_cards(printed.batch, buffer, progress=lambda done, total: seen.append((done, total)))
    assert written.pages == 4 and buffer.getvalue().startswith(b"%PDF")
    assert seen == [(n, 12) for n in range(1, 13)]


def test_a_cancel_leaves_nothing_behind(printed: Printed, tmp_path: Path) -> None:
    target = tmp_path / "cards.pdf"

    def cancel(done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_cards(printed.batch, target, progress=cancel)
    assert list(tmp_path.iterdir()) == []
    write_cards(printed.batch, target)
    assert [p.name for p in tmp_path.iterdir()] == ["cards.pdf"]


def test_the_qr_rectangles_cover_exactly_the_dark_modules() -> None:
    for data in ("0xo0FLYlttv1puIWFT0NBg", "BHCcSoFp1KJmdBYhEnEjmA", "-_-_-_-_-_-_-_-_-_-_-_"):
        matrix = qr_matrix(data)
        covered = [[0] * len(matrix) for _ in matrix]
        for column, row, width, height in module_rectangles(matrix):
            for r in range(row, row + height):
                for c in range(column, column + width):
                    assert not covered[r][c]
                    covered[r][c] = 1
        assert covered == [[int(bool(v)) for v in row] for row in matrix]
