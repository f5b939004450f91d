"""The key file (``keyring.json``): the store's random key, wrapped once per account.

The database is encrypted with a random 256-bit key. The key is never stored as it is:
for each staff account of this laptop, ``keyring.json`` holds it encrypted (AES-256-GCM)
under a key derived from that person's password with argon2id (64 MiB, 3 passes, 4
lanes; RFC 9106's second recommendation). So any staff member of the laptop can open the
store with their own password, nobody without one can, and a password change re-wraps
the key without re-encrypting the database.

Signing in costs one argon2id derivation; the authenticated decryption of the wrapped
key is the password check (a wrong password fails its tag), so no separate password hash
is kept and the store then opens with the raw key (no second key derivation in SQLCipher).
The account name and the store's id are bound into each entry (GCM associated data), so
an entry copied under another name does not open.

The file holds no personal data: account names, KDF parameters, nonces, ciphertexts, the
township code and the store id.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fdclient.errors import StoreDamagedError, StoreTooNewError
from fdclient.store import files
from fdclient.text import msg

FORMAT = "fdclient-keyring"
VERSION = 1
KEY_BYTES = 32
#: argon2id cost: 64 MiB of memory, 3 passes, 4 lanes (RFC 9106, second recommendation).
KDF_MEMORY_KIB = 64 * 1024
KDF_TIME_COST = 3
KDF_LANES = 4


#: SQLCipher 4's defaults (AES-256-CBC, a random IV and a MAC per page) but for two:
#: HMAC-SHA256 as the page MAC (hardware-accelerated on current CPUs, about 1.6 times the
#: speed of SHA-512 here) and 16 KiB pages (a quarter of the per-page work; the 100k demo
#: writes in 11.7 s instead of 14.1 s). An encrypted header cannot say how it was made, so
#: every connection, backup copy and export applies them after the key, and stores record
#: the profile in their key file (``cipher``) so a later version can change it.
CIPHER_PROFILE = "sqlcipher4-sha256-16k"
CIPHER_SETTINGS: tuple[tuple[str, str], ...] = (
    ("cipher_hmac_algorithm", "HMAC_SHA256"),
    ("cipher_page_size", "16384"),
)


def new_store_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class StoreKey:
    """An unwrapped store key and the account that unwrapped it. Never printed."""

    username: str
    key: bytes = field(repr=False)

    def pragmas(self, schema: str = "") -> tuple[str, ...]:
        """What a connection runs first: the raw key, then :data:`CIPHER_SETTINGS`."""
        prefix = f"{schema}." if schema else ""
        return (
            f"PRAGMA {prefix}key = \"x'{self.key.hex()}'\"",
            *(f"PRAGMA {prefix}{name} = {value}" for name, value in CIPHER_SETTINGS),
        )


@dataclass(frozen=True)
class WrappedKey:
    memory_kib: int
    time_cost: int
    lanes: int
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "kdf": "argon2id",
            "memory_kib": self.memory_kib,
            "time_cost": self.time_cost,
            "lanes": self.lanes,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.ciphertext),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> WrappedKey:
        if value["kdf"] != "argon2id":
            raise ValueError("unknown key derivation")
        return cls(
            memory_kib=int(value["memory_kib"]),
            time_cost=int(value["time_cost"]),
            lanes=int(value["lanes"]),
            salt=_unb64(value["salt"]),
            nonce=_unb64(value["nonce"]),
            ciphertext=_unb64(value["wrapped_key"]),
        )


def _derive(password: str, memory_kib: int, time_cost: int, lanes: int, salt: bytes) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost, memory_kib, lanes, KEY_BYTES, Type.ID)


@dataclass(frozen=True)
class Keyring:
    store_id: str
    township_code: str
    entries: Mapping[str, WrappedKey] = field(default_factory=lambda: MappingProxyType({}))
    #: Shown on the sign-in window before the store is open.
    township_name: str = ""

    @classmethod
    def new(cls, township_code: str, township_name: str = "") -> Keyring:
        return cls(store_id=secrets.token_hex(16), township_code=township_code, township_name=township_name)

    def _aad(self, username: str) -> bytes:
        return f"{FORMAT}:{self.store_id}:{username}".encode()

    def has(self, username: str) -> bool:
        return username in self.entries

    @property
    def usernames(self) -> tuple[str, ...]:
        return tuple(sorted(self.entries))

    def unwrap(self, username: str, password: str) -> StoreKey | None:
        """The store key if ``password`` is ``username``'s; None otherwise (or no entry)."""
        entry = self.entries.get(username)
        if entry is None:
            # Spend the same time as a real check, so timing does not tell who has an account.
            _derive(password, KDF_MEMORY_KIB, KDF_TIME_COST, KDF_LANES, b"\0" * 16)
            return None
        kek = _derive(password, entry.memory_kib, entry.time_cost, entry.lanes, entry.salt)
        try:
            key = AESGCM(kek).decrypt(entry.nonce, entry.ciphertext, self._aad(username))
        except InvalidTag:
            return None
        return StoreKey(username, key)

    def with_entry(self, username: str, password: str, key: StoreKey) -> Keyring:
        """This keyring with ``username``'s entry set (added or re-wrapped) for ``password``."""
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = _derive(password, KDF_MEMORY_KIB, KDF_TIME_COST, KDF_LANES, salt)
        ciphertext = AESGCM(kek).encrypt(nonce, key.key, self._aad(username))
        entry = WrappedKey(KDF_MEMORY_KIB, KDF_TIME_COST, KDF_LANES, salt, nonce, ciphertext)
        return replace(self, entries=MappingProxyType({**self.entries, username: entry}))

    def without_entry(self, username: str) -> Keyring:
        return replace(self, entries=MappingProxyType({k: v for k, v in self.entries.items() if k != username}))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "township_code": self.township_code,
            "township_name": self.township_name,
            "cipher": CIPHER_PROFILE,
            "accounts": {name: entry.to_json() for name, entry in sorted(self.entries.items())},
        }

    @classmethod
    def from_json(cls, value: Any) -> Keyring:
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise ValueError("not a keyring")
        if value.get("version") != VERSION or value.get("cipher", CIPHER_PROFILE) != CIPHER_PROFILE:
            raise ValueError("a keyring of another version")
        entries = {str(k): WrappedKey.from_json(v) for k, v in value["accounts"].items()}
        return cls(
            str(value["store_id"]),
            str(value["township_code"]),
            MappingProxyType(entries),
            str(value.get("township_name", "")),
        )

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes, where: Path) -> Keyring:
        try:
            value = json.loads(data.decode("utf-8"))
            if (
                isinstance(value, dict)
                and value.get("format") == FORMAT
                and (value.get("version") != VERSION or value.get("cipher", CIPHER_PROFILE) != CIPHER_PROFILE)
            ):
                raise StoreTooNewError(
                    msg(
                        "钥匙文件 {path} 由另一个版本的 fdclient 写成（格式 {version}，加密方式 {cipher}），"
                        "请用与它相同或更新的 fdclient 打开。",
                        "The key file {path} was written by another version of fdclient (format {version}, "
                        "cipher {cipher}); open it with that version or a newer one.",
                        path=str(where),
                        version=value.get("version"),
                        cipher=value.get("cipher"),
                    )
                )
            return cls.from_json(value)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise StoreDamagedError(
                msg(
                    "钥匙文件 {path} 已损坏，无法打开数据库。请从备份恢复（fdclient restore 备份文件）。",
                    "The key file {path} is damaged, so the store cannot be opened. Restore a backup "
                    "(fdclient restore BACKUP-FILE).",
                    path=str(where),
                )
            ) from None

    @classmethod
    def load(cls, path: Path) -> Keyring | None:
        """The keyring at ``path``; None when there is none."""
        if not path.exists():
            return None
        with files.os_errors(path):
            data = path.read_bytes()
        return cls.from_bytes(data, path)

    def save(self, path: Path) -> None:
        files.write_atomically(path, self.to_bytes())
