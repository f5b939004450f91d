"""The key file: the store key wrapped per account with argon2id and AES-GCM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fdclient.errors import StoreDamagedError
from fdclient.store.keyring import KDF_MEMORY_KIB, Keyring, StoreKey, new_store_key


@pytest.fixture(scope="module")
def keyring_and_key() -> tuple[Keyring, StoreKey]:
    key = StoreKey("admin", new_store_key())
    return Keyring.new("360111101").with_entry("admin", "right-password", key), key


def test_the_right_password_unwraps_the_key(keyring_and_key: tuple[Keyring, StoreKey]) -> None:
    keyring, key = keyring_and_key
    unwrapped = keyring.unwrap("admin", "right-password")
    assert unwrapped == key and len(key.key) == 32


def test_a_wrong_password_or_unknown_account_unwraps_nothing(keyring_and_key: tuple[Keyring, StoreKey]) -> None:
    keyring, _ = keyring_and_key
    assert keyring.unwrap("admin", "wrong-password") is None
    assert keyring.unwrap("nobody", "right-password") is None


def test_an_entry_copied_under_another_name_does_not_open(keyring_and_key: tuple[Keyring, StoreKey]) -> None:
    keyring, key = keyring_and_key
    value = keyring.to_json()
    value["accounts"]["boss"] = value["accounts"]["admin"]  # an attacker renames an entry
    forged = Keyring.from_json(value)
    assert forged.unwrap("boss", "right-password") is None
    assert forged.unwrap("admin", "right-password") == key


def test_derivation_uses_argon2id_with_at_least_64_mib(keyring_and_key: tuple[Keyring, StoreKey]) -> None:
    keyring, _ = keyring_and_key
    entry = keyring.to_json()["accounts"]["admin"]
    assert entry["kdf"] == "argon2id"
    assert entry["memory_kib"] >= 64 * 1024 == KDF_MEMORY_KIB
    assert entry["time_cost"] >= 3


def test_the_file_holds_neither_the_key_nor_the_password(
    tmp_path: Path, keyring_and_key: tuple[Keyring, StoreKey]
) -> None:
    keyring, key = keyring_and_key
    path = tmp_path / "keyring.json"
    keyring.save(path)
    data = path.read_bytes()
    assert key.key not in data and key.key.hex().encode() not in data
    assert b"right-password" not in data
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert Keyring.load(path) == keyring


def test_re_wrapping_changes_the_password_not_the_key(keyring_and_key: tuple[Keyring, StoreKey]) -> None:
    keyring, key = keyring_and_key
    changed = keyring.with_entry("admin", "new-password-2", key)
    assert changed.unwrap("admin", "right-password") is None
    assert changed.unwrap("admin", "new-password-2") == key
    assert changed.without_entry("admin").unwrap("admin", "new-password-2") is None


@pytest.mark.parametrize("content", [b"", b"{not json", json.dumps({"format": "other"}).encode(), b"\xff\xfe"])
def test_a_damaged_key_file_says_how_to_restore(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "keyring.json"
    path.write_bytes(content)
    with pytest.raises(StoreDamagedError, match="restore"):
        Keyring.load(path)


def test_no_key_file_is_none(tmp_path: Path) -> None:
    assert Keyring.load(tmp_path / "keyring.json") is None


def test_a_key_file_of_another_version_says_so(tmp_path: Path, keyring_and_key: tuple[Keyring, StoreKey]) -> None:
    from fdclient.errors import StoreTooNewError

    keyring, _ = keyring_and_key
    value = keyring.to_json()
    value["cipher"] = "sqlcipher9-future"
    path = tmp_path / "keyring.json"
    path.write_text(json.dumps(value))
    with pytest.raises(StoreTooNewError, match="另一个版本"):
        Keyring.load(path)
