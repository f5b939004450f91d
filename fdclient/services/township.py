"""The store's own township (every store belongs to exactly one)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from fdclient.models import LocalSetting, Township, local


def store_township(session: Session) -> Township:
    setting = session.get(LocalSetting, local.TOWNSHIP_ID)
    township = session.get(Township, uuid.UUID(str(setting.value))) if setting else None
    if township is None:
        raise RuntimeError("the store records no township")  # open_store refuses such a store
    return township
