"""The credits balance."""

from __future__ import annotations

from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("getCredits", scope="read")
async def get_credits(call: Call) -> dict[str, int]:
    return call.world.ledger.balance(call.authed_user.user_id).as_dict()
