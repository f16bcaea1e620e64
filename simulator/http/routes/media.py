"""Uploads: multipart files streamed to disk, or URLs recorded without fetching."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from ...domain.uploads import StoredFile, display_name, file_item, unsupported, url_item
from ...media import UnsupportedMedia, probe_file, probe_url
from ..bodies import ReceivedFile, receive_multipart_files
from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("uploadMedia", scope="upload")
async def upload_media(call: Call) -> dict[str, Any]:
    world = call.world
    session = world.sessions.get(call.authed_user.user_id, call.path["session_id"])
    if call.media_type == "application/json":
        items = [_url_item(url) for url in call.body["urls"]]
    else:
        received = await receive_multipart_files(
            call.request,
            "files",
            world.store.incoming_path,
            world.config.uploads.max_bytes,
            world.config.uploads.max_files,
        )
        items = await run_in_threadpool(_keep_all, call, received)
    session.video_infos.extend(items)
    return {"files": items, "session_state_applied": True}


def _url_item(url: str) -> dict[str, Any]:
    try:
        return url_item(url, probe_url(url))
    except UnsupportedMedia as exc:
        raise unsupported(str(exc)) from exc


def _keep_all(call: Call, received: list[ReceivedFile]) -> list[dict[str, Any]]:
    """Probe every file first, so one unsupported file rejects the request and keeps none."""
    store = call.world.store
    try:
        probed = [(item, probe_file(item.path, item.filename or "")) for item in received]
    except UnsupportedMedia as exc:
        for item in received:
            item.path.unlink(missing_ok=True)
        raise unsupported(str(exc)) from exc
    items = []
    for item, info in probed:
        file_id, path = store.keep_upload(item.path, info.extension)
        stored = StoredFile(
            file_id=file_id,
            filename=display_name(item.filename, fallback=path.name),
            size=item.size,
            sha256=item.sha256,
            info=info,
        )
        items.append(file_item(stored, call.public_url(f"/cdn/uploads/{path.name}")))
    return items
