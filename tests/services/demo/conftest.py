"""The demo township shared by the read-only tests of this folder: built once for all of
them (a few seconds), as ``fdclient demo`` builds one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.demo_township import AS_OF, PASSWORD, Demo, new_store

from fdclient.services.demo import DemoSummary, generate_demo
from fdclient.store import Store


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One few-thousand-resident township shared by the read-only tests of this folder,
    made as ``fdclient demo`` makes a new one: while the store is created."""
    summaries: list[DemoSummary] = []

    def populate(store: Store) -> None:
        summaries.append(generate_demo(store, villages=6, households=1000, seed=7, as_of=AS_OF, password=PASSWORD))

    store = new_store(tmp_path_factory.mktemp("demo") / "store", populate=populate)
    try:
        yield store, summaries[0]
    finally:
        store.close()
