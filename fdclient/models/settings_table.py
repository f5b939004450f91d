"""The township's settings (its rules: control targets, contract terms …), synced so that
every laptop of a township classifies and numbers alike (fdclient.settings reads them).

A setting's row id is derived from the township and the key
(:func:`township_setting_id`), so two laptops that set the same key offline edit the same
record and the county server merges (or reports a conflict on) its ``value``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fdclient.models.base import Base, Synced

#: Fixed namespace of the settings' row ids (never change it: ids on every laptop and on
#: the server derive from it).
TOWNSHIP_SETTING_NAMESPACE = uuid.UUID("6f1f6c1e-3b9a-5c2e-9d53-2a0c4e7d8b10")


def township_setting_id(township_id: uuid.UUID, key: str) -> uuid.UUID:
    """The row id of the setting ``key`` of a township: ``uuid5(namespace, "<township id
    with dashes>:<key>")``."""
    return uuid.uuid5(TOWNSHIP_SETTING_NAMESPACE, f"{township_id}:{key}")


class TownshipSetting(Synced, Base):
    __tablename__ = "township_settings"

    township_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("townships.id"), index=True)
    #: The setting's key (fdclient.settings.Setting.key).
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON)
