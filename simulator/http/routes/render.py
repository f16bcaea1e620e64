"""Export: submit, poll, cancel and download render jobs.

The render proxy answers in one of the documented shapes (render.answer_style):
flat (skill 1.9: top-level status, output.url) or wrapped (reference 4.4:
{"success": true, "data": {..., "outputUrl"}}).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, JSONResponse

from ...domain.errors import ApiError, Code, conflict
from ...domain.exports import clip_spec, output_duration_ms
from ...domain.renders import RenderJob, RenderStatus, RenderView
from ...domain.sessions import DEFAULT_CANVAS
from ...media import write_mp4
from ...world import World
from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("submitRender", scope="write")
async def submit_render(call: Call) -> JSONResponse:
    world, user = call.world, call.authed_user
    world.sessions.get(user.user_id, call.body["sessionId"])
    job, _created = world.renders.submit(
        user,
        call.body["sessionId"],
        call.body["id"],
        call.body["draft"],
        call.body.get("output") or {"format": "mp4", "quality": "high"},
        attributed=call.attributed,
        credits_available=world.ledger.balance(user.user_id).available,
    )
    return await _answer(call, job)


@routes.operation("getRenderJob", scope="read")
async def get_render_job(call: Call) -> JSONResponse:
    job = call.world.renders.poll(call.authed_user.user_id, call.path["job_id"])
    return await _answer(call, job)


@routes.operation("cancelRender", scope="write")
async def cancel_render(call: Call) -> JSONResponse:
    job = call.world.renders.cancel(call.authed_user.user_id, call.path["job_id"])
    return await _answer(call, job)


@routes.operation("downloadRender", scope="read")
async def download_render(call: Call) -> FileResponse:
    job = call.world.renders.get(call.authed_user.user_id, call.path["job_id"])
    view = call.world.renders.view(job)
    if view.status is not RenderStatus.COMPLETED:
        raise conflict(f"Render job {job.id!r} is {view.status.value}; download it once it is completed")
    path = await run_in_threadpool(ensure_output, call.world, job)
    return FileResponse(path, media_type="video/mp4", filename=f"{job.id}.mp4")


def ensure_output(world: World, job: RenderJob) -> Path:
    """Write the job's MP4 the first time anyone needs it; later calls find it on disk."""
    path = world.store.render_path(job.output_key)
    if path is None:
        raise ApiError(Code.INTERNAL, "render output key is malformed")
    if not path.exists():
        try:
            canvas = world.sessions.get(job.user_id, job.session_id).canvas_config
        except ApiError:
            canvas = DEFAULT_CANVAS  # the session was reset away; the job still renders
        write_mp4(clip_spec(job.draft, job.output, canvas, world.config.render.max_output_seconds), path)
    return path


async def _answer(call: Call, job: RenderJob) -> JSONResponse:
    world = call.world
    view = world.renders.view(job)
    output = None
    if view.status is RenderStatus.COMPLETED:
        path = await run_in_threadpool(ensure_output, world, job)
        output = {
            "url": call.public_url(f"/cdn/renders/{path.name}"),
            "duration": output_duration_ms(job.draft, world.config.render.max_output_seconds) / 1000,
            "size": path.stat().st_size,
        }
    # The render proxy's answers are not in the {"code", "data"} envelope.
    if world.config.render.answer_style == "wrapped":
        return JSONResponse(_wrapped(job, view, output))
    return JSONResponse(_flat(job, view, output))


def _flat(job: RenderJob, view: RenderView, output: dict[str, Any] | None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "id": job.id,
        "taskId": job.id,
        "status": view.status.value,
        "progress": view.progress,
        "createdAt": int(job.created_at * 1000),
        "completedAt": _ms(view.completed_at),
    }
    if output is not None:
        answer["output"] = output
    if view.status is RenderStatus.FAILED:
        answer["error"] = "Render failed; generate a new id and submit once more"
    return answer


def _wrapped(job: RenderJob, view: RenderView, output: dict[str, Any] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job.id,
        "status": view.status.value,
        "progress": view.progress,
        "outputUrl": output["url"] if output else None,
        "createdAt": int(job.created_at * 1000),
        "completedAt": _ms(view.completed_at),
    }
    if view.status is RenderStatus.FAILED:
        data["error"] = "Render failed; generate a new id and submit once more"
    return {"success": True, "data": data}


def _ms(epoch: float | None) -> int | None:
    return None if epoch is None else int(epoch * 1000)
