"""Printing commands:

* ``fdclient print-contracts OUT.pdf (--village CODE | --contract NUMBER)``: the contract
  forms (签约服务协议书), each in two copies (甲方留存, 乙方留存). One of the two options is
  required: a village prints its contracts in force, a number prints that one contract
  whatever its status (a draft with blank signature lines, an ended contract as a copy).
  There is no township-wide run: forms are printed where they are signed.
* ``fdclient print-worklist OUT.pdf --village CODE [--date YYYY-MM-DD]``: the walking list
  (入户工作清单) of the village for that day (default today).

The data is gathered and the PDF written in one unit of work: the print is in the audit
trail only when the file is complete (a failure leaves no file and no record). Exit
status: 0 written; 1 nothing to print, or the file could not be written; 2 bad input
(no or unknown village or contract, a role that may not print).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fdclient.cli import signin
from fdclient.cli.commands import EXIT_OK, EXIT_PROBLEM, data_dir, say
from fdclient.errors import ValidationError
from fdclient.text import msg

__all__ = ["cmd_print_contracts", "cmd_print_worklist", "pdf_target"]


def pdf_target(text: str) -> Path:
    """The output path, refused before signing in when it cannot be a new PDF there."""
    path = Path(text).expanduser()
    if path.suffix.lower() != ".pdf":
        raise ValidationError(
            msg("输出文件应以 .pdf 结尾：{path}", "The output file should end in .pdf: {path}", path=str(path)),
            field="output",
        )
    if not path.parent.is_dir():
        raise ValidationError(
            msg(
                "文件夹 {folder} 不存在，请先建立它或换一个位置。",
                "The folder {folder} does not exist: create it or choose another place.",
                folder=str(path.parent),
            ),
            field="output",
        )
    return path


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{msg('正在生成协议书', 'Making the forms')} {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_print_contracts(args: argparse.Namespace) -> int:
    from fdclient.documents.contract_form import write_contract_forms
    from fdclient.services.documents.contract_forms import contract_forms

    if args.village is None and args.contract is None:
        raise ValidationError(
            msg(
                "请指定要打印的协议：--village 村代码（该村全部履约中的协议）或 --contract 协议编号（一份协议）。",
                "Say which contracts to print: --village CODE (the village's contracts in force) or --contract NUMBER"
                " (one contract).",
            ),
            field="contract",
        )
    target = pdf_target(args.output)
    show_progress = sys.stderr is not None and sys.stderr.isatty()
    with signin.open_signed_in(data_dir(args), args) as store, store.write() as session:
        batch = contract_forms(session, village_code=args.village, contract_no=args.contract)
        if not batch.forms:
            say(
                msg(
                    "没有要打印的协议：该村没有履约中的签约协议。没有写入文件。",
                    "Nothing to print: the village has no contract in force. No file was written.",
                )
            )
            return EXIT_PROBLEM
        pages = write_contract_forms(batch, target, progress=_progress if show_progress else None)
    say(
        msg(
            "已生成 {forms} 份签约服务协议书（每份一式两份：甲方留存、乙方留存；共 {pages} 页）：{path}",
            "Wrote {forms} contract forms (two copies each, for party A and party B; {pages} pages): {path}",
            forms=len(batch.forms),
            pages=pages,
            path=str(target),
        )
    )
    return EXIT_OK


def cmd_print_worklist(args: argparse.Namespace) -> int:
    from fdclient.documents.walking_list import write_walking_list
    from fdclient.services.documents.walking_lists import walking_list

    target = pdf_target(args.output)
    with signin.open_signed_in(data_dir(args), args) as store, store.write() as session:
        walk = walking_list(session, village_code=args.village, day=args.date)
        pages = write_walking_list(walk, target)
    say(
        msg(
            "已生成 {day} 的入户工作清单：{households} 户 {residents} 人，共 {pages} 页：{path}",
            "Wrote the walking list for {day}: {households} households, {residents} residents, {pages} pages: {path}",
            day=walk.day.isoformat(),
            households=len(walk.households),
            residents=walk.residents,
            pages=pages,
            path=str(target),
        )
    )
    if not walk.households:
        say(msg("这一天该村没有待办的入户事项。", "Nothing is due in the village that day."))
    return EXIT_OK
