"""The store: the township's encrypted SQLite file and everything that keeps it safe.

=====================  ============================================================
module                 what it holds
=====================  ============================================================
``opening``            sign in, open (refuse newer, back up, migrate), create
``unit_of_work``       :class:`Store` with ``read()`` / ``write()`` units of work
``context``            the actor, device and clock a unit of work carries; ``require``
``audit_trail``        the flush hook and :func:`record_event`
``engine``             SQLCipher/SQLite engines, pragmas, ``BEGIN IMMEDIATE``
``failures``           SQLite errors by result code as typed, plain messages
``keyring``            the store key wrapped per account (argon2id + AES-GCM)
``signin``             lock-outs and failed sign-ins
``files``              private modes, atomic writes and swaps, the folder lock
``backups``            backup files, automatic backups and rotation
``restore``            restoring a backup file
``conversion``         encrypting a store made before encryption
``check``              ``fdclient check``: is the store sound?
=====================  ============================================================
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fdclient.store.context import Actor
    from fdclient.store.keyring import StoreKey
    from fdclient.store.opening import PlainStoreError, create_store, open_store, sign_in
    from fdclient.store.unit_of_work import Store, StoreInfo

#: Where each name lives: loaded on first use, so that a light module of the package (the
#: key file, the folder's files) is read without SQLAlchemy and the models — the sign-in
#: window appears before they are loaded.
_HOMES = {
    "Actor": "fdclient.store.context",
    "StoreKey": "fdclient.store.keyring",
    "PlainStoreError": "fdclient.store.opening",
    "create_store": "fdclient.store.opening",
    "open_store": "fdclient.store.opening",
    "sign_in": "fdclient.store.opening",
    "Store": "fdclient.store.unit_of_work",
    "StoreInfo": "fdclient.store.unit_of_work",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fdclient.store' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "Actor",
    "PlainStoreError",
    "Store",
    "StoreInfo",
    "StoreKey",
    "create_store",
    "open_store",
    "sign_in",
]
