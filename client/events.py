"""Typed chat events, decoded from either dialect of the /run_sse stream.

The skill documents describe `{"type": "text" | "tool_call" | "tool_result" | "heartbeat"}`
events, but the request body of /run_sse is Google ADK's, so the real service probably
sends ADK `Event` JSON instead. Nobody can say which, so the dialect is detected per
event: an object with a "type" key is the simple dialect, any other object is ADK.

The client must survive anything the service sends, so what it does not understand it
skips: unknown types, unknown part kinds, ADK events without content, fields of the
wrong type, extra fields. Only data that is not a JSON object at all is an error
(`ProtocolError`), because then the stream itself is not what either dialect describes.

Keep-alives come in three forms and all become `Heartbeat`: a `{"type": "heartbeat"}`
event, a blank `data:` line, and an SSE comment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import ProtocolError
from .sse import SseEvent, SseParser

EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Text:
    text: str
    partial: bool = False  # a streamed piece (ADK); the whole text follows in a later event


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]
    call_id: str | None = None


@dataclass(frozen=True)
class ToolResult:
    name: str
    result: dict[str, Any]
    call_id: str | None = None


@dataclass(frozen=True)
class Heartbeat:
    form: str  # "event", "empty" (a blank data line) or "comment"


@dataclass(frozen=True)
class StreamError:
    """The run failed: ADK's API server writes `{"error": "..."}` and closes the stream."""

    message: str


ChatEvent = Text | ToolCall | ToolResult | Heartbeat | StreamError


def decode(sse: SseEvent) -> list[ChatEvent]:
    """The chat events one SSE event holds: none, one, or (an ADK event with several parts) more."""
    if sse.comment is not None:
        return [Heartbeat("comment")]
    if sse.data is None:  # a block that only set `retry`
        return []
    if not sse.data.strip():
        return [Heartbeat("empty")]
    try:
        value = json.loads(sse.data)
    except (ValueError, RecursionError):
        raise ProtocolError(f"stream event data is not JSON: {_excerpt(sse.data)}") from None
    if not isinstance(value, dict):
        raise ProtocolError(f"stream event data is not a JSON object: {_excerpt(sse.data)}")
    if "type" in value:
        return _decode_simple(value)
    if isinstance(value.get("error"), str) and "content" not in value:
        return [StreamError(value["error"])]
    return _decode_adk(value)


def iter_events(chunks: Iterable[bytes]) -> Iterator[ChatEvent]:
    """The chat events of a stream given as the byte chunks it arrived in."""
    parser = SseParser()
    for chunk in chunks:
        for sse in parser.feed(chunk):
            yield from decode(sse)
    for sse in parser.close():
        yield from decode(sse)


def _decode_simple(value: dict[str, Any]) -> list[ChatEvent]:
    kind = value["type"]
    if kind == "heartbeat":
        return [Heartbeat("event")]
    if kind == "text" and isinstance(value.get("content"), str):
        return [Text(value["content"])]
    if kind == "tool_call" and isinstance(value.get("name"), str):
        args = _object_or_empty(value.get("args"))
        return [ToolCall(value["name"], args)] if args is not None else []
    if kind == "tool_result" and isinstance(value.get("name"), str):
        result = _object_or_empty(value.get("result"))
        return [ToolResult(value["name"], result)] if result is not None else []
    return []


def _decode_adk(value: dict[str, Any]) -> list[ChatEvent]:
    content = value.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return []
    partial = value.get("partial") is True
    events: list[ChatEvent] = []
    for part in parts:
        event = _decode_adk_part(part, partial) if isinstance(part, dict) else None
        if event is not None:
            events.append(event)
    return events


def _decode_adk_part(part: dict[str, Any], partial: bool) -> ChatEvent | None:
    # A thought part is the model's reasoning (Gemini thinking via ADK), not its answer.
    if isinstance(part.get("text"), str) and part.get("thought") is not True:
        return Text(part["text"], partial=partial)
    call = part.get("functionCall")
    if isinstance(call, dict) and isinstance(call.get("name"), str):
        args = _object_or_empty(call.get("args"))
        return ToolCall(call["name"], args, _id_or_none(call.get("id"))) if args is not None else None
    response = part.get("functionResponse")
    if isinstance(response, dict) and isinstance(response.get("name"), str):
        result = _object_or_empty(response.get("response"))
        return ToolResult(response["name"], result, _id_or_none(response.get("id"))) if result is not None else None
    return None


def _object_or_empty(value: Any) -> dict[str, Any] | None:
    """A JSON object as is, a missing one (ADK leaves out args of a call without any) as {}, anything else None."""
    if value is None:
        return {}
    return value if isinstance(value, dict) else None


def _id_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _excerpt(data: str) -> str:
    """The start of `data`, quoted, at most EXCERPT_CHARS characters in all."""
    quoted = repr(data[: EXCERPT_CHARS * 2])
    return quoted if len(quoted) <= EXCERPT_CHARS else quoted[: EXCERPT_CHARS - 1] + "…"
