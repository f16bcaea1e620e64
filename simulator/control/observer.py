"""The ASGI layer in front of the simulated API: it journals every request and answer,
and carries out the fault rules (and a Prism-style `Prefer: code=429` header).

Pure ASGI, so streams pass through unbuffered. The control plane's own paths are neither
journaled nor faulted.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.errors import ApiError, Code
from ..http.contract import Contract
from ..http.envelope import error_response
from ..world import World
from .faults import ERROR_CODES, Plan, Target
from .journal import Entry

CONTROL_PREFIX = "/_sim"
# Marks an answer a fault rule (or a Prefer header) made or shaped, naming the rules: such
# an answer may be off the contract on purpose (a 429 where none is documented), and says so.
FAULT_HEADER = "X-Nemosim-Fault"
ATTRIBUTION = (b"x-skill-source", b"x-skill-version", b"x-skill-platform")
MAX_CAPTURED_BODY = 64 * 1024
PREFER_CODE = re.compile(r"(?:^|[,;\s])code=(\d{3,4})(?:$|[,;\s])")

# uvicorn logs an error when an app returns mid-answer; for a fault that is the point.
_closing_on_purpose: contextvars.ContextVar[bool] = contextvars.ContextVar("closing_on_purpose", default=False)


class _QuietIntendedClose(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (_closing_on_purpose.get() and "without completing response" in record.getMessage())


logging.getLogger("uvicorn.error").addFilter(_QuietIntendedClose())


class StreamCut(Exception):
    """Raised from `send` to stop an event stream after its N events."""


class Observer:
    def __init__(self, app: ASGIApp, world: World, contract: Contract) -> None:
        self.app = app
        self.world = world
        self.contract = contract

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(self.world, self.contract, scope)
        plan = exchange.plan()
        try:
            if plan.latency:
                await self.world.pacer.sleep(plan.latency)
            if plan.error is not None:
                await exchange.fault_response(plan.error)(scope, receive, exchange.wrap(send, plan))
            elif plan.drop:
                await exchange.drop(send)
            else:
                await self.app(scope, receive, exchange.wrap(send, plan))
        except Exception as exc:
            if not _is_stream_cut(exc):
                raise
            _closing_on_purpose.set(True)  # returning mid-answer makes the server close the connection
        finally:
            exchange.record()


class _Exchange:
    """One request on its way through: what it is, what the faults do, what it answered."""

    def __init__(self, world: World, contract: Contract, scope: Scope) -> None:
        self.world = world
        self.scope = scope
        self.started = world.pacer.now()
        self.arrived_at = world.clock.now()
        self.headers = dict(scope["headers"])
        self.operation = contract.match(scope["method"], scope["path"])
        token_value = _bearer(self.headers.get(b"authorization", b""))
        token = world.accounts.peek(token_value) if token_value else None
        self.token = token_value
        self.user_id = token.user_id if token else None
        raw_client = self.headers.get(b"x-client-id")
        self.client_id = token.client_id if token else (raw_client.decode("latin-1") if raw_client else None)
        self.status = 0
        self.media_type = ""
        self.body = bytearray()
        self.events: int | None = None
        self.fault_ids: list[str] = []
        self.recorded = False

    @property
    def error_style(self) -> str:
        return self.world.config.http.error_style

    def plan(self) -> Plan:
        control = self.world.config.control
        if not control.enabled:
            return Plan()
        prefer = self.headers.get(b"prefer", b"").decode("latin-1")
        forced = PREFER_CODE.search(prefer) if control.prefer_header else None
        if forced:
            self.fault_ids = ["prefer"]
            code = int(forced.group(1))
            if code not in ERROR_CODES:
                code_error = {
                    "kind": "error",
                    "code": 400,
                    "message": f"Prefer: code={code} is not a code this API uses",
                }
                return Plan(error=code_error, rule_ids=["prefer"])
            return Plan(error={"kind": "error", "code": code}, rule_ids=["prefer"])
        target = Target(
            operation_id=self.operation.operation_id if self.operation else None,
            method=self.scope["method"],
            path_template=self.operation.path if self.operation else None,
            client_id=self.client_id,
            token=self.token,
        )
        plan = self.world.faults.plan_for(target)
        self.fault_ids = plan.rule_ids
        return plan

    def fault_response(self, action: dict[str, Any]) -> Response:
        """The error a rule asks for, in the API's envelope: its code, on its status (or the
        status the error style gives that code)."""
        code = Code(action["code"])
        message = action.get("message") or f"Fault injected by the simulator's control plane (code {int(code)})"
        retry_after = action.get("retry_after", 30 if code is Code.RATE_LIMITED else None)
        response = error_response(ApiError(code, message, retry_after=retry_after), error_style=self.error_style)
        if "status" in action:
            response.status_code = action["status"]
        return response

    def wrap(self, send: Send, plan: Plan) -> Send:
        cut_after = plan.cut_after_events
        dribble = plan.dribble
        pacer = self.world.pacer

        def cut_due() -> bool:
            return cut_after is not None and self.events is not None and self.events >= cut_after

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._start(message)
                if plan.rule_ids:
                    message = {**message, "headers": [*message.get("headers", []), _fault_header(plan.rule_ids)]}
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                if cut_due():
                    raise StreamCut
                self._capture(body)
                if cut_due():
                    await send(message)
                    raise StreamCut  # right after the Nth event, not when the next one comes
                if dribble is not None and body:
                    size, pause = int(dribble.get("chunk_bytes", 16)), float(dribble.get("interval_seconds", 0.05))
                    for offset in range(0, len(body), size):
                        last = offset + size >= len(body)
                        more = message.get("more_body", False) if last else True
                        if not more:
                            self.record()
                        await send(
                            {"type": "http.response.body", "body": body[offset : offset + size], "more_body": more}
                        )
                        if not last:
                            await pacer.sleep(pause)
                    return
                if not message.get("more_body", False):
                    # Journaled before the last byte leaves: a client that has read its whole
                    # answer finds the request in the journal when it asks next.
                    self.record()
            await send(message)

        return observed

    def _start(self, message: Message) -> None:
        self.status = message["status"]
        content_type = next((value for name, value in message.get("headers", []) if name == b"content-type"), b"")
        self.media_type = content_type.split(b";")[0].strip().decode("latin-1")
        if self.media_type == "text/event-stream":
            self.events = 0

    def _capture(self, body: bytes) -> None:
        if self.events is not None:
            self.events += sum(1 for block in body.split(b"\n\n") if b"data:" in block)
        elif self.media_type == "application/json" and len(self.body) + len(body) <= MAX_CAPTURED_BODY:
            self.body += body

    async def drop(self, send: Send) -> None:
        """Headers, then the connection closes before any of the body."""
        self.status = 200
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", b"64"),
                    _fault_header(self.fault_ids),
                ],
            }
        )
        _closing_on_purpose.set(True)

    def record(self) -> None:
        if self.recorded:
            return
        self.recorded = True
        journal = self.world.journal
        journal.record(
            Entry(
                seq=journal.next_seq(),
                at=self.arrived_at,
                method=self.scope["method"],
                path=self.scope["path"],
                operation=self.operation.operation_id if self.operation else None,
                status=self.status,
                code=self._code(),
                client_id=self.client_id,
                user_id=self.user_id,
                attributed=all(self.headers.get(name) for name in ATTRIBUTION),
                authorized=bool(self.token),
                duration_ms=round((self.world.pacer.now() - self.started) * 1000, 3),
                faults=tuple(self.fault_ids),
                streamed_events=self.events,
            )
        )

    def _code(self) -> int | None:
        try:
            answer = json.loads(self.body) if self.body else None
        except ValueError:
            return None
        code = answer.get("code") if isinstance(answer, dict) else None
        return code if isinstance(code, int) else None


def _fault_header(rule_ids: list[str]) -> tuple[bytes, bytes]:
    return FAULT_HEADER.lower().encode(), ",".join(rule_ids).encode()


def _bearer(raw: bytes) -> str | None:
    scheme, _, value = raw.decode("latin-1").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _is_stream_cut(exc: BaseException) -> bool:
    if isinstance(exc, StreamCut):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return any(_is_stream_cut(inner) for inner in exc.exceptions)
    return False
