"""Sending a chat message and reading its stream, with the skills' recovery rules:

- a silent edit (the stream closes after the tool result, no text): read the state and
  say what changed, from a diff with the state before the message;
- text that talks about a GUI: each such sentence is translated into what an API client
  can do; a trailing "I encountered a temporary issue" after a normal answer is dropped;
- a dropped stream: the message is NEVER sent again (the service would do the work and
  charge twice); the state is read after 30 s, then every 60 s, and after 5 reads that
  show no change the edit is reported as not confirmed;
- heartbeats only for 10 minutes: a timeout;
- a "still working" notice every 2 minutes of waiting.

All waiting goes through the injected clock and sleeper, so tests never wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from .drafts import describe_changes, sync_warnings
from .errors import AgentFailed, EditNotConfirmed, StreamTimeout
from .events import ChatEvent, Heartbeat, StreamError, Text, ToolCall, ToolResult, decode
from .gui import strip_temporary_issue, translate_gui
from .sse import SseParser
from .transport import Notice, Transport

FIRST_STATE_READ_SECONDS = 30
LATER_STATE_READ_SECONDS = 60
UNCHANGED_READS_BEFORE_GIVING_UP = 5
HEARTBEAT_ONLY_TIMEOUT_SECONDS = 600
STILL_WORKING_EVERY_SECONDS = 120
STREAM_READ_TIMEOUT_SECONDS = 300  # no byte at all for this long: the stream is gone


@dataclass
class ChatResult:
    """What a message did. `text` is what to show: the agent's words (cleaned), or for a
    silent edit or a recovered drop, the changes read from the state."""

    session_id: str
    text: str
    changes: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # what the GUI phrases mean for an API client
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_results: list[ToolResult] = field(default_factory=list)
    raw_text: str = ""  # the agent's words as sent
    silent: bool = False  # the stream closed after a tool result, with no text
    dropped: bool = False  # the stream broke; the result comes from reading the state
    failure: str | None = None  # the error event that ended the stream, if one did
    heartbeats: int = 0


class ChatSession:
    def __init__(
        self,
        transport: Transport,
        *,
        clock: Callable[[], float] = time.monotonic,
        heartbeat_timeout: float = HEARTBEAT_ONLY_TIMEOUT_SECONDS,
        still_working_every: float = STILL_WORKING_EVERY_SECONDS,
    ) -> None:
        self.transport = transport
        self.clock = clock
        self.heartbeat_timeout = heartbeat_timeout
        self.still_working_every = still_working_every

    def send(self, session_id: str, message: str, on_event: Callable[[ChatEvent], None] | None = None) -> ChatResult:
        stream = self.stream(session_id, message)
        for event in stream:
            if on_event is not None:
                on_event(event)
        assert stream.result is not None
        return stream.result

    def stream(self, session_id: str, message: str) -> ChatStream:
        """The message's events as they arrive; `result` once they are all read."""
        return ChatStream(self._run(session_id, message))

    def _run(self, session_id: str, message: str) -> Generator[ChatEvent, None, ChatResult]:
        before = self.state(session_id)
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": message}]},
        }
        result = ChatResult(session_id=session_id, text="")
        waiting = _Waiting(self.transport, self.clock, self.still_working_every)
        texts: list[Text] = []
        try:
            with self.transport.stream("/run_sse", body, STREAM_READ_TIMEOUT_SECONDS) as response:
                yield from self._read(response, result, texts, waiting)
        except _Dropped:
            return self._after_drop(result, before, waiting)
        if result.failure is not None:
            self._describe_from_state(result, before)
            raise AgentFailed(f"the service says the run failed: {result.failure}", result.changes)
        words = _final_text(texts)
        if not words:
            return self._silent(result, before)
        result.raw_text = words
        result.text, result.hints = translate_gui(strip_temporary_issue(words))
        return result

    def state(self, session_id: str) -> dict[str, Any]:
        return self.transport.request("GET", f"/api/state/nemo_agent/me/{session_id}/latest")["state"]

    def _read(
        self,
        response: httpx.Response,
        result: ChatResult,
        texts: list[Text],
        waiting: _Waiting,
    ) -> Iterator[ChatEvent]:
        parser = SseParser()
        last_progress = self.clock()
        try:
            for chunk in response.iter_bytes():
                for sse in parser.feed(chunk):
                    for event in decode(sse):
                        yield event
                        if isinstance(event, Heartbeat):
                            result.heartbeats += 1
                        else:
                            last_progress = self.clock()
                            _collect(event, result, texts)
                waiting.tick()
                if self.clock() - last_progress > self.heartbeat_timeout:
                    raise StreamTimeout(
                        f"only heartbeats for {self.heartbeat_timeout:g} s; the work may still finish: "
                        "read the session's state later rather than sending the message again"
                    )
        except httpx.HTTPError as exc:
            raise _Dropped from exc

    def _silent(self, result: ChatResult, before: dict[str, Any]) -> ChatResult:
        result.silent = True
        self._describe_from_state(result, before)
        if not result.changes:
            result.text = "The edit finished without a word, and no change shows."
        return result

    def _describe_from_state(self, result: ChatResult, before: dict[str, Any]) -> None:
        """What changed, in the client's own words, plus the warnings the agent would have given."""
        after = self.state(result.session_id)
        result.changes = describe_changes(before, after)
        touched_sound = any(line.startswith(("Video", "Audio")) for line in result.changes)
        warnings = sync_warnings(after.get("draft")) if touched_sound else []
        result.text = "\n".join(result.changes + warnings)

    def _after_drop(self, result: ChatResult, before: dict[str, Any], waiting: _Waiting) -> ChatResult:
        """Never re-send: read the state until it shows the edit, or give up."""
        result.dropped = True
        self.transport.notify(Notice("stream_dropped", "The stream broke off; reading the state, not re-sending."))
        if result.tool_results:  # the edit landed before the drop: the state shows it now
            self._describe_from_state(result, before)
            result.text = result.text or "The edit was applied."
            return result
        wait = FIRST_STATE_READ_SECONDS
        for _ in range(UNCHANGED_READS_BEFORE_GIVING_UP):
            waiting.sleep(wait)
            wait = LATER_STATE_READ_SECONDS
            self._describe_from_state(result, before)
            if result.changes:
                return result
        raise EditNotConfirmed(
            f"the stream broke off and the session did not change in {UNCHANGED_READS_BEFORE_GIVING_UP} reads; "
            "the message was not sent again"
        )


class ChatStream:
    """Iterate it for the events as they arrive (typed, from either dialect); then `result`
    holds what the message did, with every recovery applied."""

    def __init__(self, run: Generator[ChatEvent, None, ChatResult]) -> None:
        self._run = run
        self.result: ChatResult | None = None

    def __iter__(self) -> Iterator[ChatEvent]:
        self.result = yield from self._run


class _Dropped(Exception):
    """The stream broke off mid-way."""


class _Waiting:
    """Says "still working" every `every` seconds of waiting, by the injected clock."""

    def __init__(self, transport: Transport, clock: Callable[[], float], every: float) -> None:
        self.clock = clock
        self.every = every
        self.notify = transport.notify
        self._sleep = transport.sleep
        self.started = self.next_notice = clock()
        self.next_notice += every

    def tick(self) -> None:
        now = self.clock()
        while now >= self.next_notice:
            elapsed = self.next_notice - self.started
            self.notify(Notice("still_working", f"Still working ({elapsed / 60:g} min).", {"seconds": elapsed}))
            self.next_notice += self.every

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)
        self.tick()


def _collect(event: ChatEvent, result: ChatResult, texts: list[Text]) -> None:
    if isinstance(event, Text):
        texts.append(event)
    elif isinstance(event, ToolCall):
        result.tool_calls.append(event)
    elif isinstance(event, ToolResult):
        result.tool_results.append(event)
    elif isinstance(event, StreamError):
        result.failure = event.message


def _final_text(texts: list[Text]) -> str:
    """The whole texts; streamed pieces count only when no whole text followed them."""
    whole = [text.text for text in texts if not text.partial]
    if whole:
        return "\n\n".join(whole).strip()
    return "".join(text.text for text in texts).strip()
