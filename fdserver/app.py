"""The ASGI application: ``create_app(engine)`` and the uvicorn factory
``fdserver.app:app_from_environment`` (reads ``FDSERVER_DB``; used by ``fdserver serve``,
also with several workers).

Every endpoint is under ``/api/v1`` (``GET /health`` also at the root, without
authentication). Request and response bodies are the models of fdclient.sync.protocol, so
``/openapi.json`` describes the wire format. Request bodies are limited and may be gzip;
responses are gzip when the client accepts it; every error is a ``protocol.ErrorBody``.
The app keeps no state outside the database: several processes serve one database.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

from fdclient.sync.protocol import API_PREFIX
from fdserver import __version__
from fdserver.api import decisions, enroll, health, hello, pull, push
from fdserver.db import database_url, make_engine
from fdserver.errors import install_handlers
from fdserver.middleware import RequestBodyMiddleware
from fdserver.refusals import REQUEST, record_refusal

log = logging.getLogger("fdserver")


def _include(app: FastAPI, router: APIRouter) -> None:
    paths = [getattr(r, "path", "") for r in router.routes]
    if paths and all(p.startswith(API_PREFIX) for p in paths):
        app.include_router(router)
    else:
        app.include_router(router, prefix=API_PREFIX)


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(
        title="fdserver",
        summary="县级同步服务器 / county sync server of fdclient",
        version=__version__,
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    install_handlers(app)

    def on_refusal(reason: str, path: str) -> None:
        record_refusal(engine, REQUEST, reason, path=path)

    app.add_middleware(RequestBodyMiddleware, on_refusal=on_refusal)
    # Level 6: 3.4 times faster than the default 9 on a snapshot page, 4 % larger.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.include_router(health.router)
    for module in (health, enroll, hello, pull, push, decisions):
        _include(app, module.router)
    return app


def app_from_environment() -> FastAPI:
    """The app on the database named by ``FDSERVER_DB`` (or the default SQLite file)."""
    return create_app(make_engine(database_url()))
