"""Test helpers shared by every suite: the contract as an independent oracle, a real
uvicorn server on a free port, and small genuine media files to upload."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path
from typing import Any

import httpx

from contracts.oracle import Oracle
from simulator.control.observer import FAULT_HEADER
from simulator.media import ClipSpec, render_mp4

ROOT = Path(__file__).resolve().parents[1]
OPENAPI_PATH = ROOT / "openapi.yaml"
ORACLE = Oracle(OPENAPI_PATH)
CONTRACT = ORACLE.schema
RAW_CONTRACT: dict[str, Any] = ORACLE.raw


def check_against_contract(response: httpx.Response) -> None:
    """Fail unless the answer's status, content type and body are what openapi.yaml
    documents for the operation the request addressed (contracts/oracle.py). Paths outside
    the contract (health, docs, the contract itself) are not the real API's: not checked.

    An event stream is left unread here, so that a test sees its events as they arrive;
    the test checks the events it read with check_stream_against_contract."""
    if FAULT_HEADER in response.headers:
        return  # made or shaped by a fault rule the test injected: off the contract on purpose
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if media_type == "text/event-stream" and not hasattr(response, "_content"):
        return  # a live stream, not yet read (a response built from bytes is checked here)
    problem = ORACLE.problem(response)
    assert problem is None, problem


def check_stream_against_contract(response: httpx.Response, body: bytes) -> None:
    """Validate a stream already consumed by the test: every event of `body` (the bytes as
    they arrived) against the event schema openapi.yaml documents."""
    problem = ORACLE.problem(response, body)
    assert problem is None, problem


def sample_mp4(duration_ms: int = 2000, width: int = 320, height: int = 240) -> bytes:
    return render_mp4(ClipSpec(duration_ms=duration_ms, width=width, height=height, fps=25))


def sample_wav(seconds: float = 3.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack("<h", 0) * int(seconds * rate))
    return buffer.getvalue()


def sample_png(width: int = 4, height: int = 3) -> bytes:
    """A PNG signature and IHDR: all a probe reads (and all it takes to sniff the type)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + b"\0\0\0\0"
    return b"\x89PNG\r\n\x1a\n" + chunk
