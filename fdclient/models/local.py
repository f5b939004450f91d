"""Local, never-synced facts about this store (which township, which device)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from fdclient.models.base import Base


class LocalSetting(Base):
    __tablename__ = "local_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


#: Keys used in ``local_settings``.
TOWNSHIP_ID = "township_id"
DEVICE_ID = "device_id"
#: The last indicator report computed on this laptop (fdclient.services.indicators.snapshot).
INDICATOR_SNAPSHOT = "indicator_snapshot"
