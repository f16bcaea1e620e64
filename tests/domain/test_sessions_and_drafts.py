import pytest

from simulator.domain.drafts import duration_ms, is_exportable, track_summary
from simulator.domain.errors import ApiError, Code
from simulator.domain.sessions import Sessions


def test_sessions_have_long_decimal_ids_and_belong_to_their_user(clock, chance):
    sessions = Sessions(clock, chance)
    session = sessions.create("anon_a", "project")
    assert session.session_id.isdigit() and len(session.session_id) == 19
    assert session.task_id.isdigit() and session.task_id != session.session_id
    assert sessions.get("anon_a", session.session_id) is session
    for user, sid in [("anon_b", session.session_id), ("anon_a", "1" * 19)]:
        with pytest.raises(ApiError) as caught:
            sessions.get(user, sid)
        assert caught.value.code is Code.SESSION_NOT_FOUND
        assert caught.value.message == "Session not found. Create a new session."


def test_state_has_every_documented_part(clock, chance):
    state = Sessions(clock, chance).create("anon_a", "project").state()
    assert set(state) == {"draft", "video_infos", "canvas_config", "video_analyses", "generated_media"}
    assert state["canvas_config"] == {"width": 1920, "height": 1080, "aspect_ratio": "16:9"}


DRAFT = {
    "t": [
        {"tt": 0, "m": {"name": "city timelapse"}, "sg": [{"st": 0, "d": 10_000}]},
        {"tt": 1, "m": {"name": "Lo-fi", "role": "bgm", "volume": 35}, "sg": [{"st": 0, "d": 10_000}]},
        {"tt": 7, "sg": [{"st": 0, "d": 3000, "m": {"text": "Urban Dreams"}}]},
    ]
}


def test_track_summary_reads_like_the_skills():
    assert track_summary(DRAFT) == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )


def test_exportable_and_duration():
    assert is_exportable(DRAFT) and duration_ms(DRAFT) == 10_000
    assert not is_exportable({"t": []}) and not is_exportable({"t": [{"tt": 0, "sg": []}]})
    assert duration_ms({"t": []}) == 0
