"""``fdclient enroll`` / ``sync`` / ``conflicts`` / ``resolve`` / ``merges`` / ``merge``:
sync with the county server from the command line (Chinese output by default)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from fdclient.cli import signin
from fdclient.cli.commands import EXIT_OK, data_dir, say
from fdclient.domain.time import CHINA_TIME
from fdclient.errors import ValidationError
from fdclient.text import msg


def _json_out(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def _when(moment: datetime | None) -> str:
    """A moment as China time to the minute (— when unknown)."""
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M") if moment is not None else "—"


def _progress(progress: Any) -> None:
    if not sys.stderr.isatty():  # a script reads the result, not the progress
        return
    if progress.phase in ("snapshot", "pull") and progress.total:
        print(
            msg(
                "  {phase} {done}/{total}",
                "  {phase} {done}/{total}",
                phase=progress.phase,
                done=progress.done,
                total=progress.total,
            ),
            file=sys.stderr,
        )


def cmd_enroll(args: argparse.Namespace) -> int:
    from fdclient.paths import StorePaths
    from fdclient.sync.enrolment import enroll

    folder = data_dir(args)
    if StorePaths(folder).database.exists():
        with signin.open_signed_in(folder, args) as store:
            result = enroll(folder, args.server, args.code, "", store=store)
            _enrolled(result)
        return EXIT_OK
    password, _ = signin.new_password(msg("注册的账号", "the enrolled account").render(), env=signin.PASSWORD_ENV)
    result = enroll(folder, args.server, args.code, password)
    with result.store:
        _enrolled(result)
    return EXIT_OK


def _enrolled(result: Any) -> None:
    say(
        msg(
            "已注册到服务器：{name}（{code}），登录名 {user}，设备 {device}。",
            "Enrolled with the server: {name} ({code}), user {user}, device {device}.",
            name=result.township_name,
            code=result.township_code,
            user=result.username,
            device=result.device_id,
        )
    )
    if result.created:
        say(msg("已在 {path} 新建加密数据库。", "Created an encrypted store in {path}.", path=str(result.store.path)))
    if result.queued:
        say(msg("本机已有的 {n} 条记录将在同步时上传。", "{n} existing records go up with the sync.", n=result.queued))
    if result.report is not None:
        _summary(result.report)
    if result.sync_error:
        say(msg("首次同步没有完成：{error}", "The first sync did not complete: {error}", error=result.sync_error))


def _summary(report: Any) -> None:
    say(
        msg(
            "同步完成：上传 {pushed} 条，下载 {pulled} 条，冲突 {conflicts} 条，被拒绝 {rejected} 条。",
            "Synced: {pushed} pushed, {pulled} pulled, {conflicts} conflicts, {rejected} rejected.",
            pushed=report.pushed,
            pulled=report.pulled,
            conflicts=report.conflicts,
            rejected=report.rejected,
        )
    )
    if report.clock_warning:
        say(report.clock_warning)


def cmd_sync(args: argparse.Namespace) -> int:
    from fdclient.sync.api import run_sync, sync_status

    with signin.open_signed_in(data_dir(args), args) as store:
        report = run_sync(store, progress=None if args.json else _progress)
        status = sync_status(store)
    if args.json:
        _json_out(report.to_json() | {"open_conflicts": status.open_conflicts, "pending": status.pending})
        return EXIT_OK
    _summary(report)
    if status.open_conflicts:
        say(
            msg(
                "有 {n} 处冲突等待处理：fdclient conflicts",
                "{n} conflicts wait for a decision: fdclient conflicts",
                n=status.open_conflicts,
            )
        )
    return EXIT_OK


def _shown(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)


def cmd_conflicts(args: argparse.Namespace) -> int:
    from fdclient.sync.api import list_conflicts

    with signin.open_signed_in(data_dir(args), args) as store:
        items = list_conflicts(store)
    if args.json:
        _json_out([item.to_json() for item in items])
        return EXIT_OK
    if not items:
        say(msg("没有待处理的冲突。", "No conflicts to decide."))
        return EXIT_OK
    for item in items:
        say(
            msg(
                "{id}  {table} {label} 字段 {field}\n    本机：{mine}（{mine_by}，{mine_at}）\n"
                "    对方：{theirs}（{theirs_by}，{theirs_at}）",
                "{id}  {table} {label} field {field}\n    mine: {mine} ({mine_by}, {mine_at})\n"
                "    theirs: {theirs} ({theirs_by}, {theirs_at})",
                id=item.id[:12],
                table=item.table,
                label=item.label or item.row_id[:8],
                field=item.field,
                mine=_shown(item.mine),
                mine_by=item.mine_by or "—",
                mine_at=_when(item.mine_at),
                theirs=_shown(item.theirs),
                theirs_by=item.theirs_by or "—",
                theirs_at=_when(item.theirs_at),
            )
        )
    return EXIT_OK


def _full_id(given: str, known: list[str], what: str) -> str:
    given = given.strip().lower().replace("-", "")
    found = [i for i in known if i.startswith(given)] if given else []
    if len(found) != 1:
        raise ValidationError(
            msg(
                "找不到唯一的{what}“{id}”（请给出更长的编号）。",
                "No single {what} “{id}” (give more of its id).",
                what=what,
                id=given,
            )
        )
    return found[0]


def cmd_resolve(args: argparse.Namespace) -> int:
    from fdclient.sync.api import list_conflicts, resolve_conflict

    with signin.open_signed_in(data_dir(args), args) as store:
        conflict_id = _full_id(args.id, [c.id for c in list_conflicts(store)], "冲突")
        item = resolve_conflict(store, conflict_id, args.keep)
    say(
        msg(
            "已处理冲突 {id}：{field} 保留 {value}；下次同步时告知服务器。",
            "Conflict {id} decided: {field} keeps {value}; the server learns it at the next sync.",
            id=item.id[:12],
            field=item.field,
            value=_shown(item.resolved_value),
        )
    )
    return EXIT_OK


def cmd_merges(args: argparse.Namespace) -> int:
    from fdclient.sync.api import list_merge_tasks

    with signin.open_signed_in(data_dir(args), args) as store:
        items = list_merge_tasks(store)
    if args.json:
        _json_out([item.to_json() for item in items])
        return EXIT_OK
    if not items:
        say(msg("没有合并任务。", "No merge tasks."))
    for item in items:
        say(f"{item.id[:12]}  {item.kind}  {item.status}  {item.survivor_label} ← {item.other_label}  {item.reason}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from fdclient.sync.api import decide_merge, list_merge_tasks

    with signin.open_signed_in(data_dir(args), args) as store:
        task_id = _full_id(args.id, [t.id for t in list_merge_tasks(store, include_closed=True)], "合并任务")
        item = decide_merge(store, task_id, args.decide)
    say(
        msg(
            "合并任务 {id} 已记为 {status}；下次同步时告知服务器。",
            "Merge task {id} is now {status}; the server learns it at the next sync.",
            id=item.id[:12],
            status=item.status,
        )
    )
    return EXIT_OK


def add_commands(command: Any) -> None:
    """The sync commands of the parser (``command(name, help)`` makes a subparser)."""
    p = command("enroll", "把这台电脑注册到县级服务器（空数据目录时新建本乡镇的加密数据库）")
    p.add_argument("--server", required=True, metavar="URL", help="服务器地址，例如 https://fd.example.gov.cn")
    p.add_argument("--code", required=True, metavar="CODE", help="县级管理员给的一次性注册码")

    p = command("sync", "与县级服务器同步（先上传本机修改，再下载）")
    p.add_argument("--json", action="store_true", help="输出 JSON（pushed、pulled、conflicts、rejected、cursor）")

    p = command("conflicts", "列出等待处理的同步冲突")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = command("resolve", "处理一处冲突：保留本机的值、对方的值或另填一个值")
    p.add_argument("id", metavar="ID", help="冲突编号（可只写开头几位）")
    p.add_argument("--keep", required=True, metavar="mine|theirs|VALUE", help="mine、theirs 或要保留的值")

    p = command("merges", "列出同一人重复登记的合并任务")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = command("merge", "处理一个合并任务")
    p.add_argument("id", metavar="ID", help="合并任务编号（可只写开头几位）")
    p.add_argument("--decide", required=True, choices=["merge", "keep-apart", "undo"], help="合并、分开保留或撤销合并")
