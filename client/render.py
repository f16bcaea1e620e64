"""Reading render (export) job answers, whatever shape the service sends them in.

The public sources document three shapes for the same poll answer, and the service may
also wrap any of them in its business envelope:

1. early: ``{"taskId", "status", "progress", "output": {"url", "duration", "size"}}``
2. reference 4.4: ``{"success": true, "data": {"id", "status", "progress", "outputUrl", ...}}``
3. skill 1.9: top-level ``status``, the download URL at ``output.url`` (with ``id``)

and ``{"code": 0, "data": {...}}`` around any of them. A client that trusted one shape
would break the day the service answered in another, so `read_render_answer` reads them
all into one `RenderStatus`, and says clearly (ApiError, ProtocolError) when it cannot.

Error answers: an envelope whose ``code`` is not 0 raises ``ApiError(code, message)``.
``{"success": false, "error": "..."}`` raises ``ApiError`` with the body's ``code`` when
it has a non-zero integer one, else `UNCODED_FAILURE` (500): the service said it failed
without saying how, which is a server-side failure as far as the client can tell.
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, ProtocolError

UNCODED_FAILURE = 500
FINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})
STATUS_WORDS = {
    "completed": "completed",
    "complete": "completed",
    "succeeded": "completed",
    "success": "completed",
    "done": "completed",
    "failed": "failed",
    "failure": "failed",
    "error": "failed",
    "pending": "pending",
    "queued": "pending",
    "submitted": "pending",
    "processing": "processing",
    "running": "processing",
    "rendering": "processing",
    "in_progress": "processing",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
JOB_ID_KEYS = ("id", "taskId", "task_id", "jobId", "job_id", "renderId", "render_id")
URL_KEYS = ("outputUrl", "output_url", "url", "downloadUrl", "download_url")
MAX_CODE = 2**63  # larger "codes" are garbage, and would not even print
MAX_WRAPPING_DEPTH = 4  # envelope around a success wrapper around the job, with room to spare
EXCERPT = reprlib.Repr()
EXCERPT.maxstring, EXCERPT.maxother, EXCERPT.maxdict, EXCERPT.maxlist, EXCERPT.maxlevel = 80, 80, 6, 6, 3


@dataclass(frozen=True)
class RenderStatus:
    """One render job as a poll (or the submit) reported it, in one normalised shape."""

    job_id: str | None
    status: str  # pending, processing, completed, failed or cancelled
    progress: int | None = None  # 0..100
    url: str | None = None
    error: str | None = None
    duration: float | None = None  # seconds
    size: int | None = None  # bytes

    @property
    def done(self) -> bool:
        """The job will not change any more: completed, failed or cancelled."""
        return self.status in FINAL_STATUSES


def read_render_answer(answer: object) -> RenderStatus:
    """Read a render submit or poll answer (the parsed JSON body) in any documented shape."""
    job = _find_job(answer)
    output = job.get("output")
    output = output if isinstance(output, dict) else {}
    return RenderStatus(
        job_id=_first_text(job, JOB_ID_KEYS),
        status=_normalise_status(job.get("status"), answer),
        progress=_percent(job.get("progress")),
        url=_first_text(output, URL_KEYS) or _first_text(job, URL_KEYS) or _text(job.get("output")),
        error=_error_text(job.get("error")) or _error_text(output.get("error")),
        duration=_number(output.get("duration", job.get("duration"))),
        size=_whole(output.get("size", job.get("size"))),
    )


def _find_job(answer: object) -> dict[str, Any]:
    """Unwrap envelopes and success wrappers until a dict holding `status`; raise on error answers."""
    layer = answer
    for _ in range(MAX_WRAPPING_DEPTH):
        if not isinstance(layer, dict):
            break
        _raise_if_error(layer)
        if "status" in layer:
            return layer
        layer = layer.get("data")
    raise ProtocolError(f"Render answer has no job status: {_excerpt(answer)}")


def _raise_if_error(layer: dict[str, Any]) -> None:
    code = layer.get("code")
    if "code" in layer and code is not None and code != 0:
        number = _whole(code)
        if number is None or abs(number) > MAX_CODE:
            raise ProtocolError(f"Render answer has an unreadable code: {_excerpt(layer)}")
        if number != 0:
            message = _error_text(layer.get("message")) or _error_text(layer.get("error")) or "Render request failed"
            raise ApiError(number, message, data=layer.get("data"))
    if layer.get("success") is False:
        coded = isinstance(code, int) and not isinstance(code, bool) and 0 < abs(code) <= MAX_CODE
        message = _error_text(layer.get("error")) or _error_text(layer.get("message")) or "Render request failed"
        raise ApiError(code if coded else UNCODED_FAILURE, message, data=layer.get("data"))


def _normalise_status(word: object, answer: object) -> str:
    if isinstance(word, str):
        key = word.strip().lower().replace("-", "_").replace(" ", "_")
        if key in STATUS_WORDS:
            return STATUS_WORDS[key]
    raise ProtocolError(f"Render answer has an unknown status {_excerpt(word)}: {_excerpt(answer)}")


def _percent(value: object) -> int | None:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    number = _number(value)
    return None if number is None else max(0, min(100, round(number)))


def _number(value: object) -> float | None:
    """A finite number from a JSON number or numeric string; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _whole(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _number(value)
    return None if number is None else int(number)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_text(source: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = source.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and key in JOB_ID_KEYS:
            return str(value)
    return None


def _error_text(value: object) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("message")) or _text(value.get("error"))
    return _text(value)


def _excerpt(value: object) -> str:
    try:
        return EXCERPT.repr(value)[:200]
    except ValueError:  # an integer too long to print
        return f"<{type(value).__name__}>"
