"""Export: submit the session's draft to the render proxy, poll until it is done, and
download the MP4. A failed render, or a render id already taken (409), is tried once
more under a new id. The file comes from the output URL (without the token: it may be
another host), or else from the API's download endpoint."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ApiError, NothingToExport, RenderFailed, RenderTimeout, TransportError
from .render import RenderStatus, read_render_answer
from .transport import Notice, Transport

DEFAULT_POLL_SECONDS = 10.0
DEFAULT_POLL_LIMIT = 30


@dataclass(frozen=True)
class ExportResult:
    job_id: str
    path: Path
    size: int
    url: str | None
    attempts: int


class Exporter:
    def __init__(
        self,
        transport: Transport,
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        poll_limit: int = DEFAULT_POLL_LIMIT,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.transport = transport
        self.poll_seconds = poll_seconds
        self.poll_limit = poll_limit
        self.wall_clock = wall_clock

    def export(
        self,
        session_id: str,
        out_path: Path,
        *,
        resolution: str | None = None,
        quality: str = "high",
        on_progress: Callable[[RenderStatus], None] | None = None,
    ) -> ExportResult:
        draft = self.transport.request("GET", f"/api/state/nemo_agent/me/{session_id}/latest")["state"]["draft"]
        if not any(track.get("sg") for track in draft.get("t") or []):
            raise NothingToExport("the draft has no track with a segment: upload media and edit it first")
        output = {"format": "mp4", "quality": quality, **({"resolution": resolution} if resolution else {})}
        last_error: Exception | None = None
        for attempt in (1, 2):
            job_id = f"render_{int(self.wall_clock() * 1000)}_{secrets.token_hex(3)}"
            try:
                status = self._run(job_id, {"id": job_id, "sessionId": session_id, "draft": draft, "output": output},
                                   on_progress)  # fmt: skip
            except ApiError as error:
                if error.status != 409 and error.code != 409:
                    raise
                last_error = error  # the id is taken: a new id, once
            else:
                if status.status == "completed":
                    size = self._download(job_id, status.url, Path(out_path))
                    return ExportResult(job_id, Path(out_path), size, status.url, attempt)
                last_error = RenderFailed(f"render {job_id} {status.status}: {status.error or 'no reason given'}")
            if attempt == 1:
                self.transport.notify(Notice("render_retry", f"{last_error}; trying once more under a new id."))
        raise RenderFailed(f"the export failed twice; last: {last_error}")

    def _run(self, job_id: str, body: dict, on_progress: Callable[[RenderStatus], None] | None) -> RenderStatus:
        status = read_render_answer(self.transport.request("POST", "/api/render/proxy/lambda", json=body))
        for _ in range(self.poll_limit):
            if on_progress is not None:
                on_progress(status)
            if status.done:
                return status
            self.transport.sleep(self.poll_seconds)
            status = read_render_answer(self.transport.request("GET", f"/api/render/proxy/lambda/{job_id}"))
        if on_progress is not None:
            on_progress(status)
        if status.done:
            return status
        raise RenderTimeout(f"render {job_id} was still {status.status} after {self.poll_limit} polls")

    def _download(self, job_id: str, url: str | None, out_path: Path) -> int:
        if url:
            try:
                return self.transport.download(url, out_path, authorized=self._is_api_host(url))
            except (TransportError, ApiError) as error:
                self.transport.notify(Notice("download_fallback", f"{error}; using the download endpoint."))
        return self.transport.download(
            self.transport.url(f"/api/render/proxy/{job_id}/download"), out_path, authorized=True
        )

    def _is_api_host(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.transport.config.api_url).netloc
