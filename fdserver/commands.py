"""The ``fdserver`` subcommands other than ``serve`` (each takes the engine and the parsed
arguments and returns the exit status). Output is for people, in the current language."""

from __future__ import annotations

import argparse
import json

from sqlalchemy import Engine

from fdclient.domain.roles import ROLE_LABELS, Role
from fdclient.domain.time import CHINA_TIME
from fdclient.text import msg
from fdserver.db import aware
from fdserver.enrolment import create_enrolment_code
from fdserver.meta import init_database, renew_epoch
from fdserver.status import revoke_device as revoke
from fdserver.status import server_status
from fdserver.townships import add_township as register
from fdserver.townships import read_villages


def init(engine: Engine, _args: argparse.Namespace) -> int:
    result = init_database(engine)
    if result.created_epoch:
        print(msg("数据库已创建（结构版本 {rev}）。", "Database created (schema {rev}).", rev=result.revision))
    else:
        print(msg("数据库已是最新结构（{rev}）。", "The database schema is current ({rev}).", rev=result.revision))
    return 0


def add_township(engine: Engine, args: argparse.Namespace) -> int:
    villages = read_villages(args.villages) if args.villages else []
    result = register(engine, args.code, args.name, villages)
    t = result.township
    if result.created:
        print(msg("已登记乡镇 {code} {name}。", "Township {code} {name} registered.", code=t.code, name=t.name))
    else:
        print(
            msg(
                "乡镇 {code} {name} 已登记过。",
                "Township {code} {name} was already registered.",
                code=t.code,
                name=t.name,
            )
        )
    print(
        msg(
            "新增村（居）委会 {added} 个，已有 {kept} 个未改动。",
            "{added} villages added, {kept} already there left unchanged.",
            added=result.villages_added,
            kept=result.villages_kept,
        )
    )
    for warning in result.warnings:
        print(msg("注意：", "Note: ") + warning)
    return 0


def enroll_code(engine: Engine, args: argparse.Namespace) -> int:
    new = create_enrolment_code(
        engine, args.township, args.user, args.role, name=args.name, expires_hours=args.expires_hours
    )
    expires = new.expires_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")
    print(
        msg(
            "注册码（只显示这一次，{expires} 前有效，只能注册一台电脑）：",
            "Enrolment code (shown once, valid until {expires}, enrols one computer):",
            expires=expires,
        )
    )
    print(new.code)
    print(
        msg(
            "乡镇 {township}，登录名 {user}，角色 {role}。",
            "Township {township}, user {user}, role {role}.",
            township=new.township.code,
            user=new.username,
            role=new.role,
        )
    )
    return 0


def status(engine: Engine, args: argparse.Namespace) -> int:
    s = server_status(engine)
    if args.json:
        print(json.dumps(s.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(msg("数据版本（epoch）：{epoch}", "Epoch: {epoch}", epoch=s.epoch))
    print(msg("乡镇 {n} 个：", "{n} townships:", n=len(s.townships)))
    for t in s.townships:
        print(
            msg(
                "  {code} {name}：记录 {records} 条，最新版本 {version}，设备 {devices} 台，"
                "待处理冲突 {conflicts}，待合并 {merges}",
                "  {code} {name}: {records} records, latest version {version}, {devices} devices, {conflicts} open "
                "conflicts, {merges} open merge tasks",
                code=t.code,
                name=t.name,
                records=t.records,
                version=t.latest_version,
                devices=t.devices,
                conflicts=t.open_conflicts,
                merges=t.open_merge_tasks,
            )
        )
    print(msg("设备 {n} 台：", "{n} devices:", n=len(s.devices)))
    for d in s.devices:
        last = aware(d.last_sync_at)
        print(
            msg(
                "  {id} 乡镇 {township} 用户 {user}（{role}）{state}；最近同步 {last}；已收到修改 {received} 条，最后序号 {seq}",
                "  {id} township {township} user {user} ({role}) {state}; last sync {last}; {received} changes "
                "received, last sequence {seq}",
                id=d.id,
                township=d.township_code,
                user=d.username,
                role=msg(ROLE_LABELS.get(Role(d.role), d.role), d.role) if d.role in set(Role) else d.role,
                state=msg("已撤销", "revoked") if d.revoked else msg("有效", "active"),
                last=last.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M") if last else msg("从未", "never"),
                received=d.mutations_received,
                seq=d.last_seq,
            )
        )
    print(
        msg(
            "待处理冲突 {c} 个，待合并 {m} 个。被拒绝的请求：24 小时内 {r24}，共 {r}；登录失败：24 小时内 {s24}，共 {s}。",
            "{c} open conflicts, {m} open merge tasks. Refused requests: {r24} in 24 h, {r} in all; failed sign-ins: "
            "{s24} in 24 h, {s} in all.",
            c=s.open_conflicts,
            m=s.open_merge_tasks,
            r24=s.refused_requests_24h,
            r=s.refused_requests_total,
            s24=s.failed_sign_ins_24h,
            s=s.failed_sign_ins_total,
        )
    )
    return 0


def revoke_device(engine: Engine, args: argparse.Namespace) -> int:
    if revoke(engine, args.device_id):
        print(msg("已撤销设备 {id} 的同步授权。", "The device {id} is revoked.", id=args.device_id))
    else:
        print(msg("设备 {id} 早已撤销。", "The device {id} was revoked already.", id=args.device_id))
    return 0


def new_epoch(engine: Engine, _args: argparse.Namespace) -> int:
    renew_epoch(engine)
    print(
        msg(
            "已更换数据版本。各台电脑下次同步时会重新下载本乡镇数据，并重新上传尚未同步的修改。",
            "New epoch set. Each laptop downloads its township's data again at its next sync and sends its unsynced "
            "changes again.",
        )
    )
    return 0
