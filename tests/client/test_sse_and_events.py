"""The client's SSE parser and chat event decoder: one table per rule, Hypothesis for the
properties no table can cover (any chunking of a stream, any JSON the service could send),
and real streams from the simulator in both dialects."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.errors import ProtocolError
from client.events import Heartbeat, Text, ToolCall, ToolResult, decode, iter_events
from client.sse import SseEvent, SseParser
from simulator.config import SimConfig
from simulator.testing import InProcessSimulator

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def parse(chunks: list[bytes]) -> tuple[list[SseEvent], SseParser]:
    parser = SseParser()
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    events += parser.close()
    return events, parser


# --- SSE parsing, one rule per row -------------------------------------------------------------------------------

SSE_CASES: list[tuple[str, list[bytes], list[SseEvent]]] = [
    ("lf line endings", [b"data: a\n\ndata: b\n\n"], [SseEvent("a"), SseEvent("b")]),
    ("crlf line endings", [b"data: a\r\n\r\ndata: b\r\n\r\n"], [SseEvent("a"), SseEvent("b")]),
    ("cr line endings", [b"data: a\r\rdata: b\r\r"], [SseEvent("a"), SseEvent("b")]),
    ("mixed line endings", [b"data: a\r\ndata: b\r\n\rdata: c\n\r\n"], [SseEvent("a\nb"), SseEvent("c")]),
    ("crlf split after its cr", [b"data: a\r", b"\n\r", b"\n"], [SseEvent("a")]),
    ("cr at a chunk end, then a blank cr line", [b"data: a\r", b"\r"], [SseEvent("a")]),
    ("crlf split around an empty chunk", [b"data: a\r\n\r", b"", b"\n"], [SseEvent("a")]),
    ("line split across chunks", [b"da", b"ta: he", b"llo\n", b"\n"], [SseEvent("hello")]),
    ("utf-8 sequence split across chunks", [b"data: caf\xc3", b"\xa9 \xe2\x82", b"\xac\n\n"], [SseEvent("café €")]),
    ("invalid utf-8 becomes U+FFFD", [b"data: \xff\n\n"], [SseEvent("\ufffd")]),
    ("leading bom dropped", [b"\xef\xbb\xbfdata: a\n\n"], [SseEvent("a")]),
    ("leading bom split across chunks", [b"\xef\xbb", b"\xbfdata: a\n\n"], [SseEvent("a")]),
    ("only the leading bom is dropped", [b"\xef\xbb\xbfdata: \xef\xbb\xbfa\n\n"], [SseEvent("\ufeffa")]),
    ("data lines join with lf", [b"data: one\ndata: two\ndata: three\n\n"], [SseEvent("one\ntwo\nthree")]),
    ("no space after the colon", [b"data:a\n\n"], [SseEvent("a")]),
    ("only one space is removed", [b"data:  a \n\n"], [SseEvent(" a ")]),
    ("a colon in the value stays", [b'data: {"a": 1}\n\n'], [SseEvent('{"a": 1}')]),
    ("empty data line dispatches empty data", [b"data:\n\n"], [SseEvent("")]),
    ("data with one space only is empty data", [b"data: \n\n"], [SseEvent("")]),
    ("a field without colon has an empty value", [b"data\n\n"], [SseEvent("")]),
    ("two empty data lines give one lf", [b"data\ndata\n\n"], [SseEvent("\n")]),
    ("event type", [b"event: update\ndata: a\n\n"], [SseEvent("a", event="update")]),
    ("event type resets after dispatch", [b"event: x\ndata: a\n\ndata: b\n\n"], [SseEvent("a", "x"), SseEvent("b")]),
    ("empty event type means message", [b"event:\ndata: a\n\n"], [SseEvent("a")]),
    ("id", [b"id: 7\ndata: a\n\n"], [SseEvent("a", id="7")]),
    (
        "id carries over to later events",
        [b"id: 7\ndata: a\n\ndata: b\n\n"],
        [SseEvent("a", id="7"), SseEvent("b", id="7")],
    ),
    ("empty id resets it", [b"id: 7\ndata: a\n\nid\ndata: b\n\n"], [SseEvent("a", id="7"), SseEvent("b", id="")]),
    (
        "id with nul is ignored",
        [b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"],
        [SseEvent("a", id="1"), SseEvent("b", id="1")],
    ),
    ("retry", [b"retry: 3000\ndata: a\n\n"], [SseEvent("a", retry=3000)]),
    ("retry with a non-digit is ignored", [b"retry: 30s\ndata: a\n\n"], [SseEvent("a")]),
    ("retry with unicode digits is ignored", [b"retry: \xd9\xa3\ndata: a\n\n"], [SseEvent("a")]),
    ("retry does not carry over", [b"retry: 5\ndata: a\n\ndata: b\n\n"], [SseEvent("a", retry=5), SseEvent("b")]),
    ("a retry-only block is kept", [b"retry: 5\n\n"], [SseEvent(None, retry=5)]),
    ("comment", [b": keep-alive\n\n"], [SseEvent(None, comment="keep-alive")]),
    ("comment without space", [b":ping\n"], [SseEvent(None, comment="ping")]),
    ("comment keeps further spaces", [b":  two\n"], [SseEvent(None, comment=" two")]),
    ("empty comment", [b":\n"], [SseEvent(None, comment="")]),
    (
        "a comment comes at once and does not end the block",
        [b"data: a\n: hi\ndata: b\n\n"],
        [SseEvent(None, comment="hi"), SseEvent("a\nb")],
    ),
    ("a block without data is dropped", [b"event: x\n\n"], []),
    ("an id-only block is dropped but sets the id", [b"id: 9\n\ndata: a\n\n"], [SseEvent("a", id="9")]),
    ("unknown fields are ignored", [b"foo: bar\ndata: a\nData: b\n\n"], [SseEvent("a")]),
    ("extra blank lines dispatch nothing", [b"\n\n\r\n\rdata: a\n\n\n\n"], [SseEvent("a")]),
    ("an unterminated final block is discarded", [b"data: a\n\ndata: b\n"], [SseEvent("a")]),
    ("an unterminated final line is discarded", [b"data: a\n\ndata: b"], [SseEvent("a")]),
    ("an unterminated final comment is discarded", [b": ping"], []),
]


@pytest.mark.parametrize(("chunks", "expected"), [case[1:] for case in SSE_CASES], ids=[case[0] for case in SSE_CASES])
def test_sse_rules(chunks: list[bytes], expected: list[SseEvent]) -> None:
    assert parse(chunks)[0] == expected


@pytest.mark.parametrize(("chunks", "expected"), [case[1:] for case in SSE_CASES], ids=[case[0] for case in SSE_CASES])
def test_sse_rules_hold_byte_by_byte(chunks: list[bytes], expected: list[SseEvent]) -> None:
    whole = b"".join(chunks)
    assert parse([whole[i : i + 1] for i in range(len(whole))])[0] == expected


def test_feed_returns_each_event_as_soon_as_its_block_ends() -> None:
    parser = SseParser()
    assert parser.feed(b"data: a\n") == []
    assert parser.feed(b"\n") == [SseEvent("a")]
    assert parser.feed(b": keep-alive\n") == [SseEvent(None, comment="keep-alive")]
    assert parser.feed(b"data: b\r") == []
    assert parser.feed(b"\r") == [SseEvent("b")]  # a CR ends its line without waiting for a possible LF


@pytest.mark.parametrize(
    ("stream", "truncated"),
    [(b"data: a\n\n", False), (b": ping\n", False), (b"data: a\n", True), (b"data: a", True), (b": pi", True)],
)
def test_close_tells_a_stream_cut_mid_event(stream: bytes, truncated: bool) -> None:
    assert parse([stream])[1].truncated is truncated


# --- SSE parsing, any chunking ------------------------------------------------------------------------------------

LINE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\0"), max_size=12)
LINE_ENDINGS = st.sampled_from(["\n", "\r", "\r\n"])


@st.composite
def sse_streams(draw: st.DrawFn) -> tuple[bytes, list[SseEvent]]:
    """A valid SSE byte stream with every kind of line and line ending, and the events it holds."""
    lines: list[str] = []
    expected: list[SseEvent] = []
    last_id: str | None = None
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            comment = draw(LINE_TEXT)
            lines.append(f": {comment}")
            expected.append(SseEvent(None, comment=comment))
            continue
        event_type = draw(st.none() | LINE_TEXT.filter(bool))
        event_id = draw(st.none() | LINE_TEXT)
        retry = draw(st.none() | st.integers(0, 10**6))
        data_lines = draw(st.lists(LINE_TEXT, min_size=1, max_size=3))
        if event_type is not None:
            lines.append(f"event: {event_type}")
        if event_id is not None:
            lines.append(f"id: {event_id}")
            last_id = event_id
        if retry is not None:
            lines.append(f"retry: {retry}")
        lines += [f"data: {line}" for line in data_lines]
        lines.append("")
        expected.append(SseEvent("\n".join(data_lines), event_type or "message", last_id, retry))
    if draw(st.booleans()):
        lines.append("data: never dispatched")  # an unterminated final block, discarded at close
    text = "\ufeff" if draw(st.booleans()) else ""
    previous_ending = ""
    for line in lines:
        ending = draw(LINE_ENDINGS)
        if previous_ending == "\r" and not line and ending == "\n":
            ending = "\r\n"  # a lone LF right after a CR would merge with it into one CRLF
        text += line + ending
        previous_ending = ending
    return text.encode(), expected


@PROPERTY_SETTINGS
@given(stream=sse_streams(), data=st.data())
def test_any_chunking_gives_the_same_events(stream: tuple[bytes, list[SseEvent]], data: st.DataObject) -> None:
    body, expected = stream
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=20), label="cuts"))
    chunks = [body[start:end] for start, end in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    assert parse([body])[0] == expected
    assert parse(chunks)[0] == expected


# --- decoding, one rule per row -----------------------------------------------------------------------------------


def data_event(value: Any) -> SseEvent:
    return SseEvent(json.dumps(value))


def adk(*parts: Any, **fields: Any) -> dict[str, Any]:
    return {
        "id": "e1",
        "invocationId": "e-1",
        "author": "nemo_agent",
        "timestamp": 1.5,
        "content": {"role": "model", "parts": list(parts)},
        "actions": {"stateDelta": {}},
        **fields,
    }


CALL = {"functionCall": {"id": "c1", "name": "edit_multitrack", "args": {"operation": "merge"}}}
RESPONSE = {"functionResponse": {"id": "c1", "name": "edit_multitrack", "response": {"status": "success"}}}

DECODE_CASES: list[tuple[str, SseEvent, list[Any]]] = [
    ("simple text", data_event({"type": "text", "content": "Done"}), [Text("Done")]),
    (
        "simple tool call",
        data_event({"type": "tool_call", "name": "edit_multitrack", "args": {"a": 1}}),
        [ToolCall("edit_multitrack", {"a": 1})],
    ),
    (
        "simple tool result",
        data_event({"type": "tool_result", "name": "edit_multitrack", "result": {"ok": True}}),
        [ToolResult("edit_multitrack", {"ok": True})],
    ),
    ("simple heartbeat", data_event({"type": "heartbeat"}), [Heartbeat("event")]),
    ("simple tool call without args", data_event({"type": "tool_call", "name": "x"}), [ToolCall("x", {})]),
    ("simple extra fields are ignored", data_event({"type": "text", "content": "a", "x": [1]}), [Text("a")]),
    ("simple unknown type is skipped", data_event({"type": "progress", "content": "50%"}), []),
    ("simple non-string type is skipped", data_event({"type": 3}), []),
    ("simple text that is not a string is skipped", data_event({"type": "text", "content": 5}), []),
    ("simple tool call with list args is skipped", data_event({"type": "tool_call", "name": "x", "args": []}), []),
    ("simple tool result without name is skipped", data_event({"type": "tool_result", "result": {}}), []),
    ("adk text", data_event(adk({"text": "Done"})), [Text("Done")]),
    ("adk partial text", data_event(adk({"text": "Do"}, partial=True)), [Text("Do", partial=True)]),
    ("adk partial false", data_event(adk({"text": "Done"}, partial=False)), [Text("Done")]),
    ("adk function call", data_event(adk(CALL)), [ToolCall("edit_multitrack", {"operation": "merge"}, "c1")]),
    ("adk function response", data_event(adk(RESPONSE)), [ToolResult("edit_multitrack", {"status": "success"}, "c1")]),
    (
        "adk call without id or args",
        data_event(adk({"functionCall": {"name": "x"}})),
        [ToolCall("x", {})],
    ),
    (
        "adk several parts, in order",
        data_event(adk({"text": "Let me"}, CALL, RESPONSE, {"text": "done"})),
        [
            Text("Let me"),
            ToolCall("edit_multitrack", {"operation": "merge"}, "c1"),
            ToolResult("edit_multitrack", {"status": "success"}, "c1"),
            Text("done"),
        ],
    ),
    (
        "adk unknown part kinds are skipped",
        data_event(adk({"inlineData": {"mimeType": "image/png"}}, {"text": "a"}, "odd", None)),
        [Text("a")],
    ),
    ("adk thought parts are skipped", data_event(adk({"text": "hmm", "thought": True}, {"text": "a"})), [Text("a")]),
    ("adk event without content", data_event({"id": "e1", "author": "nemo_agent", "actions": {}}), []),
    ("adk event with null content", data_event({"id": "e1", "content": None}), []),
    ("adk content without parts", data_event({"content": {"role": "model"}}), []),
    ("adk parts not a list", data_event({"content": {"parts": {"text": "a"}}}), []),
    ("adk call with a non-object args is skipped", data_event(adk({"functionCall": {"name": "x", "args": 1}})), []),
    ("adk non-string id is dropped", data_event(adk({"functionCall": {"name": "x", "id": 4}})), [ToolCall("x", {})]),
    ("empty object", data_event({}), []),
    ("empty data line", SseEvent(""), [Heartbeat("empty")]),
    ("blank data line", SseEvent("  "), [Heartbeat("empty")]),
    ("sse comment", SseEvent(None, comment="keep-alive"), [Heartbeat("comment")]),
    ("retry-only block", SseEvent(None, retry=5), []),
]


@pytest.mark.parametrize(
    ("sse", "expected"), [case[1:] for case in DECODE_CASES], ids=[case[0] for case in DECODE_CASES]
)
def test_decode_rules(sse: SseEvent, expected: list[Any]) -> None:
    assert decode(sse) == expected


@pytest.mark.parametrize(
    "data",
    ["not json", "{", "[1, 2]", '"text"', "42", "null", "true", "[" * 100_000, "x" * 5000, '{"a": 1} trailing'],
    ids=["word", "open brace", "array", "string", "number", "null", "bool", "deep nesting", "long", "trailing"],
)
def test_data_that_is_not_a_json_object_is_a_protocol_error(data: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        decode(SseEvent(data))
    excerpt = str(raised.value).split(": ", 1)[1]
    assert len(excerpt) <= 200
    assert data[:10] in excerpt


def test_iter_events_reads_a_whole_stream() -> None:
    chunks = [
        b'data: {"type":"tool_call","name":"edit_multitrack","args":{}}\r\n\r',
        b"\n: keep-alive\r\n\r\ndata:\r\n\r\n",
        b'data: {"type":"text","content":"caf\xc3',
        b'\xa9"}\n\ndata: {"type":"text","content":"cut',
    ]
    assert list(iter_events(chunks)) == [
        ToolCall("edit_multitrack", {}),
        Heartbeat("comment"),
        Heartbeat("empty"),
        Text("café"),
    ]


def test_iter_events_raises_on_a_stream_that_is_not_json() -> None:
    with pytest.raises(ProtocolError):
        list(iter_events([b"data: <html>502 Bad Gateway</html>\n\n"]))


# --- decoding, any JSON -------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
SIMPLE_KEYS = ["type", "content", "name", "args", "result"]
ADK_KEYS = [
    "content",
    "parts",
    "partial",
    "role",
    "text",
    "thought",
    "functionCall",
    "functionResponse",
    "id",
    "response",
]
KNOWN_KEYS = st.sampled_from(sorted({*SIMPLE_KEYS, *ADK_KEYS}))
KNOWN_TYPES = st.sampled_from(["text", "tool_call", "tool_result", "heartbeat", "progress"])
# Objects close to both dialects, so the decoder's every branch meets wrong types and missing fields.
NEAR_MISS_OBJECTS = st.recursive(
    JSON_VALUES | KNOWN_TYPES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KNOWN_KEYS, children, max_size=5),
    max_leaves=16,
).filter(lambda value: isinstance(value, dict))
JSON_OBJECTS = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5) | NEAR_MISS_OBJECTS


@PROPERTY_SETTINGS
@given(value=JSON_VALUES)
def test_decode_raises_only_protocol_errors_for_any_json(value: Any) -> None:
    try:
        decode(data_event(value))
    except ProtocolError:
        assert not isinstance(value, dict)


@PROPERTY_SETTINGS
@given(data=st.text())
def test_decode_raises_only_protocol_errors_for_any_text(data: str) -> None:
    with contextlib.suppress(ProtocolError):
        decode(SseEvent(data))


@PROPERTY_SETTINGS
@given(value=JSON_OBJECTS)
def test_decode_never_raises_for_a_json_object(value: dict[str, Any]) -> None:
    events = decode(data_event(value))
    assert all(isinstance(event, Text | ToolCall | ToolResult | Heartbeat) for event in events)


# --- real streams from the simulator ------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["simple", "adk"])
def test_real_simulator_streams_decode_in_both_dialects(dialect: str) -> None:
    config = SimConfig(seed=1, agent={"speed": 0, "dialect": dialect, "silent_rate": 0})
    with InProcessSimulator(config) as sim:
        token = sim.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "sse-client"})
        headers = {"Authorization": f"Bearer {token.json()['data']['token']}"}
        session = sim.client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={"task_name": "p"})
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session.json()["data"]["session_id"],
            "new_message": {"parts": [{"text": "add lo-fi BGM at 35%"}]},
        }
        with sim.client.stream("POST", "/run_sse", headers=headers, json=body) as response:
            assert response.status_code == 200
            events = [event for event in iter_events(response.iter_bytes()) if not isinstance(event, Heartbeat)]
    assert [type(event) for event in events] == [ToolCall, ToolResult, Text]
    call, result, text = events
    assert call.name == result.name == "edit_multitrack"
    assert call.args["operation"] == result.result["operation"] == "add_music"
    assert result.result["status"] == "success"
    assert text.text and not text.partial
    if dialect == "adk":
        assert call.call_id is not None and call.call_id == result.call_id
