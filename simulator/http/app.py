"""The ASGI app: the contract's operations, the contract itself, docs and health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..config import SimConfig
from ..control.observer import Observer
from ..control.routes import guard
from ..control.routes import routes as control_routes
from ..control.service import Control
from ..domain.errors import ApiError, Code
from ..world import World
from .contract import Contract, contract_path
from .envelope import error_response, install_error_handlers
from .routes import ALL
from .web import install_pages


def create_app(config: SimConfig | None = None, *, world: World | None = None) -> FastAPI:
    """Build the simulator. Pass a World to share its state with the caller (tests)."""
    owns_world = world is None
    world = world or World(config or SimConfig())
    contract = Contract.load()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # A caller-supplied World outlives this app (test clients run lifespan per client).
        if owns_world:
            world.close()

    # FastAPI's own schema and docs are off: openapi.yaml is the only contract served.
    app = FastAPI(title="nemosim", openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.world = world
    app.state.contract = contract
    install_error_handlers(app)
    for routes in ALL:
        routes.install(app, contract)

    @app.get("/openapi.yaml", include_in_schema=False)
    async def openapi_yaml() -> Response:
        return Response(contract.text, media_type="application/yaml")

    install_pages(app)
    if world.config.control.enabled:
        _install_control(app, world)

    @app.get("/health", include_in_schema=False)
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__, "seed": world.chance.seed})

    app.add_middleware(HeaderSizeLimit, limit=world.config.http.max_header_bytes)
    if world.config.control.enabled:
        app.add_middleware(Observer, world=world, contract=contract)  # outermost: sees every answer
    return app


def _install_control(app: FastAPI, world: World) -> None:
    """The control plane under /_sim, with its own contract at /_sim/openapi.yaml."""
    control_contract = Contract.load(contract_path("control.yaml"))
    app.state.control = Control(world, operation_ids=set(app.state.contract.operations))
    control_routes.install(app, control_contract, guard=guard)

    @app.get("/_sim/openapi.yaml", include_in_schema=False)
    async def control_yaml() -> Response:
        return Response(control_contract.text, media_type="application/yaml")


class HeaderSizeLimit:
    """431 in the API's envelope for oversized request headers. Pure ASGI, so streams
    pass through untouched (BaseHTTPMiddleware would buffer them)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
            if size > self.limit:
                error = ApiError(Code.HEADERS_TOO_LARGE, f"Request headers exceed {self.limit} bytes")
                await error_response(error)(scope, receive, send)
                return
        await self.app(scope, receive, send)
