"""Push and merge logic of the county server (docs/sync.md "Push", "Merge rules",
"Numbers"): pure functions on a SQLAlchemy connection inside the caller's write
transaction, over the tables of :mod:`fdserver.models`."""

from fdserver.apply.context import DeviceContext
from fdserver.apply.push import apply_push

__all__ = ["DeviceContext", "apply_push"]
