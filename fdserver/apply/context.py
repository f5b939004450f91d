"""Who is pushing: the device's identity as the auth dependency establishes it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceContext:
    """An authenticated device: its id, its township, the enrolled user and that user's
    role (a :class:`fdclient.domain.roles.Role` value). Ids are 32 lower-case hex digits."""

    device_id: str
    township_id: str
    staff_id: str
    role: str
