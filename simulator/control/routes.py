"""The control API under /_sim, bound to contracts/control.yaml by operationId: each
route is one call of the Control service."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Request

from ..domain.errors import ApiError, Code
from ..http.operations import Call, OperationRoutes
from ..world import World
from .journal import FILTERS
from .service import Control

routes = OperationRoutes()


def guard(request: Request, world: World) -> None:
    """No API token ever steers the simulator; the secret, when configured, must match."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        raise ApiError(Code.FORBIDDEN, "The control API takes no API token; send X-Sim-Secret if one is configured")
    secret = world.config.control.secret
    given = request.headers.get("x-sim-secret", "")
    if secret is not None and not hmac.compare_digest(given.encode(), secret.encode()):
        raise ApiError(Code.FORBIDDEN, "X-Sim-Secret is missing or wrong")


def _control(call: Call) -> Control:
    return call.request.app.state.control


def _body(call: Call) -> dict[str, Any]:
    return call.body or {}


@routes.operation("reset")
async def reset(call: Call) -> dict[str, Any]:
    return _control(call).reset(**_body(call))


@routes.operation("setSeed")
async def set_seed(call: Call) -> dict[str, Any]:
    return _control(call).set_seed(call.body["seed"])


@routes.operation("getClock")
async def get_clock(call: Call) -> dict[str, Any]:
    return _control(call).clock()


@routes.operation("setClock")
async def set_clock(call: Call) -> dict[str, Any]:
    return _control(call).set_clock(**call.body)


@routes.operation("advanceClock")
async def advance_clock(call: Call) -> dict[str, Any]:
    return _control(call).advance(call.body["by"])


@routes.operation("getConfig")
async def get_config(call: Call) -> dict[str, Any]:
    return _control(call).config()


@routes.operation("changeConfig")
async def change_config(call: Call) -> dict[str, Any]:
    return _control(call).configure(call.body)


@routes.operation("listFaults")
async def list_faults(call: Call) -> list[dict[str, Any]]:
    return _control(call).faults()


@routes.operation("addFault")
async def add_fault(call: Call) -> dict[str, Any]:
    options = dict(call.body)
    return _control(call).add_fault(options.pop("operation"), options.pop("action"), **options)


@routes.operation("clearFaults")
async def clear_faults(call: Call) -> dict[str, Any]:
    return _control(call).clear_faults()


@routes.operation("removeFault")
async def remove_fault(call: Call) -> dict[str, Any]:
    return _control(call).remove_fault(call.path["fault_id"])


@routes.operation("setRenderTransition")
async def set_render_transition(call: Call) -> dict[str, Any]:
    return _control(call).set_render_transition(**call.body)


@routes.operation("setJobTransition")
async def set_job_transition(call: Call) -> dict[str, Any]:
    return _control(call).set_render_transition(**call.body, job_id=call.path["job_id"])


@routes.operation("listUsers")
async def list_users(call: Call) -> list[dict[str, Any]]:
    return _control(call).users()


@routes.operation("getUser")
async def get_user(call: Call) -> dict[str, Any]:
    return _control(call).user(call.path["user_id"])


@routes.operation("updateUser")
async def update_user(call: Call) -> dict[str, Any]:
    return _control(call).update_user(call.path["user_id"], **call.body)


@routes.operation("revokeTokens")
async def revoke_tokens(call: Call) -> dict[str, Any]:
    return _control(call).revoke(**call.body)


@routes.operation("readJournal")
async def read_journal(call: Call) -> dict[str, Any]:
    return _control(call).journal(**_journal_filters(call))


@routes.operation("countJournal")
async def count_journal(call: Call) -> dict[str, Any]:
    return {"count": _control(call).journal_count(**_journal_filters(call))}


def _journal_filters(call: Call) -> dict[str, Any]:
    """The filters, refusing a misspelt one: ignored, it would silently count everything."""
    unknown = sorted(set(call.request.query_params) - set(call.query or {}) - {*FILTERS, "limit"})
    if unknown:
        raise ApiError(Code.BAD_REQUEST, f"unknown journal filter(s): {', '.join(unknown)}")
    return call.query or {}


@routes.operation("clearJournal")
async def clear_journal(call: Call) -> dict[str, Any]:
    return _control(call).clear_journal()


@routes.operation("configureSessionAgent")
async def configure_session_agent(call: Call) -> dict[str, Any]:
    return _control(call).configure_session_agent(call.path["session_id"], call.body)


@routes.operation("clearSessionAgent")
async def clear_session_agent(call: Call) -> dict[str, Any]:
    return _control(call).clear_session_agent(call.path["session_id"])


@routes.operation("snapshotSession")
async def snapshot_session(call: Call) -> dict[str, Any]:
    return _control(call).session(call.path["session_id"])
