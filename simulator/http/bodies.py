"""Reading request bodies without trusting them: bounded JSON, and multipart uploads
streamed to disk part by part, so a huge upload never sits whole in memory."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..domain.errors import ApiError, Code, bad_request
from ..domain.uploads import too_large

JSON_TYPES = ("application/json",)
MULTIPART_OVERHEAD = 64 * 1024  # room for part headers and boundaries beyond the files themselves


def media_type_of(request: Request) -> str:
    raw = request.headers.get("content-type", "")
    return raw.split(";", 1)[0].strip().lower()


def declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    if not raw.isdigit():
        raise bad_request("Content-Length must be a non-negative integer")
    return int(raw)


async def read_json(request: Request, limit: int) -> Any:
    """The body parsed as strict JSON (no NaN, no duplicate keys), at most `limit` bytes."""
    length = declared_length(request)
    if length is not None and length > limit:
        raise _json_too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _json_too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise bad_request("Request body is required (JSON)")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as exc:
        raise bad_request("Request body is not valid UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise bad_request(f"Malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise bad_request("Malformed JSON: nested too deeply") from exc


def _json_too_large(limit: int) -> ApiError:
    return ApiError(Code.PAYLOAD_TOO_LARGE, f"Request body is larger than {limit} bytes")


def _reject_constant(name: str) -> Any:
    raise bad_request(f"Malformed JSON: {name} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise bad_request(f"Malformed JSON: duplicate key {key!r}")
        result[key] = value
    return result


@dataclass
class ReceivedFile:
    filename: str | None
    path: Path
    size: int = 0
    sha256: str = ""


class _FileSink:
    """python-multipart callbacks that write each `field_name` file part to its own path."""

    def __init__(self, field_name: str, new_path: Callable[[], Path], max_file_bytes: int, max_files: int):
        self.field_name = field_name
        self.new_path = new_path
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.files: list[ReceivedFile] = []
        self.problems: list[str] = []
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._current: ReceivedFile | None = None
        self._handle: BinaryIO | None = None
        self._digest: Any = None

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self._headers = {}
        self._current = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, disposition = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace") or None
        raw_filename = disposition.get(b"filename")
        if name != self.field_name:
            self.problems.append(f"unexpected form field {name!r}; only {self.field_name!r} is accepted")
        elif raw_filename is None:
            self.problems.append(f"form field {self.field_name!r} must be a file (the part has no filename)")
        elif len(self.files) >= self.max_files:
            self.problems.append(f"at most {self.max_files} files per upload")
        else:
            self._current = ReceivedFile(filename=raw_filename.decode("utf-8", "replace"), path=self.new_path())
            self._handle = self._current.path.open("wb")
            self._digest = hashlib.sha256()
            self.files.append(self._current)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current is None or self._handle is None:
            return
        chunk = data[start:end]
        self._current.size += len(chunk)
        if self._current.size > self.max_file_bytes:
            raise FileTooLarge
        self._digest.update(chunk)
        self._handle.write(chunk)

    def on_part_end(self) -> None:
        if self._current is not None and self._handle is not None:
            self._handle.close()
            self._handle = None
            self._current.sha256 = self._digest.hexdigest()

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        for received in self.files:
            received.path.unlink(missing_ok=True)


class FileTooLarge(Exception):
    """Raised inside the parser callbacks to stop reading at the limit."""


async def receive_multipart_files(
    request: Request,
    field_name: str,
    new_path: Callable[[], Path],
    max_file_bytes: int,
    max_files: int,
) -> list[ReceivedFile]:
    """Stream `field_name` file parts to fresh paths. Any other part is a 400.

    Raises 4002 as soon as one file passes `max_file_bytes`; every file written so far is
    deleted before any error leaves this function.
    """
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise bad_request("multipart/form-data needs a boundary parameter")
    length = declared_length(request)
    if length is not None and length > max_files * max_file_bytes + MULTIPART_OVERHEAD:
        raise too_large(max_file_bytes)

    sink = _FileSink(field_name, new_path, max_file_bytes, max_files)
    parser = MultipartParser(boundary, callbacks=sink.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if sink.problems:
                raise bad_request("; ".join(sink.problems))
        parser.finalize()
        if sink.problems:
            raise bad_request("; ".join(sink.problems))
        if not sink.files:
            raise bad_request(f"multipart body has no {field_name!r} file")
        if any(received.sha256 == "" for received in sink.files):
            raise bad_request("multipart body ended in the middle of a file")
    except FileTooLarge:
        sink.discard()
        raise too_large(max_file_bytes) from None
    except ApiError:
        sink.discard()
        raise
    except Exception as exc:  # the parser's own complaints: a malformed multipart body
        sink.discard()
        raise bad_request(f"Malformed multipart body: {exc}") from exc
    return sink.files
