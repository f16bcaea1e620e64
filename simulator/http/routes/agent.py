"""POST /run_sse: the pre-stream checks of the chat endpoint.

The editing agent that answers with a stream is not part of this build yet; past the
checks the endpoint answers 503, which the contract documents for any moment the service
cannot take a message.
"""

from __future__ import annotations

from ...domain.errors import ApiError, Code
from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("runSse", scope="write")
async def run_sse(call: Call) -> None:
    call.world.sessions.get(call.authed_user.user_id, call.body["session_id"])
    raise ApiError(Code.UNAVAILABLE, "The editing agent is not available in this simulator build", retry_after=30)
