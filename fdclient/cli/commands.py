"""The headless commands. Each takes the parsed arguments and returns an exit status;
user errors leave as :class:`~fdclient.errors.FdError` and are printed by ``main``.

Imports are inside the commands so that ``fdclient --version`` loads nothing heavy and
no headless command imports Qt or ReportLab.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fdclient.cli import signin
from fdclient.errors import FdError, StoreDamagedError
from fdclient.text import msg

EXIT_OK = 0
EXIT_PROBLEM = 1


def data_dir(args: argparse.Namespace) -> Path:
    from fdclient.paths import data_dir as resolve

    return resolve(args.data_dir)


def say(text: object) -> None:
    print(str(text))


def cmd_init(args: argparse.Namespace) -> int:
    from fdclient.domain.accounts import normalise_username
    from fdclient.store import create_store

    admin = normalise_username(args.admin)
    password, _ = signin.new_password(admin, env=signin.PASSWORD_ENV)
    extra = {k: v for k, v in (("county_name", args.county_name), ("institution_name", args.institution)) if v}
    with create_store(
        data_dir(args), args.township, args.name, admin_username=admin, admin_password=password, **extra
    ) as store:
        say(
            msg(
                "已在 {path} 为 {name}（{code}）新建加密数据库。管理员登录名：{admin}。",
                "Created an encrypted store for {name} ({code}) in {path}. Administrator's sign-in name: {admin}.",
                path=str(store.path),
                name=store.info.township_name,
                code=store.info.township_code,
                admin=admin,
            )
        )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from fdclient.paths import StorePaths
    from fdclient.services.demo import DemoSummary, generate_demo
    from fdclient.store import Store, create_store

    folder = data_dir(args)
    password, generated = signin.new_password("admin", env=signin.PASSWORD_ENV, generate=True)
    options: dict[str, Any] = {
        "villages": args.villages,
        "households": args.households,
        "seed": args.seed,
        "as_of": args.as_of,
        "password": password,
    }
    summaries: list[DemoSummary] = []
    if StorePaths(folder).database.exists():
        with signin.open_signed_in(folder, args) as store:
            summaries.append(generate_demo(store, **options))
        admin = None
    else:

        def populate(store: Store) -> None:
            summaries.append(generate_demo(store, **options))

        admin = "admin"
        create_store(
            folder,
            args.township,
            args.name,
            admin_username=admin,
            admin_password=password,
            populate=populate,
            county_name="演示县",
            institution_name=f"{args.name.strip()}卫生院",
        ).close()
    summary = summaries[0]
    say(summary.describe())
    names = ", ".join(([admin] if admin else []) + list(summary.accounts))
    say(
        msg(
            "可以登录的账号：{names}（管理员是 admin）。",
            "Accounts that can sign in: {names} (the administrator is admin).",
            names=names,
        )
    )
    if generated:
        say(
            msg(
                "它们的密码都是：{password}（请记下；设置环境变量 FDCLIENT_PASSWORD 可以自己指定）。",
                "Their password is: {password} (write it down; set FDCLIENT_PASSWORD to choose your own).",
                password=password,
            )
        )
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from fdclient.services.indicators.compute import compute_indicators
    from fdclient.services.indicators.report import report_to_json, report_to_text

    with signin.open_signed_in(data_dir(args), args) as store:
        report = compute_indicators(store, args.as_of)
    if args.json:
        # One write: json.dump would write the text piece by piece.
        sys.stdout.write(json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        say(report_to_text(report))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from fdclient.store.check import check_store, damaged_report

    folder = data_dir(args)
    key = signin.unlock(folder, args)
    from fdclient.store import open_store

    try:
        store = open_store(folder, key, read_only=True)
    except StoreDamagedError as exc:
        say(damaged_report(folder, exc))
        return EXIT_PROBLEM
    with store:
        report = check_store(store)
    say(report.describe())
    return EXIT_OK if report.ok else EXIT_PROBLEM


def cmd_backup(args: argparse.Namespace) -> int:
    from fdclient.services.maintenance import backup_to

    with signin.open_signed_in(data_dir(args), args) as store:
        target = backup_to(store, Path(args.output).expanduser())
    say(
        msg(
            "已备份到 {path}。恢复时运行：fdclient restore {path}",
            "Backed up to {path}. To restore: fdclient restore {path}",
            path=str(target),
        )
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from fdclient.store.restore import restore_backup

    name = signin.username(args)
    secret = signin.password(name)
    store, report = restore_backup(data_dir(args), Path(args.input).expanduser(), name, secret)
    store.close()
    say(
        msg(
            "已从 {path} 恢复 {name}（{code}）的数据库（备份时间 {made}）。",
            "Restored the store of {name} ({code}) from {path} (made {made}).",
            path=str(report.restored_from),
            name=report.township_name,
            code=report.township_code,
            made=report.made_at,
        )
    )
    if report.previous_kept_in is not None:
        say(
            msg(
                "恢复前的数据库另存为 {path}。",
                "The store it replaced is kept in {path}.",
                path=str(report.previous_kept_in),
            )
        )
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from fdclient.services.audit_log import list_audit

    with signin.open_signed_in(data_dir(args), args) as store, store.read() as session:
        records = list_audit(
            session, username=args.audit_user, resident_id_number=args.resident, since=args.since, limit=args.limit
        )
    if args.json:
        json.dump([r.to_json() for r in records], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in records:
        when = r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        who = r.username or "-"
        changes = json.dumps(r.changes, ensure_ascii=False)
        say(f"{when}  {who:<14} {r.action.label:<6} {r.table:<20} {changes}")
    if not records:
        say(msg("没有符合条件的记录。", "No entries match."))
    return EXIT_OK


def cmd_user(args: argparse.Namespace) -> int:
    from fdclient.services.staff import accounts

    with signin.open_signed_in(data_dir(args), args) as store:
        if args.user_command == "list":
            for a in accounts.list_accounts(store):
                here = str(msg("可在本机登录", "signs in here")) if a.signs_in_here else "-"
                state = str(msg("在用", "active")) if a.active else str(msg("已停用", "disabled"))
                say(f"{a.username:<16} {a.role.label:<6} {a.name:<10} {state:<6} {here}")
            return EXIT_OK
        if args.user_command == "add":
            password, _ = signin.new_password(args.name)
            info = accounts.add_account(
                store, args.name, args.role, password, staff_name=args.staff_name, phone=args.phone
            )
            say(
                msg(
                    "已建立账号 {user}（{role}）。",
                    "Account {user} ({role}) added.",
                    user=info.username,
                    role=info.role.label,
                )
            )
        elif args.user_command == "passwd":
            password, _ = signin.new_password(args.name)
            accounts.set_password(store, args.name, password)
            say(msg("已为 {user} 设置新密码。", "New password set for {user}.", user=args.name))
        elif args.user_command == "disable":
            info = accounts.disable_account(store, args.name)
            say(
                msg(
                    "已停用账号 {user}：它的密码不再能打开这台电脑上的数据库。",
                    "Account {user} disabled: its password no longer opens the store on this laptop.",
                    user=info.username,
                )
            )
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    from fdclient.services.township_settings import change_setting, list_settings

    with signin.open_signed_in(data_dir(args), args) as store:
        if args.settings_command == "set":
            info = change_setting(store, args.key, args.value)
            say(
                msg(
                    "已把“{title}”（{key}）设为 {value}。",
                    "“{title}” ({key}) is now {value}.",
                    title=info.title,
                    key=info.key,
                    value=json.dumps(info.value, ensure_ascii=False),
                )
            )
            return EXIT_OK
        settings = list_settings(store)
    if args.json:
        sys.stdout.write(json.dumps([s.to_json() for s in settings], ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for s in settings:
        allowed = ""
        if s.choices is not None:
            allowed = " / ".join(json.dumps(c, ensure_ascii=False) for c in s.choices)
        elif s.bounds is not None:
            allowed = f"{s.bounds[0]}-{s.bounds[1]}"
        value = json.dumps(s.value, ensure_ascii=False)
        say(f"{s.key:<30} {value:<14} {s.title}" + (f"  [{allowed}]" if allowed else ""))
    return EXIT_OK


def _later(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command whose module loads when it runs (documents and rosters import ReportLab
    and openpyxl, which the other commands do without)."""

    def run(args: argparse.Namespace) -> int:
        command: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
        return command(args)

    return run


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "stats": cmd_stats,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "audit": cmd_audit,
    "user": cmd_user,
    "settings": cmd_settings,
    "export-roster": _later("fdclient.cli.rosters", "cmd_export_roster"),
    "import-roster": _later("fdclient.cli.rosters", "cmd_import_roster"),
    "print-contracts": _later("fdclient.cli.printing", "cmd_print_contracts"),
    "print-worklist": _later("fdclient.cli.printing", "cmd_print_worklist"),
    "print-cards": _later("fdclient.cli.cards", "cmd_print_cards"),
    "enroll": _later("fdclient.cli.sync", "cmd_enroll"),
    "sync": _later("fdclient.cli.sync", "cmd_sync"),
    "conflicts": _later("fdclient.cli.sync", "cmd_conflicts"),
    "resolve": _later("fdclient.cli.sync", "cmd_resolve"),
    "merges": _later("fdclient.cli.sync", "cmd_merges"),
    "merge": _later("fdclient.cli.sync", "cmd_merge"),
}

__all__ = ["COMMANDS", "FdError"]
