"""The command line: the GUI launcher and the headless subcommands county IT scripts call.

The commands and options here are a public interface: add to them, never rename them.
Imports are lazy so that ``fdclient --version`` loads nothing heavy and no headless
command ever imports Qt or ReportLab. User errors are printed to stderr in Chinese with a
non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from fdclient import __version__
from fdclient.errors import FdError
from fdclient.i18n import add_language_option

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its error line in Chinese (the usage text stays as argparse writes it)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 参数错误：{_translate_argparse(message)}\n")


_ARGPARSE_PHRASES = (
    ("the following arguments are required", "缺少必需的参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选项"),
    ("expected one argument", "需要一个值"),
    ("invalid int value", "应为整数"),
    ("argument ", "参数 "),
    ("choose from", "可选"),
)


def _translate_argparse(message: str) -> str:
    for english, chinese in _ARGPARSE_PHRASES:
        message = message.replace(english, chinese)
    return message


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应为 YYYY-MM-DD，例如 2026-11-22") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为 {value}")
    return value


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="fdclient",
        description="家庭医生签约服务离线客户端。不带子命令时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"fdclient {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="数据目录（默认：环境变量 FDCLIENT_DATA_DIR，否则为系统的用户数据目录）",
    )
    add_language_option(parser)
    parser.add_argument("--screenshot", metavar="PNG", help="图形界面：显示窗口后保存截图并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)

    p = sub.add_parser("init", help="为一个乡镇新建空的数据库")
    p.add_argument("--township", required=True, metavar="9DIGITS", help="乡镇代码（6 位区县 + 3 位乡镇）")
    p.add_argument("--name", required=True, metavar="NAME", help="乡镇名称")
    p.add_argument("--county-name", metavar="NAME", help="区县名称")
    p.add_argument("--institution", metavar="NAME", help="乡镇卫生院 / 社区卫生服务中心名称")

    p = sub.add_parser("demo", help="生成演示乡镇数据（仅用于空数据库）")
    p.add_argument("--villages", type=_positive_int, default=8, metavar="N", help="村数（默认 8）")
    p.add_argument("--households", type=_positive_int, default=800, metavar="N", help="总户数（默认 800）")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="随机种子（相同种子生成相同数据）")
    p.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="演示数据截至日期（默认今天）")
    p.add_argument("--township", default="360111101", metavar="9DIGITS", help="新建数据库时的乡镇代码")
    p.add_argument("--name", default="罗家镇", metavar="NAME", help="新建数据库时的乡镇名称")

    p = sub.add_parser("stats", help="签约与履约指标")
    p.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="统计截至日期（默认今天）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    sub.add_parser("check", help="检查数据库完整性、结构版本和记录数")
    return parser


def _data_dir(args: argparse.Namespace) -> Path:
    from fdclient.paths import data_dir

    return data_dir(args.data_dir)


def cmd_init(args: argparse.Namespace) -> int:
    from fdclient.store import create_store

    directory = _data_dir(args)
    extra = {k: v for k, v in (("county_name", args.county_name), ("institution_name", args.institution)) if v}
    with create_store(directory, args.township, args.name, **extra) as store:
        print(f"已在 {store.info.path} 为 {store.info.township_name}（{store.info.township_code}）新建数据库。")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from fdclient.paths import database_path
    from fdclient.services.demo import generate_demo
    from fdclient.store import create_store, open_store

    directory = _data_dir(args)
    if database_path(directory).exists():
        store = open_store(directory)
    else:
        store = create_store(
            directory,
            args.township,
            args.name,
            county_name="演示县",
            institution_name=f"{args.name.strip()}卫生院",
        )
    with store:
        summary = generate_demo(
            store,
            villages=args.villages,
            households=args.households,
            seed=args.seed,
            as_of=args.as_of or date.today(),
        )
    print(summary.describe() if hasattr(summary, "describe") else summary)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from fdclient.store import open_store

    with open_store(_data_dir(args)) as store, store.session() as session:
        from fdclient.services.indicators.compute import compute_indicators
        from fdclient.services.indicators.report import report_to_json, report_to_text

        report = compute_indicators(session, args.as_of or date.today(), sessions=store.sessions)
    if args.json:
        json.dump(report_to_json(report), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(report_to_text(report))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from fdclient.services.store_check import check_store
    from fdclient.store import open_store

    with open_store(_data_dir(args)) as store:
        report = check_store(store)
    print(report.describe())
    return EXIT_OK if report.ok else EXIT_PROBLEM


def cmd_gui(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from fdclient.store import open_store

    directory = _data_dir(args)
    store = open_store(directory)  # fail early, in Chinese, before Qt starts

    def load_summary():  # noqa: ANN202 - the GUI's summary loader
        from fdclient.services.indicators.summary import load_summary as query

        with store.session() as session:
            return query(session)

    from fdclient.app import run_gui

    try:
        return run_gui(load_summary, list(argv), language=args.lang, screenshot=args.screenshot)
    finally:
        store.close()


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "stats": cmd_stats,
    "check": cmd_check,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Qt's own options (e.g. -platform) pass through to the GUI untouched.
    args, rest = parser.parse_known_args(argv)
    if args.command is not None and rest:
        parser.error(f"无法识别的参数：{' '.join(rest)}")
    try:
        if args.command is None:
            return cmd_gui(args, [sys.argv[0], *rest])
        return COMMANDS[args.command](args)
    except FdError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``fdclient stats | head``): not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a folder that cannot be created or written, a full disk ...
        where = f"：{exc.filename}" if exc.filename else ""
        print(
            f"错误：无法读写文件{where}（{exc.strerror or exc}）。请检查数据目录（--data-dir）的位置、权限和磁盘空间。",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    except Exception as exc:  # a bug, not a user error: keep the details, say it plainly
        log = _log_internal_error(args)
        print(
            f"程序内部错误（{type(exc).__name__}）：{exc}\n数据没有被部分写入。"
            f"详细信息已记录在 {log}，请发给技术支持。",
            file=sys.stderr,
        )
        return EXIT_PROBLEM


def _log_internal_error(args: argparse.Namespace) -> Path:
    import os
    import tempfile
    import traceback

    if os.environ.get("FDCLIENT_DEBUG"):
        traceback.print_exc()
    try:
        folder = _data_dir(args) / "logs"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    log = folder / "fdclient-errors.log"
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"--- fdclient {__version__} {sys.argv!r}\n{traceback.format_exc()}\n")
    return log
