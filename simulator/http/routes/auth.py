"""Anonymous tokens and claim tokens."""

from __future__ import annotations

from typing import Any

from ...clock import iso8601
from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("issueAnonymousToken")
async def issue_anonymous_token(call: Call) -> dict[str, Any]:
    world = call.world
    client_ip = call.request.client.host if call.request.client else "unknown"
    token, user = world.accounts.issue_anonymous(call.request.headers.get("x-client-id"), client_ip)
    return {
        "token": token.value,
        "user_id": user.user_id,
        "expires_at": iso8601(token.expires_at),
        "credits": world.ledger.balance(user.user_id).available,
        "scopes": list(token.scopes),
    }


@routes.operation("createClaimToken", scope="write")
async def create_claim_token(call: Call) -> dict[str, Any]:
    world = call.world
    session = world.sessions.get(call.authed_user.user_id, call.body["session_id"])
    if session.task_id != call.body["task_id"]:
        # A task id that is not this session's is answered like an unknown session: no leak.
        session = world.sessions.get(call.authed_user.user_id, "")
    claim = world.accounts.issue_claim(call.authed_user.user_id, session.task_id, session.session_id)
    return {"claim_token": claim.value, "expires_in": world.config.tokens.claim_ttl_seconds}
