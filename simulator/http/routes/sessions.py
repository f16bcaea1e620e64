"""Creating sessions and reading their state."""

from __future__ import annotations

from typing import Any

from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("createSession", scope="write")
async def create_session(call: Call) -> dict[str, Any]:
    user = call.authed_user
    session = call.world.sessions.create(user.user_id, call.body["task_name"], call.body.get("language", "en"))
    return {"task_id": session.task_id, "session_id": session.session_id, "user_id": user.user_id}


@routes.operation("getSessionState", scope="read")
async def get_session_state(call: Call) -> dict[str, Any]:
    session = call.world.sessions.get(call.authed_user.user_id, call.path["session_id"])
    return {
        "session_id": session.session_id,
        "task_id": session.task_id,
        "task_name": session.task_name,
        "state": session.state(),
    }
