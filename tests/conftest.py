"""Shared fixtures: real encrypted stores in temporary folders (no mock databases).

* ``store``: a copy of the scene's store signed in as the doctor (most use cases are
  clinical); ``admin_store`` the same as the administrator; ``store_as(role)`` any role;
* ``session``: a write unit of work on ``store`` held for the test (committed at the end);
* ``scene_template``: the template itself, for tests that copy or sign in on their own;
* ``english``: messages in English for the test (Chinese again after it).

See ``tests/helpers/scene.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.scene import TOWNSHIP_CODE, TOWNSHIP_NAME, USER_OF_ROLE, Template, make_template
from sqlalchemy.orm import Session

from fdclient.domain.roles import Role
from fdclient.store import Store
from fdclient.text import CHINESE, ENGLISH, set_language

__all__ = ["TOWNSHIP_CODE", "TOWNSHIP_NAME"]


@pytest.fixture(scope="session")
def scene_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("scene") / "store")


@pytest.fixture
def store_as(scene_template: Template, tmp_path: Path) -> Iterator[Callable[[Role], Store]]:
    """Open a fresh copy of the scene signed in with ``role`` (one copy per call)."""
    opened: list[Store] = []

    def open_as(role: Role) -> Store:
        store = scene_template.open(tmp_path / f"store-{len(opened)}", user=USER_OF_ROLE[role])
        opened.append(store)
        return store

    yield open_as
    for store in opened:
        store.close()


@pytest.fixture
def store(store_as: Callable[[Role], Store]) -> Store:
    """A new store signed in as the scene's doctor."""
    return store_as(Role.DOCTOR)


@pytest.fixture
def admin_store(store_as: Callable[[Role], Store]) -> Store:
    """A new store signed in as the scene's administrator."""
    return store_as(Role.ADMIN)


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """A write unit of work on ``store`` for the whole test, committed when it ends."""
    with store.write() as s:
        yield s


@pytest.fixture
def english() -> Iterator[None]:
    set_language(ENGLISH)
    try:
        yield
    finally:
        set_language(CHINESE)
