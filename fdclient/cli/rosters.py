"""Roster commands: ``export-roster`` (and ``import-roster``, written by the import)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from fdclient.cli import signin
from fdclient.cli.commands import data_dir, say
from fdclient.errors import ValidationError
from fdclient.text import msg

EXIT_OK = 0
#: Where ``export-roster --password`` takes the workbook's password from, before a prompt.
EXPORT_PASSWORD_ENV = "FDCLIENT_EXPORT_PASSWORD"


def export_password() -> str:
    """The workbook's password: from FDCLIENT_EXPORT_PASSWORD, or typed twice on a
    terminal; without either, a usage error (scripts never hang on a prompt)."""
    from fdclient.rosters.encryption import check_export_password

    value = os.environ.get(EXPORT_PASSWORD_ENV)
    if value is not None:
        return check_export_password(value)
    if not (sys.stdin is not None and sys.stdin.isatty()):
        raise ValidationError(
            msg(
                "加密花名册需要密码：请设置环境变量 {env}，或在终端中运行以便输入。",
                "A password for the roster is needed: set {env}, or run in a terminal to type it.",
                env=EXPORT_PASSWORD_ENV,
            ),
            field="password",
        )
    first = getpass.getpass(
        str(msg("花名册的打开密码（至少 8 个字符）：", "Password to open the roster (8+ characters): "))
    )
    check_export_password(first)
    second = getpass.getpass(str(msg("再输入一遍：", "Type it again: ")))
    if first != second:
        raise ValidationError(msg("两次输入的密码不一样。", "The two passwords differ."), field="password")
    return first


def cmd_export_roster(args: argparse.Namespace) -> int:
    from fdclient.rosters.export import ExportOptions, export_roster

    password = export_password() if args.password else None
    options = ExportOptions(
        village_code=args.village,
        signed_only=args.signed_only,
        one_sheet=args.one_sheet,
    )
    with signin.open_signed_in(data_dir(args), args) as store:
        summary = export_roster(store, Path(args.output), options, password=password)
    say(
        msg(
            "已导出 {rows} 位居民（{sheets} 张花名册表和 1 张考核指标表，统计日期 {day}）到 {path}。",
            "Exported {rows} residents ({sheets} roster sheets and 1 indicator sheet, as of {day}) to {path}.",
            rows=summary.rows,
            sheets=summary.sheets,
            day=summary.as_of.isoformat(),
            path=str(summary.path),
        )
    )
    if summary.encrypted:
        say(
            msg(
                "工作簿已用密码加密（Office 标准加密），Excel 和 WPS 打开时需要输入密码。请把密码和 U 盘分开保管。",
                "The workbook is encrypted with the password (standard Office encryption): Excel and WPS ask for it. "
                "Keep the password apart from the USB stick.",
            )
        )
    return EXIT_OK


#: Exit status of ``import-roster`` when some rows were rejected (the others imported,
#: unless ``--strict``).
EXIT_REJECTED_ROWS = 3
#: Rejected rows listed on the terminal (all of them are in ``--errors`` and ``--json``).
ERRORS_SHOWN = 20


def cmd_import_roster(args: argparse.Namespace) -> int:
    """``import-roster IN.xlsx [--dry-run] [--strict] [--errors OUT.xlsx] [--json]``: exit 0
    when no row was rejected, 3 when some were, 2 when the file cannot be read (nothing is
    written then)."""
    import json

    from fdclient.rosters.errors_workbook import write_errors_workbook
    from fdclient.rosters.importing import import_roster
    from fdclient.rosters.reading import read_roster

    table = read_roster(Path(args.input).expanduser())
    with signin.open_signed_in(data_dir(args), args) as store:
        summary = import_roster(store, table, dry_run=args.dry_run, strict=args.strict)
    written = write_errors_workbook(Path(args.errors), table, summary.errors) if args.errors else None
    if args.json:
        sys.stdout.write(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        say(summary.describe())
        for problem in summary.errors[:ERRORS_SHOWN]:
            say(
                msg(
                    "  第 {row} 行，{column}：{message}",
                    "  Row {row}, {column}: {message}",
                    row=problem.row,
                    column=problem.where,
                    message=problem.message,
                )
            )
        if len(summary.errors) > ERRORS_SHOWN:
            say(msg("  ……共 {n} 条问题。", "  ... {n} problems in all.", n=len(summary.errors)))
        if written is not None:
            say(msg("不合格的行及原因已写入 {path}。", "The rejected rows and why are in {path}.", path=str(written)))
    return EXIT_REJECTED_ROWS if summary.rejected else EXIT_OK
