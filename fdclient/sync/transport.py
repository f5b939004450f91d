"""Talking to the county server: httpx, gzip, the device token, retries, typed errors.

Connection errors, 5xx and 429 are retried with exponential backoff and full jitter
(``sleep`` is injectable so tests need not wait). Every failure leaves as a
:class:`SyncError` with a plain Chinese message; the token never appears in one, nor in a
log (httpx logs request lines, never headers).
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from fdclient import __version__
from fdclient.errors import FdError
from fdclient.sync import protocol
from fdclient.text import Text, msg

M = TypeVar("M", bound=BaseModel)

GZIP_FROM_BYTES = 1024
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: A push waits for the township's earlier pushes (they are applied one after another, so
#: versions stay in commit order): its answer may take minutes when many laptops of one
#: township reconnect at once. Giving up sooner only sends the same batch again.
PUSH_READ_TIMEOUT = 300.0


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class SyncError(FdError):
    """Sync could not be done; nothing on the laptop is lost."""

    exit_code = 1
    code = "sync_failed"


class ServerUnreachable(SyncError):
    code = "unreachable"


class DeviceRevoked(SyncError):
    code = "device_revoked"


class InvalidToken(SyncError):
    code = "invalid_token"


class EpochChanged(SyncError):
    code = "epoch_changed"


class Refused(SyncError):
    """A 4xx with the server's own message."""

    code = "refused"

    def __init__(self, message: Text | str, *, error: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


def unreachable_message() -> Text:
    return msg(
        "服务器连不上，请检查网络；本机数据不受影响，联网后会自动同步。",
        "The server cannot be reached: check the network. Nothing on this laptop is affected; it syncs once "
        "the connection is back.",
    )


def revoked_message() -> Text:
    return msg(
        "这台电脑的同步授权已被县级管理员撤销，不能再同步。本机数据和未同步的修改都还在，可以导出（fdclient "
        "export-roster、备份）；请向县级管理员申请新的注册码后重新注册。",
        "This laptop's sync authorisation was revoked by the county. Its data and unsynced changes are kept and "
        "can be exported (fdclient export-roster, backups); ask the county for a new enrolment code to enrol again.",
    )


def invalid_token_message() -> Text:
    return msg(
        "服务器不认这台电脑的同步凭据，请向县级管理员申请新的注册码后重新注册。本机数据不受影响。",
        "The server does not accept this laptop's sync credentials: ask the county for a new enrolment code and "
        "enrol again. Nothing on this laptop is affected.",
    )


class Transport:
    """One server, one device token (None before enrolment)."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._token = token
        self.retries = retries
        self._base = backoff_base
        self._cap = backoff_cap
        self._sleep = sleep or _sleep
        self._rng = rng or random.Random()
        self._client = client or httpx.Client(timeout=timeout, headers={"User-Agent": f"fdclient/{__version__}"})
        self._own_client = client is None
        #: Bytes sent and received (compressed), for reports and benchmarks.
        self.bytes_sent = 0
        self.bytes_received = 0

    def __repr__(self) -> str:  # never the token
        return f"Transport({self.server_url!r})"

    def with_token(self, token: str) -> Transport:
        self._token = token
        return self

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the calls -----------------------------------------------------------------------

    def enroll(self, request: protocol.EnrollRequest) -> protocol.EnrollResponse:
        return self._call("POST", "/enroll", protocol.EnrollResponse, body=request)

    def hello(self, request: protocol.HelloRequest) -> protocol.HelloResponse:
        return self._call("POST", "/hello", protocol.HelloResponse, body=request)

    def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        return self._call("POST", "/push", protocol.PushResponse, body=request, read_timeout=PUSH_READ_TIMEOUT)

    def pull(
        self, after: int, limit: int = protocol.DEFAULT_PULL_PAGE, *, epoch: str | None = None
    ) -> protocol.PullResponse:
        params: dict[str, Any] = {"after": after, "limit": limit}
        if epoch:
            params["epoch"] = epoch
        return self._call("GET", "/pull", protocol.PullResponse, params=params)

    def snapshot(
        self,
        as_of: int | None,
        after_table: str | None,
        after_id: str | None,
        limit: int = protocol.DEFAULT_SNAPSHOT_PAGE,
        *,
        epoch: str | None = None,
    ) -> protocol.SnapshotResponse:
        params: dict[str, Any] = {"limit": limit}
        if epoch:
            params["epoch"] = epoch
        if as_of is not None:
            params["as_of"] = as_of
        if after_table is not None:
            params["after_table"] = after_table
        if after_id is not None:
            params["after_id"] = after_id
        return self._call("GET", "/snapshot", protocol.SnapshotResponse, params=params)

    # --- plumbing ------------------------------------------------------------------------

    def _headers(self, compressed: bool) -> dict[str, str]:
        headers = {"Accept-Encoding": "gzip", "Content-Type": "application/json"}
        if compressed:
            headers["Content-Encoding"] = "gzip"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        body: BaseModel | None = None,
        params: Mapping[str, Any] | None = None,
        read_timeout: float | None = None,
    ) -> M:
        content: bytes | None = None
        compressed = False
        if body is not None:
            content = body.model_dump_json().encode()
            if len(content) > GZIP_FROM_BYTES:
                content = gzip.compress(content, compresslevel=5)
                compressed = True
        url = f"{self.server_url}{protocol.API_PREFIX}{path}"
        extra: dict[str, Any] = {}
        if read_timeout is not None:
            timeout = self._client.timeout
            extra["timeout"] = httpx.Timeout(
                connect=timeout.connect, read=read_timeout, write=timeout.write, pool=timeout.pool
            )
        attempt = 0
        while True:
            try:
                request = self._client.build_request(
                    method, url, content=content, params=params, headers=self._headers(compressed), **extra
                )
                response = self._client.send(request)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code < 500 and response.status_code != 429:
                break
            if attempt >= self.retries:
                if response is None:
                    raise ServerUnreachable(unreachable_message())
                raise ServerUnreachable(_server_trouble(response))
            self._sleep(self._delay(attempt, response))
            attempt += 1
        self.bytes_sent += len(content or b"")
        self.bytes_received += int(response.headers.get("content-length") or len(response.content))
        if response.status_code >= 400:
            raise _refusal(response)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as error:
            raise Refused(
                msg(
                    "服务器的回答看不懂（版本不一致？）：{detail}",
                    "The server's answer could not be read (a version mismatch?): {detail}",
                    detail=str(error.errors()[0].get("msg", ""))[:200],
                )
            ) from None

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]; a server's
        ``Retry-After`` (seconds) is a floor."""
        delay = self._rng.uniform(0, min(self._cap, self._base * (2**attempt)))
        if response is not None:
            after = response.headers.get("retry-after", "")
            if after.isdigit():
                delay = max(delay, min(self._cap, float(after)))
        return delay


def _error_body(response: httpx.Response) -> protocol.ErrorBody | None:
    try:
        data = json.loads(response.content or b"{}")
        return protocol.ErrorBody.model_validate(data) if isinstance(data, dict) and "error" in data else None
    except (ValueError, ValidationError):
        return None


def _server_trouble(response: httpx.Response) -> Text:
    return msg(
        "服务器暂时出错（HTTP {status}），请稍后再同步；本机数据不受影响。",
        "The server had a problem (HTTP {status}); sync again later. Nothing on this laptop is affected.",
        status=response.status_code,
    )


def _refusal(response: httpx.Response) -> SyncError:
    body = _error_body(response)
    code = body.error if body else ""
    if code == "device_revoked":
        return DeviceRevoked(revoked_message())
    if code in ("invalid_token", "unauthorized") or (response.status_code == 401 and code != "device_revoked"):
        return InvalidToken(invalid_token_message())
    if code == "epoch_changed":
        return EpochChanged(
            msg("服务器数据已从备份恢复，需要重新同步。", "The server was restored; a full resync is needed.")
        )
    if body is not None:
        return Refused(
            msg(
                "服务器拒绝了请求：{zh}",
                "The server refused the request: {en}",
                zh=body.message,
                en=body.message_en or body.message,
            ),
            error=code,
            status=response.status_code,
        )
    return Refused(
        msg(
            "服务器拒绝了请求（HTTP {status}）。",
            "The server refused the request (HTTP {status}).",
            status=response.status_code,
        ),
        status=response.status_code,
    )
