"""The client's handling of the chat stream's hazards, met for real on the live simulator:
silent edits, GUI phrases, the trailing "temporary issue", dropped streams (never
re-sent), heartbeat-only streams, and "still working" notices."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from client import (
    AgentFailed,
    EditNotConfirmed,
    StreamTimeout,
)
from simulator.control import actions
from tests.client.recovery_harness import (
    FIRST_READ_SECONDS,
    GENERATE_MESSAGE,
    GUI_SENTENCES,
    LATER_READ_SECONDS,
    LATER_TITLE_CHANGE,
    LATER_TITLE_MESSAGE,
    PLAIN_AGENT,
    TEMPORARY_ISSUE,
    TITLE_CHANGE,
    TITLE_MESSAGE,
    UNCHANGED_READS,
    WELCOME_CREDITS,
    Harness,
    JumpingClock,
    raises_without_token,
    wait_until,
)

# -- chat: silent edits, GUI phrases, "temporary issue" --------------------------------------------------------------


def test_a_silent_edit_is_reported_from_the_state(harness: Harness) -> None:
    harness.configure_agent(silent_rate=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.silent
    assert result.raw_text == ""
    assert result.changes == [TITLE_CHANGE]
    assert TITLE_CHANGE in result.text
    assert harness.count(operation="runSse") == 1
    assert harness.count(operation="getSessionState") == 2  # before the message, and after it


def test_gui_phrases_become_hints_for_an_api_client(harness: Harness) -> None:
    harness.configure_agent(gui_phrase_rate=1)
    seen: set[str] = set()
    for number in range(16):
        result = harness.nemo.chat(f"add a title 'Scene {number}' for the first 2 seconds")
        used = {word for word, sentence in GUI_SENTENCES.items() if sentence in result.raw_text}
        assert len(used) == 1, result.raw_text
        assert result.hints
        assert not [word for word in GUI_SENTENCES if word.lower() in result.text.lower()], result.text
        assert f'"Scene {number}"' in result.text
        seen |= used
        if seen == GUI_SENTENCES.keys():
            break
    assert seen == GUI_SENTENCES.keys()


def test_gui_phrases_in_chinese_become_hints_too(harness: Harness) -> None:
    harness.configure_agent(gui_phrase_rate=1)
    chinese_sentences = (
        "点击导出按钮即可下载视频。",
        "打开右侧面板进行微调。",
        "拖拽片段可以调整位置。",
        "导出前可以在时间线上预览。",
    )

    result = harness.nemo.chat("添加字幕「欢迎」从2秒到5秒")

    assert any(sentence in result.raw_text for sentence in chinese_sentences), result.raw_text
    assert result.hints
    assert not any(sentence in result.text for sentence in chinese_sentences), result.text
    assert not any(word in result.text for word in ("点击", "打开", "拖拽", "预览")), result.text


def test_a_trailing_temporary_issue_is_dropped(harness: Harness) -> None:
    harness.configure_agent(temporary_issue_rate=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.raw_text.rstrip().endswith(TEMPORARY_ISSUE)
    assert "temporary issue" not in result.text
    assert 'title "Urban Dreams"' in result.text


# -- dropped streams: never re-sent; the state says what happened ----------------------------------------------------


def test_a_stream_dropped_before_the_edit_landed_is_not_confirmed_and_never_resent(harness: Harness) -> None:
    session_id = harness.nemo.new_session()
    harness.control.add_fault("runSse", actions.cut_stream(1), times=1)

    with raises_without_token(EditNotConfirmed, harness):
        harness.nemo.chat(TITLE_MESSAGE)

    assert harness.sleeps == [FIRST_READ_SECONDS] + [LATER_READ_SECONDS] * (UNCHANGED_READS - 1)
    (stream,) = harness.control.journal(operation="runSse")["entries"]
    assert stream["streamed_events"] == 1 and stream["faults"]
    assert harness.count(operation="getSessionState") == 1 + UNCHANGED_READS
    assert harness.draft_tracks(session_id) == []
    assert harness.user()["credits"] == WELCOME_CREDITS  # nothing charged, nothing left frozen
    assert len(harness.notices_of("stream_dropped")) == 1


def test_a_stream_dropped_after_the_tool_result_reports_the_change_at_once(harness: Harness) -> None:
    harness.control.add_fault("runSse", actions.cut_stream(2), times=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.dropped
    assert result.changes == [TITLE_CHANGE]
    assert TITLE_CHANGE in result.text
    assert harness.sleeps == []
    assert harness.count(operation="runSse") == 1
    assert len(harness.draft_tracks(result.session_id)) == 1


def test_a_dropped_stream_reports_a_change_that_lands_while_the_client_waits(harness: Harness) -> None:
    session_id = harness.nemo.new_session()
    harness.control.add_fault("runSse", actions.cut_stream(1), times=1)

    def edit_from_elsewhere() -> None:
        """The same user's message, from another program (no attribution headers)."""
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": LATER_TITLE_MESSAGE}]},
        }
        headers = {"Authorization": f"Bearer {harness.live_token()}", "Accept": "text/event-stream"}
        answer = httpx.post(f"{harness.sim.base_url}/run_sse", json=body, headers=headers, timeout=30)
        assert answer.status_code == 200

    harness.on_sleep[2] = edit_from_elsewhere

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.dropped
    assert result.changes == [LATER_TITLE_CHANGE]
    assert LATER_TITLE_CHANGE in result.text
    assert harness.sleeps == [FIRST_READ_SECONDS, LATER_READ_SECONDS]
    assert harness.count(operation="runSse", attributed=True) == 1  # the client's own message, sent once
    assert harness.count(operation="runSse") == 2


def test_a_dropped_stream_whose_backend_carries_on_is_reported_from_the_state(harness: Harness) -> None:
    # agent.on_disconnect "finish": the service keeps working after the cut, as the skills'
    # recovery rule assumes; the client finds the edit in the state at its first read.
    harness.configure_agent(on_disconnect="finish")
    harness.control.add_fault("runSse", actions.cut_stream(1), times=1)

    result = harness.nemo.chat(TITLE_MESSAGE)

    assert result.dropped and result.changes == [TITLE_CHANGE]
    assert harness.sleeps == [FIRST_READ_SECONDS]
    assert harness.count(operation="runSse") == 1
    assert wait_until(lambda: harness.user()["credits"]["frozen"] == 0)
    assert harness.user()["credits"]["available"] == WELCOME_CREDITS["available"] - 5  # landed, charged once


def test_an_error_event_is_agent_failed_and_the_message_is_not_sent_again(harness: Harness) -> None:
    harness.configure_agent(failure_rate=1)

    with raises_without_token(AgentFailed, harness) as caught:
        harness.nemo.chat(TITLE_MESSAGE)

    assert "did not answer" in str(caught.value) and caught.value.changes == []
    assert harness.count(operation="runSse") == 1
    assert harness.sleeps == []
    assert harness.user()["credits"] == WELCOME_CREDITS


# -- heartbeats only, and "still working" ----------------------------------------------------------------------------


def test_ten_minutes_of_heartbeats_only_is_a_stream_timeout_and_the_run_stops(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(clock=JumpingClock(100))
    harness.configure_agent(
        speed=1, heartbeat_seconds=0.05, generate_seconds={"low": 1000, "high": 1000}, **PLAIN_AGENT
    )
    started = time.monotonic()

    with raises_without_token(StreamTimeout, harness):
        harness.nemo.chat(GENERATE_MESSAGE)

    assert time.monotonic() - started < 3
    assert wait_until(lambda: harness.sim.world.agent_runs.count() == 0), "the simulator's run kept going"
    # The server journals a request once it has seen it end: after the hang-up, a moment later.
    assert wait_until(lambda: harness.count(operation="runSse") == 1)
    (stream,) = harness.control.journal(operation="runSse")["entries"]
    assert stream["streamed_events"] >= 2  # the tool call, then heartbeats
    assert harness.user()["credits"] == WELCOME_CREDITS  # the frozen cost was released, nothing charged
    assert harness.sleeps == []


def test_still_working_is_said_every_two_minutes_of_waiting(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(clock=JumpingClock(100), heartbeat_timeout=10_000)
    harness.configure_agent(
        speed=1,
        heartbeat_seconds=0.05,
        generate_seconds={"low": 0.5, "high": 0.5},
        edit_seconds={"low": 0.2, "high": 0.2},  # the post-production stage
        **PLAIN_AGENT,
    )

    result = harness.nemo.chat(GENERATE_MESSAGE)

    assert result.heartbeats > 0
    assert result.tool_results
    seconds = [notice.data["seconds"] for notice in harness.notices_of("still_working")]
    assert len(seconds) >= 3
    assert seconds == sorted(set(seconds))  # strictly increasing
    assert seconds[:3] == [120, 240, 360]
    assert harness.count(operation="runSse") == 1
