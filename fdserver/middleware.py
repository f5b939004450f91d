"""Request bodies: a size limit and gzip inflation (``Content-Encoding: gzip``).

A pure ASGI middleware: it reads the body (refusing more than ``MAX_BODY_BYTES`` on the
wire with 413), inflates a gzip body in bounded steps (refusing more than
``MAX_INFLATED_BYTES`` inflated with 413, a broken stream with 400) and hands the endpoint
the plain body with the encoding header removed. Responses are compressed by Starlette's
``GZipMiddleware`` (app.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fdclient.sync.protocol import MAX_BODY_BYTES, MAX_INFLATED_BYTES
from fdclient.text import Text, msg
from fdserver.errors import error_response

#: Called with (reason, path) for each refused body (records it; runs in a worker thread).
OnRefusal = Callable[[str, str], None]

_CHUNK = 1024 * 1024


class _Refused(Exception):
    def __init__(self, status: int, code: str, text: Text) -> None:
        super().__init__(code)
        self.status, self.code, self.text = status, code, text


def _too_large(limit: int) -> _Refused:
    return _Refused(
        413,
        "too_large",
        msg(
            "请求内容超过服务器上限（{mib} MiB），请分批同步。",
            "The request exceeds the server's limit ({mib} MiB); sync in smaller batches.",
            mib=limit // (1024 * 1024),
        ),
    )


def inflate(body: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """A gzip body inflated, at most ``limit`` bytes (413 beyond, 400 when broken)."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    data = body
    try:
        while data:
            out += inflater.decompress(data, _CHUNK)
            if len(out) > limit:
                raise _too_large(limit)
            data = inflater.unconsumed_tail
        out += inflater.flush()
    except zlib.error:
        raise _Refused(
            400, "bad_encoding", msg("请求内容的 gzip 压缩数据已损坏。", "The gzip request body is corrupt.")
        ) from None
    if len(out) > limit:
        raise _too_large(limit)
    if not inflater.eof:
        raise _Refused(
            400, "bad_encoding", msg("请求内容的 gzip 压缩数据不完整。", "The gzip request body is truncated.")
        )
    return bytes(out)


class RequestBodyMiddleware:
    def __init__(self, app: ASGIApp, on_refusal: OnRefusal | None = None, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.on_refusal = on_refusal
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        encoding = headers.get(b"content-encoding", b"identity").decode("latin-1").strip().lower()
        try:
            if encoding not in ("identity", "gzip"):
                raise _Refused(
                    415,
                    "unsupported_encoding",
                    msg("不支持的压缩方式（只接受 gzip）。", "Unsupported content encoding (gzip only)."),
                )
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body:
                raise _too_large(self.max_body)
            body = await self._read(receive)
            if encoding == "gzip":
                body = inflate(body)
        except _Refused as refused:
            if refused.status == 413 and self.on_refusal is not None:
                await anyio.to_thread.run_sync(self.on_refusal, refused.code, scope.get("path", ""))
            response = error_response(refused.status, refused.code, refused.text, {"Connection": "close"})
            await response(scope, receive, send)
            return
        new_headers = [
            (k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"content-encoding", b"content-length")
        ]
        new_headers.append((b"content-length", str(len(body)).encode()))
        await self.app(dict(scope, headers=new_headers), _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Refused(400, "disconnected", msg("连接已中断。", "The connection was closed."))
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _too_large(self.max_body)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
