"""Binding handlers to the contract's operations.

A handler is registered by operationId; its method and path come from openapi.yaml.
Before it runs, every request goes through the same steps, in the order a client would
meet them on the real service: bearer token (1001), scope (403), parameters against the
contract (400), content type (415), JSON body bounded and against the contract (413,
400). Handlers receive a Call and return data (wrapped as {"code": 0, "data": ...}) or a
ready Response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from ..domain.accounts import Token, User
from ..domain.errors import ApiError, Code
from ..world import World
from .bodies import media_type_of, read_json
from .contract import Contract, Operation, fastapi_path
from .envelope import ok

ATTRIBUTION_HEADERS = ("x-skill-source", "x-skill-version", "x-skill-platform")


@dataclass
class Call:
    request: Request
    world: World
    operation: Operation
    path: dict[str, str]
    media_type: str = ""
    body: Any = None
    token: Token | None = None
    user: User | None = None
    query: dict[str, Any] | None = None  # the documented query parameters, typed

    @property
    def attributed(self) -> bool:
        return all(self.request.headers.get(name) for name in ATTRIBUTION_HEADERS)

    @property
    def authed_user(self) -> User:
        if self.user is None:
            raise RuntimeError(f"{self.operation.operation_id} is not a secured operation")
        return self.user

    def public_url(self, path: str) -> str:
        base = self.world.config.http.public_base_url or str(self.request.base_url)
        return base.rstrip("/") + path


Handler = Callable[[Call], Awaitable[Any]]
Guard = Callable[[Request, World], None]  # raises an ApiError to refuse a call


@dataclass(frozen=True)
class _Binding:
    operation_id: str
    handler: Handler
    scope: str | None


class OperationRoutes:
    """Handlers collected by operationId, installed on an app against a contract."""

    def __init__(self) -> None:
        self._bindings: list[_Binding] = []

    def operation(self, operation_id: str, *, scope: str | None = None) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._bindings.append(_Binding(operation_id, handler, scope))
            return handler

        return register

    def install(self, app: FastAPI, contract: Contract, guard: Guard | None = None) -> None:
        """Route each handler at its operation's path; `guard` runs first on every call.
        One route a path, so that a 405 lists every method the path has in `Allow`."""
        by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
        for binding in self._bindings:
            operation = contract.operations[binding.operation_id]
            by_path.setdefault(operation.path, {})[operation.method] = _endpoint(operation, binding, guard)
        for path, endpoints in by_path.items():
            app.add_api_route(
                fastapi_path(path),
                _by_method(endpoints),
                methods=list(endpoints),
                name=" ".join(endpoints[method].__name__ for method in endpoints),
                include_in_schema=False,
            )


def _by_method(endpoints: dict[str, Callable[[Request], Awaitable[Response]]]) -> Callable[..., Awaitable[Response]]:
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))

    async def dispatch(request: Request) -> Response:
        # Starlette answers HEAD on every GET route; the GET handler serves it.
        return await endpoints["GET" if request.method == "HEAD" else request.method](request)

    return dispatch


def _endpoint(operation: Operation, binding: _Binding, guard: Guard | None) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        world: World = request.app.state.world
        request.state.wrapped_errors = "render" in operation.tags and world.config.render.answer_style == "wrapped"
        call = Call(request, world, operation, dict(request.path_params))
        if guard is not None:
            guard(request, world)
        if operation.secured:
            call.token, call.user = world.accounts.authenticate(request.headers.get("authorization"))
            if binding.scope and not call.token.allows(binding.scope):
                raise ApiError(Code.FORBIDDEN, f"This token lacks the {binding.scope!r} scope")
        call.query = operation.check_parameters(call.path, request.headers, request.query_params)
        if operation.body_validators:
            await _read_body(call, world)
        result = await binding.handler(call)
        return result if isinstance(result, Response) else ok(result)

    endpoint.__name__ = operation.operation_id
    return endpoint


async def _read_body(call: Call, world: World) -> None:
    """JSON bodies are read and checked here; other media types are streamed by the handler."""
    operation = call.operation
    call.media_type = media_type_of(call.request)
    if not call.media_type and not operation.body_required and not await _has_body(call.request):
        return  # an optional body, left out
    if call.media_type not in operation.media_types:
        if not call.media_type and operation.body_required and not await _has_body(call.request):
            raise ApiError(Code.BAD_REQUEST, "Request body is required")
        accepted = ", ".join(operation.media_types)
        raise ApiError(Code.UNSUPPORTED_MEDIA_TYPE, f"Content-Type must be one of: {accepted}")
    if call.media_type == "application/json":
        call.body = await read_json(call.request, world.config.http.max_json_bytes)
        operation.check_body(call.media_type, call.body)


async def _has_body(request: Request) -> bool:
    async for chunk in request.stream():
        if chunk:
            return True
    return False
