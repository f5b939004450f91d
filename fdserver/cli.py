"""The ``fdserver`` command: set up the county server's database and run the server.

    fdserver [--db URL] init
    fdserver [--db URL] add-township --code 360111101 --name 罗家集乡 [--villages 村名单.xlsx]
    fdserver [--db URL] enroll-code --township 360111101 --user wangfang --role doctor [--name 王芳]
    fdserver [--db URL] serve [--host 127.0.0.1] [--port 8000] [--workers N] [--ssl-certfile F --ssl-keyfile F]
    fdserver [--db URL] status [--json]
    fdserver [--db URL] revoke-device ID
    fdserver [--db URL] new-epoch

The database is ``--db URL``, else ``FDSERVER_DB``, else a SQLite file in the user data
directory. Messages are Chinese (``--lang en`` for English); an error is one line on
stderr and a non-zero exit status (2 bad input, 3 database not usable, 1 other failure).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from fdclient.text import ENGLISH, Text, msg, set_language

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_DATABASE = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fdserver", description="家庭医生签约服务县级同步服务器 / county sync server")
    parser.add_argument("--db", help="数据库地址（SQLAlchemy URL 或 SQLite 文件路径）；默认 FDSERVER_DB")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言 / message language")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="创建或升级数据库")
    town = sub.add_parser("add-township", help="登记乡镇及其村（居）委会")
    town.add_argument("--code", required=True, help="9 位乡镇代码")
    town.add_argument("--name", required=True, help="乡镇名称")
    town.add_argument("--villages", type=Path, help="村名单（.xlsx 或 .csv，列：村代码、村名称）")
    code = sub.add_parser("enroll-code", help="为一名工作人员生成一次性注册码")
    code.add_argument("--township", required=True, help="9 位乡镇代码")
    code.add_argument("--user", required=True, help="登录名")
    code.add_argument("--role", required=True, help="角色：doctor, nurse, public_health, specialist, admin")
    code.add_argument("--name", help="姓名（默认为登录名）")
    code.add_argument("--expires-hours", type=float, default=72.0, help="有效期（小时），默认 72")
    serve = sub.add_parser("serve", help="运行同步服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--ssl-certfile")
    serve.add_argument("--ssl-keyfile")
    status = sub.add_parser("status", help="服务器状态")
    status.add_argument("--json", action="store_true", help="以 JSON 输出")
    revoke = sub.add_parser("revoke-device", help="撤销一台电脑的同步授权")
    revoke.add_argument("device_id")
    sub.add_parser("new-epoch", help="从备份恢复数据库后更换数据版本")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.lang == "en":
        set_language(ENGLISH)
    try:
        return _run(args)
    except SQLAlchemyError as exc:
        print(
            msg(
                "无法使用数据库（{kind}）：请检查 --db 或 FDSERVER_DB 设置以及数据库是否在运行。",
                "The database cannot be used ({kind}): check --db or FDSERVER_DB and that the database is running.",
                kind=type(exc).__name__,
            ),
            file=sys.stderr,
        )
        return EXIT_DATABASE
    except Exception as exc:
        # fdserver's own errors and the domain's validation errors (fdclient.domain raises
        # errors that carry a Text): one line for people; anything else is a bug.
        text = getattr(exc, "text", None)
        if not isinstance(text, Text):
            raise
        print(text.render(), file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        print(msg("已取消。", "Cancelled."), file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from fdserver.db import database_url, make_engine

    url = database_url(args.db)
    if args.command == "serve":
        return _serve(args, url)
    engine = make_engine(url, pool_size=2)
    try:
        from fdserver import commands

        handler = getattr(commands, args.command.replace("-", "_"))
        return int(handler(engine, args))
    finally:
        engine.dispose()


def _serve(args: argparse.Namespace, url: str) -> int:
    import uvicorn

    from fdserver.db import make_engine, reading
    from fdserver.meta import require_epoch

    if args.workers < 1 or not 0 < args.port < 65536:
        print(
            msg("--workers 至少为 1，--port 应在 1-65535 之间。", "--workers must be 1 or more, --port 1-65535."),
            file=sys.stderr,
        )
        return 2
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        print(
            msg("--ssl-certfile 和 --ssl-keyfile 须同时给出。", "Give both --ssl-certfile and --ssl-keyfile."),
            file=sys.stderr,
        )
        return 2
    engine = make_engine(url, pool_size=1)
    try:
        with reading(engine) as conn:
            require_epoch(conn)
    finally:
        engine.dispose()
    os.environ["FDSERVER_DB"] = url  # the workers' factory reads it
    print(
        msg("同步服务已启动：{host}:{port}", "Sync server listening on {host}:{port}", host=args.host, port=args.port),
        flush=True,
    )
    uvicorn.run(
        "fdserver.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level="info",
        access_log=False,
        proxy_headers=False,
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
