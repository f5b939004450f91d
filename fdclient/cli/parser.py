"""The command line's grammar: commands, options and their checks.

The commands, options and JSON keys here are a public interface that county IT scripts
call: add to them, never rename them. Argument errors are usage errors (exit 2) in the
current language; dates outside 1900-2099 are refused here, before anything runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import NoReturn

from fdclient import __version__
from fdclient.domain.roles import Role
from fdclient.domain.validation import MAX_DATE, MIN_DATE
from fdclient.i18n import add_language_option
from fdclient.text import ENGLISH, current_language, msg

EXIT_USAGE = 2

_ARGPARSE_PHRASES = (
    ("the following arguments are required", "缺少必需的参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选项"),
    ("expected one argument", "需要一个值"),
    ("invalid int value", "应为整数"),
    ("ambiguous option", "有歧义的选项"),
    ("argument ", "参数 "),
    ("choose from", "可选"),
)


class Parser(argparse.ArgumentParser):
    """argparse whose error line is in the current language (Chinese by default)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        if current_language() == ENGLISH:
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")
        for english, chinese in _ARGPARSE_PHRASES:
            message = message.replace(english, chinese)
        self.exit(EXIT_USAGE, f"{self.prog}: 参数错误：{message}\n")


def iso_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            str(
                msg(
                    "日期“{text}”格式不对，应为 YYYY-MM-DD，例如 2026-11-22",
                    "date “{text}” is malformed: YYYY-MM-DD expected, e.g. 2026-11-22",
                    text=text,
                )
            )
        ) from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise argparse.ArgumentTypeError(
            str(
                msg(
                    "日期 {text} 超出范围：应在 {low} 到 {high} 之间",
                    "date {text} is out of range: between {low} and {high}",
                    text=text,
                    low=MIN_DATE.isoformat(),
                    high=MAX_DATE.isoformat(),
                )
            )
        )
    return day


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            str(msg("“{text}”不是整数", "“{text}” is not a whole number", text=text))
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(
            str(msg("应为正整数，实际为 {value}", "a positive number is needed, got {value}", value=value))
        )
    return value


def _user_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help="登录名（也可用环境变量 FDCLIENT_USER；密码取自 FDCLIENT_PASSWORD 或在终端输入）",
    )


def _document_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Printing and rosters (paper and Excel)."""
    p = command("export-roster", "导出签约居民花名册（Excel .xlsx；记入操作日志）")
    p.add_argument("output", metavar="OUT.xlsx", help="导出的工作簿路径")
    p.add_argument("--village", metavar="CODE", help="只导出这个村（村代码）")
    p.add_argument("--signed-only", action="store_true", help="只导出已签约居民")
    p.add_argument("--one-sheet", action="store_true", help="所有村写在同一张表（默认每个村一张表）")
    p.add_argument(
        "--password",
        action="store_true",
        help="加密工作簿（Office 标准加密；密码取自 FDCLIENT_EXPORT_PASSWORD 或在终端输入）",
    )

    p = command("import-roster", "导入花名册（.xlsx / .xls / .csv）；先校验每一行")
    p.add_argument("input", metavar="IN.xlsx", help="要导入的花名册")
    p.add_argument("--dry-run", action="store_true", help="只校验并报告结果，不写入数据库")
    p.add_argument("--strict", action="store_true", help="有任何一行不合格就什么都不导入")
    p.add_argument("--errors", metavar="OUT.xlsx", help="把不合格的行连同原因写入这个工作簿")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = command(
        "print-contracts",
        "打印签约服务协议书（PDF，每份一式两份：甲方留存、乙方留存）；须指定 --village 或 --contract",
    )
    p.description = (
        "打印签约服务协议书（A4，每份一式两份：甲方留存、乙方留存）。须指定 --village（该村全部履约中的协议）"
        "或 --contract（一份协议）之一；协议书在签约的村里打印，不提供整个乡镇一次打印。"
    )
    p.add_argument("output", metavar="OUT.pdf", help="PDF 文件路径")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--village", metavar="CODE", help="这个村全部履约中的协议（村代码）")
    which.add_argument(
        "--contract", metavar="NUMBER", help="这一份协议（协议编号；任何状态均可打印，草稿留空签字栏供手签）"
    )

    p = command("print-cards", "打印家庭医生联系卡（PDF，每页 10 张，正反面）")
    p.add_argument("output", metavar="OUT.pdf", help="PDF 文件路径")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--village", metavar="CODE", help="这个村的签约居民（村代码）")
    which.add_argument("--contract", metavar="NUMBER", help="这一份协议覆盖的居民（协议编号）")

    p = command("print-worklist", "打印某村某天的入户工作清单（PDF；身份证号部分隐藏）")
    p.description = (
        "打印入户工作清单（A4 横向）：该村当天有待办事项的家庭，按地址排序；每人列出逾期和本周到期的随访、"
        "到期需续约的协议、待完成的履约服务和未签约的重点人群，并留有手写血压、血糖的格子。"
    )
    p.add_argument("output", metavar="OUT.pdf", help="PDF 文件路径")
    p.add_argument("--village", required=True, metavar="CODE", help="村代码")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="入户日期（默认今天）")


def build_parser() -> Parser:
    parser = Parser(
        prog="fdclient",
        description="家庭医生签约服务离线客户端。不带子命令时打开图形界面（Qt 参数写在 -- 之后）。",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"fdclient {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="数据目录（默认：环境变量 FDCLIENT_DATA_DIR，否则为系统的用户数据目录）"
    )
    add_language_option(parser)
    _user_option(parser, top=True)
    parser.add_argument("--screenshot", metavar="PNG", help="图形界面：显示窗口后保存截图并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, allow_abbrev=False)
        _user_option(p, top=False)
        return p

    p = command("init", "为一个乡镇新建空的数据库，并建立第一个管理员账号")
    p.add_argument("--township", required=True, metavar="9DIGITS", help="乡镇代码（6 位区县 + 3 位乡镇）")
    p.add_argument("--name", required=True, metavar="NAME", help="乡镇名称")
    p.add_argument("--county-name", metavar="NAME", help="区县名称")
    p.add_argument("--institution", metavar="NAME", help="乡镇卫生院 / 社区卫生服务中心名称")
    p.add_argument("--admin", default="admin", metavar="NAME", help="第一个管理员的登录名（默认 admin）")

    p = command("demo", "生成演示乡镇数据（新数据目录，或只有管理员的空数据库）")
    p.add_argument("--villages", type=positive_int, default=8, metavar="N", help="村数（默认 8）")
    p.add_argument("--households", type=positive_int, default=800, metavar="N", help="总户数（默认 800）")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="随机种子（相同种子生成相同数据）")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="演示数据截至日期（默认今天）")
    p.add_argument("--township", default="360111101", metavar="9DIGITS", help="新建数据库时的乡镇代码")
    p.add_argument("--name", default="罗家镇", metavar="NAME", help="新建数据库时的乡镇名称")

    p = command("stats", "签约与履约指标")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="统计截至日期（默认今天）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    command("check", "检查数据库完整性、结构版本和记录数（不修改任何数据）")

    p = command("backup", "把数据库备份到一个加密的备份文件（例如 U 盘上）")
    p.add_argument("output", metavar="OUT", help="备份文件路径，或已存在的目录（文件名自动生成）")

    p = command("restore", "从备份文件恢复数据库（管理员；当前数据库先另存为备份）")
    p.add_argument("input", metavar="IN", help="备份文件（*.fdbackup）")

    # Here --user filters the listing (the county's scripts call it so); sign in with the
    # global option before the command (fdclient --user admin audit --user doctor001).
    p = sub.add_parser("audit", help="查看操作日志（管理员）", allow_abbrev=False)
    p.add_argument("--user", dest="audit_user", metavar="NAME", help="只看这个登录名的操作")
    p.add_argument("--resident", metavar="ID-NUMBER", help="只看与这位居民（身份证号）有关的记录")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="从这一天起")
    p.add_argument("--limit", type=positive_int, default=1000, metavar="N", help="最多列出多少条（默认 1000）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = command("user", "管理登录账号（管理员）")
    actions = p.add_subparsers(dest="user_command", metavar="操作", parser_class=Parser, required=True)
    q = actions.add_parser("add", help="新建账号（新账号的密码取自 FDCLIENT_NEW_PASSWORD 或在终端输入）")
    q.add_argument("name", metavar="NAME", help="新账号的登录名")
    q.add_argument("--role", required=True, choices=[r.value for r in Role], help="角色")
    q.add_argument("--staff-name", metavar="姓名", help="工作人员姓名（默认与登录名相同）")
    q.add_argument("--phone", metavar="PHONE", help="联系电话")
    q = actions.add_parser("passwd", help="设置账号的新密码（FDCLIENT_NEW_PASSWORD 或在终端输入）")
    q.add_argument("name", metavar="NAME")
    q = actions.add_parser("disable", help="停用账号（从这台电脑的钥匙文件中删除）")
    q.add_argument("name", metavar="NAME")
    actions.add_parser("list", help="列出账号")

    _document_commands(command)

    from fdclient.cli.sync import add_commands as add_sync_commands

    add_sync_commands(command)

    p = command("settings", "查看乡镇设置；settings set KEY VALUE 修改一项（管理员）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    actions = p.add_subparsers(dest="settings_command", metavar="操作", parser_class=Parser)
    q = actions.add_parser("set", help="修改一项设置（管理员；记入操作日志）")
    q.add_argument("key", metavar="KEY", help="设置名，例如 bp_target")
    q.add_argument("value", metavar="VALUE", help="新值（是/否、整数或文字）")
    return parser
