"""openapi.yaml as an oracle: is this answer one the contract documents for the operation
the request addressed? Status, content type and body (each event of a stream included),
checked with schemathesis' own validators, so the conformance suite and the simulator's
tests judge answers the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import schemathesis
import yaml

_IN_REPO = Path(__file__).resolve().parents[1] / "openapi.yaml"
# An installed wheel carries the file once, beside the simulator's code (read, never imported).
_PACKAGED = Path(__file__).resolve().parents[1] / "simulator" / "contract" / "openapi.yaml"


def contract_path() -> Path:
    return _IN_REPO if _IN_REPO.exists() else _PACKAGED


class Oracle:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or contract_path()
        self.schema = schemathesis.openapi.from_path(self.path)
        self.raw: dict[str, Any] = yaml.safe_load(self.path.read_text(encoding="utf-8"))

    def problem(self, response: httpx.Response, body: bytes | None = None) -> str | None:
        """Why the answer breaks the contract, or None (also for paths the contract leaves out)."""
        request = response.request
        operation = self.schema.find_operation_by_path(request.method, request.url.path)
        if operation is None:
            return None
        responses = self.raw["paths"][operation.path][operation.method.lower()]["responses"]
        status = str(response.status_code)
        if status not in responses:
            return f"{request.method} {operation.path} answered HTTP {status}, which it does not document"
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        documented = responses[status].get("content", {})
        if documented and not {media_type, media_type.split("/")[0] + "/*", "*/*"} & documented.keys():
            return f"{operation.path} {status} answered {media_type or 'no content type'}, which it does not document"
        replay = _complete(response, body)
        try:
            operation.validate_response(replay)
        except Exception as failure:  # schemathesis' FailureGroup and friends: the message is the finding
            return first_lines(str(failure))
        return None


def _complete(response: httpx.Response, body: bytes | None) -> httpx.Response:
    """A response whose body is in memory (a stream already read hands its bytes in)."""
    request = response.request
    try:
        request.content  # noqa: B018 - schemathesis reports the request, so its body must be readable
    except httpx.RequestNotRead:
        request.read()
    if body is None:
        response.read()
        return response
    replay = httpx.Response(response.status_code, headers=response.headers, content=body, request=request)
    replay.elapsed = response.elapsed
    return replay


def first_lines(text: str, lines: int = 6) -> str:
    """The first non-blank lines of a finding, on one line: what a table row can hold."""
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(kept[:lines])
