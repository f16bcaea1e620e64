"""The client's reader of render answers: every documented shape (early, reference 4.4,
skill 1.9, each also in the business envelope), every status word, the error shapes and
unreadable answers, any JSON at all, and real answers from the simulator in both of its
answer styles."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.errors import ApiError, NemoError, ProtocolError
from client.render import UNCODED_FAILURE, RenderStatus, read_render_answer
from simulator.config import SimConfig
from simulator.testing import InProcessSimulator

URL = "https://cdn.example/render_x.mp4"
ATTRIBUTION = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9.0", "X-Skill-Platform": "clawhub"}
TRACK_LINE_PREFIXES = ("Video ", "Audio ", "BGM ", "Title ", "Caption ")

# -- render answers ----------------------------------------------------------------------

EARLY = {
    "taskId": "render_x",
    "status": "completed",
    "progress": 100,
    "output": {"url": URL, "duration": 30.5, "size": 15728640},
}
REFERENCE_44 = {
    "success": True,
    "data": {
        "id": "render_x",
        "status": "completed",
        "progress": 100,
        "outputUrl": URL,
        "createdAt": 1773423613616,
        "completedAt": 1773423641222,
    },
}
SKILL_19 = {"id": "render_x", "status": "completed", "progress": 100, "output": {"url": URL}}
COMPLETED = RenderStatus("render_x", "completed", 100, URL)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(EARLY, RenderStatus("render_x", "completed", 100, URL, None, 30.5, 15728640), id="early"),
        pytest.param(REFERENCE_44, COMPLETED, id="reference-4.4"),
        pytest.param(SKILL_19, COMPLETED, id="skill-1.9"),
        pytest.param(
            {"code": 0, "data": EARLY},
            RenderStatus("render_x", "completed", 100, URL, None, 30.5, 15728640),
            id="early-in-envelope",
        ),
        pytest.param({"code": 0, "data": REFERENCE_44}, COMPLETED, id="reference-4.4-in-envelope"),
        pytest.param({"code": 0, "data": SKILL_19}, COMPLETED, id="skill-1.9-in-envelope"),
        pytest.param({"code": 0, "message": "ok", "data": REFERENCE_44["data"]}, COMPLETED, id="envelope-of-job"),
        pytest.param(
            {"id": "render_x", "status": "completed", "progress": 100, "outputUrl": URL}, COMPLETED, id="flat-outputUrl"
        ),
        pytest.param({"id": "render_x", "status": "completed", "progress": 100, "url": URL}, COMPLETED, id="flat-url"),
        pytest.param(
            {"success": True, "data": {"id": "render_x", "status": "pending", "progress": 5}},
            RenderStatus("render_x", "pending", 5),
            id="reference-4.4-submit",
        ),
        pytest.param(
            {"id": "render_x", "status": "failed", "progress": 90, "error": "Render failed"},
            RenderStatus("render_x", "failed", 90, error="Render failed"),
            id="failed-job",
        ),
        pytest.param(
            {"status": "failed", "error": {"message": "out of memory"}},
            RenderStatus(None, "failed", error="out of memory"),
            id="error-object",
        ),
        pytest.param(
            {"status": "processing", "progress": "42"}, RenderStatus(None, "processing", 42), id="progress-text"
        ),
        pytest.param(
            {"status": "processing", "progress": "42%"}, RenderStatus(None, "processing", 42), id="progress-pct"
        ),
        pytest.param(
            {"status": "processing", "progress": 41.6}, RenderStatus(None, "processing", 42), id="progress-float"
        ),
        pytest.param({"status": "processing", "progress": 250}, RenderStatus(None, "processing", 100), id="over-100"),
        pytest.param({"status": "processing", "progress": -3}, RenderStatus(None, "processing", 0), id="below-0"),
        pytest.param(
            {"status": "processing", "progress": "soon"}, RenderStatus(None, "processing"), id="progress-junk"
        ),
        pytest.param({"status": "processing", "progress": True}, RenderStatus(None, "processing"), id="progress-bool"),
    ],
)
def test_every_documented_render_shape_reads_the_same(answer: object, expected: RenderStatus) -> None:
    assert read_render_answer(answer) == expected


STATUS_WORDS = {
    "completed": ["completed", "complete", "succeeded", "success", "done"],
    "failed": ["failed", "failure", "error"],
    "pending": ["pending", "queued", "submitted"],
    "processing": ["processing", "running", "rendering", "in_progress", "in-progress", "In Progress"],
    "cancelled": ["cancelled", "canceled"],
}


@pytest.mark.parametrize(
    ("word", "normalised"),
    [
        (spelling, status)
        for status, words in STATUS_WORDS.items()
        for word in words
        for spelling in (word, word.upper())
    ],
)
def test_status_words_are_normalised_whatever_their_case(word: str, normalised: str) -> None:
    assert read_render_answer({"status": word}).status == normalised
    assert read_render_answer({"success": True, "data": {"status": f" {word.title()} "}}).status == normalised


@pytest.mark.parametrize(
    ("status", "done"),
    [("pending", False), ("processing", False), ("completed", True), ("failed", True), ("cancelled", True)],
)
def test_done_means_the_job_will_not_change_any_more(status: str, done: bool) -> None:
    assert RenderStatus("render_x", status).done is done


@pytest.mark.parametrize(
    ("answer", "code", "message"),
    [
        pytest.param(
            {"success": False, "error": "Render not found"}, UNCODED_FAILURE, "Render not found", id="success-false"
        ),
        pytest.param({"success": False, "code": 404, "error": "gone"}, 404, "gone", id="success-false-with-code"),
        pytest.param(
            {"success": False, "code": 0, "error": "gone"}, UNCODED_FAILURE, "gone", id="success-false-code-0"
        ),
        pytest.param({"success": False, "message": "nope"}, UNCODED_FAILURE, "nope", id="success-false-message"),
        pytest.param({"success": False}, UNCODED_FAILURE, "Render request failed", id="success-false-bare"),
        pytest.param({"code": 1001, "message": "Token expired"}, 1001, "Token expired", id="envelope-1001"),
        pytest.param(
            {"code": 1002, "message": "Session not found", "data": None}, 1002, "Session not found", id="1002"
        ),
        pytest.param({"code": "2001", "message": "No credits"}, 2001, "No credits", id="code-as-text"),
        pytest.param({"code": 0, "data": {"success": False, "error": "bad"}}, UNCODED_FAILURE, "bad", id="nested"),
    ],
)
def test_error_answers_raise_api_error(answer: dict[str, Any], code: int, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        read_render_answer(answer)
    assert (caught.value.code, caught.value.message) == (code, message)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(None, id="null"),
        pytest.param("completed", id="text"),
        pytest.param([{"status": "completed"}], id="list"),
        pytest.param({}, id="empty"),
        pytest.param({"id": "render_x", "progress": 50}, id="no-status"),
        pytest.param({"success": True, "data": {}}, id="empty-data"),
        pytest.param({"code": 0, "data": None}, id="envelope-without-data"),
        pytest.param({"status": "exploded"}, id="unknown-word"),
        pytest.param({"status": 3}, id="numeric-status"),
        pytest.param({"status": None}, id="null-status"),
        pytest.param({"code": "teapot", "message": "?"}, id="unreadable-code"),
        pytest.param({"code": 10**400}, id="enormous-code"),
    ],
)
def test_unreadable_answers_raise_protocol_error_with_an_excerpt(answer: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        read_render_answer(answer)
    assert len(str(caught.value)) < 400


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["status", "data", "code", "success", "output", "progress", "url", "outputUrl", "error"])
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
RENDER_WORDS = st.sampled_from([*(w for words in STATUS_WORDS.values() for w in words), "Done", "weird"])


@settings(max_examples=300)
@given(answer=JSON | st.fixed_dictionaries({"status": RENDER_WORDS}, optional={"progress": JSON, "output": JSON}))
def test_any_json_either_reads_or_raises_a_nemo_error(answer: object) -> None:
    try:
        status = read_render_answer(answer)
    except NemoError:
        return
    assert status.status in {"pending", "processing", "completed", "failed", "cancelled"}
    assert status.progress is None or 0 <= status.progress <= 100


@pytest.mark.parametrize("answer_style", ["flat", "wrapped"])
def test_the_simulators_render_answers_read_as_completed_with_a_url(answer_style: str) -> None:
    config = SimConfig(render={"answer_style": answer_style, "transition": "immediate"})
    with InProcessSimulator(config) as simulator:
        http = simulator.client
        token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "render-reader"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}", **ATTRIBUTION}
        created = http.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={"task_name": "p"})
        session_id = created.json()["data"]["session_id"]
        draft = {"t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}
        submitted = http.post(
            "/api/render/proxy/lambda",
            headers=headers,
            json={"id": "render_1", "sessionId": session_id, "draft": draft},
        )
        assert submitted.status_code == 200, submitted.text
        assert read_render_answer(submitted.json()).job_id == "render_1"

        polled = http.get("/api/render/proxy/lambda/render_1", headers=headers)

    status = read_render_answer(polled.json())
    assert (status.job_id, status.status, status.progress, status.done) == ("render_1", "completed", 100, True)
    assert status.url is not None and status.url.endswith(".mp4")
