"""The script of a message (pure and seeded), the agent's words, and the event dialects,
without a server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.agent import dialects
from simulator.agent.intents import understand
from simulator.agent.replies import GUI_PHRASES, HELP, answer
from simulator.agent.script import plan
from simulator.chance import Chance
from simulator.config import AgentConfig
from simulator.domain.edits import AddMusic, GenerateClip, Merge, PostProduce, apply
from simulator.domain.sessions import Session

VIDEO = {"filename": "city.mp4", "file_type": "video", "cdn_url": "http://sim/cdn/uploads/v.mp4", "duration": 5.0}
AUDIO = {"filename": "song.wav", "file_type": "audio", "cdn_url": "http://sim/cdn/uploads/a.wav", "duration": 3.0}


def session_with_media() -> Session:
    session = Session(session_id="1", task_id="2", task_name="p", language="en", user_id="anon_x", created_at=0.0)
    session.video_infos = [dict(VIDEO), dict(AUDIO)]
    return session


def test_the_same_seed_gives_the_same_script() -> None:
    config = AgentConfig()
    first = plan("merge, then add lo-fi BGM at 35%", session_with_media(), config, Chance(5))
    again = plan("merge, then add lo-fi BGM at 35%", session_with_media(), config, Chance(5))
    other = plan("merge, then add lo-fi BGM at 35%", session_with_media(), config, Chance(6))
    assert first == again
    assert first.steps[0].call_id != other.steps[0].call_id


def test_durations_follow_the_spans_scaled_by_the_speed() -> None:
    session = session_with_media()
    real = plan("merge", session, AgentConfig(speed=1), Chance(1))
    assert 10 <= real.steps[0].seconds <= 30 and real.text_seconds == 0
    fast = plan("merge", session, AgentConfig(speed=0.01), Chance(1))
    assert fast.steps[0].seconds == pytest.approx(real.steps[0].seconds * 0.01)
    assert plan("merge", session, AgentConfig(speed=0), Chance(1)).steps[0].seconds == 0
    words = plan("hello there", session, AgentConfig(speed=1), Chance(1))
    assert words.steps == () and 5 <= words.text_seconds <= 15


def test_generation_is_slow_expensive_and_followed_by_free_post_production() -> None:
    script = plan("generate a video of a city at night", session_with_media(), AgentConfig(), Chance(3))
    assert [type(step.edit) for step in script.steps] == [GenerateClip, PostProduce]
    assert 100 <= script.steps[0].seconds <= 300 and 10 <= script.steps[1].seconds <= 30
    assert script.cost == 100


def test_the_cost_is_the_sum_of_the_configured_costs_of_the_edits() -> None:
    config = AgentConfig(costs={"merge": 3, "add_music": 7})
    script = plan("merge, then add lo-fi BGM at 35%", session_with_media(), config, Chance(0))
    assert [type(step.edit) for step in script.steps] == [Merge, AddMusic]
    assert script.cost == 10


def test_edits_that_cannot_apply_become_words_and_cost_nothing() -> None:
    empty = Session(session_id="1", task_id="2", task_name="p", language="en", user_id="anon_x", created_at=0.0)
    script = plan("merge this audio and video", empty, AgentConfig(), Chance(0))
    assert script.steps == () and script.cost == 0 and not script.silent
    assert "upload a video" in script.problems[0]


def test_silent_scripts_come_at_the_configured_rate() -> None:
    chance, config, runs = Chance(11), AgentConfig(silent_rate=0.3), 2000
    silent = sum(plan("add lo-fi BGM", session_with_media(), config, chance).silent for _ in range(runs))
    assert abs(silent / runs - 0.3) < 0.03
    assert not any(plan("hi", session_with_media(), config, chance).silent for _ in range(50))


def test_gui_phrases_speak_the_message_language() -> None:
    config = AgentConfig(gui_phrase_rate=1)
    english = plan("add lo-fi BGM", session_with_media(), config, Chance(0))
    chinese = plan("添加背景音乐", session_with_media(), config, Chance(0))
    assert english.gui_phrase in GUI_PHRASES["en"] and chinese.gui_phrase in GUI_PHRASES["zh"]


def test_the_merge_answer_reports_the_length_mismatch_in_both_languages() -> None:
    facts = {
        "status": "success",
        "operation": "merge",
        "video_files": ["city.mp4"],
        "audio_files": ["song.wav"],
        "video_ms": 5000,
        "audio_ms": 3000,
        "mismatch_ms": -2000,
        "duration_ms": 5000,
    }
    draft = {"t": [], "d": 0, "m": {}}
    english = answer(understand("merge"), [facts], [], draft)
    assert "shorter than the video (5s)" in english and "sync issues" in english
    chinese = answer(understand("合并音频和视频"), [facts], [], draft)
    assert "音画不同步" in chinese
    longer = answer(understand("merge"), [{**facts, "audio_ms": 9000, "mismatch_ms": 4000}], [], draft)
    assert "trimmed it to 5s" in longer


def test_words_only_answers() -> None:
    draft = {"t": [], "d": 0, "m": {}}
    assert answer(understand("what is the weather?"), [], [], draft) == HELP["en"]
    assert answer(understand("天气怎么样"), [], [], draft) == HELP["zh"]
    assert "Export button" in answer(understand("export 720p"), [], [], draft)
    assert answer(understand("show me the timeline"), [], [], draft) == "Timeline (0 tracks)"


def test_adk_events_look_like_adk_and_simple_events_like_the_skills() -> None:
    call = dialects.ToolCall("adk-1", "edit_multitrack", {"operation": "merge"})
    result = dialects.ToolResult("adk-1", "edit_multitrack", {"status": "success"})
    ids = {"event_id": "e1", "invocation_id": "e-inv", "timestamp": 1.5}
    adk_call = dialects.event_json(call, "adk", **ids)
    assert adk_call["content"] == {
        "role": "model",
        "parts": [{"functionCall": {"id": "adk-1", "name": "edit_multitrack", "args": {"operation": "merge"}}}],
    }
    assert dialects.event_json(result, "adk", **ids)["content"]["role"] == "user"
    assert "partial" not in adk_call
    assert dialects.event_json(dialects.Text("hi", partial=True), "adk", **ids)["partial"] is True
    assert dialects.event_json(call, "simple", **ids) == {
        "type": "tool_call",
        "name": "edit_multitrack",
        "args": {"operation": "merge"},
    }
    assert dialects.event_json(dialects.Text("hi"), "simple", **ids) == {"type": "text", "content": "hi"}


@given(st.text(max_size=400), st.integers(min_value=1, max_value=80))
def test_streamed_pieces_join_back_into_the_text(text: str, size: int) -> None:
    pieces = dialects.pieces(text, size)
    assert "".join(pieces) == text
    assert all(pieces)


WORDS = st.sampled_from(
    ["merge", "add", "title", "'Hi'", "BGM", "at", "35%", "trim", "to", "10s", "from", "2s", "first", "last",
     "remove", "track", "2", "99999999", "9:16", "1080p", "generate", "a", "video", "of", "then", ",", "and",
     "。", "添加", "标题", "「你好」", "前3秒", "删除", "背景音乐", "剪到", "秒", "生成", "视频", "export", "\n"]
)  # fmt: skip


@given(st.lists(WORDS, max_size=30).map(" ".join) | st.text(max_size=300))
def test_any_message_plans_without_error(message: str) -> None:
    """Whatever a user types, the agent plans an answer (edits that apply, or words), and
    the edits keep the draft within the contract's limits."""
    session = session_with_media()
    script = plan(message, session, AgentConfig(), Chance(0))
    assert script.cost >= 0
    for step in script.steps:
        apply(session, step.edit)
    assert session.draft["d"] <= 86_400_000
    assert all(s["st"] + s["d"] <= 86_400_000 for track in session.draft["t"] for s in track["sg"])
