"""Who runs a headless command: ``--user`` / ``FDCLIENT_USER`` and the password from
``FDCLIENT_PASSWORD`` or a prompt on the terminal. Without a terminal and without the
variable, the command is refused (exit 2): scripts never hang on a prompt."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fdclient.domain.accounts import check_new_password
from fdclient.errors import SignInError, ValidationError
from fdclient.text import msg

if TYPE_CHECKING:
    from fdclient.store import Store, StoreKey

USER_ENV = "FDCLIENT_USER"
PASSWORD_ENV = "FDCLIENT_PASSWORD"
NEW_PASSWORD_ENV = "FDCLIENT_NEW_PASSWORD"


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def username(args: argparse.Namespace) -> str:
    name = getattr(args, "user", None) or os.environ.get(USER_ENV, "")
    if name.strip():
        return name
    if _interactive():
        return input(str(msg("登录名：", "User name: ")))
    raise SignInError(
        msg(
            "需要登录：请用 --user 指定登录名（或设置环境变量 FDCLIENT_USER），密码用环境变量 FDCLIENT_PASSWORD 提供。",
            "Sign-in needed: give the user name with --user (or FDCLIENT_USER) and the password in FDCLIENT_PASSWORD.",
        )
    )


def password(prompt_user: str) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    if _interactive():
        return getpass.getpass(str(msg("{user} 的密码：", "Password for {user}: ", user=prompt_user)))
    raise SignInError(
        msg(
            "需要密码：请设置环境变量 FDCLIENT_PASSWORD，或在终端中运行以便输入密码。",
            "A password is needed: set FDCLIENT_PASSWORD, or run in a terminal to type it.",
        )
    )


def new_password(for_user: str, *, env: str = NEW_PASSWORD_ENV, generate: bool = False) -> tuple[str, bool]:
    """A new password: from ``env``, typed twice on a terminal, or (``generate``) made up.
    Returns (password, whether it was generated)."""
    value = os.environ.get(env)
    if value is not None:
        return check_new_password(value), False
    if generate:
        return generated_password(), True
    if not _interactive():
        raise ValidationError(
            msg(
                "需要为 {user} 设置密码：请设置环境变量 {env}，或在终端中运行以便输入。",
                "A password for {user} is needed: set {env}, or run in a terminal to type it.",
                user=for_user,
                env=env,
            ),
            field="password",
        )
    first = getpass.getpass(
        str(msg("为 {user} 设置密码（至少 8 个字符）：", "New password for {user} (8+ characters): ", user=for_user))
    )
    check_new_password(first)
    second = getpass.getpass(str(msg("再输入一遍：", "Type it again: ")))
    if first != second:
        raise ValidationError(msg("两次输入的密码不一样。", "The two passwords differ."), field="password")
    return first, False


def generated_password() -> str:
    """Four groups of four lower-case letters and digits without look-alikes (1/l, 0/o)."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def unlock(data_dir: Path, args: argparse.Namespace) -> StoreKey:
    """Sign in to the store in ``data_dir``; a store from before encryption is encrypted
    first (the account signing in becomes its administrator)."""
    from fdclient.store import PlainStoreError, sign_in

    name = username(args)
    secret = password(name)
    try:
        return sign_in(data_dir, name, secret)
    except PlainStoreError as notice:
        from fdclient.store.conversion import encrypt_plain_store

        print(notice.message, file=sys.stderr)
        key = encrypt_plain_store(data_dir, name, secret)
        print(
            str(
                msg(
                    "已加密数据库，{user} 为管理员。",
                    "The store is encrypted; {user} is its administrator.",
                    user=key.username,
                )
            ),
            file=sys.stderr,
        )
        return key


def open_signed_in(data_dir: Path, args: argparse.Namespace, *, read_only: bool = False) -> Store:
    from fdclient.store import open_store

    return open_store(data_dir, unlock(data_dir, args), read_only=read_only)
