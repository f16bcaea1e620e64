"""An incremental Server-Sent Events parser, after the WHATWG HTML rules for event streams.

The chat stream of /run_sse arrives in network chunks that cut anywhere: inside a line,
between the CR and LF of a CRLF, inside a UTF-8 sequence. `SseParser.feed` takes the
chunks as they come and returns the events completed so far, so a caller sees each event
(and each keep-alive) as soon as its last line has arrived.

Choices where the WHATWG rules leave room, or describe a browser rather than a library:

- Comment lines (": keep-alive") are returned at once, each as an `SseEvent` with only
  `comment` set, so a caller can tell a quiet but living stream from a dead one. A
  comment inside a block does not end the block.
- `id` is the last event ID in effect, as WHATWG keeps it: it carries over to later events
  until another `id:` line changes it ("" after an empty `id:` line, None if never set).
- `retry` is set on the event of the block that held the `retry:` line. A block with a
  `retry:` line but no `data:` line is still returned (with data None) so the value is
  not lost; other blocks without data are dropped, as WHATWG drops them.
- Bytes that are not UTF-8 become U+FFFD, as WHATWG decodes; the parser never raises.
- `close()` discards an unterminated final block (one whose blank line never came),
  as WHATWG does: a stream cut mid-event must not yield half an event. It returns the
  (always empty) list for symmetry with `feed`, and sets `truncated` so the caller can
  tell a stream that was cut mid-event from one that ended cleanly.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

LINE_END = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"
ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class SseEvent:
    """One dispatched event, or one comment line (then `data` is None and `comment` is set)."""

    data: str | None
    event: str = "message"
    id: str | None = None
    retry: int | None = None
    comment: str | None = None


class SseParser:
    """Feed it bytes as they arrive; it returns the events each chunk completes."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial_line = ""
        self._at_stream_start = True  # a BOM is dropped only here
        self._after_cr = False  # the last line ended in CR: an LF opening the next text completes a CRLF
        self._last_event_id: str | None = None
        self._reset_block()
        self.truncated = False

    def feed(self, chunk: bytes) -> list[SseEvent]:
        return self._take_text(self._decoder.decode(chunk))

    def close(self) -> list[SseEvent]:
        events = self._take_text(self._decoder.decode(b"", final=True))
        self.truncated = bool(self._partial_line) or self._block_started
        self._partial_line = ""
        self._reset_block()
        return events

    def _take_text(self, text: str) -> list[SseEvent]:
        if not text:
            return []
        if self._at_stream_start:
            self._at_stream_start = False
            text = text.removeprefix(BOM)
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        self._after_cr = False
        text = self._partial_line + text
        events: list[SseEvent] = []
        line_start = 0
        for line_end in LINE_END.finditer(text):
            event = self._take_line(text[line_start : line_end.start()])
            if event is not None:
                events.append(event)
            line_start = line_end.end()
        self._partial_line = text[line_start:]
        # A CR ends its line at once (no waiting for the next chunk); only its LF may still come.
        self._after_cr = line_start > 0 and not self._partial_line and text[line_start - 1] == "\r"
        return events

    def _take_line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return SseEvent(data=None, comment=line[1:].removeprefix(" "))
        name, colon, value = line.partition(":")
        if colon:
            value = value.removeprefix(" ")
        self._block_started = True
        if name == "data":
            self._data_lines.append(value)
        elif name == "event":
            self._event_type = value
        elif name == "id":
            if "\0" not in value:
                self._last_event_id = value
        elif name == "retry" and ASCII_DIGITS.fullmatch(value):
            self._retry = int(value)
        # Any other field name is ignored, as WHATWG says.
        return None

    def _dispatch(self) -> SseEvent | None:
        event = None
        if self._data_lines or self._retry is not None:
            event = SseEvent(
                data="\n".join(self._data_lines) if self._data_lines else None,
                event=self._event_type or "message",
                id=self._last_event_id,
                retry=self._retry,
            )
        self._reset_block()
        return event

    def _reset_block(self) -> None:
        self._data_lines: list[str] = []
        self._event_type = ""
        self._retry: int | None = None
        self._block_started = False
