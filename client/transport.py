"""HTTP to the service: attribution headers and the bearer token on every request, answers
read into data or typed errors, and the recoveries that apply to any call:

    1001          one new anonymous token with the same client id, then the call once more
    HTTP 400      on the token request: a new client id, then once more
    HTTP 429      one retry after Retry-After (30 s if absent), through the injected sleeper

The token only ever travels in the Authorization header: never in a URL, a log line or
an exception message.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import httpx

from .config import ClientConfig, Keeper
from .errors import (
    ApiError,
    AuthError,
    ClientIdRejected,
    ExportBlocked,
    FileTooLarge,
    NoCredits,
    ProtocolError,
    RateLimited,
    SessionNotFound,
    TransportError,
    UnsupportedFile,
)

DEFAULT_RETRY_AFTER = 30.0
LONGEST_RETRY_AFTER = 300.0  # asked to wait longer (a week for a second token), the client gives up at once
TOKEN_MARGIN_SECONDS = 3600  # a kept token this close to expiry is renewed first


@dataclass(frozen=True)
class Notice:
    """Something the client did on the caller's behalf: `kind` names it, `detail` says it."""

    kind: str  # token_renewed, client_id_replaced, rate_limited, session_replaced, render_retry, ...
    detail: str
    data: dict[str, Any] | None = None


Notify = Callable[[Notice], None]


class Transport:
    def __init__(
        self,
        config: ClientConfig,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        notify: Notify = lambda notice: None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.keeper = Keeper(config.config_dir)
        self.http = http or httpx.Client(timeout=httpx.Timeout(30.0, read=120.0))
        self.sleep = sleep
        self.notify = notify
        self.wall_clock = wall_clock
        self.client_id = config.client_id or self.keeper.client_id()
        self.token: str | None = config.token
        self.user_id: str | None = None

    def url(self, path: str) -> str:
        return self.config.api_url + path

    # -- tokens -----------------------------------------------------------------------

    def ensure_token(self) -> str:
        """The token to use: given, kept from an earlier run, or a new anonymous one."""
        if self.token:
            return self.token
        kept = self.keeper.load()
        fresh = float(kept.get("expires_at_epoch") or 0) > self.wall_clock() + TOKEN_MARGIN_SECONDS
        if kept.get("token") and kept.get("api_url") == self.config.api_url and fresh:
            self.token, self.user_id = str(kept["token"]), kept.get("user_id")  # type: ignore[assignment]
            return self.token
        return self.issue_token()

    def issue_token(self) -> str:
        """A new anonymous token; on HTTP 400 once more with a new client id."""
        for attempt in (1, 2):
            headers = {"X-Client-Id": self.client_id, **self.config.attribution}
            try:
                data = self._call(partial(self.http.post, self.url("/api/auth/anonymous-token"), headers=headers))
            except ApiError as error:
                if error.status == 400 and attempt == 1:
                    self.client_id = self.keeper.new_client_id()
                    self.notify(Notice("client_id_replaced", "The service refused the client id; made a new one."))
                    continue
                if error.status == 400:
                    raise ClientIdRejected(error.code, error.message, status=400, data=error.data) from None
                raise
            self.token, self.user_id = data["token"], data.get("user_id")
            self.keeper.save(
                token=self.token,
                user_id=self.user_id,
                api_url=self.config.api_url,
                expires_at_epoch=_epoch(data.get("expires_at"), self.wall_clock() + 6 * 86_400),
            )
            return self.token
        raise AssertionError("unreachable")

    # -- calls ------------------------------------------------------------------------

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.ensure_token()}", **self.config.attribution, **(extra or {})}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The answer's `data` (or the whole body when it is not in the envelope)."""
        files = kwargs.pop("files", None)

        def send() -> httpx.Response:
            # Files are opened anew for each attempt: a retry must send them whole again.
            with _opened(files) as opened:
                return self.http.request(method, self.url(path), headers=self.headers(), files=opened, **kwargs)

        return self._call(send, renew=True)

    @contextmanager
    def stream(self, path: str, body: dict[str, Any], read_timeout: float) -> Iterator[httpx.Response]:
        """An event stream. Errors found before it starts are raised as typed errors, with
        the same recoveries as any call, since the message was not taken yet."""
        timeout = httpx.Timeout(30.0, read=read_timeout)
        headers = {"Accept": "text/event-stream", "Content-Type": "application/json"}
        renewed = rate_limited = False
        while True:
            with ExitStack() as open_stream:
                try:
                    request = self.http.stream(
                        "POST", self.url(path), json=body, headers=self.headers(headers), timeout=timeout
                    )
                    response = open_stream.enter_context(request)
                    if response.status_code != 200 or _media_type(response) != "text/event-stream":
                        response.read()
                except httpx.HTTPError as exc:
                    raise TransportError(f"could not start the stream: {type(exc).__name__}") from None
                if response.status_code == 200 and _media_type(response) == "text/event-stream":
                    yield response  # errors while reading it are the reader's to handle
                    return
            error = self._error_of(response)
            if error is None:
                raise ProtocolError(f"expected an event stream, got {_media_type(response) or 'no content type'}")
            renewed, rate_limited = self._recover(error, response, renewed, rate_limited)

    def download(self, url: str, path: Any, *, authorized: bool) -> int:
        """Stream a file to `path` (via a temporary file); the token goes only to the API's host."""
        headers = self.headers() if authorized else {}
        temporary = path.with_name(path.name + ".part")
        size = 0
        try:
            with self.http.stream("GET", url, headers=headers, timeout=httpx.Timeout(30.0, read=120.0)) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._error_of(response) or ApiError(response.status_code, "download failed")
                with temporary.open("wb") as out:
                    for chunk in response.iter_bytes(1 << 16):
                        out.write(chunk)
                        size += len(chunk)
        except httpx.HTTPError as exc:
            temporary.unlink(missing_ok=True)
            raise TransportError(f"download broke off: {type(exc).__name__}") from None
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        temporary.replace(path)
        return size

    # -- answers and recoveries -------------------------------------------------------

    def _call(self, send: Callable[[], httpx.Response], *, renew: bool = False) -> Any:
        renewed = rate_limited = False
        while True:
            try:
                response = send()
            except httpx.HTTPError as exc:
                raise TransportError(f"{type(exc).__name__} talking to the service") from None
            error = self._error_of(response)
            if error is None:
                return _data(response)
            if not renew and error.code == 1001:
                raise error
            renewed, rate_limited = self._recover(error, response, renewed, rate_limited)

    def _recover(self, error: ApiError, response: httpx.Response, renewed: bool, rate_limited: bool) -> tuple:
        """Do what the error table says, once each, or raise the error."""
        if isinstance(error, AuthError) and not renewed:
            self.token = None
            try:
                self.issue_token()
            except ApiError as refused:
                raise AuthError(
                    error.code, f"{error.message}; a new token was refused too: {refused.message}", status=error.status
                ) from None
            self.notify(Notice("token_renewed", "The token was refused (1001); got a new one for the same client."))
            return True, rate_limited
        wait = _retry_after(response)
        if error.status == 429 and not rate_limited and wait <= LONGEST_RETRY_AFTER:
            self.notify(Notice("rate_limited", f"Rate limited; retrying once in {wait:g} s.", {"seconds": wait}))
            self.sleep(wait)
            return renewed, True
        raise error

    def _error_of(self, response: httpx.Response) -> ApiError | None:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success and isinstance(body, dict) and body.get("code", 0) == 0 and body.get("success", True):
            return None
        if response.is_success and not isinstance(body, dict):
            raise ProtocolError(f"the answer is not a JSON object (HTTP {response.status_code})")
        body = body if isinstance(body, dict) else {}
        code = body.get("code") if isinstance(body.get("code"), int) and body.get("code") else response.status_code
        said = body.get("message") or body.get("error") or response.reason_phrase or "error"
        message = self._without_token(str(said))
        return self._typed(code, message, response.status_code, body.get("data"))

    def _without_token(self, message: str) -> str:
        """The service's words, bounded, and never the token (a service may quote what it refuses)."""
        if self.token:
            message = message.replace(self.token, "[token]")
        return message[:500]

    def _typed(self, code: int, message: str, status: int, data: Any) -> ApiError:
        if code == 2001 and self.user_id and str(self.user_id).startswith("anon_"):
            data = {"register_url": f"{self.config.web_url}/register?bind={self.user_id}", **(data or {})}
        kind = {1001: AuthError, 1002: SessionNotFound, 2001: NoCredits, 4001: UnsupportedFile, 4002: FileTooLarge}
        if code in kind:
            return kind[code](code, message, status=status, data=data)
        if status == 402 or code == 402:
            return ExportBlocked(code, message, status=status, data=data)
        if status == 429 or code == 429:
            return RateLimited(code, message, status=status, data=data)
        return ApiError(code, message, status=status, data=data)


@contextmanager
def _opened(files: list[tuple[str, Any]] | None) -> Iterator[list[tuple[str, Any]] | None]:
    """(field, (name, path, type)) entries as open files, closed after the request."""
    if files is None:
        yield None
        return
    handles = []
    try:
        opened = []
        for field_name, (name, path, media_type) in files:
            handle = open(path, "rb")  # noqa: SIM115 - closed below, after the request
            handles.append(handle)
            opened.append((field_name, (name, handle, media_type)))
        yield opened
    finally:
        for handle in handles:
            handle.close()


def _data(response: httpx.Response) -> Any:
    if not response.content:
        return None
    body = response.json()
    return body["data"] if isinstance(body, dict) and "code" in body and "data" in body else body


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _retry_after(response: httpx.Response) -> float:
    """Retry-After in seconds; 30 when it is absent or not a usable number."""
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return DEFAULT_RETRY_AFTER
    return seconds if math.isfinite(seconds) and seconds >= 0 else DEFAULT_RETRY_AFTER


def _epoch(iso: Any, default: float) -> float:
    try:
        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return default
