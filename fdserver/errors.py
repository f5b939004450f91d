"""Errors of the API: every refusal is a :class:`protocol.ErrorBody` with a stable code, a
Chinese message and its English (docs/sync.md "The exchange").

Services and dependencies raise :class:`ApiError`; the handlers installed by
:func:`install_handlers` turn it, FastAPI's validation errors, unknown paths and any
unexpected exception into that JSON. An unexpected exception is logged with its type and
the path only (never the request body, a token or a person's data) and answered with a
plain 500.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fdclient.sync.protocol import ErrorBody
from fdclient.text import CHINESE, ENGLISH, Text, msg

log = logging.getLogger("fdserver")


class AdminError(Exception):
    """An error of an administrator's command (``fdserver …``): a message for people and
    the exit status (2 bad input, 3 database not usable, 1 another failure)."""

    exit_code = 2

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text

    @property
    def message(self) -> str:
        return self.text.render()

    def __str__(self) -> str:
        return self.message


class NotInitialised(AdminError):
    exit_code = 3


class OperationFailed(AdminError):
    exit_code = 1


class ApiError(Exception):
    """A refusal with an HTTP status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, text: Text, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.text = text
        self.headers = headers


def error_body(code: str, text: Text) -> dict[str, Any]:
    return ErrorBody(error=code, message=text.render(CHINESE), message_en=text.render(ENGLISH)).model_dump()


def error_response(status: int, code: str, text: Text, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, text), status_code=status, headers=headers)


#: Generic texts of HTTP statuses raised by the framework itself.
_HTTP_TEXTS: dict[int, tuple[str, Text]] = {
    404: ("not_found", msg("没有这个接口。", "No such endpoint.")),
    405: ("method_not_allowed", msg("这个接口不支持该请求方法。", "The endpoint does not allow this method.")),
    413: ("too_large", msg("请求内容太大。", "The request is too large.")),
    415: ("unsupported_media_type", msg("不支持的请求内容类型。", "Unsupported content type.")),
}


def _field_path(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "-"


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.text, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    fields = ", ".join(sorted({_field_path(e.get("loc", ())) for e in errors}))[:300]
    text = msg(
        "请求内容不符合格式要求（{fields}），请更新程序后重试。",
        "The request does not have the expected form ({fields}); update the program and try again.",
        fields=fields,
    )
    return error_response(422, "invalid_request", text)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, text = _HTTP_TEXTS.get(
        exc.status_code,
        (
            f"http_{exc.status_code}",
            msg("请求未被接受（{status}）。", "The request was refused ({status}).", status=exc.status_code),
        ),
    )
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, text, headers)


#: A busy server: the request may be sent again later (503 with Retry-After).
BUSY = msg(
    "县级服务器正忙，请稍后重试（本机数据不受影响，会自动再同步）。",
    "The server is busy; try again shortly (nothing on the laptop is lost).",
)


async def _pool_exhausted(_request: Request, _exc: Exception) -> JSONResponse:
    """Every database connection of this process stayed busy for the pool's timeout (many
    laptops of one township pushing at once): the laptop comes back later."""
    return error_response(503, "busy", BUSY, {"Retry-After": "5"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_response(
        500, "server_error", msg("服务器内部错误，请稍后重试。", "Server error; please try again later.")
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(sqlalchemy.exc.TimeoutError, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected)
