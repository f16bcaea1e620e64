"""Reading a Server-Sent Events stream as it arrives, with arrival times, keeping the
bytes so the test can check every event against the contract afterwards."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Received:
    kind: str  # "data" or "comment"
    raw: str  # the data (lines joined) or the comment text
    at: float  # time.monotonic() when the event's blank line arrived

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    @property
    def is_heartbeat(self) -> bool:
        return self.kind == "comment" or self.raw == "" or self.json == {"type": "heartbeat"}


@dataclass
class StreamReader:
    response: httpx.Response
    body: bytearray = field(default_factory=bytearray)

    def events(self) -> Iterator[Received]:
        data: list[str] = []
        comment: str | None = None
        pending = b""
        for chunk in self.response.iter_raw():
            self.body += chunk
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw_line in lines:
                line = raw_line.decode("utf-8").removesuffix("\r")
                if line == "":
                    if data:
                        yield Received("data", "\n".join(data), time.monotonic())
                    elif comment is not None:
                        yield Received("comment", comment, time.monotonic())
                    data, comment = [], None
                elif line.startswith(":"):
                    comment = line[1:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))


def meaning(event: dict[str, Any]) -> tuple[str, Any]:
    """(text|tool_call|tool_result|heartbeat, payload) for either dialect."""
    if "type" in event:
        kind = event["type"]
        payload = {"text": event.get("content"), "tool_call": event.get("args"), "tool_result": event.get("result")}
        return kind, payload.get(kind)
    part = event["content"]["parts"][0]
    if "text" in part:
        return ("partial_text" if event.get("partial") else "text"), part["text"]
    if "functionCall" in part:
        return "tool_call", part["functionCall"]["args"]
    return "tool_result", part["functionResponse"]["response"]
