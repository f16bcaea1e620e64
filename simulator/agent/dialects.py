"""The two event dialects of the stream, and the three heartbeat forms.

adk: Google ADK `Event` JSON, the default. /run_sse takes exactly the request body of
ADK's API server, whose /run_sse writes each event as `data: <Event JSON>`, so the real
stream is most likely this. As ADK writes them: a function call comes from the model,
a function response travels with role "user", `actions` is always present, and
`partial` appears only on streamed pieces of text.

simple: the `{"type": ...}` events the skill documents describe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sse_starlette import ServerSentEvent

AUTHOR = "nemo_agent"
HEARTBEAT = {"type": "heartbeat"}
KEEP_ALIVE_COMMENT = "keep-alive"


@dataclass(frozen=True)
class Text:
    content: str
    partial: bool = False  # a streamed piece; the whole text follows in one event


@dataclass(frozen=True)
class ToolCall:
    call_id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    call_id: str
    name: str
    result: dict[str, Any]


AgentEvent = Text | ToolCall | ToolResult


def event_json(event: AgentEvent, dialect: str, *, event_id: str, invocation_id: str, timestamp: float) -> dict:
    if dialect == "simple":
        return _simple(event)
    adk: dict[str, Any] = {
        "id": event_id,
        "invocationId": invocation_id,
        "author": AUTHOR,
        "timestamp": timestamp,
        "content": {"role": "user" if isinstance(event, ToolResult) else "model", "parts": [_adk_part(event)]},
        "actions": {"stateDelta": {}, "artifactDelta": {}, "requestedAuthConfigs": {}},
    }
    if isinstance(event, Text) and event.partial:
        adk["partial"] = True
    return adk


def _simple(event: AgentEvent) -> dict[str, Any]:
    if isinstance(event, Text):
        return {"type": "text", "content": event.content}
    if isinstance(event, ToolCall):
        return {"type": "tool_call", "name": event.name, "args": event.args}
    return {"type": "tool_result", "name": event.name, "result": event.result}


def _adk_part(event: AgentEvent) -> dict[str, Any]:
    if isinstance(event, Text):
        return {"text": event.content}
    if isinstance(event, ToolCall):
        return {"functionCall": {"id": event.call_id, "name": event.name, "args": event.args}}
    return {"functionResponse": {"id": event.call_id, "name": event.name, "response": event.result}}


def sse(data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(json.dumps(data, ensure_ascii=False, separators=(",", ":")), sep="\n")


def failure(message: str) -> ServerSentEvent:
    """How ADK's API server ends a stream whose run raised: one `{"error": ...}` event, in
    either dialect, since it is written outside the event model."""
    return sse({"error": message})


def heartbeat(form: str) -> ServerSentEvent:
    if form == "comment":
        return ServerSentEvent(comment=KEEP_ALIVE_COMMENT, sep="\n")
    if form == "empty":
        return ServerSentEvent(data="", sep="\n")
    return sse(HEARTBEAT)


def pieces(text: str, size: int = 48) -> list[str]:
    """A text cut at word boundaries into pieces of about `size` characters, for ADK's
    streaming mode; joined, they give the text back."""
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            space = text.rfind(" ", start + 1, end)
            end = space + 1 if space > start else end
        out.append(text[start:end])
        start = end
    return out
