"""The client's recoveries and typed errors for sessions, credits, files and renders, met
for real on the live simulator: 1002 (a new session, reported), 2001, 402, 4001, 4002,
and failed or duplicate renders (once more under a new id)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from client import (
    ExportBlocked,
    FileTooLarge,
    NoCredits,
    RenderFailed,
    UnsupportedFile,
)
from simulator.control import actions
from tests.client.recovery_harness import MERGE_MESSAGE, PLAIN_AGENT, TITLE_MESSAGE, Harness, raises_without_token
from tests.support import sample_mp4

# -- 1002: a new session, reported, and the call once more there -----------------------------------------------------


def test_a_lost_session_is_replaced_reported_and_the_message_runs_on_the_new_one(harness: Harness) -> None:
    old = harness.nemo.new_session()
    harness.control.reset(user_id=harness.user_id())

    result = harness.nemo.chat(TITLE_MESSAGE)

    (replaced,) = harness.notices_of("session_replaced")
    new = replaced.data["new"]
    assert replaced.data == {"old": old, "new": new} and new != old
    assert result.session_id == new == harness.nemo.session_id
    assert result.text and result.tool_results
    assert harness.user()["sessions"] == [new]
    assert len(harness.draft_tracks(new)) == 1
    assert harness.count(operation="getSessionState", code=1002) == 1
    assert harness.count(operation="createSession") == 2
    assert harness.count(operation="runSse") == 1
    assert harness.nemo.transport.keeper.load()["session_id"] == new


# -- 2001, 402, 4001, 4002: typed errors that say what to do ---------------------------------------------------------


def test_no_credits_carries_the_register_url_of_the_anonymous_user(harness: Harness) -> None:
    harness.upload_clip_and_music()
    user_id = harness.user_id()
    harness.control.update_user(user_id, credits=0)

    with raises_without_token(NoCredits, harness) as caught:
        harness.nemo.chat(MERGE_MESSAGE)

    assert caught.value.code == 2001
    assert caught.value.register_url == f"https://nemovideo.com/register?bind={user_id}"
    assert harness.count(operation="runSse", code=2001) == 1
    assert harness.count(operation="runSse") == 1
    assert harness.user()["credits"] == {"available": 0, "frozen": 0, "total": 0}
    assert harness.draft_tracks(harness.nemo.session_id) == []


def test_a_blocked_export_is_export_blocked_and_not_retried(harness: Harness) -> None:
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.update_user(harness.user_id(), plan="export_blocked")
    credits_before = harness.user()["credits"]

    with raises_without_token(ExportBlocked, harness) as caught:
        harness.nemo.export(harness.files_dir / "out.mp4")

    assert caught.value.status == 402
    assert not isinstance(caught.value, NoCredits)  # 402 is NOT about credits
    assert harness.count(operation="submitRender", status=402) == 1
    assert harness.count(operation="submitRender") == 1
    assert harness.user()["credits"] == credits_before
    assert not (harness.files_dir / "out.mp4").exists()


def test_an_unsupported_file_lists_the_supported_formats(harness: Harness) -> None:
    notes = harness.file("notes.txt", b"not a video\n" * 100)

    with raises_without_token(UnsupportedFile, harness) as caught:
        harness.nemo.upload([notes])

    assert caught.value.code == 4001
    formats = caught.value.formats
    assert {"video", "audio", "image"} <= formats.keys()
    assert "mp4" in formats["video"] and "wav" in formats["audio"] and "png" in formats["image"]
    assert harness.count(operation="uploadMedia", code=4001) == 1
    assert harness.count(operation="uploadMedia") == 1


def test_a_file_over_the_limit_is_file_too_large_with_the_limit(harness: Harness) -> None:
    harness.control.configure({"uploads": {"max_bytes": 1000}})
    clip = harness.file("clip.mp4", sample_mp4(2000))
    assert clip.stat().st_size > 1000

    with raises_without_token(FileTooLarge, harness) as caught:
        harness.nemo.upload([clip])

    assert caught.value.code == 4002
    assert caught.value.max_bytes == 1000
    assert harness.count(operation="uploadMedia", code=4002) == 1
    assert harness.count(operation="uploadMedia") == 1


# -- renders: a failure or a taken id, once more under a new id ------------------------------------------------------


def submitted_render_ids(requests: list[httpx.Request]) -> list[str]:
    """The ids of the render jobs in the submit requests the client sent, in order."""
    return [
        json.loads(request.content)["id"]
        for request in requests
        if request.method == "POST" and request.url.path == "/api/render/proxy/lambda"
    ]


def test_a_failed_render_is_retried_once_under_a_new_id_then_render_failed(harness: Harness) -> None:
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.set_render_transition("fail")

    with raises_without_token(RenderFailed, harness):
        harness.nemo.export(harness.files_dir / "out.mp4")

    assert harness.count(operation="submitRender") == 2
    jobs = harness.control.session(harness.nemo.session_id)["jobs"]
    assert [job["status"] for job in jobs] == ["failed", "failed"]
    assert jobs[0]["id"] != jobs[1]["id"]
    assert len(harness.notices_of("render_retry")) == 1
    assert not (harness.files_dir / "out.mp4").exists()


def test_a_taken_render_id_is_retried_under_a_new_id_and_the_mp4_arrives(make_harness: Callable[..., Harness]) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(timeout=httpx.Timeout(30.0, read=120.0), event_hooks={"request": [sent.append]})
    harness = make_harness(http=http)
    harness.configure_agent(**PLAIN_AGENT)
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.set_render_transition("immediate")
    harness.control.add_fault("submitRender", actions.error(409), times=1)
    out = harness.files_dir / "out.mp4"

    result = harness.nemo.export(out)

    refused_id, accepted_id = submitted_render_ids(sent)
    assert refused_id != accepted_id == result.job_id
    assert result.attempts == 2
    assert harness.count(operation="submitRender", status=409) == 1
    assert harness.count(operation="submitRender", status=200) == 1
    jobs = harness.control.session(harness.nemo.session_id)["jobs"]
    assert [(job["id"], job["status"]) for job in jobs] == [(accepted_id, "completed")]
    content = out.read_bytes()
    assert content[4:8] == b"ftyp"
    assert result.size == len(content)


def test_an_unreachable_output_url_falls_back_to_the_download_endpoint(harness: Harness) -> None:
    harness.nemo.chat(TITLE_MESSAGE)
    harness.control.set_render_transition("immediate")
    harness.control.add_fault("getRenderedFile", actions.drop(), times=1)  # the CDN breaks off
    out = harness.files_dir / "out.mp4"

    result = harness.nemo.export(out)

    assert harness.count(operation="getRenderedFile") == 1
    assert harness.count(operation="downloadRender", status=200, attributed=True) == 1
    assert len(harness.notices_of("download_fallback")) == 1
    assert out.read_bytes()[4:8] == b"ftyp" and result.size == out.stat().st_size
    assert not list(harness.files_dir.glob("*.part"))  # the broken download left nothing behind
