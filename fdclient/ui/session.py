"""What the pages of a signed-in window are given: the open store, the task runner and this
laptop's preferences, with who is signed in (the services check permissions anyway; the GUI
hides or disables what the role may not do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fdclient.domain.roles import Permission
from fdclient.domain.time import today_in_china
from fdclient.store import Store
from fdclient.store.context import Actor
from fdclient.ui.preferences import Preferences
from fdclient.ui.tasks import Runner

__all__ = ["UiSession"]


@dataclass(frozen=True)
class UiSession:
    store: Store
    runner: Runner
    preferences: Preferences

    @property
    def actor(self) -> Actor:
        actor = self.store.actor
        if actor is None:
            raise RuntimeError("the GUI needs a signed-in store")
        return actor

    def may(self, permission: Permission) -> bool:
        return self.actor.may(permission)

    def today(self) -> date:
        """Today by the store's clock (the county server corrects it once sync exists)."""
        return today_in_china(self.store.clock)
