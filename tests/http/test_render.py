"""Export over HTTP: submit, poll along the virtual clock, cancel, download a real MP4."""

from __future__ import annotations

import io
from typing import Any

import av
import pytest
from fastapi.testclient import TestClient

from simulator.domain.accounts import Plan
from simulator.world import World
from tests.http.conftest import ATTRIBUTION, Api, error_of

SUBMIT = "/api/render/proxy/lambda"


def draft(seconds: int = 4) -> dict[str, Any]:
    return {
        "t": [
            {"tt": 0, "sg": [{"st": 0, "d": seconds * 1000, "m": {"title": "city timelapse"}}]},
            {"tt": 7, "sg": [{"st": 0, "d": 1000, "m": {"text": "Urban Dreams"}}]},
        ],
        "d": seconds * 1000,
        "m": {"title": "demo", "width": 1280, "height": 720},
    }


def submit(client: TestClient, headers: dict[str, str], session_id: str, job_id: str, **extra: Any):
    body = {"id": job_id, "sessionId": session_id, "draft": draft(), **extra}
    return client.post(SUBMIT, headers=headers, json=body)


@pytest.fixture
def owner(api: Api) -> tuple[dict[str, str], str]:
    headers = api.auth()
    return headers, api.session(headers)


def test_job_walks_pending_processing_completed_on_the_virtual_clock(
    client: TestClient, world: World, owner: tuple[dict[str, str], str]
) -> None:
    headers, session_id = owner
    first = submit(client, headers, session_id, "render_1").json()
    assert (first["status"], first["progress"], first["taskId"]) == ("pending", 5, "render_1")

    world.clock.advance(10)
    middle = client.get(f"{SUBMIT}/render_1", headers=headers).json()
    assert middle["status"] == "processing" and 5 < middle["progress"] < 100
    assert "output" not in middle

    world.clock.advance(40)
    done = client.get(f"{SUBMIT}/render_1", headers=headers).json()
    assert (done["status"], done["progress"]) == ("completed", 100)
    assert 26_000 <= done["completedAt"] - done["createdAt"] <= 36_000  # the documented ~30 s
    assert done["output"]["duration"] == 4.0
    assert done["output"]["url"].startswith("http://testserver/cdn/renders/")

    from_cdn = client.get(done["output"]["url"])
    from_proxy = client.get("/api/render/proxy/render_1/download", headers=headers)
    for answer in (from_cdn, from_proxy):
        assert answer.status_code == 200 and answer.headers["content-type"] == "video/mp4"
    assert from_cdn.content == from_proxy.content
    assert len(from_cdn.content) == done["output"]["size"]
    assert_playable(from_cdn.content, seconds=4.0, size=(1920, 1080))


def assert_playable(content: bytes, *, seconds: float, size: tuple[int, int]) -> None:
    """Decode every frame with FFmpeg (PyAV), as a standard player would."""
    with av.open(io.BytesIO(content)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == size
        assert container.streams.audio, "an MP4 from the service carries an audio track"
        frames = sum(1 for _ in container.decode(video=0))
        assert frames == round(seconds * 25)
        assert container.duration / 1_000_000 == pytest.approx(seconds, abs=0.1)


def test_resolution_and_canvas_shape_the_output(
    client: TestClient, world: World, owner: tuple[dict[str, str], str]
) -> None:
    headers, session_id = owner
    world.sessions.get(world.accounts.users()[0].user_id, session_id).canvas_config.update(
        width=1080, height=1920, aspect_ratio="9:16"
    )
    submit(client, headers, session_id, "render_portrait", output={"format": "mp4", "resolution": "720p"})
    world.clock.advance(60)
    content = client.get("/api/render/proxy/render_portrait/download", headers=headers).content
    assert_playable(content, seconds=4.0, size=(720, 1280))


def test_submit_is_idempotent_per_id_and_a_different_request_is_409(
    client: TestClient, owner: tuple[dict[str, str], str]
) -> None:
    headers, session_id = owner
    first = submit(client, headers, session_id, "render_same").json()
    again = submit(client, headers, session_id, "render_same").json()
    assert again == first
    other = client.post(
        SUBMIT, headers=headers, json={"id": "render_same", "sessionId": session_id, "draft": draft(seconds=9)}
    )
    assert error_of(other) == (409, 409)
    assert "new id" in other.json()["message"]


def test_a_draft_that_cannot_be_exported_is_a_clear_400(client: TestClient, owner: tuple[dict[str, str], str]) -> None:
    headers, session_id = owner
    for empty in ({"t": [], "d": 0, "m": {}}, {"t": [{"tt": 0, "sg": []}], "d": 0, "m": {}}):
        answer = client.post(SUBMIT, headers=headers, json={"id": "render_e", "sessionId": session_id, "draft": empty})
        assert error_of(answer) == (400, 400)
        assert "segment" in answer.json()["message"]


def test_cancel_works_on_running_jobs_only(client: TestClient, world: World, owner: tuple[dict[str, str], str]) -> None:
    headers, session_id = owner
    submit(client, headers, session_id, "render_cancel")
    world.clock.advance(5)
    cancelled = client.post(f"{SUBMIT}/render_cancel/cancel", headers=headers).json()
    assert cancelled["status"] == "cancelled"
    world.clock.advance(60)
    assert client.get(f"{SUBMIT}/render_cancel", headers=headers).json()["status"] == "cancelled"
    assert error_of(client.get("/api/render/proxy/render_cancel/download", headers=headers)) == (409, 409)

    submit(client, headers, session_id, "render_done")
    world.clock.advance(60)
    assert error_of(client.post(f"{SUBMIT}/render_done/cancel", headers=headers)) == (409, 409)


def test_download_before_completion_is_409(client: TestClient, owner: tuple[dict[str, str], str]) -> None:
    headers, session_id = owner
    submit(client, headers, session_id, "render_early")
    answer = client.get("/api/render/proxy/render_early/download", headers=headers)
    assert error_of(answer) == (409, 409)
    assert "pending" in answer.json()["message"]


def test_jobs_are_private_to_their_user(api: Api, client: TestClient, owner: tuple[dict[str, str], str]) -> None:
    headers, session_id = owner
    submit(client, headers, session_id, "render_private")
    stranger = api.auth("stranger")
    for answer in (
        client.get(f"{SUBMIT}/render_private", headers=stranger),
        client.post(f"{SUBMIT}/render_private/cancel", headers=stranger),
        client.get("/api/render/proxy/render_private/download", headers=stranger),
        client.get(f"{SUBMIT}/render_unknown", headers=stranger),
    ):
        assert error_of(answer) == (404, 404)
    # Submitting into someone else's session is an unknown session.
    assert error_of(submit(client, stranger, session_id, "render_theirs")) == (404, 1002)


def test_export_costs_no_credits(api: Api, client: TestClient, world: World, owner) -> None:
    headers, session_id = owner
    before = api.credits(headers)
    submit(client, headers, session_id, "render_free")
    world.clock.advance(60)
    client.get("/api/render/proxy/render_free/download", headers=headers)
    assert api.credits(headers) == before


def test_unattributed_export_is_402_once_free_credits_are_used_up(
    api: Api, client: TestClient, world: World, owner: tuple[dict[str, str], str]
) -> None:
    headers, session_id = owner
    bare = {"Authorization": headers["Authorization"]}
    assert submit(client, bare, session_id, "render_a").status_code == 200  # credits left: allowed

    user = world.accounts.users()[0]
    world.ledger.set_available(user.user_id, 0, "test: credits used up", world.clock.now())
    answer = submit(client, bare, session_id, "render_b")
    assert error_of(answer) == (402, 402)
    assert "X-Skill-Source" in answer.json()["message"]
    assert submit(client, {**bare, **ATTRIBUTION}, session_id, "render_b").status_code == 200


def test_a_plan_can_block_export_at_any_time(client: TestClient, world: World, owner) -> None:
    headers, session_id = owner
    world.accounts.users()[0].plan = Plan.EXPORT_BLOCKED
    answer = submit(client, headers, session_id, "render_blocked")
    assert error_of(answer) == (402, 402)
    assert "plan" in answer.json()["message"]


def test_a_failing_render_says_so(client: TestClient, world: World, owner) -> None:
    headers, session_id = owner
    world.config.render.failure_rate = 1.0
    submit(client, headers, session_id, "render_fail")
    world.clock.advance(60)
    failed = client.get(f"{SUBMIT}/render_fail", headers=headers).json()
    assert failed["status"] == "failed" and failed["progress"] < 100
    assert "new id" in failed["error"]


def test_wrapped_answer_style_puts_status_and_output_url_inside_data(client: TestClient, world: World, owner) -> None:
    headers, session_id = owner
    world.config.render.answer_style = "wrapped"
    first = submit(client, headers, session_id, "render_w").json()
    assert first["success"] is True and first["data"]["status"] == "pending" and first["data"]["progress"] == 5
    world.clock.advance(60)
    done = client.get(f"{SUBMIT}/render_w", headers=headers).json()
    assert "status" not in done
    assert done["data"]["status"] == "completed" and done["data"]["outputUrl"].endswith(".mp4")
    assert client.get(done["data"]["outputUrl"]).status_code == 200
    missing = client.get(f"{SUBMIT}/render_nope", headers=headers)
    assert missing.status_code == 404 and missing.json()["success"] is False and missing.json()["error"]
