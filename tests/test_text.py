"""Bilingual messages survive a trip through pickle (an error raised in the indicators'
worker process reaches the parent whole: its message, its values, its field)."""

from __future__ import annotations

import pickle

from fdclient.errors import StoreDamagedError
from fdclient.text import CHINESE, ENGLISH, msg


def test_an_error_with_nested_values_pickles_whole() -> None:
    error = StoreDamagedError(
        msg(
            "数据库 {path} 已损坏，请运行：{hint}",
            "The store {path} is damaged; run: {hint}",
            path="/d/x.db",
            hint=msg("恢复", "restore"),
        ),
        field="store",
    )
    back = pickle.loads(pickle.dumps(error))
    assert isinstance(back, StoreDamagedError) and back.field == "store"
    assert back.text.render(CHINESE) == "数据库 /d/x.db 已损坏，请运行：恢复"
    assert back.text.render(ENGLISH) == "The store /d/x.db is damaged; run: restore"
    assert back.text == error.text
