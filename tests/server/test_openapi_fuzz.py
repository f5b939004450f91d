"""Schemathesis against the in-process app's ``/openapi.json``: generated requests to every
endpoint, authenticated with a real device token, never get a server error.

hypothesis-jsonschema 0.23.1 (schemathesis 3's body generator) calls ``many(...).more()``,
which Hypothesis 6.170 replaced by a ``with many(...) as e: for _ in e:`` protocol; for this
test its reference to Hypothesis' utilities gets a ``many`` with ``more()`` built on the new
protocol (Hypothesis itself is left alone).
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis_jsonschema._from_schema as from_schema
import pytest
import schemathesis
from helpers.server import add_township, asgi_client, enrol, enrolment_code, make_server
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from fdserver.app import create_app

EXAMPLES = 12


class _ManyWithMore:
    """``many(...).more()`` over Hypothesis' iterator protocol."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._many = _UTILS.many(*args, **kwargs)
        self._many.__enter__()
        self._elements: Iterator[None] = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


_UTILS = from_schema.cu


@pytest.fixture(autouse=True)
def _many_with_more(monkeypatch: pytest.MonkeyPatch) -> None:
    if hasattr(_UTILS.many, "more"):
        return
    proxy = types.ModuleType(_UTILS.__name__)
    proxy.__dict__.update(_UTILS.__dict__)
    proxy.many = _ManyWithMore  # type: ignore[attr-defined]
    monkeypatch.setattr(from_schema, "cu", proxy)


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    engine = make_server(tmp_path)
    add_township(engine)
    with asgi_client(engine) as client:
        device = enrol(client, enrolment_code(engine))
    # FastAPI writes OpenAPI 3.1, which schemathesis 3 reads behind this switch.
    schemathesis.experimental.OPEN_API_3_1.enable()
    schema = schemathesis.from_asgi("/openapi.json", create_app(engine))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/enroll", "/api/v1/hello", "/api/v1/pull", "/api/v1/snapshot"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=device.headers)
            case.validate_response(response, checks=(not_a_server_error,))

        call()
    engine.dispose()
