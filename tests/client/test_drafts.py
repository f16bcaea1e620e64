"""The client's words for drafts and changes: the facts document's track summary, missing
keys tolerated, one line per change, and properties tying `changed_tracks` to
`describe_changes`; then a real chat edit read from the simulator."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.drafts import changed_tracks, describe_changes, track_summary
from simulator.config import SimConfig
from simulator.testing import InProcessSimulator

URL = "https://cdn.example/render_x.mp4"
ATTRIBUTION = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9.0", "X-Skill-Platform": "clawhub"}
TRACK_LINE_PREFIXES = ("Video ", "Audio ", "BGM ", "Title ", "Caption ")

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


# Any JSON value, where a real service might put something odd.
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
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
                {}, optional={"id": st.text(max_size=3), "type": st.text(max_size=5), "duration": ANY_JSON}
            )
        ),
        "video_infos": st.lists(st.dictionaries(st.sampled_from(["filename", "cdn_url", "file_type"]), ANY_JSON)),
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
