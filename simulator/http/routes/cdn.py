"""The CDN stand-in: uploaded files and rendered MP4s at the URLs the API hands out.
Public, like CDN objects; the names are unguessable keys the simulator generated."""

from __future__ import annotations

import mimetypes

from starlette.responses import FileResponse

from ...domain.errors import not_found
from ..operations import Call, OperationRoutes

routes = OperationRoutes()


@routes.operation("getUploadedFile")
async def get_uploaded_file(call: Call) -> FileResponse:
    file_id, _, _extension = call.path["file_name"].partition(".")
    path = call.world.store.upload_path(file_id)
    if path is None or path.name != call.path["file_name"]:
        raise not_found("File")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type)


@routes.operation("getRenderedFile")
async def get_rendered_file(call: Call) -> FileResponse:
    path = call.world.store.render_path(call.path["file_name"].removesuffix(".mp4"))
    if path is None or not path.exists():
        raise not_found("File")
    return FileResponse(path, media_type="video/mp4")
