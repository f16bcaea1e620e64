"""POST /run_sse: a message in, a Server-Sent Events stream out.

Errors found before the stream starts (token, session, body, credits) are ordinary JSON
errors; everything after is the stream (simulator/agent/runner.py).
"""

from __future__ import annotations

from sse_starlette import EventSourceResponse
from starlette.background import BackgroundTask

from ...agent.runner import start_run
from ..operations import Call, OperationRoutes

routes = OperationRoutes()

# A client that stops reading is dropped after this long, so its run cannot linger.
SEND_TIMEOUT_SECONDS = 60


@routes.operation("runSse", scope="write")
async def run_sse(call: Call) -> EventSourceResponse:
    world, body = call.world, call.body
    session = world.sessions.get(call.authed_user.user_id, body["session_id"])
    message = "\n".join(part["text"] for part in body["new_message"]["parts"])
    run = start_run(
        world, call.authed_user, session, message, streaming=body.get("streaming", False), public_url=call.public_url
    )
    return EventSourceResponse(
        run.stream(),
        ping=0,  # heartbeats are the run's own, in the configured form
        sep="\n",
        send_timeout=SEND_TIMEOUT_SECONDS,
        background=BackgroundTask(run.settle),  # also when the body never started
    )
