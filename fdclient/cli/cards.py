"""``fdclient print-cards OUT.pdf [--village CODE | --contract NUMBER]``: the contact cards
(家庭医生联系卡) of the residents covered by a contract in force, ten to an A4 sheet, fronts
and backs for long-edge duplex printing.

The cards are gathered and written in one unit of work: residents printed for the first
time get their card numbers, and the print is recorded in the audit trail, only when the
PDF is complete (a failed or interrupted run leaves no file, no new numbers and no record).
Exit status: 0 written; 1 nothing to print, or the file could not be written (a missing
folder, a full disk); 2 bad input (unknown village or contract, a contract not in force,
a name not ending in ``.pdf``, a role that may not print).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fdclient.cli import signin
from fdclient.cli.commands import EXIT_OK, EXIT_PROBLEM, data_dir, say
from fdclient.errors import ValidationError
from fdclient.text import msg

__all__ = ["cmd_print_cards"]


def _target(text: str) -> Path:
    """The PDF to write: a ``.pdf`` name (so a typo cannot overwrite a workbook) in a folder
    that exists."""
    from fdclient.documents.output import check_target

    path = Path(text).expanduser()
    if path.suffix.lower() != ".pdf":
        raise ValidationError(
            msg("输出文件应以 .pdf 结尾：{path}", "The output file should end in .pdf: {path}", path=str(path)),
            field="output",
        )
    check_target(path)
    return path


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{msg('正在生成联系卡', 'Making the cards')} {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_print_cards(args: argparse.Namespace) -> int:
    from fdclient.documents.cards import write_cards
    from fdclient.services.documents.cards import contact_cards

    target = _target(args.output)
    show_progress = sys.stderr is not None and sys.stderr.isatty()
    with signin.open_signed_in(data_dir(args), args) as store, store.write() as session:
        batch = contact_cards(session, village_code=args.village, contract_no=args.contract)
        if not batch.cards:
            say(
                msg(
                    "没有要打印的联系卡：所选范围内没有履约中的签约居民。没有写入文件。",
                    "No contact card to print: nobody in the chosen range is covered by a contract in force."
                    " No file was written.",
                )
            )
            return EXIT_PROBLEM
        # A failure here (OperationFailed for a full disk, Ctrl-C) undoes the unit of work:
        # no new card numbers, no print recorded.
        written = write_cards(batch, target, progress=_progress if show_progress else None)
    say(
        msg(
            "已把 {cards} 张联系卡写入 {path}：{sheets} 张 A4 纸，正反面共 {pages} 页。"
            "请用双面打印（长边翻转），沿页边的裁切线裁开。",
            "Wrote {cards} contact cards to {path}: {sheets} A4 sheets, {pages} pages front and back."
            " Print on both sides (flip on the long edge) and cut along the marks in the margins.",
            cards=written.cards,
            path=str(target),
            sheets=written.sheets,
            pages=written.pages,
        )
    )
    if batch.new_cards:
        say(
            msg(
                "其中 {n} 位居民是第一次发卡。",
                "{n} of the residents get their first card.",
                n=batch.new_cards,
            )
        )
    return EXIT_OK
