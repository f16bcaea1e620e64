"""The draft-edit rules of simulator/domain/edits.py, in plain Python.

Pins what each edit (Merge, AddMusic, AddText, Trim, SetCanvas, RemoveTracks,
GenerateClip, PostProduce) does to a session's draft, canvas and generated media, when
it is rejected and with what words, that `rehearse` tries edits in order on a copy, the
facts `apply` returns, and the tool call each edit is shown as. Every draft an edit
leaves behind is validated against the published openapi.yaml (Draft, CanvasConfig).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from simulator.domain.drafts import TrackType, duration_ms, track_summary
from simulator.domain.edits import (
    AddMusic,
    AddText,
    EditRejected,
    GenerateClip,
    Merge,
    PostProduce,
    RemoveTracks,
    SetCanvas,
    Trim,
    apply,
    rehearse,
    tool_args,
    tool_of,
)
from simulator.domain.sessions import Session

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"


# -- the contract ----------------------------------------------------------------------


@cache
def schema_validator(name: str) -> Draft202012Validator:
    components = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))["components"]
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": components})


def schema_errors(name: str, instance: Any) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in schema_validator(name).iter_errors(instance)]


def assert_within_contract(session: Session) -> None:
    assert schema_errors("Draft", session.draft) == []
    assert schema_errors("CanvasConfig", session.canvas_config) == []


# -- sessions, media and edits ----------------------------------------------------------


def media(filename: str, file_type: str, seconds: float | None) -> dict[str, Any]:
    return {
        "filename": filename,
        "file_type": file_type,
        "cdn_url": f"http://x/cdn/uploads/{filename}",
        "duration": seconds,
        "width": 320 if file_type != "audio" else None,
        "height": 240 if file_type != "audio" else None,
        "fps": 25 if file_type == "video" else None,
        "hash": "ab",
        "size": 10,
    }


def video(filename: str = "city.mp4", seconds: float | None = 5.0) -> dict[str, Any]:
    return media(filename, "video", seconds)


def audio(filename: str = "song.mp3", seconds: float | None = 3.0) -> dict[str, Any]:
    return media(filename, "audio", seconds)


def image(filename: str = "poster.png") -> dict[str, Any]:
    return media(filename, "image", None)


def new_session(*uploads: dict[str, Any]) -> Session:
    session = Session(session_id="1", task_id="2", task_name="p", language="en", user_id="anon_x", created_at=0.0)
    session.video_infos.extend(uploads)
    return session


def applied(session: Session, edit: Any) -> dict[str, Any]:
    """Apply `edit`; the draft and canvas it leaves must stay within the contract."""
    facts = apply(session, edit)
    assert_within_contract(session)
    return facts


def assert_facts(facts: dict[str, Any], **expected: Any) -> None:
    assert {key: facts.get(key) for key in expected} == expected


def applied_all(session: Session, *edits: Any) -> Session:
    for edit in edits:
        applied(session, edit)
    return session


def rejection(session: Session, edit: Any) -> str:
    """Why `edit` is rejected; a rejected edit leaves the draft as it was."""
    before = copy.deepcopy(session.draft)
    with pytest.raises(EditRejected) as caught:
        apply(session, edit)
    assert session.draft == before
    assert_within_contract(session)
    return str(caught.value)


def merged(*uploads: dict[str, Any]) -> Session:
    return applied_all(new_session(*uploads), Merge())


def tracks_of(session: Session, kind: TrackType | None = None, role: str | None = None) -> list[dict[str, Any]]:
    return [
        track
        for track in session.draft["t"]
        if (kind is None or track["tt"] == kind) and (role is None or track["m"].get("role") == role)
    ]


def only_track(session: Session, kind: TrackType, role: str | None = None) -> dict[str, Any]:
    found = tracks_of(session, kind, role)
    assert len(found) == 1, session.draft["t"]
    return found[0]


def spans(track: dict[str, Any]) -> list[tuple[int, int]]:
    return [(segment["st"], segment["d"]) for segment in track["sg"]]


def roles(session: Session) -> list[tuple[int, str | None]]:
    return [(track["tt"], track["m"].get("role")) for track in session.draft["t"]]


def fully_edited() -> Session:
    """Main video and audio, background music, a title and a caption: five tracks."""
    return applied_all(
        new_session(video("city.mp4", 5.0), audio("voice.mp3", 5.0)),
        Merge(),
        AddMusic(style="Lo-fi"),
        AddText("Urban Dreams"),
        AddText("hello there", 1000, 2000, role="caption"),
    )


MAIN_VIDEO, MAIN_AUDIO = (TrackType.VIDEO, "main"), (TrackType.AUDIO, "main")
BGM, TITLE, CAPTION = (TrackType.AUDIO, "bgm"), (TrackType.TEXT, "title"), (TrackType.TEXT, "caption")


# -- Merge ------------------------------------------------------------------------------


def test_merge_puts_the_video_on_track_type_0_and_the_audio_on_track_type_1():
    session = new_session(video("city.mp4", 5.0), audio("song.mp3", 3.0))
    facts = applied(session, Merge())
    assert roles(session) == [MAIN_VIDEO, MAIN_AUDIO]
    video_track, audio_track = session.draft["t"]
    assert video_track["m"]["name"] == "city" and audio_track["m"] == {"name": "song", "role": "main", "volume": 100}
    assert video_track["sg"] == [
        {"id": "video-1-1", "st": 0, "d": 5000, "m": {"title": "city.mp4", "src": "http://x/cdn/uploads/city.mp4"}}
    ]
    assert spans(audio_track) == [(0, 3000)]
    assert session.draft["d"] == 5000
    assert_facts(
        facts, mismatch_ms=-2000, video_ms=5000, audio_ms=3000, video_files=["city.mp4"], audio_files=["song.mp3"]
    )


def test_merge_cuts_audio_longer_than_the_video_to_the_videos_length():
    session = new_session(video(seconds=5.0), audio(seconds=8.0))
    facts = applied(session, Merge())
    assert spans(only_track(session, *MAIN_AUDIO)) == [(0, 5000)]
    assert session.draft["d"] == 5000
    assert_facts(facts, mismatch_ms=3000, audio_ms=8000)


def test_merge_ignores_a_mismatch_within_the_tolerance():
    assert applied(new_session(video(seconds=5.0), audio(seconds=5.05)), Merge())["mismatch_ms"] == 0


def test_merge_plays_several_videos_one_after_another():
    session = merged(video("a.mp4", 2.0), video("b.mp4", 3.0), audio(seconds=5.0))
    main = only_track(session, *MAIN_VIDEO)
    assert spans(main) == [(0, 2000), (2000, 3000)]
    assert [segment["m"]["title"] for segment in main["sg"]] == ["a.mp4", "b.mp4"]
    assert session.draft["d"] == 5000


def test_merge_counts_url_uploads_without_a_duration_as_10s_and_images_as_3s():
    session = new_session(video("remote.mp4", None), image("poster.png"), audio(seconds=13.0))
    facts = applied(session, Merge())
    assert spans(only_track(session, *MAIN_VIDEO)) == [(0, 10_000), (10_000, 3000)]
    assert facts["video_ms"] == 13_000 and facts["mismatch_ms"] == 0


def test_merge_counts_an_audio_url_upload_as_10s():
    facts = applied(new_session(video(seconds=5.0), audio(seconds=None)), Merge())
    assert facts["audio_ms"] == 10_000 and facts["mismatch_ms"] == 5000


def test_merging_twice_replaces_the_main_tracks():
    session = merged(video(), audio())
    first = copy.deepcopy(session.draft)
    applied(session, Merge())
    assert session.draft == first
    assert roles(session) == [MAIN_VIDEO, MAIN_AUDIO]


def test_merge_keeps_text_and_background_music_after_the_main_tracks():
    session = applied_all(new_session(video(), audio()), AddText("Hi"), AddMusic(style="Lo-fi"), Merge())
    assert roles(session) == [MAIN_VIDEO, MAIN_AUDIO, TITLE, BGM]
    assert only_track(session, *TITLE)["sg"][0]["m"] == {"text": "Hi"}
    assert len({track["id"] for track in session.draft["t"]}) == 4


@pytest.mark.parametrize(
    ("uploads", "missing"),
    [((video(),), "upload an audio file"), ((audio(),), "upload a video"), ((), "upload a video")],
)
def test_merge_without_a_video_or_an_audio_file_says_what_to_upload(uploads, missing):
    message = rejection(new_session(*uploads), Merge())
    assert "needs a video and an audio file" in message and missing in message


# -- AddMusic ---------------------------------------------------------------------------


def test_a_music_style_on_an_empty_timeline_gives_10s_of_background_music():
    session = new_session()
    facts = applied(session, AddMusic(style="Lo-fi"))
    bgm = only_track(session, *BGM)
    assert bgm["m"] == {"name": "Lo-fi", "role": "bgm", "volume": 30.0}
    assert bgm["sg"] == [
        {"id": "audio-1-1", "st": 0, "d": 10_000, "m": {"title": "Lo-fi", "src": "library://bgm/lo-fi"}}
    ]
    assert facts["music"] == "Lo-fi" and facts["volume"] == 30.0
    assert (facts["start_ms"], facts["end_ms"]) == (0, 10_000)


def test_background_music_spans_the_timeline_at_the_asked_volume():
    session = merged(video(seconds=5.0), audio(seconds=5.0))
    applied(session, AddMusic(style="Soft Piano", volume=45))
    bgm = only_track(session, *BGM)
    assert spans(bgm) == [(0, 5000)] and bgm["m"]["volume"] == 45
    assert bgm["sg"][0]["m"]["src"] == "library://bgm/soft-piano"
    assert session.draft["d"] == 5000


def test_music_without_a_style_uses_the_last_uploaded_audio():
    session = new_session(audio("first.mp3"), video(), audio("second.mp3"))
    applied(session, AddMusic())
    bgm = only_track(session, *BGM)
    assert bgm["m"]["name"] == "second"
    assert bgm["sg"][0]["m"] == {"title": "second", "src": "http://x/cdn/uploads/second.mp3"}


def test_music_without_a_style_or_an_uploaded_audio_is_rejected():
    message = rejection(new_session(video()), AddMusic())
    assert "Upload an audio file" in message and "style" in message


def test_adding_music_twice_keeps_one_background_music_track():
    session = applied_all(new_session(), AddMusic(style="Lo-fi"), AddMusic(style="Jazz", volume=50))
    assert only_track(session, *BGM)["m"] == {"name": "Jazz", "role": "bgm", "volume": 50}


# -- AddText ----------------------------------------------------------------------------


def test_a_title_is_a_text_segment_over_its_range():
    session = new_session()
    facts = applied(session, AddText("Urban Dreams", 1000, 4000))
    title = only_track(session, *TITLE)
    assert title["m"] == {"name": "Title", "role": "title"}
    assert title["sg"] == [{"id": "text-1-1", "st": 1000, "d": 3000, "m": {"text": "Urban Dreams"}}]
    assert_facts(facts, text="Urban Dreams", role="title", start_ms=1000, end_ms=4000)
    assert session.draft["d"] == 4000


def test_a_second_title_joins_the_title_track_in_start_order():
    session = applied_all(new_session(), AddText("Later", 5000, 6000), AddText("First", 0, 2000))
    title = only_track(session, *TITLE)
    assert [(segment["st"], segment["m"]["text"]) for segment in title["sg"]] == [(0, "First"), (5000, "Later")]


def test_a_caption_goes_on_its_own_text_track():
    session = applied_all(new_session(), AddText("Title"), AddText("said words", 500, 1500, role="caption"))
    assert roles(session) == [TITLE, CAPTION]
    assert only_track(session, *CAPTION)["m"]["name"] == "Caption"
    assert spans(only_track(session, *CAPTION)) == [(500, 1000)]


@pytest.mark.parametrize(("start", "end"), [(3000, 3000), (3000, 1000)])
def test_text_that_ends_before_it_starts_is_rejected(start, end):
    assert "end time after its start" in rejection(new_session(), AddText("x", start, end))


# -- Trim -------------------------------------------------------------------------------


def test_trim_keeps_a_range_and_moves_it_to_zero():
    session = merged(video("a.mp4", 4.0), video("b.mp4", 4.0), audio(seconds=8.0))
    facts = applied(session, Trim(2000, 6000))
    main = only_track(session, *MAIN_VIDEO)
    assert spans(main) == [(0, 2000), (2000, 2000)]
    assert [segment["m"]["trim"] for segment in main["sg"]] == [2000, 0]
    assert spans(only_track(session, *MAIN_AUDIO)) == [(0, 4000)]
    assert only_track(session, *MAIN_AUDIO)["sg"][0]["m"]["trim"] == 2000
    assert session.draft["d"] == 4000
    assert_facts(facts, start_ms=2000, end_ms=6000, before_ms=8000)


def test_trim_offsets_add_up_over_successive_trims():
    session = applied_all(merged(video(seconds=5.0), audio(seconds=5.0)), Trim(1000, None), Trim(500, None))
    assert only_track(session, *MAIN_VIDEO)["sg"][0]["m"]["trim"] == 1500
    assert session.draft["d"] == 3500


def test_trim_drops_segments_and_tracks_outside_the_range():
    session = applied_all(
        merged(video("a.mp4", 4.0), video("b.mp4", 4.0), audio(seconds=8.0)),
        AddText("Bye", 6000, 7000),
        AddText("Hi", 0, 1000, role="caption"),
        Trim(0, 3000),
    )
    assert roles(session) == [MAIN_VIDEO, MAIN_AUDIO, CAPTION]
    assert [segment["m"]["title"] for segment in only_track(session, *MAIN_VIDEO)["sg"]] == ["a.mp4"]
    assert only_track(session, *CAPTION)["sg"][0]["m"] == {"text": "Hi"}
    assert session.draft["d"] == 3000


def test_trim_past_the_end_of_the_timeline_stops_at_the_end():
    session = merged(video(seconds=5.0), audio(seconds=5.0))
    facts = applied(session, Trim(1000, 60_000))
    assert facts["end_ms"] == 5000 and session.draft["d"] == 4000


def test_trimming_an_empty_timeline_is_rejected():
    assert "timeline is empty" in rejection(new_session(video(), audio()), Trim(0, 2000))


@pytest.mark.parametrize("edit", [Trim(6000, 9000), Trim(5000, None), Trim(2000, 2000)])
def test_a_trim_that_keeps_nothing_is_rejected(edit):
    assert "only 5s long; that range keeps nothing" in rejection(merged(video(seconds=5.0), audio(seconds=5.0)), edit)


# -- SetCanvas --------------------------------------------------------------------------


def test_a_9_16_canvas_at_1080p_is_1080_by_1920():
    session = new_session()
    facts = applied(session, SetCanvas(aspect=(9, 16), resolution="1080p"))
    assert session.canvas_config == {"width": 1080, "height": 1920, "aspect_ratio": "9:16"}
    assert session.draft["m"] == {"width": 1080, "height": 1920}
    assert_facts(facts, width=1080, height=1920, aspect_ratio="9:16")


@pytest.mark.parametrize(
    ("first", "resolution", "canvas"),
    [
        (None, "720p", {"width": 1280, "height": 720, "aspect_ratio": "16:9"}),
        (None, "4k", {"width": 3840, "height": 2160, "aspect_ratio": "16:9"}),
        ((9, 16), "720p", {"width": 720, "height": 1280, "aspect_ratio": "9:16"}),
    ],
)
def test_a_resolution_alone_keeps_the_aspect(first, resolution, canvas):
    session = new_session()
    if first:
        applied(session, SetCanvas(aspect=first))
    applied(session, SetCanvas(resolution=resolution))
    assert session.canvas_config == canvas
    assert session.draft["m"] == {"width": canvas["width"], "height": canvas["height"]}


@pytest.mark.parametrize(
    ("aspect", "canvas"),
    [
        ((9, 16), {"width": 1080, "height": 1920, "aspect_ratio": "9:16"}),
        ((1, 1), {"width": 1080, "height": 1080, "aspect_ratio": "1:1"}),
        ((4, 3), {"width": 1440, "height": 1080, "aspect_ratio": "4:3"}),
    ],
)
def test_an_aspect_alone_keeps_the_short_side(aspect, canvas):
    session = new_session()
    applied(session, SetCanvas(aspect=aspect))
    assert session.canvas_config == canvas


# -- RemoveTracks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "left"),
    [
        ("music", [MAIN_VIDEO, MAIN_AUDIO, TITLE, CAPTION]),
        ("audio", [MAIN_VIDEO, TITLE, CAPTION]),
        ("video", [MAIN_AUDIO, BGM, TITLE, CAPTION]),
        ("title", [MAIN_VIDEO, MAIN_AUDIO, BGM, CAPTION]),
        ("caption", [MAIN_VIDEO, MAIN_AUDIO, BGM, TITLE]),
        ("text", [MAIN_VIDEO, MAIN_AUDIO, BGM]),
    ],
)
def test_remove_tracks_by_kind(target, left):
    session = fully_edited()
    assert roles(session) == [MAIN_VIDEO, MAIN_AUDIO, BGM, TITLE, CAPTION]
    applied(session, RemoveTracks(target))
    assert roles(session) == left


def test_remove_a_track_by_its_1_based_number():
    session = fully_edited()
    facts = applied(session, RemoveTracks(2))
    assert roles(session) == [MAIN_VIDEO, BGM, TITLE, CAPTION]
    assert facts["removed"] == ["audio: voice"]


def test_removing_background_music_names_it():
    facts = applied(fully_edited(), RemoveTracks("music"))
    assert facts["removed"] == ["audio: Lo-fi"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("music", "no background music"),
        ("caption", "no caption track"),
        ("text", "no text track"),
        (3, "no track 3"),
        (0, "no track 0"),
    ],
)
def test_removing_what_is_not_there_is_rejected(target, words):
    assert words in rejection(merged(video(), audio()), RemoveTracks(target))


# -- GenerateClip and PostProduce -------------------------------------------------------


CLIP = GenerateClip(
    prompt="a neon city at night in the rain with cars",
    duration_ms=8000,
    media_id="gen_1",
    url="http://x/cdn/gen/1.mp4",
)


def test_a_generated_clip_is_recorded_and_placed_on_a_new_video_track():
    session = new_session()
    facts = applied(session, CLIP)
    assert session.generated_media == [
        {
            "id": "gen_1",
            "type": "video",
            "prompt": CLIP.prompt,
            "url": "http://x/cdn/gen/1.mp4",
            "duration": 8.0,
            "width": 1920,
            "height": 1080,
        }
    ]
    main = only_track(session, *MAIN_VIDEO)
    assert main["m"]["name"] == "a neon city at night in"
    assert main["sg"] == [
        {"id": "video-1-1", "st": 0, "d": 8000, "m": {"title": "a neon city at night in", "src": CLIP.url}}
    ]
    assert_facts(facts, media_id="gen_1", url=CLIP.url, clip_ms=8000)
    assert session.draft["d"] == 8000


def test_a_generated_clip_follows_an_existing_main_video():
    session = merged(video(seconds=5.0), audio(seconds=5.0))
    applied(session, GenerateClip(prompt="sunset", duration_ms=4000, media_id="gen_2", url="http://x/cdn/gen/2.mp4"))
    main = only_track(session, TrackType.VIDEO)
    assert spans(main) == [(0, 5000), (5000, 4000)]
    assert main["sg"][1]["m"]["src"] == "http://x/cdn/gen/2.mp4"
    assert session.draft["d"] == 9000


def test_a_generated_clip_uses_the_canvas_size():
    session = applied_all(new_session(), SetCanvas(aspect=(9, 16)), CLIP)
    assert (session.generated_media[0]["width"], session.generated_media[0]["height"]) == (1080, 1920)


def test_post_production_adds_music_a_title_and_a_grade():
    session = applied_all(new_session(), CLIP)
    facts = applied(session, PostProduce(prompt=CLIP.prompt))
    assert roles(session) == [MAIN_VIDEO, BGM, TITLE]
    bgm = only_track(session, *BGM)
    assert bgm["m"]["name"] == "Ambient" and spans(bgm) == [(0, 8000)]
    title = only_track(session, *TITLE)
    assert title["sg"][0]["m"] == {"text": "A Neon City At Night In"} and spans(title) == [(0, 3000)]
    assert all(segment["m"]["style"] == "grade:cinematic" for segment in only_track(session, *MAIN_VIDEO)["sg"])
    assert_facts(facts, music="Ambient", volume=30, title="A Neon City At Night In", grade="cinematic")


def test_post_production_of_a_short_clip_keeps_the_title_within_it():
    session = applied_all(new_session(), GenerateClip(prompt="rain", duration_ms=2000, media_id="g", url="http://x/g"))
    applied(session, PostProduce(prompt="rain"))
    assert spans(only_track(session, *TITLE)) == [(0, 2000)]
    assert session.draft["d"] == 2000


# -- rehearse ---------------------------------------------------------------------------


def test_rehearsal_lets_later_edits_see_earlier_ones():
    session = new_session(video(), audio())
    assert rehearse(session, [Merge(), Trim(0, 2000)]) == [None, None]
    assert rehearse(session, [Trim(0, 2000)]) == ["The timeline is empty, so there is nothing to trim yet."]


def test_rehearsal_reports_each_edits_problem():
    session = new_session(video(), audio())
    problems = rehearse(
        session,
        [
            Trim(0, 1000),
            Merge(),
            RemoveTracks("caption"),
            AddText("hi", 0, 1000, role="caption"),
            RemoveTracks("caption"),
            AddText("x", 2000, 1000),
        ],
    )
    assert problems == [
        "The timeline is empty, so there is nothing to trim yet.",
        None,
        "There is no caption track on the timeline to remove.",
        None,
        None,
        "The text needs an end time after its start time.",
    ]


def test_rehearsal_leaves_the_session_unchanged():
    session = applied_all(new_session(video(), audio()), AddText("Hello"))
    before = copy.deepcopy(session.state())
    problems = rehearse(
        session,
        [Merge(), SetCanvas(aspect=(9, 16), resolution="720p"), CLIP, AddMusic(), Trim(0, 1000), RemoveTracks(1)],
    )
    assert problems == [None] * 6
    assert session.state() == before


# -- apply's facts ----------------------------------------------------------------------


EVERY_EDIT = [
    Merge(),
    AddMusic(style="Lo-fi", volume=35),
    AddText("Urban Dreams", 0, 3000),
    AddText("words", 1000, 2000, role="caption"),
    SetCanvas(aspect=(1, 1), resolution="720p"),
    CLIP,
    PostProduce(prompt=CLIP.prompt),
    Trim(1000, 9000),
    RemoveTracks("caption"),
    RemoveTracks(1),
]


def test_apply_reports_success_the_operation_and_the_timeline():
    session = new_session(video(seconds=5.0), audio(seconds=5.0))
    for edit in EVERY_EDIT:
        facts = applied(session, edit)
        assert facts["status"] == "success"
        assert facts["operation"] == edit.operation
        assert facts["duration_ms"] == session.draft["d"] == duration_ms(session.draft)
        assert facts["timeline"] == track_summary(session.draft)


def test_the_timeline_fact_reads_like_the_skills():
    facts = applied(merged(video("city.mp4", 5.0), audio("song.mp3", 3.0)), AddMusic(style="Lo-fi", volume=35))
    assert (
        facts["timeline"]
        == "Timeline (3 tracks): 1. Video: city (0-5s) 2. Audio: song (0-3s, 100%) 3. BGM: Lo-fi (0-5s, 35%)"
    )


# -- the tool call each edit is shown as ------------------------------------------------


def test_a_generated_clip_is_a_generate_video_call_in_seconds():
    assert tool_of(CLIP) == "generate_video"
    assert tool_args(GenerateClip(prompt="rain", duration_ms=4500)) == {"prompt": "rain", "duration": 4.5}


@pytest.mark.parametrize(
    ("edit", "args"),
    [
        (Merge(), {"operation": "merge"}),
        (AddMusic(style="Lo-fi"), {"operation": "add_music", "style": "Lo-fi", "volume": 30.0}),
        (AddMusic(), {"operation": "add_music", "volume": 30.0}),
        (
            AddText("Hi", 0, 2000, role="caption"),
            {"operation": "add_text", "text": "Hi", "start_ms": 0, "end_ms": 2000, "role": "caption"},
        ),
        (Trim(1000, None), {"operation": "trim", "start_ms": 1000}),
        (Trim(0, 2000), {"operation": "trim", "start_ms": 0, "end_ms": 2000}),
        (
            SetCanvas(aspect=(9, 16), resolution="1080p"),
            {"operation": "set_canvas", "aspect": "9:16", "resolution": "1080p"},
        ),
        (SetCanvas(resolution="720p"), {"operation": "set_canvas", "resolution": "720p"}),
        (RemoveTracks("music"), {"operation": "remove_tracks", "target": "music"}),
        (RemoveTracks(2), {"operation": "remove_tracks", "target": 2}),
        (PostProduce(prompt="rain"), {"operation": "post_production", "prompt": "rain"}),
    ],
)
def test_other_edits_are_edit_multitrack_calls_with_their_operation(edit, args):
    assert tool_of(edit) == "edit_multitrack"
    assert tool_args(edit) == args


# -- the contract at its limits ---------------------------------------------------------


def test_merge_of_an_upload_with_a_long_name_stays_within_the_contract():
    long_name = "v" * 250 + ".mp4"
    applied(new_session(video(long_name, 5.0), audio(seconds=5.0)), Merge())


def test_merge_of_more_clips_than_a_track_may_hold_is_rejected_or_stays_within_the_contract():
    session = new_session(*(video(f"clip{n}.mp4", 1.0) for n in range(70)), audio(seconds=70.0))
    try:
        apply(session, Merge())
    except EditRejected:
        return
    assert_within_contract(session)


def test_segment_ids_stay_unique_within_a_track():
    session = applied_all(
        new_session(), AddText("one", 0, 1000), AddText("two", 2000, 3000), Trim(1500, None), AddText("three", 0, 400)
    )
    ids = [segment["id"] for segment in only_track(session, *TITLE)["sg"]]
    assert len(ids) == len(set(ids)), ids


def test_a_text_past_a_day_is_rejected_so_the_draft_stays_within_the_contract() -> None:
    session = new_session()
    with pytest.raises(EditRejected, match="24 hours"):
        apply(session, AddText(text="forever", start_ms=0, end_ms=100_000_000_000))
    assert session.draft["t"] == []
