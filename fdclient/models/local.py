"""Local, never-synced facts about this store (which township, which device, the sync
state). The township's rules live in the synced ``township_settings`` table."""

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
#: Present once the store is enrolled with a county server (fdclient.sync): numbers then
#: come from blocks reserved from the server (fdclient.services.numbering).
SYNC_ENROLMENT = "sync.enrolment"
#: The server's time minus the laptop's, in whole milliseconds (int), from the last hello:
#: the store's clock runs on corrected time (fdclient.domain.time.CorrectedClock).
CLOCK_OFFSET_MS = "sync.clock_offset_ms"
