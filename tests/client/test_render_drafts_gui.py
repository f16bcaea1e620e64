"""The client's readers of render answers, drafts and the agent's words.

Render answers: every documented shape (early, reference 4.4, skill 1.9, each also in the
business envelope), every status word, the error shapes, and unreadable answers; then real
answers from the simulator in both of its answer styles. Drafts: the facts document's
summary, and properties tying `changed_tracks` to `describe_changes`. GUI words: the
translation table and the "temporary issue" tail.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.drafts import changed_tracks, describe_changes, track_summary
from client.errors import ApiError, NemoError, ProtocolError
from client.gui import GUI_TRANSLATIONS, strip_temporary_issue, translate_gui
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


# -- drafts ------------------------------------------------------------------------------

FACTS_DRAFT = {
    "t": [
        {
            "id": "video-1",
            "tt": 0,
            "sg": [{"st": 0, "d": 10000, "m": {"title": "city timelapse"}}],
            "m": {"role": "main"},
        },
        {
            "id": "audio-1",
            "tt": 1,
            "sg": [{"st": 0, "d": 10000, "m": {"title": "Lo-fi"}}],
            "m": {"name": "Lo-fi", "role": "bgm", "volume": 35},
        },
        {"id": "text-1", "tt": 7, "sg": [{"st": 0, "d": 3000, "m": {"text": "Urban Dreams"}}], "m": {"name": "Title"}},
    ],
    "d": 10000,
    "m": {},
}


def test_track_summary_is_the_facts_documents_example() -> None:
    assert track_summary(FACTS_DRAFT) == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )


@pytest.mark.parametrize(
    ("draft", "summary"),
    [
        pytest.param({"t": []}, "Timeline (0 tracks)", id="empty"),
        pytest.param({}, "Timeline (0 tracks)", id="no-tracks-key"),
        pytest.param(None, "Timeline (0 tracks)", id="not-a-dict"),
        pytest.param({"t": [{"tt": 0}]}, "Timeline (1 track): 1. Video: clip (empty)", id="no-segments"),
        pytest.param(
            {"t": [{"tt": 0, "sg": [{"st": 2500, "d": 1500}], "m": {"name": "intro"}}]},
            "Timeline (1 track): 1. Video: intro (2.5-4s)",
            id="track-name",
        ),
        pytest.param(
            {"t": [{"tt": 1, "sg": [{"d": 4000, "m": {"title": "voice"}}], "m": {"role": "voice", "volume": 80}}]},
            "Timeline (1 track): 1. Audio: voice (0-4s, 80%)",
            id="audio-not-bgm",
        ),
        pytest.param(
            {"t": [{"tt": 7, "sg": [{"st": 1000, "d": 2000, "m": {"text": "hi"}}], "m": {"role": "caption"}}]},
            'Timeline (1 track): 1. Caption: "hi" (1-3s)',
            id="caption",
        ),
        pytest.param(
            {"t": [{"tt": 0, "sg": [{"st": "?", "d": None}, "junk"]}, "junk"]},
            "Timeline (2 tracks): 1. Video: clip (0-0s) 2. Track (type None): clip (empty)",
            id="odd-keys",
        ),
    ],
)
def test_track_summary_tolerates_missing_keys(draft: object, summary: str) -> None:
    assert track_summary(draft) == summary


def _state(tracks: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    return {
        "draft": {"t": tracks, "m": {}},
        "canvas_config": {"width": 1920, "height": 1080, "aspect_ratio": "16:9"},
        **rest,
    }


VIDEO_TRACK = {"id": "video-1", "tt": 0, "sg": [{"st": 0, "d": 5000, "m": {"title": "city"}}], "m": {"role": "main"}}
BGM_TRACK = {
    "id": "audio-2",
    "tt": 1,
    "sg": [{"st": 0, "d": 10000}],
    "m": {"name": "Lo-fi", "role": "bgm", "volume": 30},
}
TITLE_TRACK = {
    "id": "text-1",
    "tt": 7,
    "sg": [{"st": 0, "d": 3000, "m": {"text": "Urban Dreams"}}],
    "m": {"role": "title"},
}


@pytest.mark.parametrize(
    ("before", "after", "lines"),
    [
        pytest.param(
            _state([VIDEO_TRACK]),
            _state([VIDEO_TRACK, TITLE_TRACK]),
            ['Title added: "Urban Dreams" (0-3s)'],
            id="title-added",
        ),
        pytest.param(
            _state([BGM_TRACK]),
            _state([{**BGM_TRACK, "m": {**BGM_TRACK["m"], "volume": 35}}]),
            ["BGM changed: Lo-fi (0-10s, 35%) (was Lo-fi (0-10s, 30%))"],
            id="bgm-changed",
        ),
        pytest.param(
            _state([VIDEO_TRACK, BGM_TRACK]), _state([BGM_TRACK]), ["Video removed: city (0-5s)"], id="removed"
        ),
        pytest.param(
            _state([]),
            {**_state([]), "canvas_config": {"width": 1080, "height": 1920, "aspect_ratio": "9:16"}},
            ["Canvas changed: 9:16 (1080x1920) (was 16:9 (1920x1080))"],
            id="canvas",
        ),
        pytest.param(
            {"draft": {"t": [], "m": {"width": 1920, "height": 1080}}},
            {"draft": {"t": [], "m": {"width": 1080, "height": 1920}}},
            ["Canvas changed: 9:16 (1080x1920) (was 16:9 (1920x1080))"],
            id="canvas-from-draft-meta",
        ),
        pytest.param(
            _state([]),
            _state(
                [], generated_media=[{"id": "gen_1", "type": "video", "prompt": "a city at night", "duration": 8.0}]
            ),
            ["Generated clip added: a city at night (8s)"],
            id="generated",
        ),
        pytest.param(
            _state([]),
            _state([], video_infos=[{"filename": "clip.mp4", "file_type": "video", "cdn_url": "u", "duration": 5}]),
            ["Upload added: clip.mp4 (video, 5s)"],
            id="upload",
        ),
        pytest.param(
            _state([{"tt": 0, "sg": [{"st": 0, "d": 1000}]}]),
            _state([{"tt": 0, "sg": [{"st": 0, "d": 1000, "id": "s"}]}]),
            ["Video changed: clip (0-1s)"],
            id="unseen-detail",
        ),
        pytest.param({}, {}, [], id="empty-states"),
        pytest.param(None, {"draft": None}, [], id="missing-everything"),
        pytest.param(
            {"code": 0, "data": {"state": _state([])}},
            {"code": 0, "data": {"state": _state([TITLE_TRACK])}},
            ['Title added: "Urban Dreams" (0-3s)'],
            id="whole-get-answer",
        ),
    ],
)
def test_describe_changes_says_one_line_per_change(before: object, after: object, lines: list[str]) -> None:
    assert describe_changes(before, after) == lines


def test_changed_tracks_names_ids_or_type_and_position() -> None:
    before = {"t": [VIDEO_TRACK, {"tt": 7, "sg": []}, {"tt": 7, "sg": [{"st": 0, "d": 1}]}]}
    after = {"t": [{"tt": 7, "sg": []}, {"tt": 7, "sg": [{"st": 0, "d": 2}]}, TITLE_TRACK]}
    assert changed_tracks(before, after) == {"video-1", "7#1", "text-1"}


SEGMENTS = st.fixed_dictionaries(
    {"st": st.integers(0, 60_000), "d": st.integers(1, 60_000)},
    optional={
        "id": st.sampled_from(["s1", "s2"]),
        "m": st.fixed_dictionaries(
            {}, optional={"title": st.sampled_from(["city", "Lo-fi"]), "text": st.text(max_size=5)}
        ),
    },
)
TRACK_BODIES = st.fixed_dictionaries(
    {"tt": st.sampled_from([0, 1, 7]), "sg": st.lists(SEGMENTS, max_size=3)},
    optional={
        "m": st.fixed_dictionaries(
            {},
            optional={
                "name": st.sampled_from(["Lo-fi", "intro", "Title"]),
                "role": st.sampled_from(["main", "bgm", "voice", "title", "caption", "overlay"]),
                "volume": st.integers(0, 100) | st.floats(0, 100),
                "muted": st.booleans(),
            },
        )
    },
)
TRACK_IDS = st.none() | st.sampled_from([f"track-{n}" for n in range(8)])


@st.composite
def draft_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A draft and an edited copy: each track kept, dropped or replaced, and new ones added."""

    def tracks(count: int) -> list[dict[str, Any]]:
        made = []
        for _ in range(count):
            track = draw(TRACK_BODIES)
            track_id = draw(TRACK_IDS)
            if track_id is not None and all(t.get("id") != track_id for t in made):
                track["id"] = track_id
            made.append(track)
        return made

    before = tracks(draw(st.integers(0, 5)))
    after = []
    for track in before:
        fate = draw(st.sampled_from(["keep", "keep", "drop", "replace"]))
        if fate == "keep":
            after.append(copy.deepcopy(track))
        elif fate == "replace":
            replacement = draw(TRACK_BODIES)
            if "id" in track:
                replacement["id"] = track["id"]
            after.append(replacement)
    for extra in tracks(draw(st.integers(0, 2))):
        if all(t.get("id") != extra.get("id") for t in after if "id" in extra):
            after.append(extra)
    return {"t": before}, {"t": draw(st.permutations(after))}


def _keyed(draft: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The spec's keys, spelled out independently: the id, else `tt#n` among id-less tracks of that type."""
    keyed, counts = {}, {}
    for track in draft["t"]:
        if "id" in track:
            keyed[track["id"]] = track
        else:
            counts[track["tt"]] = counts.get(track["tt"], -1) + 1
            keyed[f"{track['tt']}#{counts[track['tt']]}"] = track
    return keyed


@settings(max_examples=300)
@given(pair=draft_pairs())
def test_changed_tracks_and_describe_changes_agree_on_every_changed_track(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    before, after = pair
    old, new = _keyed(before), _keyed(after)
    expected = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    assert changed_tracks(before, after) == expected

    lines = describe_changes({"draft": before}, {"draft": after})
    assert all(line.startswith(TRACK_LINE_PREFIXES) for line in lines), lines
    assert len(lines) == len(expected)
    assert sum(" added: " in line for line in lines) == len(new.keys() - old.keys())
    assert sum(" removed: " in line for line in lines) == len(old.keys() - new.keys())


STATES = st.fixed_dictionaries(
    {},
    optional={
        "draft": draft_pairs().map(lambda pair: pair[0]),
        "canvas_config": st.fixed_dictionaries(
            {"width": st.integers(16, 4000), "height": st.integers(16, 4000)},
            optional={"aspect_ratio": st.sampled_from(["16:9", "9:16", "1:1"])},
        ),
        "generated_media": st.lists(
            st.fixed_dictionaries(
                {}, optional={"id": st.text(max_size=3), "type": st.text(max_size=5), "duration": JSON}
            )
        ),
        "video_infos": st.lists(st.dictionaries(st.sampled_from(["filename", "cdn_url", "file_type"]), JSON)),
    },
)


@given(state=STATES | st.recursive(st.none() | st.integers() | st.text(), lambda i: st.dictionaries(st.text(), i)))
def test_a_state_compared_with_itself_has_no_changes(state: object) -> None:
    assert describe_changes(state, copy.deepcopy(state)) == []


def test_a_chat_edit_read_from_the_simulator_is_described_as_one_line() -> None:
    with InProcessSimulator(SimConfig(agent={"speed": 0})) as simulator:
        http = simulator.client
        token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "differ"}).json()["data"]["token"]
        auth = {"Authorization": f"Bearer {token}"}
        session_id = http.post("/api/tasks/me/with-session/nemo_agent", headers=auth, json={"task_name": "p"}).json()[
            "data"
        ]["session_id"]
        state_path = f"/api/state/nemo_agent/me/{session_id}/latest"
        before = http.get(state_path, headers=auth).json()["data"]["state"]
        message = {"parts": [{"text": "add a title 'Urban Dreams' for the first 3 seconds"}]}
        body = {"app_name": "nemo_agent", "user_id": "me", "session_id": session_id, "new_message": message}
        streamed = http.post("/run_sse", headers={**auth, "Accept": "text/event-stream"}, json=body)
        assert streamed.status_code == 200, streamed.text
        after = http.get(state_path, headers=auth).json()["data"]["state"]

    assert describe_changes(before, after) == ['Title added: "Urban Dreams" (0-3s)']


# -- GUI words ---------------------------------------------------------------------------

EXPORT_EN, DRAG_EN, PREVIEW_EN, PANEL_EN = (row.english for row in GUI_TRANSLATIONS)
EXPORT_ZH, DRAG_ZH, PREVIEW_ZH, PANEL_ZH = (row.chinese for row in GUI_TRANSLATIONS)


def test_the_translation_table_holds_the_documented_hints() -> None:
    assert [(row.english, row.chinese) for row in GUI_TRANSLATIONS] == [
        ("run the export (`nemo export`, or the render API)", "运行导出（`nemo export`）"),
        ("ask in chat to move or trim the clip", "在对话中要求移动或裁剪片段"),
        ("read the state (`nemo state`)", "读取状态（`nemo state`）"),
        ("ask for the change in chat", "在对话中提出修改"),
    ]


@pytest.mark.parametrize(
    ("text", "translated", "hints"),
    [
        (
            "Your video is ready. Click the Export button to download your video.",
            "Your video is ready. Run the export (`nemo export`, or the render API).",
            [EXPORT_EN],
        ),
        ("Open the panel on the right to fine-tune it.", "Ask for the change in chat.", [PANEL_EN]),
        ("You can drag the clip to adjust its position.", "Ask in chat to move or trim the clip.", [DRAG_EN]),
        ("Preview it in the timeline before exporting.", "Read the state (`nemo state`).", [PREVIEW_EN]),
        ("Click the clip and drag it to 5s.", "Ask in chat to move or trim the clip.", [DRAG_EN]),
        ("点击导出按钮即可下载视频。", "运行导出（`nemo export`）。", [EXPORT_ZH]),
        ("打开右侧面板进行微调。", "在对话中提出修改。", [PANEL_ZH]),
        ("拖拽片段可以调整位置。", "在对话中要求移动或裁剪片段。", [DRAG_ZH]),
        ("导出前可以在时间线上预览。", "读取状态（`nemo state`）。", [PREVIEW_ZH]),
        (
            "已添加标题。点击导出按钮即可导出 1080p MP4。",
            "已添加标题。运行导出（`nemo export`）。",
            [EXPORT_ZH],
        ),
        (
            "Done.\n\n- Drag the clip to move it.\n- Click Export.",
            f"Done.\n\n- {DRAG_EN[0].upper()}{DRAG_EN[1:]}.\n- {EXPORT_EN[0].upper()}{EXPORT_EN[1:]}.",
            [DRAG_EN, EXPORT_EN],
        ),
        ("Added a 3.5s title. Export is free.", "Added a 3.5s title. Export is free.", []),
        ("", "", []),
    ],
)
def test_gui_sentences_become_what_an_api_client_can_do(text: str, translated: str, hints: list[str]) -> None:
    assert translate_gui(text) == (translated, hints)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Added the title.\n\nI encountered a temporary issue.", "Added the title."),
        ("Added the title. I encountered a temporary issue", "Added the title."),
        ("Added the title.\n\ni ENCOUNTERED a temporary issue.  \n", "Added the title."),
        ("I encountered a temporary issue.", "I encountered a temporary issue."),
        ("\n  I encountered a temporary issue.", "\n  I encountered a temporary issue."),
        ("I encountered a temporary issue. Then I fixed it.", "I encountered a temporary issue. Then I fixed it."),
        ("Nothing odd here.", "Nothing odd here."),
    ],
)
def test_a_trailing_temporary_issue_is_dropped_after_a_normal_answer(text: str, kept: str) -> None:
    assert strip_temporary_issue(text) == kept
