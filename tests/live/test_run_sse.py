"""/run_sse against a real uvicorn server on 127.0.0.1: events read as they arrive, and
every stream checked against the event schemas of openapi.yaml once read."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from simulator.config import SimConfig
from simulator.http.app import create_app
from simulator.testing import live_server
from simulator.world import World
from tests.live.sse_reader import Received, StreamReader, meaning
from tests.support import check_against_contract, check_stream_against_contract, sample_mp4, sample_wav

MERGE = "merge this audio and video into a single MP4 file"
CREDITS = 100_000
QUIET = {"silent_rate": 0, "gui_phrase_rate": 0, "temporary_issue_rate": 0}


class Sim:
    """A live simulator with one user and one session holding a 5 s video and 3 s audio."""

    def __init__(self, world: World, base: str) -> None:
        self.world = world
        self.base = base
        self.client = httpx.Client(base_url=base, timeout=30, event_hooks={"response": [check_against_contract]})
        token = self.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "sse"}).json()["data"]
        self.user_id = token["user_id"]
        self.headers = {"Authorization": f"Bearer {token['token']}", "Accept": "text/event-stream"}
        answer = self.client.post(
            "/api/tasks/me/with-session/nemo_agent", headers=self.headers, json={"task_name": "p"}
        )
        self.session_id = answer.json()["data"]["session_id"]
        files = [("files", ("city.mp4", sample_mp4(5000), "video/mp4")), ("files", ("song.wav", sample_wav(3.0), "a"))]
        self.client.post(f"/api/upload-video/nemo_agent/me/{self.session_id}", headers=self.headers, files=files)

    def body(self, text: str, session_id: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id or self.session_id,
            "new_message": {"parts": [{"text": text}]},
            **extra,
        }

    def run(self, text: str, **extra: Any) -> list[Received]:
        with self.client.stream("POST", "/run_sse", headers=self.headers, json=self.body(text, **extra)) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            reader = StreamReader(response)
            received = list(reader.events())
        check_stream_against_contract(response, bytes(reader.body))
        return received

    async def run_unread(self, client: httpx.AsyncClient, text: str) -> None:
        """Send a message and let its stream run to the end, unread."""
        async with client.stream("POST", "/run_sse", headers=self.headers, json=self.body(text)) as response:
            async for _ in response.aiter_raw():
                pass

    def credits(self) -> dict[str, int]:
        return self.client.get("/api/credits/balance/simple", headers=self.headers).json()["data"]

    def state(self) -> dict[str, Any]:
        answer = self.client.get(f"/api/state/nemo_agent/me/{self.session_id}/latest", headers=self.headers)
        return answer.json()["data"]["state"]

    def wait_for_no_runs(self, seconds: float = 5) -> None:
        deadline = time.monotonic() + seconds
        while self.world.agent_runs.count() and time.monotonic() < deadline:
            time.sleep(0.02)


@contextmanager
def running_simulator(**agent: Any) -> Iterator[Sim]:
    world = World(SimConfig(seed=21, agent=agent, tokens={"anonymous_credits": CREDITS}))
    try:
        with live_server(create_app(world=world)) as base:
            sim = Sim(world, base)
            try:
                yield sim
            finally:
                sim.client.close()
    finally:
        world.close()


@pytest.fixture
def instant() -> Iterator[Sim]:
    with running_simulator(speed=0, **QUIET) as sim:
        yield sim


def kinds(received: list[Received]) -> list[str]:
    return [meaning(item.json)[0] for item in received if not item.is_heartbeat]


def final_text(received: list[Received]) -> str:
    texts = [meaning(item.json)[1] for item in received if not item.is_heartbeat and kinds([item]) == ["text"]]
    return texts[-1]


@pytest.mark.parametrize("dialect", ["adk", "simple"])
def test_an_edit_streams_call_result_text_and_changes_the_draft(dialect: str) -> None:
    with running_simulator(speed=0, dialect=dialect, **QUIET) as sim:
        received = sim.run(MERGE)
        assert kinds(received) == ["tool_call", "tool_result", "text"]
        call, result = received[0].json, received[1].json
        if dialect == "adk":
            assert call["author"] == "nemo_agent" and call["content"]["role"] == "model"
            assert call["content"]["parts"][0]["functionCall"]["name"] == "edit_multitrack"
            assert result["content"]["role"] == "user"
            assert call["invocationId"] == result["invocationId"] and call["id"] != result["id"]
        else:
            assert call == {"type": "tool_call", "name": "edit_multitrack", "args": {"operation": "merge"}}
        assert meaning(received[1].json)[1]["mismatch_ms"] == -2000
        assert "sync" in final_text(received)  # 5 s of video, 3 s of audio: the mismatch is reported
        draft = sim.state()["draft"]
        assert [track["tt"] for track in draft["t"]] == [0, 1]
        assert draft["d"] == 5000
        assert sim.credits() == {"available": CREDITS - 5, "frozen": 0, "total": CREDITS - 5}


def test_a_message_it_does_not_understand_gets_help_and_costs_nothing(instant: Sim) -> None:
    received = instant.run("what is the weather like?")
    assert kinds(received) == ["text"]
    assert "BGM" in final_text(received)
    assert instant.state()["draft"]["t"] == []
    assert instant.credits()["available"] == CREDITS


def test_chinese_messages_edit_and_answer_in_chinese(instant: Sim) -> None:
    received = instant.run("添加标题「城市之梦」前3秒")
    assert kinds(received) == ["tool_call", "tool_result", "text"]
    assert "城市之梦" in final_text(received) and "已添加" in final_text(received)
    title = instant.state()["draft"]["t"][0]
    assert (title["tt"], title["sg"][0]["m"]["text"], title["sg"][0]["d"]) == (7, "城市之梦", 3000)


def test_several_edits_in_one_message_stream_one_call_and_result_each(instant: Sim) -> None:
    received = instant.run("merge, then add lo-fi BGM at 35% and a title 'Urban Dreams' for the first 3 seconds")
    assert kinds(received) == ["tool_call", "tool_result"] * 3 + ["text"]
    summary = meaning(received[5].json)[1]["timeline"]
    assert summary == (
        "Timeline (4 tracks): 1. Video: city (0-5s) 2. Audio: song (0-3s, 100%) 3. BGM: Lo-fi (0-5s, 35%) "
        '4. Title: "Urban Dreams" (0-3s)'
    )
    assert instant.credits()["available"] == CREDITS - 15


def test_generation_is_two_stage_and_its_clip_is_a_real_file(instant: Sim) -> None:
    received = instant.run("generate a video of a city at night")
    assert kinds(received) == ["tool_call", "tool_result", "tool_call", "tool_result", "text"]
    names = [item.json["content"]["parts"][0] for item in received[:4]]
    assert names[0]["functionCall"]["name"] == "generate_video"
    assert names[2]["functionCall"]["args"]["operation"] == "post_production"
    state = instant.state()
    (media,) = state["generated_media"]
    assert media["prompt"] == "a city at night"
    clip = instant.client.get(media["url"])
    assert clip.status_code == 200 and clip.content[4:8] == b"ftyp"
    assert sorted(track["tt"] for track in state["draft"]["t"]) == [0, 1, 7]
    assert instant.credits()["available"] == CREDITS - 100


def test_adk_streaming_mode_sends_partial_pieces_then_the_whole_text(instant: Sim) -> None:
    received = instant.run("what is the weather like?", streaming=True)
    found = kinds(received)
    assert found[-1] == "text" and set(found[:-1]) == {"partial_text"} and len(found) > 2
    pieces = [meaning(item.json)[1] for item in received[:-1]]
    assert "".join(pieces) == final_text(received)


def test_gui_phrases_and_the_temporary_issue_come_at_their_rates() -> None:
    with running_simulator(speed=0, silent_rate=0, gui_phrase_rate=1, temporary_issue_rate=1) as sim:
        text = final_text(sim.run("add lo-fi BGM at 35%"))
        assert text.endswith("\n\nI encountered a temporary issue.")
        assert any(word in text for word in ("Click", "Open", "drag", "Preview"))
        chinese = final_text(sim.run("添加标题「你好」前2秒"))
        assert any(word in chinese for word in ("点击", "打开", "拖拽", "预览"))


def test_resending_while_running_runs_again_and_charges_again() -> None:
    with running_simulator(speed=0.05, **QUIET) as sim:

        async def send_twice() -> None:
            async with httpx.AsyncClient(base_url=sim.base, timeout=30) as client:
                await asyncio.gather(sim.run_unread(client, MERGE), sim.run_unread(client, MERGE))

        asyncio.run(send_twice())
        assert sim.credits() == {"available": CREDITS - 10, "frozen": 0, "total": CREDITS - 10}


@pytest.mark.parametrize("form", ["event", "empty", "comment"])
def test_heartbeats_keep_the_configured_spacing(form: str) -> None:
    # An edit lasts 10-30 s at speed 1; at 0.1 it lasts 1-3 s, with a heartbeat each 0.25 s.
    with running_simulator(speed=0.1, heartbeat_seconds=0.25, heartbeat_form=form, **QUIET) as sim:
        received = sim.run("add lo-fi BGM at 35%")
        beats = [item for item in received if item.is_heartbeat]
        assert len(beats) >= 3
        if form == "comment":
            assert all(item.kind == "comment" and item.raw == "keep-alive" for item in beats)
        elif form == "empty":
            assert all(item.kind == "data" and item.raw == "" for item in beats)
        else:
            assert all(item.json == {"type": "heartbeat"} for item in beats)
        times = [item.at for item in received]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert max(gaps) < 0.25 + 0.2, gaps  # never quiet much longer than the interval
        beat_gaps = [b.at - a.at for a, b in itertools.pairwise(beats)]
        assert min(beat_gaps) > 0.25 - 0.1, beat_gaps  # and no heartbeat storms


def test_silent_edits_come_at_the_configured_rate() -> None:
    rate, runs = 0.3, 200
    with running_simulator(speed=0, silent_rate=rate, gui_phrase_rate=0, temporary_issue_rate=0) as sim:
        silent = 0
        for _ in range(runs):
            found = kinds(sim.run("add lo-fi BGM at 35%"))  # replaces the music: repeatable forever
            assert found in (["tool_call", "tool_result"], ["tool_call", "tool_result", "text"])
            silent += found == ["tool_call", "tool_result"]
        assert abs(silent / runs - rate) < 0.06, silent


def test_the_stream_closes_at_the_cap_and_nothing_is_charged() -> None:
    with running_simulator(speed=1, max_stream_seconds=0.6, heartbeat_seconds=0.2) as sim:
        started = time.monotonic()
        received = sim.run("generate a video of a city at night")
        elapsed = time.monotonic() - started
        assert 0.5 < elapsed < 3
        assert kinds(received) == ["tool_call"]  # the generation never finished
        assert sim.state()["draft"]["t"] == []
        assert sim.credits() == {"available": CREDITS, "frozen": 0, "total": CREDITS}
        sim.wait_for_no_runs()
        assert sim.world.agent_runs.count() == 0


def test_a_client_that_hangs_up_leaves_no_run_and_no_frozen_credits() -> None:
    with running_simulator(speed=0.5, heartbeat_seconds=0.1) as sim:
        with sim.client.stream("POST", "/run_sse", headers=sim.headers, json=sim.body(MERGE)) as response:
            events = StreamReader(response).events()  # kept: dropping the iterator closes the connection
            assert meaning(next(events).json)[0] == "tool_call"
            assert sim.credits()["frozen"] == 5
            assert sim.world.agent_runs.count() == 1
        sim.wait_for_no_runs()
        assert sim.world.agent_runs.count() == 0
        assert sim.credits() == {"available": CREDITS, "frozen": 0, "total": CREDITS}
        assert sim.state()["draft"]["t"] == []


def test_with_finish_on_disconnect_the_edit_lands_after_the_client_hung_up() -> None:
    # A backend that never noticed the hang-up: the merge (0.5-1.5 s at speed 0.05) lands
    # and is charged, and then the run ends by itself.
    with running_simulator(speed=0.05, heartbeat_seconds=0.1, on_disconnect="finish", **QUIET) as sim:
        with sim.client.stream("POST", "/run_sse", headers=sim.headers, json=sim.body(MERGE)) as response:
            events = StreamReader(response).events()  # kept: dropping the iterator closes the connection
            assert meaning(next(events).json)[0] == "tool_call"
        assert sim.state()["draft"]["t"] == []  # not yet: the edit is still under way
        sim.wait_for_no_runs(seconds=5)
        assert sim.world.agent_runs.count() == 0
        assert [track["tt"] for track in sim.state()["draft"]["t"]] == [0, 1]
        assert sim.credits() == {"available": CREDITS - 5, "frozen": 0, "total": CREDITS - 5}


def test_a_failing_tool_ends_the_stream_with_an_error_event_and_charges_nothing() -> None:
    with running_simulator(speed=0, failure_rate=1, **QUIET) as sim:
        received = sim.run(MERGE)  # the events are checked against the contract's StreamError too
        assert meaning(received[0].json)[0] == "tool_call"
        assert received[-1].json == {"error": "edit_multitrack failed: the editing service did not answer"}
        assert len(received) == 2
        assert sim.state()["draft"]["t"] == []
        assert sim.credits() == {"available": CREDITS, "frozen": 0, "total": CREDITS}


def test_fifty_concurrent_streams_keep_the_ledger_whole() -> None:
    with running_simulator(speed=0.02, heartbeat_seconds=0.1, **QUIET) as sim:
        granted = sim.credits()["total"]
        samples: list[dict[str, int]] = []

        async def storm() -> None:
            async with httpx.AsyncClient(base_url=sim.base, timeout=60) as client:

                async def watch() -> None:
                    for _ in range(40):
                        answer = await client.get("/api/credits/balance/simple", headers=sim.headers)
                        samples.append(answer.json()["data"])
                        await asyncio.sleep(0.02)

                await asyncio.gather(watch(), *(sim.run_unread(client, MERGE) for _ in range(50)))

        asyncio.run(storm())
        assert any(sample["frozen"] > 0 for sample in samples)
        for sample in samples:
            assert sample["total"] == sample["available"] + sample["frozen"]
            assert sample["total"] <= granted
        charged = sum(e.amount for e in sim.world.ledger.entries(sim.user_id) if e.kind == "charge")
        assert charged == 50 * 5
        assert sim.credits() == {"available": granted - 250, "frozen": 0, "total": granted - 250}
        sim.wait_for_no_runs()
        assert sim.world.agent_runs.count() == 0


def test_errors_before_the_stream_are_json(instant: Sim) -> None:
    client, body = instant.client, instant.body(MERGE)
    bad = client.post("/run_sse", json=body, headers={"Authorization": "Bearer nmv_usr_nope"})
    assert (bad.status_code, bad.json()["code"]) == (401, 1001)
    unknown = client.post("/run_sse", json=instant.body(MERGE, "5529798706024415232"), headers=instant.headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, 1002)
    malformed = client.post("/run_sse", json={"app_name": "nemo_agent"}, headers=instant.headers)
    assert (malformed.status_code, malformed.json()["code"]) == (400, 400)

    instant.world.ledger.set_available(instant.user_id, 2, "test", instant.world.clock.now())
    broke = client.post("/run_sse", json=body, headers=instant.headers)
    assert (broke.status_code, broke.json()["code"]) == (403, 2001)
    url = f"https://nemovideo.com/register?bind={instant.user_id}"
    assert url in broke.json()["message"] and broke.json()["data"]["register_url"] == url
    free = instant.run("what is the weather like?")  # words cost nothing, so they still work
    assert kinds(free) == ["text"]
