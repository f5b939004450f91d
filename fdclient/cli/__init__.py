"""The command line: the GUI launcher and the headless subcommands county IT scripts call.

The commands and options are a public interface (:mod:`.parser`): add to them, never
rename them. Failures are plain messages on stderr in the current language, never a
traceback, with exit status 2 for bad input, 3 for a store that cannot be used, 1 for a
failed check or operation and 130 when cancelled with Ctrl-C. Internal errors are logged
without any value (``DATA_DIR/logs/fdclient.log``) under an incident number.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from fdclient.text import msg

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _language_from(argv: Sequence[str]) -> None:
    """Set the message language before parsing, so argument errors use it too."""
    from fdclient.i18n import normalize_language, resolve_language
    from fdclient.text import set_language

    choice = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            choice = argv[i + 1]
        elif arg.startswith("--lang="):
            choice = arg.split("=", 1)[1]
    language = normalize_language(choice) if choice else None
    set_language(language or resolve_language(None))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Files the program creates are private whatever the caller's umask (0700 / 0600).
    if hasattr(os, "umask"):
        os.umask(0o077)
    command = "gui"
    # A headless command is short and makes many objects but little cyclic garbage
    # (importing the ORM and the models alone would run ~30 ms of collections): no
    # cyclic collection; the GUI, which runs for hours, turns it back on. A caller in the
    # same process (a test, a script) gets its collector back as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _language_from(argv)
        from fdclient.cli.parser import build_parser

        qt_args: list[str] = []
        if "--" in argv:  # everything after -- goes to Qt (the GUI only)
            cut = argv.index("--")
            argv, qt_args = argv[:cut], argv[cut + 1 :]
        args = build_parser().parse_args(argv)
        command = args.command or "gui"
        return _run(args, qt_args)
    except KeyboardInterrupt:
        print(msg("已取消。", "Cancelled."), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``fdclient stats | head``): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug: say it plainly, log it without values
        return _internal_error(exc, command)
    finally:
        if collecting:
            gc.enable()


def _run(args: object, qt_args: list[str]) -> int:
    import argparse

    from fdclient.errors import FdError

    assert isinstance(args, argparse.Namespace)
    from fdclient.cli.commands import COMMANDS, data_dir
    from fdclient.logs import setup_logging

    try:
        folder = data_dir(args)
        setup_logging(folder)
        if args.command is None:
            gc.enable()
            from fdclient.cli.gui import cmd_gui

            return cmd_gui(args, qt_args)
        return COMMANDS[args.command](args)
    except FdError as exc:
        print(msg("错误：{message}", "Error: {message}", message=exc.text), file=sys.stderr)
        return exc.exit_code


def _internal_error(exc: BaseException, command: str) -> int:
    from fdclient.logs import log_internal_error

    if os.environ.get("FDCLIENT_DEBUG"):
        import traceback

        traceback.print_exc()
    try:
        incident = log_internal_error(exc, command)
    except Exception:  # noqa: BLE001 - logging must not hide the message
        incident = "-"
    print(
        msg(
            "程序内部错误（{kind}，编号 {incident}）。数据没有被部分写入。详细信息已记入日志（数据目录下的 logs/fdclient.log），"
            "请把编号告诉技术支持。",
            "Internal error ({kind}, incident {incident}). No data was partly written. The details are in the log "
            "(logs/fdclient.log in the data folder); quote the incident number to support.",
            kind=type(exc).__name__,
            incident=incident,
        ),
        file=sys.stderr,
    )
    return EXIT_PROBLEM
